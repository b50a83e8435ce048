"""The search space is the scored space: degenerate architectures are out of it (or in it and
scored), and rows whose results are identical by construction are one evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lab.algorithms.registry import make_algorithm
from lab.errors import InvalidArchitectureError
from lab.problems import get_problem
from lab.problems.identical_results import shared_result_columns
from lab.problems.problem import Problem
from lab.problems.region_of_interest import without_thresholds
from tests.conftest import needs_nb201

#: From the AnalogNAS wheel: NAS-Bench-201 cells with the space's degenerate rule, no files.
ANALOG = "anb-err-params-drop"


def _including(problem: Problem) -> Problem:
    spec = problem.spec.model_copy(update={"degenerate": "include"})
    return Problem(spec, problem.table, problem.space)


def test_degenerate_cells_are_outside_the_search_space() -> None:
    p = get_problem(ANALOG)
    degenerate = np.flatnonzero(p.degenerate_all)
    assert len(degenerate) == 1983
    assert not p.searchable_all[degenerate].any()
    assert p.n_searchable == p.n_architectures - 1983  # AnalogNAS trained every cell apart
    assert (p.rows(p.genomes_all[degenerate]) == -1).all()
    with pytest.raises(InvalidArchitectureError, match="denotes no architecture"):
        p.evaluate(p.genomes_all[degenerate[:1]])
    rows = p.sample_rows(5000, np.random.default_rng(0))
    assert not p.degenerate_all[rows].any() and len(np.unique(rows)) == 5000


def test_included_degenerate_cells_are_searched_and_scored() -> None:
    # Without thresholds: the declared region of interest leaves chance-level cells out anyway.
    p = _including(without_thresholds(get_problem(ANALOG)))
    assert p.n_searchable == p.n_architectures
    degenerate = np.flatnonzero(p.degenerate_all)
    np.testing.assert_array_equal(p.rows(p.genomes_all[degenerate]), degenerate)
    assert p.returnable_mask(degenerate).all()
    assert p.scored_mask()[degenerate].any()


@pytest.mark.parametrize(
    "algorithm", ["random", "nsga2", "smsemoa", "moead", "ibea", "pls", "tpe", "reinforce"]
)
def test_no_algorithm_evaluates_outside_the_space(algorithm: str) -> None:
    p = get_problem(ANALOG)
    algo = make_algorithm(algorithm, p, budget=120, seed=3, n_init=10, batch_size=4)
    history = algo.run()
    assert len(np.unique(history.rows)) == 120
    assert p.searchable_all[history.rows].all()
    assert p.returnable_mask(history.rows, history.feasible).all()


def test_initial_designs_are_in_the_space() -> None:
    p = get_problem(ANALOG)
    for init in ("random", "lhs"):
        algo = make_algorithm("random", p, budget=200, seed=1, n_init=200, init=init)
        assert p.searchable_all[algo.initial_rows].all()


@needs_nb201
def test_isomorphs_with_identical_results_are_one_evaluation() -> None:
    p = get_problem("nb201-cifar10-err-params-flops")
    columns = shared_result_columns(p.table)
    assert len(columns) == 6
    # Independently: group the non-degenerate rows by the six accuracies and the objectives.
    frame = pd.DataFrame({c: p.table.metric_values(c) for c in columns})
    for j in range(p.n_obj):
        frame[f"f{j}"], frame[f"r{j}"] = p.F_all[:, j], p.F_report_all[:, j]
    frame = frame[~p.degenerate_all]
    groups = frame.groupby(list(frame.columns), sort=False).groups
    assert p.n_searchable == len(groups)
    # 9,278 distinct evaluations among 13,642 non-degenerate cells: 4,364 copies merged.
    assert p.n_searchable == 9278
    for members in list(groups.values())[:500]:
        members = np.asarray(members)
        first = members.min()
        np.testing.assert_array_equal(p.rows(p.genomes_all[members]), first)
        assert p.searchable_all[first] and not p.searchable_all[members[members != first]].any()


@needs_nb201
def test_isomorph_evaluations_are_not_charged_twice() -> None:
    p = get_problem("nb201-cifar10-err-params-flops")
    algo = make_algorithm("nsga2", p, budget=300, seed=0, n_init=10)
    history = algo.run()
    key = np.concatenate([history.F, history.F_report], axis=1)
    assert len(np.unique(key, axis=0)) == 300  # no evaluation repeats a stored result
    assert len(history) == 300


@needs_nb201
def test_latency_tells_isomorphs_apart() -> None:
    """HELP measured every cell: where the latencies differ the cells stay apart."""
    acc = get_problem("nb201-cifar10-err-params-flops")
    lat = get_problem("nb201-cifar10-err-lat-eyeriss")
    assert lat.n_searchable > acc.n_searchable
