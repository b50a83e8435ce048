"""Empirical attainment functions (EAF) of a set of runs, computed by moocore.

A point ``z`` of objective space is *attained* by a run when some point of the run weakly dominates
it (all objectives minimized). The ``level``-attainment surface of ``R`` runs separates the points
attained by at least ``level`` runs from the others; it is described by its minimal points, and the
attained region is the union of the orthants ``{q : q >= z}`` over those points. The best surface
is level 1 (attained by some run), the median level ``ceil(R / 2)`` (moocore's 50 % level) and the
worst level ``R`` (attained by every run).

A run without any (feasible) point attains nothing but still counts in ``R``: it makes every
level above the number of non-empty runs empty. moocore cannot take empty sets, so levels are
computed among the non-empty runs (which is exact) and the EAF difference represents an empty run
by a single point at infinity.

Layouts, for a plotting module:

* :func:`attainment_surfaces` returns a tidy ``pandas.DataFrame``, one row per minimal point, with
  columns ``surface`` (name), ``level`` (runs), ``percentile`` (``100 * level / R``) and one column
  per objective. In 2-D, rows of a surface are sorted by increasing first objective (so the second
  decreases); draw them as a staircase (``drawstyle="steps-post"``) extended to the reference point.
* :func:`eaf_difference` returns one row per axis-aligned rectangle of constant difference with
  columns ``<f1>_lower``, ``<f2>_lower``, ``<f1>_upper``, ``<f2>_upper`` (upper corners may be
  ``inf``: the rectangle is unbounded) and ``diff``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import moocore
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError
from lab.indicators._arrays import as_points


def _runs(runs: Sequence[ArrayLike], name: str = "runs", m: int | None = None) -> list[np.ndarray]:
    if len(runs) == 0:
        raise IndicatorInputError(f"{name} is empty; an attainment function needs at least 1 run")
    out = []
    for j, run in enumerate(runs):
        pts = as_points(run, name=f"{name}[{j}]", m=m)
        m = pts.shape[1] if m is None else m
        out.append(pts)
    return out


def _stack(runs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Stack non-empty runs into ``points`` (``N x m``) and contiguous set ids (``N``), 1-based."""
    points = np.concatenate(runs)
    sets = np.concatenate([np.full(len(r), j + 1) for j, r in enumerate(runs)])
    return points, sets


def attainment_levels(n_runs: int) -> dict[str, int]:
    """Levels of the best, median and worst attainment surfaces of ``n_runs`` runs.

    Returns:
        ``{"best": 1, "median": ceil(n_runs / 2), "worst": n_runs}``.
    """
    if n_runs < 1:
        raise IndicatorInputError(f"n_runs must be >= 1, got {n_runs}")
    return {"best": 1, "median": math.ceil(n_runs / 2), "worst": n_runs}


def _surfaces(runs: list[np.ndarray], levels: Sequence[int]) -> dict[int, np.ndarray]:
    m = runs[0].shape[1]
    if not 2 <= m <= 3:
        raise IndicatorInputError(f"moocore computes the EAF for 2 or 3 objectives, got {m}")
    n_total = len(runs)
    bad = [lv for lv in levels if not 1 <= lv <= n_total]
    if bad:
        raise IndicatorInputError(f"levels must lie in [1, {n_total}], got {bad}")
    nonempty = [r for r in runs if r.shape[0] > 0]
    result = {int(lv): np.empty((0, m)) for lv in levels}
    reachable = sorted({int(lv) for lv in levels if lv <= len(nonempty)})
    if not reachable:
        return result
    points, sets = _stack(nonempty)
    # The level among non-empty runs equals the level among all runs, since empty runs attain
    # nothing; moocore maps each percentile back to ceil(n * p / 100) (with a tolerance).
    n = len(nonempty)
    eaf = moocore.eaf(points, sets, percentiles=[100.0 * lv / n for lv in reachable])
    got = np.rint(eaf[:, -1] * n / 100.0).astype(int)
    for lv in reachable:
        surf = eaf[got == lv, :-1]
        order = np.lexsort(surf.T[::-1])
        result[lv] = np.ascontiguousarray(surf[order])
    return result


