"""The returned set: one definition, also when nothing is feasible (an empty set)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from lab.algorithms.registry import make_algorithm
from lab.errors import IndicatorInputError
from lab.problems import get_problem
from lab.scoring import Yardstick, returned_set, score_set

# Rows 0, 1, 3, 5 are non-dominated on the search metrics; row 2 is dominated by row 1, row 4 is
# infeasible (it would dominate everything), row 5 repeats row 3's search values.
SEARCH = np.array(
    [[0.1, 0.9], [0.4, 0.5], [0.5, 0.6], [0.8, 0.2], [0.0, 0.0], [0.8, 0.2]], dtype=float
)
FEASIBLE = np.array([True, True, True, True, False, True])


def test_returned_set_is_feasible_nondominated_on_search_metrics():
    np.testing.assert_array_equal(returned_set(SEARCH, FEASIBLE), [0, 1, 3, 5])
    np.testing.assert_array_equal(returned_set(SEARCH, FEASIBLE, keep_duplicates=False), [0, 1, 3])
    np.testing.assert_array_equal(returned_set(SEARCH), [4])
    assert returned_set(SEARCH, np.zeros(6, dtype=bool)).size == 0
    # Equal in one objective and worse in the other is dominated, not a duplicate.
    np.testing.assert_array_equal(returned_set([[0.4, 0.5], [0.4, 0.6], [0.4, 0.5]]), [0, 2])


def test_invalid_inputs_raise():
    with pytest.raises(IndicatorInputError, match="boolean vector"):
        returned_set(SEARCH, [1, 0, 1, 1, 0, 1])
    with pytest.raises(IndicatorInputError, match="n x m"):
        returned_set(np.zeros(3))
    nan = SEARCH.copy()
    nan[0, 0] = np.nan
    with pytest.raises(IndicatorInputError, match="NaN"):
        returned_set(nan, FEASIBLE)
    returned_set(nan, ~np.eye(6, dtype=bool)[0])  # NaN in an infeasible row is fine


@pytest.fixture(scope="module")
def problem():
    return get_problem("nbg-cora-err-lat")


def test_algorithm_result_rows_are_the_returned_set(problem):
    algo = make_algorithm("random", problem, budget=30, seed=3, n_init=10)
    h = algo.run()
    np.testing.assert_array_equal(
        algo.result_rows(), returned_set(problem.normalize(h.F, "search"), h.feasible)
    )
    scores = algo.scores()
    np.testing.assert_array_equal(scores.returned, algo.result_rows())
    assert 0 < scores.hv_normalized <= 1 and 0 < scores.hv_search_normalized <= 1


def test_nothing_feasible_returns_an_empty_set_everywhere(problem):
    # The same table with one feasible architecture that a short random run does not meet.
    constrained = copy.copy(problem)
    only = problem.true_front_rows("report")[0]
    constrained.G_all = np.ones((problem.n_architectures, 1))
    constrained.G_all[only] = -1.0
    constrained.feasible_all = constrained.G_all[:, 0] <= 0
    algo = make_algorithm("random", constrained, budget=20, seed=0, n_init=10)
    h = algo.run()
    assert not h.feasible.any()
    assert algo.result_rows().size == 0
    scores = algo.scores()
    assert scores.n_returned == 0 and scores.hv == 0 and scores.hv_normalized == 0
    assert scores.hv_search_normalized == 0 and scores.hv_gap == 0
    assert np.isinf([scores.igd, scores.igd_plus, scores.gd, scores.eps_add]).all()
    assert np.isnan(scores.spacing) and np.isnan(scores.spread)
    # The analysis' path (normalized arrays) gives the same answer.
    again = score_set(
        problem.normalize(h.F, "search"),
        problem.normalize(h.F_report),
        h.feasible,
        Yardstick.of(problem),
    )
    assert again.as_dict() == pytest.approx(scores.as_dict(), nan_ok=True)
