"""Scores of a returned set, against moocore called directly and against closed forms."""

from __future__ import annotations

import moocore
import numpy as np
import pytest

from lab.algorithms.registry import make_algorithm
from lab.problems import get_problem
from lab.scoring import SCORE_COLUMNS, Yardstick, score_run, transfer_score
from tests.conftest import needs_nb201


@pytest.fixture(scope="module")
def problem():
    return get_problem("nbg-cora-err-lat")


def test_yardstick_is_the_problems_frozen_references(problem):
    ys = Yardstick.of(problem)
    assert Yardstick.of(problem) is ys
    np.testing.assert_array_equal(ys.ref, problem.normalized_reference("report"))
    np.testing.assert_array_equal(ys.search_ref, problem.normalized_reference("search"))
    # The reference point is the declared thresholds, on both metrics' normalizations.
    np.testing.assert_allclose(ys.ref, problem.normalize(problem.thresholds[None])[0])
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
    ref = problem.normalize(problem.thresholds[None])[0]
    inside = R[ret][(R[ret] < ref).all(axis=1)]
    hv = moocore.hypervolume(inside, ref=ref)
    assert s.hv == pytest.approx(hv, rel=1e-12)
    assert s.hv_normalized == pytest.approx(hv / problem.true_front_hv("report"), rel=1e-12)
    assert s.igd_plus == pytest.approx(moocore.igd_plus(R[ret], ref=front), rel=1e-12)
    # IGD and GD score the report-metric non-dominated, distinct subset of the returned set.
    nd = moocore.filter_dominated(R[ret], keep_weakly=False)
    assert s.igd == pytest.approx(moocore.igd(nd, ref=front), rel=1e-12)
    assert s.gd == pytest.approx(moocore.igd(front, ref=nd), rel=1e-12)
    assert s.eps_add == pytest.approx(moocore.epsilon_additive(R[ret], ref=front), rel=1e-12)
    sref = problem.normalize(problem.thresholds[None], "search")[0]
    assert s.hv_search == pytest.approx(moocore.hypervolume(S[ret], ref=sref), rel=1e-12)
    assert s.hv_gap == pytest.approx(s.hv_search_normalized - s.hv_normalized)


def test_transfer_score_leaves_out_infeasible_rows_and_is_one_on_the_front(problem):
    rows = problem.true_front_rows("report")
    t = transfer_score(problem, rows)
    assert t.n_scored == rows.size and t.hv_normalized == pytest.approx(1.0)
    assert transfer_score(problem, np.zeros(0, dtype=int)).hv == 0.0


def test_igd_and_gd_are_refiltered_on_the_report_metrics():
    """A point dominated on the report metrics (but returned on the search metrics) would lower
    IGD by being near an uncovered front point; the convention leaves it out."""
    from lab.scoring import score_returned

    ys = Yardstick(
        problem="toy",
        ref=np.array([1.1, 1.1]),
        search_ref=np.array([1.1, 1.1]),
        search_front=np.array([[0.0, 1.0], [1.0, 0.0]]),
        report_front=np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]),
        search_front_hv=1.0,
        report_front_hv=1.0,
    )
    S = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])  # all non-dominated on search metrics
    R = np.array([[0.2, 0.2], [1.0, 0.0], [0.55, 0.55]])  # (0.55, 0.55) dominated by (0.2, 0.2)
    s = score_returned(S, R, np.arange(3), ys)
    nd = R[:2]
    assert s.igd == pytest.approx(moocore.igd(nd, ref=ys.report_front))
    assert s.igd != pytest.approx(moocore.igd(R, ref=ys.report_front))
    assert s.gd == pytest.approx(moocore.igd(ys.report_front, ref=nd))
    # Hypervolume and IGD+ are unchanged by the dominated point.
    assert s.igd_plus == pytest.approx(moocore.igd_plus(nd, ref=ys.report_front))
    assert s.hv == pytest.approx(moocore.hypervolume(nd, ref=ys.ref))


@needs_nb201
def test_degenerate_cells_are_never_returned():
    """A parameter-free cell can beat every front member on latency; it is evaluated but never
    returned, so no run scores above the exact front."""
    p = get_problem("nb201-cifar10-err-lat-gold_6226")
    everything = np.arange(p.n_architectures)
    scores = score_run(p, p.F_all, p.F_report_all, p.returnable_mask(everything))
    assert scores.hv_normalized <= 1.0 + 1e-12
    assert not p.degenerate_all[scores.returned].any()
    # Counted as ordinary feasible evaluations, degenerate cells would score above the front.
    naive = score_run(p, p.F_all, p.F_report_all, p.feasible_all)
    assert naive.hv_normalized > 1.05
    algo = make_algorithm("random", p, budget=300, seed=0, n_init=10)
    h = algo.run()
    assert not p.degenerate_all[h.rows[algo.result_rows()]].any()
    assert algo.scores().hv_normalized <= 1.0 + 1e-12
