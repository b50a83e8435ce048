"""Conformance suite every predictor passes: scikit-learn's ``check_estimator`` plus the
contract of :mod:`lab.surrogates.predictors.base` (seeds, multi-output, uncertainty, storage)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_estimator

from lab.errors import ConfigError, SurrogateError, UnknownNameError
from lab.surrogates.predictors import load_predictor, make_predictor, predictor_names

#: Cheap hyperparameters per predictor, so that the suite stays fast.
FAST: dict[str, dict] = {
    "xgboost": {"n_estimators": 50, "learning_rate": 0.3},
    "random_forest": {"n_estimators": 20},
    "gp": {"lbfgs_iterations": 30},
    "mlp": {"epochs": 60, "n_hidden": 32, "n_layers": 2},
    "knn": {},
    "linear": {},
    "ensemble": {"params": {"n_estimators": 50, "learning_rate": 0.3}, "n_members": 3},
}
ALL = ["xgboost", "random_forest", "gp", "mlp", "knn", "linear", "ensemble"]


def test_registry_lists_every_predictor():
    assert sorted(ALL) == predictor_names()
    with pytest.raises(UnknownNameError, match="xgboost"):
        make_predictor("boosted")
    with pytest.raises(ConfigError, match="n_estimators"):
        make_predictor("xgboost", trees=10)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n == "gp" else n for n in ALL]
)
def test_sklearn_check_estimator(name):
    params = FAST[name]
    if name == "mlp":
        params = {**params, "epochs": 40, "n_hidden": 16}
    if name == "ensemble":  # check_estimator fits ~100 times: keep the members tiny
        params = {"params": {"n_estimators": 20, "learning_rate": 0.5}, "n_members": 2}
    check_estimator(make_predictor(name, **params))


def _data(n: int = 200, k: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Binary features (like an encoding) and an additive target per output plus a little noise."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 2, size=(n, 12)).astype(float)
    W = rng.normal(size=(12, k))
    return X, X @ W + 0.05 * rng.normal(size=(n, k))


@pytest.mark.parametrize("name", ALL)
def test_contract(name, tmp_path):
    params = FAST[name]
    model = make_predictor(name, **params)
    assert model.get_params(deep=False) == {**make_predictor(name).get_params(deep=False), **params}
    assert not [a for a in vars(model) if a.endswith("_")]  # __init__ learns nothing
    X, Y = _data()
    Xtr, Ytr, Xte, Yte = X[:150], Y[:150], X[150:], Y[150:]
    assert model.fit(Xtr, Ytr) is model
    pred = model.predict(Xte)
    assert pred.shape == (50, 2)
    for j in range(2):  # it learned something on every output
        assert stats.kendalltau(pred[:, j], Yte[:, j]).statistic > 0.5
    single = clone(model).fit(Xtr, Ytr[:, 0])
    assert single.predict(Xte).shape == (50,)
    # the same seed gives the same model
    np.testing.assert_array_equal(clone(model).fit(Xtr, Ytr).predict(Xte), pred)
    if model.supports_std:
        mean, std = model.predict(Xte, return_std=True)
        np.testing.assert_allclose(mean, pred)
        assert std.shape == (50, 2) and np.all(std > 0)
    else:
        with pytest.raises(SurrogateError, match="uncertainty"):
            model.predict(Xte, return_std=True)
    # storage round trip in this process (a fresh process is tested with the artifacts)
    loaded = load_predictor(model.save(tmp_path / name))
    np.testing.assert_array_equal(loaded.predict(Xte), pred)
    assert loaded.get_params(deep=False) == model.get_params(deep=False)


def test_seed_changes_stochastic_models():
    X, Y = _data(k=1)
    a = make_predictor("xgboost", **FAST["xgboost"], random_state=1).fit(X, Y[:, 0]).predict(X)
    b = make_predictor("xgboost", **FAST["xgboost"], random_state=2).fit(X, Y[:, 0]).predict(X)
    assert not np.array_equal(a, b)


def test_ensemble_uncertainty_is_calibrated_on_noisy_data():
    rng = np.random.default_rng(3)
    X = rng.integers(0, 2, size=(1500, 8)).astype(float)
    y = X @ rng.normal(size=8) + 0.5 * rng.normal(size=1500)  # noise std 0.5
    model = make_predictor(
        "ensemble", params={"n_estimators": 100, "learning_rate": 0.1, "max_depth": 3}
    )
    model.fit(X[:1000], y[:1000])
    mean, std = model.predict(X[1000:], return_std=True)
    # the out-of-bag noise term brings the predictive std near the true noise level
    assert 0.35 < np.median(std) < 0.75
    inside = np.abs(y[1000:] - mean) <= 1.645 * std
    assert 0.8 < inside.mean() < 0.97


def test_gp_interpolates_and_grows_uncertain_away_from_data():
    x = np.linspace(0, 1, 15)[:, None]
    y = np.sin(6 * x[:, 0])
    gp = make_predictor("gp").fit(x, y)
    np.testing.assert_allclose(gp.predict(x), y, atol=0.05)
    _, std_near = gp.predict(np.array([[0.5]]), return_std=True)
    _, std_far = gp.predict(np.array([[3.0]]), return_std=True)
    assert std_far[0] > 5 * std_near[0]


def test_gp_caps_training_rows():
    X, Y = _data(n=120, k=1)
    gp = make_predictor("gp", max_train=50, lbfgs_iterations=10).fit(X, Y[:, 0])
    assert gp.n_train_used_ == 50


def test_ensemble_refuses_member_seed_and_single_member():
    X, Y = _data(n=40, k=1)
    with pytest.raises(SurrogateError, match="random_state"):
        make_predictor("ensemble", params={"random_state": 1}).fit(X, Y[:, 0])
    with pytest.raises(SurrogateError, match="n_members"):
        make_predictor("ensemble", n_members=1).fit(X, Y[:, 0])
