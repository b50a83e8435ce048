import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lab.errors import StatsInputError
from lab.stats.descriptive import SUMMARY_COLUMNS, bootstrap_mean_ci, summarize


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for problem in ("p1", "p2"):
        for alg, mu in (("nsga2", 0.6), ("mobo", 0.7)):
            for seed in range(15):
                rows.append((problem, alg, seed, mu + 0.05 * rng.standard_normal()))
    return pd.DataFrame(rows, columns=["problem", "algorithm", "seed", "value"])


def test_descriptive_statistics_are_exact():
    df = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 2, "v": [1.0, 2.0, 3.0, 4.0, 10.0, 7.0, 7.0]})
    out = summarize(df, ["g"], "v", seed=0).set_index("g")
    assert list(out.columns) == list(SUMMARY_COLUMNS)
    a = out.loc["a"]
    assert a["count"] == 5 and a["mean"] == pytest.approx(4.0) and a["median"] == 3.0
    assert a["q25"] == 2.0 and a["q75"] == 4.0 and a["iqr"] == 2.0
    b = out.loc["b"]
    assert (b["ci_low"], b["ci_high"]) == (7.0, 7.0)  # constant group: degenerate interval


def test_bootstrap_ci_contains_the_mean_and_is_reproducible():
    df = _table()
    first = summarize(df, ["problem", "algorithm"], "value", seed=123)
    again = summarize(df, ["problem", "algorithm"], "value", seed=123)
    other = summarize(df, ["problem", "algorithm"], "value", seed=124)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"], other["ci_low"])
    assert ((first["ci_low"] < first["mean"]) & (first["mean"] < first["ci_high"])).all()
    assert len(first) == 4 and (first["count"] == 15).all()
    assert list(first[["problem", "algorithm"]].itertuples(index=False, name=None)) == [
        ("p1", "mobo"),
        ("p1", "nsga2"),
        ("p2", "mobo"),
        ("p2", "nsga2"),
    ]


def test_bootstrap_equals_scipy_called_directly():
    x = _table()["value"].to_numpy()[:15]
    got = bootstrap_mean_ci(x, np.random.default_rng(9), confidence_level=0.9, n_resamples=2000)
    res = stats.bootstrap(
        (x,), np.mean, confidence_level=0.9, n_resamples=2000, rng=np.random.default_rng(9)
    )
    assert got == (res.confidence_interval.low, res.confidence_interval.high)
    summary = summarize(
        pd.DataFrame({"g": 1, "v": x}), ["g"], "v", seed=9, confidence_level=0.9, n_resamples=2000
    )
    assert (summary["ci_low"].iloc[0], summary["ci_high"].iloc[0]) == got


def test_a_generator_seed_is_consumed_and_nan_values_are_dropped():
    df = pd.DataFrame({"g": ["a"] * 4, "v": [1.0, np.nan, 2.0, 4.0]})
    out = summarize(df, ["g"], "v", seed=np.random.default_rng(0))
    assert out["count"].iloc[0] == 3 and out["mean"].iloc[0] == pytest.approx(7 / 3)
    single = summarize(pd.DataFrame({"g": ["a"], "v": [1.0]}), ["g"], "v", seed=0)
    assert math.isnan(single["ci_low"].iloc[0]) and single["median"].iloc[0] == 1.0


def test_invalid_inputs_raise():
    df = _table()
    with pytest.raises(StatsInputError, match="missing column"):
        summarize(df, ["problem"], "hv", seed=0)
    with pytest.raises(StatsInputError, match="at least one column"):
        summarize(df, [], "value", seed=0)
    with pytest.raises(StatsInputError, match="seed must be"):
        summarize(df, ["problem"], "value", seed=None)
    with pytest.raises(TypeError):
        summarize(df, ["problem"], "value")  # the seed is required: randomness is explicit