def attainment_surface(runs: Sequence[ArrayLike], level: int) -> np.ndarray:
    """Minimal points of the ``level``-attainment surface of a set of runs.

    Args:
        runs: ``R`` point sets, each ``n_j x m`` (``m`` = 2 or 3, minimized); a set may be empty.
        level: number of runs that must attain a point, ``1 <= level <= R``.

    Returns:
        ``p x m`` array of the surface's minimal points, sorted lexicographically (in 2-D: first
        objective increasing). Empty (``0 x m``) when fewer than ``level`` runs have points.
    """
    checked = _runs(runs)
    return _surfaces(checked, [level])[int(level)]


def attainment_surfaces(
    runs: Sequence[ArrayLike],
    levels: Mapping[str, int] | None = None,
    objective_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Several attainment surfaces of one set of runs as a tidy table.

    Args:
        runs: ``R`` point sets, each ``n_j x m`` (``m`` = 2 or 3, minimized); a set may be empty.
        levels: surface name -> level in ``[1, R]``; default :func:`attainment_levels` (best,
            median, worst).
        objective_names: ``m`` column names; default ``f1 .. fm``.

    Returns:
        DataFrame with columns ``surface``, ``level``, ``percentile`` and the objective columns,
        one row per minimal point, surfaces in the order of ``levels`` (see the module docstring).
    """
    checked = _runs(runs)
    m = checked[0].shape[1]
    names = _objective_names(objective_names, m)
    lv = attainment_levels(len(checked)) if levels is None else dict(levels)
    surfaces = _surfaces(checked, list(lv.values()))
    frames = []
    for surface, level in lv.items():
        pts = surfaces[int(level)]
        frame = pd.DataFrame(pts, columns=names)
        frame.insert(0, "percentile", 100.0 * level / len(checked))
        frame.insert(0, "level", int(level))
        frame.insert(0, "surface", surface)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _objective_names(objective_names: Sequence[str] | None, m: int) -> list[str]:
    names = [f"f{i + 1}" for i in range(m)] if objective_names is None else list(objective_names)
    if len(names) != m:
        raise IndicatorInputError(f"objective_names has {len(names)} names for {m} objectives")
    return names


def eaf_difference(
    runs_a: Sequence[ArrayLike],
    runs_b: Sequence[ArrayLike],
    objective_names: Sequence[str] | None = None,
    drop_zero: bool = True,
) -> pd.DataFrame:
    """Difference between the EAFs of two algorithms' runs (2 objectives), as rectangles.

    Args:
        runs_a: ``R`` point sets of algorithm A, each ``n_j x 2`` (minimized); may be empty.
        runs_b: ``R`` point sets of algorithm B (the same number of runs as A, because moocore's
            EAF difference splits the pooled runs in two halves).
        objective_names: 2 names; default ``f1``, ``f2``.
        drop_zero: drop rectangles where both EAFs agree (they carry no information).

    Returns:
        DataFrame with columns ``<f1>_lower``, ``<f2>_lower``, ``<f1>_upper``, ``<f2>_upper``
        and ``diff``: every point ``q`` with ``lower <= q < upper`` is attained by a fraction
        ``diff + (fraction of B runs)`` of A runs, i.e. ``diff = attained_A / R - attained_B / R``
        in ``[-1, 1]``; positive values favour A. Points outside every rectangle have ``diff``
        0 (when ``drop_zero``).
    """
    a = _runs(runs_a, "runs_a", m=2)
    b = _runs(runs_b, "runs_b", m=2)
    if len(a) != len(b):
        raise IndicatorInputError(
            f"runs_a has {len(a)} runs and runs_b {len(b)}; the EAF difference needs equal counts"
        )
    names = _objective_names(objective_names, 2)
    n = len(a)
    # An empty run attains nothing: a single point at infinity attains only points at infinity.
    sentinel = np.full((1, 2), np.inf)
    x = _with_set_column([r if r.shape[0] else sentinel for r in a])
    y = _with_set_column([r if r.shape[0] else sentinel for r in b])
    # intervals = R makes moocore's value exactly (#A attaining - #B attaining).
    rect = moocore.eafdiff(x, y, intervals=n, rectangles=True)
    rect = rect[np.isfinite(rect[:, :2]).all(axis=1)]
    if drop_zero:
        rect = rect[rect[:, -1] != 0]
    cols = [f"{names[0]}_lower", f"{names[1]}_lower", f"{names[0]}_upper", f"{names[1]}_upper"]
    frame = pd.DataFrame(rect[:, :4], columns=cols)
    frame["diff"] = rect[:, 4] / n
    return frame


def _with_set_column(runs: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(
        [np.column_stack((r, np.full(len(r), j + 1.0))) for j, r in enumerate(runs)]
    )
