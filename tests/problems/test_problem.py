"""Problems: objectives, exact fronts (against brute force), frozen normalization."""

from __future__ import annotations

import numpy as np
import pytest

from lab.errors import ConfigError, UnknownNameError
from lab.problems import get_problem, problem_names
from lab.problems.pareto import nondominated_mask
from lab.problems.problem import Problem
from lab.problems.region_of_interest import without_thresholds
from lab.problems.registry import check_frozen, frozen_values
from tests.conftest import has_shared, needs_nb201


def dominates(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``len(A) x len(B)`` matrix: does ``A[i]`` Pareto-dominate ``B[j]`` (minimization)?"""
    weakly = (A[:, None, :] <= B[None, :, :]).all(axis=2)
    strictly = (A[:, None, :] < B[None, :, :]).any(axis=2)
    return weakly & strictly


def assert_exact_front(F: np.ndarray, feasible: np.ndarray, front: np.ndarray) -> None:
    """Pairwise proof that ``front`` is exactly the non-dominated set of the feasible rows.

    (1) no feasible row dominates a front member; (2) every other feasible row is dominated by
    some front member. By transitivity (2) needs only front members as dominators, which keeps the
    comparison at ``n x |front|`` instead of ``n x n``.
    """
    rows = np.flatnonzero(feasible)
    assert set(front.tolist()) <= set(rows.tolist())
    for start in range(0, len(rows), 4096):
        block = F[rows[start : start + 4096]]
        assert not dominates(block, F[front]).any(), "a front member is dominated"
    others = np.setdiff1d(rows, front)
    for start in range(0, len(others), 4096):
        block = others[start : start + 4096]
        assert dominates(F[front], F[block]).any(axis=0).all(), "a non-front row is not dominated"


def test_front_checker_on_a_hand_example() -> None:
    F = np.array([[1.0, 5.0], [2.0, 2.0], [3.0, 3.0], [5.0, 1.0], [2.0, 2.0]])
    feasible = np.ones(5, dtype=bool)
    assert_exact_front(F, feasible, np.array([0, 1, 3, 4]))
    with pytest.raises(AssertionError):
        assert_exact_front(F, feasible, np.array([0, 1, 3]))
    with pytest.raises(AssertionError):
        assert_exact_front(F, feasible, np.array([0, 1, 2, 3, 4]))


GRAPH_PROBLEMS = ["nbg-cora-err-lat", "nbg-cora-err-lat-params", "nbg-proteins-err-lat"]
DATA_PROBLEMS = [
    "nb201-cifar10-err-params-flops",
    "nb201-cifar100-err-lat-pixel3",
    "nb201-cifar10-err-flops-lat-pixel3-le12",
    "macro-err-params-flops",
]
AVAILABLE = GRAPH_PROBLEMS + [
    p for p in DATA_PROBLEMS
    if has_shared("nas-bench-201" if p.startswith("nb201") else "nas-bench-macro")
]  # fmt: skip


@pytest.mark.parametrize("name", AVAILABLE)
@pytest.mark.parametrize("kind", ["search", "report"])
def test_true_front_is_exact(name: str, kind: str) -> None:
    p = get_problem(name)
    F = p.F_all if kind == "search" else p.F_report_all
    assert_exact_front(F, p.scored_mask(kind), p.true_front_rows(kind))
    # The reference set holds each objective vector once.
    front = p.true_front(kind)
    assert len(np.unique(front, axis=0)) == len(front)
    assert {tuple(v) for v in F[p.true_front_rows(kind)]} == {tuple(v) for v in front}


@pytest.mark.parametrize("name", AVAILABLE)
def test_frozen_values_match_and_normalization(name: str) -> None:
    p = get_problem(name)
    frozen = frozen_values()[name]
    check_frozen(p, frozen)
    np.testing.assert_allclose(p.normalize(p.ideal[None]), 0.0, atol=1e-12)
    np.testing.assert_allclose(p.normalize(p.nadir[None]), 1.0, atol=1e-12)
    np.testing.assert_allclose(p.normalize(p.oracle_point[None]), 1.1, atol=1e-12)
    # Built-in problems declare every threshold: the reference point is the region's corner,
    # at least the 1.1 point of each kind's own normalization (the rule's 10 % margin).
    np.testing.assert_array_equal(p.reference_point, p.thresholds)
    for kind in ("search", "report"):
        ref = p.normalized_reference(kind)
        np.testing.assert_allclose(ref, p.normalize(p.thresholds[None], kind)[0], atol=1e-12)
        assert (ref >= 1.1 - 1e-9).all()
        front = p.normalize(p.true_front(kind), kind)
        assert front.min() >= -1e-12 and front.max() <= 1 + 1e-12
        np.testing.assert_allclose(front.min(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(front.max(axis=0), 1.0, atol=1e-12)
        assert 0 < p.true_front_hv(kind) <= float(np.prod(ref))


def test_frozen_mismatch_is_refused() -> None:
    p = get_problem("nbg-cora-err-lat")
    frozen = dict(frozen_values()["nbg-cora-err-lat"])
    frozen["true_front_hv"] = frozen["true_front_hv"] + 0.01
    with pytest.raises(ConfigError, match="lab bench freeze"):
        check_frozen(p, frozen)


def test_objectives_are_minimized_table_columns() -> None:
    p = get_problem("nbg-cora-err-lat-params")
    t = p.table
    rows = np.array([0, 5, 26205])
    ev = p.evaluate(p.genomes_all[rows])
    np.testing.assert_array_equal(ev.rows, rows)
    np.testing.assert_allclose(ev.F[:, 0], 1 - t.metric_values("val_acc_cora")[rows])
    np.testing.assert_allclose(ev.F_report[:, 0], 1 - t.metric_values("test_acc_cora")[rows])
    np.testing.assert_allclose(ev.F[:, 1], t.metric_values("latency_cora")[rows])
    np.testing.assert_allclose(ev.F[:, 2], t.metric_values("params_cora")[rows])
    np.testing.assert_array_equal(ev.arch_ids, t.arch_ids[rows])


def test_equivalent_genomes_evaluate_to_the_same_row() -> None:
    p = get_problem("nbg-cora-err-lat")
    g = np.array(
        [[8, 8, 1, 1, 0], [8, 1, 8, 1, 0]]
    )  # skip moved: same network after canonicalization
    rows = p.rows(g)
    assert rows[0] == rows[1] >= 0
    assert (p.rows(np.array([[3, 8, 8, 8, 8]])) == -1).all()  # all-skip is no architecture
    with pytest.raises(ValueError, match="denotes no architecture"):
        p.evaluate(np.array([[3, 8, 8, 8, 8]]))


@pytest.mark.skipif(not has_shared("nas-bench-201"), reason="NAS-Bench-201 raw files absent")
def test_constraints() -> None:
    p = get_problem("nb201-cifar10-err-flops-lat-pixel3-le12")
    lat = p.table.metric_values("latency_pixel3")
    np.testing.assert_allclose(p.G_all[:, 0], lat - 12.0)
    assert set(p.true_front_rows().tolist()) <= set(np.flatnonzero(lat <= 12.0).tolist())


def test_unknown_problem_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="unknown problem 'nope'; valid: .*nbg-cora-err-lat"):
        get_problem("nope")
    assert "nbg-cora-err-lat" in problem_names(available_only=True)
    assert len([n for n in problem_names() if n.startswith("nbg-")]) == 18


def _variant(name: str, **objective_updates: dict) -> Problem:
    """``name`` rebuilt without its thresholds, with some objectives' spec fields changed (e.g.
    a threshold)."""
    base = without_thresholds(get_problem(name))
    objectives = tuple(
        o.model_copy(update=objective_updates.get(o.name, {})) for o in base.spec.objectives
    )
    return Problem(base.spec.model_copy(update={"objectives": objectives}), base.table, base.space)


def test_search_and_report_are_normalized_by_their_own_fronts() -> None:
    p = without_thresholds(get_problem("nbg-cora-err-lat"))
    for kind in ("search", "report"):
        F = p.F_all if kind == "search" else p.F_report_all
        front = F[p.true_front_rows(kind)]
        ideal, nadir = p.bounds(kind)
        np.testing.assert_allclose(ideal, front.min(axis=0))
        np.testing.assert_allclose(nadir, front.max(axis=0))
    # A constant offset between validation and test errors cancels in the normalized values.
    shifted = _variant("nbg-cora-err-lat")
    shifted.F_all = p.F_all + np.array([0.05, 0.0])
    shifted._front_rows = {}
    shifted._bounds = {k: shifted._front_bounds(k) for k in ("search", "report")}
    np.testing.assert_allclose(
        shifted.normalize(shifted.F_all, "search"), p.normalize(p.F_all, "search"), atol=1e-12
    )
    with pytest.raises(ValueError, match="kind"):
        p.normalize(p.F_all[:2], "val")


def test_threshold_bounds_the_region_of_interest() -> None:
    p = without_thresholds(get_problem("nbg-cora-err-lat"))
    limit = 0.30
    q = _variant("nbg-cora-err-lat", error={"threshold": limit})
    for kind in ("search", "report"):
        F = q.objectives_of(kind)
        inside = p.feasible_all & (F[:, 0] <= limit)
        assert_exact_front(F, inside, q.true_front_rows(kind))
        assert q.bounds(kind)[1][0] <= limit < p.bounds(kind)[1][0]
    # The other objective has no threshold: every row may set it.
    assert np.isinf(q.thresholds[1])
    with pytest.raises(ConfigError, match="region of interest"):
        _variant("nbg-cora-err-lat", error={"threshold": 0.0}).true_front_rows()


@needs_nb201
def test_degenerate_cells_do_not_set_the_normalization() -> None:
    p = get_problem("nb201-cifar10-err-lat-pixel3")
    assert p.degenerate_all.sum() == 1983
    # Cut cells (constant output) are at chance accuracy and among the degenerate ones.
    chance = np.isclose(p.F_report_all[:, 0], 90.0)
    assert chance.sum() == 341 and p.degenerate_all[chance].all()
    assert not p.degenerate_all[p.true_front_rows("report")].any()
    # Without the rule a chance-level cell would be the nadir error (90 %).
    everything = p.feasible_all
    assert p.F_report_all[everything][nondominated_mask(p.F_report_all[everything])][
        :, 0
    ].max() == (pytest.approx(90.0))
    assert p.nadir[0] < 25.0
    frozen = frozen_values()["nb201-cifar10-err-lat-pixel3"]
    assert frozen["degenerate_rows"] == 1983


@needs_nb201
def test_reference_front_counts_distinct_vectors() -> None:
    p = get_problem("nb201-cifar10-err-params-flops")
    rows = p.true_front_rows("report")
    front = p.true_front("report")
    assert len(rows) > len(front)  # isomorphic cells share vectors
    assert frozen_values()[p.name]["true_front_size"] == len(front)
    assert frozen_values()[p.name]["true_front_architectures"] == len(rows)


def test_imagenet16_latency_problems_say_which_network_was_timed() -> None:
    names = problem_names()
    assert not [n for n in names if n.startswith("nb201-imagenet16-err-lat-")]
    cifar_lat = [n for n in names if n.startswith("nb201-imagenet16-err-cifar10lat-")]
    assert len(cifar_lat) == 6
    from lab.problems.registry import problem_specs

    assert "CIFAR-10 network" in problem_specs()[cifar_lat[0]].description
