"""Behaviour of the BoTorch algorithms beyond the conformance suite: no global RNG use, warm
starts, known objectives and constraints, batches, the large-space path, validation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lab.algorithms.mobo import QNEHVI
from lab.algorithms.mobo.device import resolve_device, seeded_torch
from lab.algorithms.mobo.gp import GenomeGP
from lab.algorithms.registry import algorithm_params, make_algorithm
from lab.errors import ConfigError
from tests.algorithms.conformance import CONSTRAINED_PROBLEM, load_problem_or_skip

FAST = {"mc_samples": 16, "n_screen": 16, "warm_maxiter": 10, "fit_maxiter": 50}


@pytest.fixture(autouse=True)
def single_torch_thread():
    """One torch thread while a test runs (restored after): the tests' tensors are small,
    and on a shared two-core machine intra-op threads only add synchronization."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def problem():
    return load_problem_or_skip("nbg-cora-err-lat-params")


def run(name, problem, *, budget=12, n_init=8, seed=0, batch_size=1, **params):
    algo = make_algorithm(name, problem, budget=budget, seed=seed, n_init=n_init,
                          batch_size=batch_size, params={**FAST, **params})  # fmt: skip
    algo.run()
    return algo


def test_registered_with_hyperparameters() -> None:
    for name in ("qnehvi", "qehvi", "qparego"):
        params = algorithm_params(name)
        for key in ("log", "kernel", "known_objectives", "known_constraints", "mc_samples",
                    "n_screen", "device"):  # fmt: skip
            assert key in params
        assert params["log"] is True and params["known_objectives"] == ()


def test_invalid_hyperparameters_fail_loudly(problem) -> None:
    with pytest.raises(ConfigError, match="kernel"):
        make_algorithm("qnehvi", problem, budget=12, seed=0, params={"kernel": "rbf"})
    with pytest.raises(ConfigError, match="mc_samples"):
        make_algorithm("qnehvi", problem, budget=12, seed=0, params={"mc_samples": 0})
    with pytest.raises(ConfigError, match="known_objectives"):
        make_algorithm("qnehvi", problem, budget=12, seed=0, params={"known_objectives": ["x"]})


def test_no_global_random_state_is_used_or_changed(problem) -> None:
    torch.manual_seed(123)
    np.random.seed(123)  # noqa: NPY002 - the legacy global state is what must stay untouched
    torch_state = torch.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002
    first = run("qnehvi", problem).history
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)  # noqa: NPY002
    torch.manual_seed(999)  # a different global state must not change the run
    second = run("qnehvi", problem).history
    np.testing.assert_array_equal(first.rows, second.rows)


def test_warm_start_after_the_first_fit(problem, monkeypatch) -> None:
    import lab.algorithms.mobo.seed_batch as seed_batch

    calls, alone = [], []
    original_batch, original_alone = seed_batch.fit_seed_batch, GenomeGP.fit

    def spy_batch(X, Y, *, states, maxiter, **kwargs):
        calls.append((maxiter, states is None))
        return original_batch(X, Y, states=states, maxiter=maxiter, **kwargs)

    def spy_alone(self, *, maxiter, state=None):
        alone.append(maxiter)
        return original_alone(self, maxiter=maxiter, state=state)

    monkeypatch.setattr(seed_batch, "fit_seed_batch", spy_batch)
    monkeypatch.setattr(GenomeGP, "fit", spy_alone)
    run("qnehvi", problem, budget=11, fit_maxiter=40, warm_maxiter=7)
    assert calls == [(40, True), (7, False), (7, False)]
    # Seven L-BFGS-B iterations end at the limit: BoTorch accepts such a fit, so no seed may
    # be refitted on its own (a misread status once made every warm fit a "failure").
    assert alone == []


def test_known_objectives_are_not_modelled(problem) -> None:
    algo = run("qnehvi", problem, known_objectives=["latency", "params"])
    assert algo.model is not None and algo.model.num_outputs == 1
    assert algo.hyperparameters()["known_objectives"] == ["latency", "params"]
    rows = algo.history.rows
    assert len(np.unique(rows)) == len(rows) and (rows >= 0).all()


def test_constraints_modelled_or_known() -> None:
    problem = load_problem_or_skip(CONSTRAINED_PROBLEM)
    modelled = run("qnehvi", problem, budget=11)
    assert modelled.model.num_outputs == problem.n_obj + problem.n_constr
    metric = problem.spec.constraints[0].metric
    known = run("qnehvi", problem, budget=14, known_constraints=[metric])
    assert known.model.num_outputs == problem.n_obj
    proposed = known.history.rows[known.n_init :]
    assert problem.feasible_all[proposed].all()


def test_batches_are_distinct_and_full(problem) -> None:
    for name in ("qnehvi", "qparego"):
        algo = run(name, problem, budget=14, batch_size=3)
        sizes = np.bincount(algo.history.batch)
        assert sizes[-2:].tolist() == [3, 3]
        assert len(np.unique(algo.history.rows)) == 14


def test_large_space_path_uses_a_pool_and_local_search(problem) -> None:
    algo = run("qehvi", problem, budget=11, max_exact=1000, pool_size=200,
               local_search_steps=2)  # fmt: skip
    assert algo.timings["n_candidates"] < 1000
    assert len(np.unique(algo.history.rows)) == 11


def test_exact_acquisition_over_every_candidate_when_unscreened(problem) -> None:
    screened = run("qnehvi", problem, budget=9, n_screen=problem.n_architectures)
    exact = run("qnehvi", problem, budget=9, n_screen=None)
    np.testing.assert_array_equal(screened.history.rows, exact.history.rows)


def test_device_choice() -> None:
    if not torch.cuda.is_available():
        assert resolve_device("auto") == torch.device("cpu")
        with pytest.raises(ConfigError, match="GPU"):
            resolve_device("cuda")
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ConfigError, match="device"):
        resolve_device("tpu")


def test_seeded_torch_forks_the_global_state() -> None:
    torch.manual_seed(5)
    before = torch.get_rng_state()
    with seeded_torch(42, torch.device("cpu")):
        a = torch.rand(3)
    with seeded_torch(42, torch.device("cpu")):
        b = torch.rand(3)
    assert torch.equal(a, b)
    assert torch.equal(torch.get_rng_state(), before)


def test_class_attributes() -> None:
    assert QNEHVI.name == "qnehvi" and QNEHVI.acquisition == "qnehvi"
    assert not QNEHVI.allows_repeats
