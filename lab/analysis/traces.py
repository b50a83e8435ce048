"""Anytime traces of the set a run returns: after its first ``k`` evaluations, the returned set
is the feasible evaluations among them that are non-dominated on the search metrics; it is scored
on the report metrics (normalized hypervolume and IGD+) and on the search metrics (normalized
hypervolume), at each ``k`` of a log-spaced grid that ends at the run's last evaluation.

The returned set is maintained incrementally: between two grid points only the new feasible
evaluations are merged into it (one moocore non-dominance filter on ``set + new``, never on the
whole history), and indicators are recomputed only when it changed. The search hypervolume is
non-decreasing in ``k``; the report indicators need not be monotone, because a point that is
better on the search metrics can displace one that was better on the report metrics — that is
the generalization gap seen over time.
"""

from __future__ import annotations

import moocore
import numpy as np
import pandas as pd

from lab.analysis.run_arrays import RUN_KEYS, ProblemRuns
from lab.indicators import evaluation_grid
from lab.indicators.distance import igd_plus_unchecked
from lab.indicators.hypervolume import hypervolume_unchecked

#: Default number of log-spaced grid points (duplicates at the small end are merged).
TRACE_POINTS = 20

TRACE_COLUMNS: tuple[str, ...] = (
    *RUN_KEYS, "evaluations", "algo_time_s", "n_returned", "hv_normalized", "igd_plus",
    "hv_search_normalized",
)  # fmt: skip


def returned_set_trace(
    S: np.ndarray,
    R: np.ndarray,
    feasible: np.ndarray,
    grid: np.ndarray,
    report_front: np.ndarray,
    ref: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indicators of the returned set after the first ``k`` evaluations, for each grid ``k``.

    Args:
        S: ``n x m`` normalized search objectives of one run, in evaluation order.
        R: ``n x m`` normalized report objectives of the same evaluations.
        feasible: ``n`` booleans; infeasible evaluations are never returned.
        grid: ``g`` strictly increasing evaluation counts in ``[1, n]``.
        report_front: ``r x m`` normalized exact report front.
        ref: ``m`` reference point.

    Returns:
        ``(n_returned, hv_report, igd_plus_report, hv_search)``, each of length ``g``:
        the size of the returned set, its report hypervolume and IGD+ (``inf`` while empty) and
        its search hypervolume (absolute, not yet divided by the fronts' hypervolumes).
    """
    feasible_idx = np.flatnonzero(feasible)
    n_feasible = np.cumsum(feasible)[grid - 1]
    size = np.zeros(grid.size, dtype=np.int64)
    hv_r = np.zeros(grid.size)
    igdp = np.full(grid.size, np.inf)
    hv_s = np.zeros(grid.size)
    current = np.empty(0, dtype=np.int64)
    values = (0.0, np.inf, 0.0)
    prev = 0
    for g, c in enumerate(n_feasible):
        if c > prev:
            cand = np.concatenate((current, feasible_idx[prev:c]))
            n_old = current.size
            prev = c
            # keep_weakly=True keeps evaluations whose search vectors equal a non-dominated one,
            # as lab.stats.returned_set does; the set (listed first) changes iff a new one
            # survives, since a survivor is the only way an old member can be dominated.
            keep = moocore.is_nondominated(S[cand], keep_weakly=True)
            if keep[n_old:].any():
                current = cand[keep]
                A = R[current]
                values = (
                    hypervolume_unchecked(A, ref),
                    igd_plus_unchecked(A, report_front),
                    hypervolume_unchecked(S[current], ref),
                )
        size[g] = current.size
        hv_r[g], igdp[g], hv_s[g] = values
    return size, hv_r, igdp, hv_s


def traces_table(block: ProblemRuns, *, points: int = TRACE_POINTS) -> pd.DataFrame:
    """Anytime traces of every run of one problem, as one tidy table.

    Args:
        block: the problem's runs.
        points: log-spaced grid points per run (:func:`lab.indicators.evaluation_grid`); runs
            of equal length share one grid, and every grid ends at the run's last evaluation,
            so a run's last trace row equals its final indicators.

    Returns:
        One row per (run, grid point) with :data:`TRACE_COLUMNS`: ``evaluations`` (``k``),
        ``algo_time_s`` (the algorithm's cumulative decision time after ``k`` evaluations, in
        seconds), ``n_returned``, ``hv_normalized`` and ``igd_plus`` on the report metrics,
        ``hv_search_normalized`` on the search metrics.
    """
    problem = block.problem
    ref = block.ref
    front = problem.normalize(problem.true_front("report"))
    report_hv = problem.true_front_hv("report")
    search_hv = problem.true_front_hv("search")
    grids: dict[int, np.ndarray] = {}
    parts: dict[str, list[np.ndarray]] = {c: [] for c in TRACE_COLUMNS[len(RUN_KEYS) :]}
    run_index: list[np.ndarray] = []
    for j, sl in block:
        n = sl.stop - sl.start
        if n == 0:
            continue
        grid = grids.setdefault(n, evaluation_grid(n, points))
        size, hv_r, igdp, hv_s = returned_set_trace(
            block.S[sl], block.R[sl], block.feasible[sl], grid, front, ref
        )
        parts["evaluations"].append(grid)
        parts["algo_time_s"].append(np.cumsum(block.algo_time_s[sl])[grid - 1])
        parts["n_returned"].append(size)
        parts["hv_normalized"].append(hv_r / report_hv)
        parts["igd_plus"].append(igdp)
        parts["hv_search_normalized"].append(hv_s / search_hv)
        run_index.append(np.full(grid.size, j))
    if not run_index:
        return pd.DataFrame(columns=list(TRACE_COLUMNS))
    idx = np.concatenate(run_index)
    table = block.runs.iloc[idx].reset_index(drop=True)
    for col, arrays in parts.items():
        table[col] = np.concatenate(arrays)
    return table
