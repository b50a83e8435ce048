import math

import numpy as np
import pytest
from scipy import stats

from lab.errors import StatsInputError
from lab.indicators.hypervolume import hypervolume
from lab.stats.search_vs_report import generalization_stats

REF = np.array([1.1, 1.1])

# Rows 0, 1, 3, 5 are non-dominated on the search metrics; row 2 is dominated by row 1, row 4 is
# infeasible (it would dominate everything), row 5 repeats row 3's search values.
SEARCH = np.array(
    [[0.1, 0.9], [0.4, 0.5], [0.5, 0.6], [0.8, 0.2], [0.0, 0.0], [0.8, 0.2]], dtype=float
)
REPORT = np.array(
    [[0.2, 0.9], [0.35, 0.6], [0.4, 0.4], [0.9, 0.25], [0.0, 0.0], [0.7, 0.3]], dtype=float
)
FEASIBLE = np.array([True, True, True, True, False, True])


def test_hypervolumes_gap_and_rank_correlations():
    res = generalization_stats(SEARCH, REPORT, REF, FEASIBLE)
    idx = [0, 1, 3, 5]
    np.testing.assert_array_equal(res.returned, idx)
    assert res.n_returned == 4
    assert res.hv_search == pytest.approx(hypervolume(SEARCH[idx], REF))
    assert res.hv_report == pytest.approx(hypervolume(REPORT[idx], REF))
    assert res.hv_gap == pytest.approx(res.hv_search - res.hv_report)
    # Hand-computed search HV: staircase (0.1,0.9), (0.4,0.5), (0.8,0.2) to (1.1, 1.1).
    assert res.hv_search == pytest.approx(0.3 * 0.2 + 0.4 * 0.6 + 0.3 * 0.9)
    for j in range(2):
        tau = stats.kendalltau(SEARCH[idx, j], REPORT[idx, j]).statistic
        rho = stats.spearmanr(SEARCH[idx, j], REPORT[idx, j]).statistic
        assert res.kendall_tau[j] == pytest.approx(tau)
        assert res.spearman_rho[j] == pytest.approx(rho)


def test_correlations_are_nan_for_fewer_than_three_points_or_constant_values():
    small = generalization_stats(SEARCH[:2], REPORT[:2], REF)
    assert np.isnan(small.kendall_tau).all() and np.isnan(small.spearman_rho).all()
    S = np.array([[0.1, 0.9], [0.5, 0.5], [0.9, 0.1]])
    R = np.array([[0.3, 0.9], [0.3, 0.5], [0.3, 0.2]])
    res = generalization_stats(S, R, REF)
    assert math.isnan(res.kendall_tau[0]) and res.kendall_tau[1] == pytest.approx(1.0)
    empty = generalization_stats(SEARCH, REPORT, REF, np.zeros(6, dtype=bool))
    assert empty.hv_search == empty.hv_report == 0.0 and empty.n_returned == 0


def test_report_rows_outside_the_returned_set_may_be_nan():
    report = REPORT.copy()
    report[[2, 4]] = np.nan
    res = generalization_stats(SEARCH, report, REF, FEASIBLE)
    assert math.isfinite(res.hv_report)
    report[1] = np.nan
    with pytest.raises(StatsInputError, match="returned set"):
        generalization_stats(SEARCH, report, REF, FEASIBLE)


def test_invalid_inputs_raise():
    with pytest.raises(StatsInputError, match="rows"):
        generalization_stats(SEARCH, REPORT[:3], REF)
    with pytest.raises(StatsInputError, match="boolean vector"):
        generalization_stats(SEARCH, REPORT, REF, [1, 0, 1, 1, 0, 1])
