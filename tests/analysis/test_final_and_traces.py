"""Final indicators and anytime traces against independent recomputations with moocore."""

from __future__ import annotations

from pathlib import Path

import moocore
import numpy as np
import pandas as pd
import pytest

from lab.analysis import AnalysisResult
from lab.analysis.final_indicators import FINAL_COLUMNS
from lab.analysis.traces import TRACE_COLUMNS
from lab.problems import get_problem
from lab.results.store import ResultsStore
from lab.scoring import evaluation_grid
from tests.analysis.conftest import EXPERIMENT


def _run(root: Path, run_id: str) -> tuple[dict, pd.DataFrame]:
    store = ResultsStore(root)
    return store.read_manifest(EXPERIMENT, run_id), store.read_history(EXPERIMENT, run_id)


def _returned(S: np.ndarray, feasible: np.ndarray) -> np.ndarray:
    idx = np.flatnonzero(feasible)
    return idx[moocore.is_nondominated(S[idx], keep_weakly=True)]


def _normalized(problem, history: pd.DataFrame, prefix: str) -> np.ndarray:
    """Search (``f``) columns by the search front's bounds, report (``r``) by the report's."""
    cols = [f"{prefix}{k}" for k in range(problem.n_obj)]
    F = history[cols].to_numpy(float)
    ideal, nadir = problem.bounds("search" if prefix == "f" else "report")
    return (F - ideal) / (nadir - ideal)


def test_final_table_has_one_row_per_run(analysis: AnalysisResult) -> None:
    final = analysis.final
    assert list(final.columns) == list(FINAL_COLUMNS)
    assert len(final) == 18 and final["run_id"].is_unique
    assert (final.groupby(["problem", "label"]).size() == 3).all()
    assert (final["n_evaluations"] == 40).all()


def test_final_indicators_equal_moocore_on_the_returned_set(
    analysis: AnalysisResult, store_root: Path
) -> None:
    for row in analysis.final.itertuples(index=False):
        problem = get_problem(row.problem)
        manifest, history = _run(store_root, row.run_id)
        S = _normalized(problem, history, "f")
        R = _normalized(problem, history, "r")
        ret = _returned(S, history["feasible"].to_numpy(bool))
        front = (problem.true_front("report") - problem.ideal) / (problem.nadir - problem.ideal)
        s_ideal, s_nadir = problem.bounds("search")
        sfront = (problem.true_front("search") - s_ideal) / (s_nadir - s_ideal)
        # The reference point is the declared thresholds, normalized by each metric's front.
        ref = (problem.thresholds - problem.ideal) / (problem.nadir - problem.ideal)
        sref = (problem.thresholds - s_ideal) / (s_nadir - s_ideal)
        hv = moocore.hypervolume(R[ret], ref=ref)
        hv_s = moocore.hypervolume(S[ret], ref=sref)
        assert row.n_returned == ret.size
        assert row.hv == pytest.approx(hv, rel=1e-12)
        assert row.hv_normalized == pytest.approx(hv / moocore.hypervolume(front, ref=ref))
        # The sweep runner computed the same value when it wrote the run.
        assert row.hv_normalized == pytest.approx(manifest["final"]["hv_normalized"], rel=1e-12)
        assert row.igd_plus == pytest.approx(moocore.igd_plus(R[ret], ref=front))
        # IGD on the report-metric non-dominated, distinct subset (the README's convention).
        nd = moocore.filter_dominated(R[ret], keep_weakly=False)
        assert row.igd == pytest.approx(moocore.igd(nd, ref=front))
        assert row.eps_add == pytest.approx(moocore.epsilon_additive(R[ret], ref=front))
        assert row.hv_search_normalized == pytest.approx(
            hv_s / moocore.hypervolume(sfront, ref=sref)
        )
        assert row.hv_gap == pytest.approx(row.hv_search_normalized - row.hv_normalized)
        assert 0 < row.hv_normalized <= 1 and 0 < row.hv_search_normalized <= 1


def test_traces_end_at_the_final_values(analysis: AnalysisResult) -> None:
    traces = analysis.traces
    assert list(traces.columns) == list(TRACE_COLUMNS)
    grid = evaluation_grid(40, 20)
    final = analysis.final.set_index("run_id")
    for run_id, trace in traces.groupby("run_id"):
        np.testing.assert_array_equal(trace["evaluations"].to_numpy(), grid)
        last = trace.iloc[-1]
        assert last["evaluations"] == 40
        for col in ("hv_normalized", "igd_plus", "hv_search_normalized", "n_returned"):
            assert last[col] == pytest.approx(final.loc[run_id, col], rel=1e-12)
        assert last["algo_time_s"] == pytest.approx(final.loc[run_id, "algo_time_s"])
        # The search hypervolume of the returned set can only grow with more evaluations.
        assert np.all(np.diff(trace["hv_search_normalized"].to_numpy()) >= 0)
        assert np.all(np.diff(trace["algo_time_s"].to_numpy()) >= 0)


def test_every_trace_point_equals_a_recomputation_from_the_prefix(
    analysis: AnalysisResult, store_root: Path
) -> None:
    for run_id in analysis.final["run_id"].iloc[::5]:
        trace = analysis.traces[analysis.traces["run_id"] == run_id]
        problem = get_problem(trace["problem"].iloc[0])
        _, history = _run(store_root, run_id)
        S = _normalized(problem, history, "f")
        R = _normalized(problem, history, "r")
        feasible = history["feasible"].to_numpy(bool)
        front = (problem.true_front("report") - problem.ideal) / (problem.nadir - problem.ideal)
        for point in trace.itertuples(index=False):
            k = point.evaluations
            ret = _returned(S[:k], feasible[:k])
            assert point.n_returned == ret.size
            ref = (problem.thresholds - problem.ideal) / (problem.nadir - problem.ideal)
            expected = moocore.hypervolume(R[ret], ref=ref) / problem.true_front_hv("report")
            assert point.hv_normalized == pytest.approx(expected, abs=1e-15)
            assert point.igd_plus == pytest.approx(moocore.igd_plus(R[ret], ref=front))
