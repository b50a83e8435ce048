"""Infeasible evaluations never enter the returned set; an empty set has HV 0 and IGD+ inf."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import moocore
import numpy as np
import pytest

from lab.analysis.final_indicators import final_indicators
from lab.analysis.run_arrays import problem_runs
from lab.analysis.traces import traces_table
from lab.results.query import load_experiment
from lab.scoring import evaluation_grid, returned_set_trace
from tests.analysis.conftest import EXPERIMENT


def _brute_force(S, R, feasible, grid, front, ref):
    out = []
    for k in grid:
        idx = np.flatnonzero(feasible[:k])
        ret = idx[moocore.is_nondominated(S[idx], keep_weakly=True)] if idx.size else idx
        hv = moocore.hypervolume(R[ret], ref=ref) if ret.size else 0.0
        igd = moocore.igd_plus(R[ret], ref=front) if ret.size else np.inf
        out.append((ret.size, hv, igd, moocore.hypervolume(S[ret], ref=ref) if ret.size else 0.0))
    return np.array(out).T


@pytest.mark.parametrize("m", [2, 3])
def test_incremental_trace_equals_brute_force_with_duplicates_and_infeasible(m: int) -> None:
    rng = np.random.default_rng(m)
    n = 120
    # Coarse values make many exact ties and duplicated search vectors.
    S = rng.integers(0, 6, size=(n, m)) / 5.0
    R = np.clip(S + 0.1 * rng.standard_normal((n, m)), 0, 1)
    feasible = rng.random(n) < 0.6
    feasible[:7] = False
    grid = evaluation_grid(n, 25)
    front = rng.random((15, m)) * 0.2
    ref = np.full(m, 1.1)
    size, (hv_r, igdp), (hv_s,) = returned_set_trace(
        S, R, feasible, grid, front, ref, indicators=("hv", "igd_plus"), search_indicators=("hv",)
    )
    got = (size, hv_r, igdp, hv_s)
    want = _brute_force(S, R, feasible, grid, front, ref)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    assert got[0][grid <= 7].sum() == 0 and np.isinf(got[2][grid <= 7]).all()


def test_runs_without_feasible_evaluations(store_root: Path) -> None:
    block = problem_runs(load_experiment(EXPERIMENT, root=store_root), "nbg-cora-err-lat")
    feasible = block.feasible.copy()
    feasible[block.run_slice(0)] = False
    feasible[block.run_slice(1).start : block.run_slice(1).start + 10] = False
    # NAS-Bench-Graph has no degenerate architectures: returnable = feasible.
    block = dataclasses.replace(block, feasible=feasible, returnable=feasible)
    fi = final_indicators(block)
    empty = fi.table.iloc[0]
    assert empty["n_feasible"] == 0 and empty["n_returned"] == 0
    assert empty["hv_normalized"] == 0 and empty["hv_search_normalized"] == 0
    assert np.isinf(empty["igd_plus"]) and np.isinf(empty["eps_add"])
    assert np.isnan(empty["spacing"]) and np.isnan(empty["spread"])
    traces = traces_table(block)
    run1 = traces[traces["run_id"] == block.runs["run_id"].iloc[1]]
    early = run1[run1["evaluations"] <= 10]
    assert (early["n_returned"] == 0).all() and (early["hv_normalized"] == 0).all()
    assert run1["hv_normalized"].iloc[-1] == fi.table["hv_normalized"].iloc[1]
