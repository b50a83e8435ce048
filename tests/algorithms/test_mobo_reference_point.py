"""The MOBO reference point: no oracle by default; the declared thresholds (the scoring's point)
or inference from the data seen, never moved inward."""

from __future__ import annotations

import numpy as np
import pytest

from lab.algorithms.mobo.reference_point import search_reference_point
from lab.algorithms.registry import make_algorithm
from lab.errors import ConfigError
from lab.problems import get_problem
from lab.problems.problem import Problem
from lab.problems.region_of_interest import without_thresholds


@pytest.fixture(scope="module")
def problem() -> Problem:
    """A problem without declared thresholds (a user table's, say)."""
    return without_thresholds(get_problem("nbg-cora-err-lat"))


def _with_threshold(problem: Problem, **thresholds: float) -> Problem:
    objectives = tuple(
        o.model_copy(update={"threshold": thresholds[o.name]}) if o.name in thresholds else o
        for o in problem.spec.objectives
    )
    spec = problem.spec.model_copy(update={"objectives": objectives})
    return Problem(spec, problem.table, problem.space)


def test_inferred_point_is_the_observed_nadir_plus_a_tenth_of_the_range(problem) -> None:
    rows = np.random.default_rng(1).choice(problem.n_architectures, 30, replace=False)
    F = problem.F_all[rows]
    ref = search_reference_point(problem, F, rule="inferred")
    # Closed form (BoTorch's rule, Ax's default): nadir + 0.1 * (nadir - ideal) of the
    # observed Pareto front, here computed by brute force.
    dominated = [
        any((F[j] <= F[i]).all() and (F[j] < F[i]).any() for j in range(len(F)))
        for i in range(len(F))
    ]
    front = F[~np.array(dominated)]
    nadir, ideal = front.max(axis=0), front.min(axis=0)
    np.testing.assert_allclose(ref, nadir + 0.1 * (nadir - ideal), rtol=1e-12)
    # It depends only on what was observed: never on the table's frozen normalization.
    assert not np.allclose(ref, problem.oracle_point)


def test_auto_is_the_default_and_never_the_oracle(problem) -> None:
    algo = make_algorithm("qnehvi", problem, budget=12, seed=0, n_init=10)
    assert algo.hyperparameters()["reference_point"] == "auto"
    algo.run()
    used = -algo.adapter.ref_point().numpy()
    F = algo.history.F
    np.testing.assert_allclose(used, search_reference_point(problem, F[:-1], rule="inferred"))
    assert not np.allclose(used, problem.oracle_point)
    oracle = make_algorithm(
        "qnehvi", problem, budget=11, seed=0, n_init=10, params={"reference_point": "oracle"}
    )
    oracle.run()
    np.testing.assert_array_equal(-oracle.adapter.ref_point().numpy(), problem.oracle_point)
    assert oracle.hyperparameters()["reference_point"] == "oracle"


def test_auto_never_moves_the_inferred_point_inward(problem) -> None:
    """As better points replace the front's extremes, BoTorch's rule shrinks the box; ``auto``
    keeps, per objective, the worse of the new inferred value and the previous one."""
    rng = np.random.default_rng(4)
    rows = rng.choice(problem.n_architectures, 200, replace=False)
    F = problem.F_all[rows]
    previous = None
    shrank = False
    for n in range(10, 201, 10):
        inferred = search_reference_point(problem, F[:n], rule="inferred")
        point = search_reference_point(problem, F[:n], previous=previous)
        np.testing.assert_array_equal(
            point, inferred if previous is None else np.maximum(inferred, previous)
        )
        if previous is not None:
            assert (point >= previous).all()
            shrank |= bool((inferred < previous).any())
        previous = point
    assert shrank, "the data never shrank BoTorch's point; the test checks nothing"


def test_builtin_problems_give_every_search_the_scoring_point() -> None:
    """With every threshold declared, ``auto`` is the problem's reference point (the scoring's
    and SMS-EMOA's) once a point inside the region was seen."""
    p = get_problem("nbg-cora-err-lat")
    assert np.isfinite(p.thresholds).all()
    np.testing.assert_array_equal(p.reference_point, p.thresholds)
    algo = make_algorithm("qnehvi", p, budget=12, seed=0, n_init=10)
    algo.run()
    np.testing.assert_array_equal(-algo.adapter.ref_point().numpy(), p.reference_point)
    assert not np.allclose(p.reference_point, p.oracle_point)


def test_declared_thresholds_are_used_as_declared(problem) -> None:
    q = _with_threshold(problem, error=0.5, latency=0.01)
    F = q.F_all[:50]
    np.testing.assert_array_equal(search_reference_point(q, F, rule="thresholds"), [0.5, 0.01])
    # auto: thresholds win once an observed point beats them.
    assert (F < [0.5, 0.01]).all(axis=1).any()
    np.testing.assert_array_equal(search_reference_point(q, F), [0.5, 0.01])
    # One threshold only: that one as declared, the other inferred from the data.
    half = _with_threshold(problem, error=0.5)
    ref = search_reference_point(half, F)
    assert ref[0] == 0.5
    assert ref[1] == pytest.approx(search_reference_point(problem, F, rule="inferred")[1])


def test_bad_rules_fail_loudly(problem) -> None:
    with pytest.raises(ConfigError, match="one of"):
        search_reference_point(problem, problem.F_all[:5], rule="frozen")
    with pytest.raises(ConfigError, match=r"threshold on every objective.*\['error', 'latency'\]"):
        make_algorithm(
            "qnehvi", problem, budget=12, seed=0, params={"reference_point": "thresholds"}
        )
