"""Anytime traces of every run of a problem as one tidy table: the scores of the set a run
returns after its first ``k`` evaluations (:func:`lab.scoring.returned_set_trace`) — normalized
hypervolume and IGD+ on the report metrics, normalized hypervolume on the search metrics — at
each ``k`` of a log-spaced grid that ends at the run's last evaluation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.analysis.run_arrays import RUN_KEYS, ProblemRuns
from lab.scoring import TRACE_POINTS, Yardstick, evaluation_grid, returned_set_trace

__all__ = ["TRACE_COLUMNS", "TRACE_POINTS", "traces_table"]

TRACE_COLUMNS: tuple[str, ...] = (
    *RUN_KEYS, "evaluations", "algo_time_s", "n_returned", "hv_normalized", "igd_plus",
    "hv_search_normalized",
)  # fmt: skip


def traces_table(block: ProblemRuns, *, points: int = TRACE_POINTS) -> pd.DataFrame:
    """Anytime traces of every run of one problem, as one tidy table.

    Args:
        block: the problem's runs.
        points: log-spaced grid points per run (:func:`lab.scoring.evaluation_grid`); runs
            of equal length share one grid, and every grid ends at the run's last evaluation,
            so a run's last trace row equals its final indicators.

    Returns:
        One row per (run, grid point) with :data:`TRACE_COLUMNS`: ``evaluations`` (``k``),
        ``algo_time_s`` (the algorithm's cumulative decision time after ``k`` evaluations, in
        seconds), ``n_returned``, ``hv_normalized`` and ``igd_plus`` on the report metrics,
        ``hv_search_normalized`` on the search metrics.
    """
    yardstick = Yardstick.of(block.problem)
    grids: dict[int, np.ndarray] = {}
    parts: dict[str, list[np.ndarray]] = {c: [] for c in TRACE_COLUMNS[len(RUN_KEYS) :]}
    run_index: list[np.ndarray] = []
    for j, sl in block:
        n = sl.stop - sl.start
        if n == 0:
            continue
        grid = grids.setdefault(n, evaluation_grid(n, points))
        size, (hv_r, igdp), (hv_s,) = returned_set_trace(
            block.S[sl],
            block.R[sl],
            block.returnable[sl],
            grid,
            yardstick.report_front,
            yardstick.ref,
            indicators=("hv", "igd_plus"),
            search_indicators=("hv",),
            search_ref=yardstick.search_ref,
        )
        parts["evaluations"].append(grid)
        parts["algo_time_s"].append(np.cumsum(block.algo_time_s[sl])[grid - 1])
        parts["n_returned"].append(size)
        parts["hv_normalized"].append(hv_r / yardstick.report_front_hv)
        parts["igd_plus"].append(igdp)
        parts["hv_search_normalized"].append(hv_s / yardstick.search_front_hv)
        run_index.append(np.full(grid.size, j))
    if not run_index:
        return pd.DataFrame(columns=list(TRACE_COLUMNS))
    idx = np.concatenate(run_index)
    table = block.runs.iloc[idx].reset_index(drop=True)
    for col, arrays in parts.items():
        table[col] = np.concatenate(arrays)
    return table
