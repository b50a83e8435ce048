"""Scores of a returned set, against moocore called directly and against closed forms."""

from __future__ import annotations

import moocore
import numpy as np
import pytest

from lab.algorithms.registry import make_algorithm
from lab.problems import get_problem
from lab.scoring import SCORE_COLUMNS, Yardstick, score_run, transfer_score


@pytest.fixture(scope="module")
def problem():
    return get_problem("nbg-cora-err-lat")


def test_yardstick_is_the_problems_frozen_references(problem):
    ys = Yardstick.of(problem)
    assert Yardstick.of(problem) is ys
    np.testing.assert_array_equal(ys.ref, [1.1, 1.1])
    assert ys.report_front_hv == pytest.approx(problem.frozen()["true_front_hv"], abs=1e-12)
    assert ys.search_front_hv == pytest.approx(problem.frozen()["search_front_hv"], abs=1e-12)
    # The exact front scores 1 on its own metrics.
    rows = problem.true_front_rows("report")
    F = problem.F_report_all[rows]
    assert score_run(problem, F, F).hv_normalized == pytest.approx(1.0)


def test_scores_equal_moocore_on_the_returned_set(problem):
    algo = make_algorithm("nsga2", problem, budget=40, seed=1, n_init=10)
    h = algo.run()
    s = score_run(problem, h.F, h.F_report, h.feasible)
    assert list(s.as_dict()) == list(SCORE_COLUMNS)
    S = problem.normalize(h.F, "search")
    R = problem.normalize(h.F_report)
    idx = np.flatnonzero(h.feasible)
    ret = idx[moocore.is_nondominated(S[idx], keep_weakly=True)]
    np.testing.assert_array_equal(s.returned, ret)
    front = problem.normalize(problem.true_front("report"))
    ref = np.array([1.1, 1.1])
    inside = R[ret][(R[ret] < ref).all(axis=1)]
    hv = moocore.hypervolume(inside, ref=ref)
    assert s.hv == pytest.approx(hv, rel=1e-12)
    assert s.hv_normalized == pytest.approx(hv / problem.true_front_hv("report"), rel=1e-12)
    assert s.igd_plus == pytest.approx(moocore.igd_plus(R[ret], ref=front), rel=1e-12)
    assert s.igd == pytest.approx(moocore.igd(R[ret], ref=front), rel=1e-12)
    assert s.eps_add == pytest.approx(moocore.epsilon_additive(R[ret], ref=front), rel=1e-12)
    assert s.hv_gap == pytest.approx(s.hv_search - s.hv)


def test_transfer_score_leaves_out_infeasible_rows_and_is_one_on_the_front(problem):
    rows = problem.true_front_rows("report")
    t = transfer_score(problem, rows)
    assert t.n_scored == rows.size and t.hv_normalized == pytest.approx(1.0)
    assert transfer_score(problem, np.zeros(0, dtype=int)).hv == 0.0
