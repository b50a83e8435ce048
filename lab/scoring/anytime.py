"""Anytime traces: the scores of a run's returned set after its first ``k`` evaluations, at each
``k`` of an evaluation grid.

After ``k`` evaluations the returned set is the one of :mod:`lab.scoring.returned_set` computed
on the first ``k`` evaluations (feasible, non-dominated on the search metrics, equal search
vectors all kept). It is maintained incrementally: between two grid points only the new feasible
evaluations are merged into it (one moocore non-dominance filter on ``set + new``, never on the
whole history), and indicators are recomputed only when it changed — the set (listed first)
changes iff a new evaluation survives, since a survivor is the only way an old member can be
dominated. The search hypervolume is non-decreasing in ``k``; report indicators need not be
monotone, because a point better on the search metrics can displace one that was better on the
report metrics — the generalization gap seen over time.

Inputs are normalized objectives (ideal 0, nadir 1, all minimized); the reference front is the
problem's exact Pareto front and ``ref`` its frozen hypervolume reference point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import moocore
import numpy as np
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError
from lab.indicators._arrays import as_front, as_points, as_vector
from lab.indicators.distance import gd_unchecked, igd_plus_unchecked, igd_unchecked
from lab.indicators.epsilon import epsilon_additive_unchecked
from lab.indicators.hypervolume import hypervolume_unchecked

#: Indicator name -> function of (set ``a x m``, front ``r x m``, ref ``m``) -> float.
INDICATORS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], float]] = {
    "hv": lambda A, Z, ref: hypervolume_unchecked(A, ref),
    "igd": lambda A, Z, ref: igd_unchecked(A, Z),
    "igd_plus": lambda A, Z, ref: igd_plus_unchecked(A, Z),
    "gd": lambda A, Z, ref: gd_unchecked(A, Z),
    "eps_add": lambda A, Z, ref: epsilon_additive_unchecked(A, Z),
}

#: The (weakly) Pareto-compliant pair computed when no indicator list is given.
DEFAULT_INDICATORS: tuple[str, ...] = ("hv", "igd_plus")

#: Default number of log-spaced grid points (duplicates at the small end are merged).
TRACE_POINTS = 20


def evaluation_grid(n: int, points: int = TRACE_POINTS, start: int = 1) -> np.ndarray:
    """Log-spaced evaluation counts from ``start`` to ``n``, always ending at ``n``.

    Args:
        n: number of evaluations of the run (the last grid point), ``n >= 1``.
        points: number of log-spaced values requested; rounding to integers merges duplicates at
            the small end, so the grid can be shorter.
        start: first evaluation count, ``1 <= start <= n``.

    Returns:
        Strictly increasing ``int64`` vector of evaluation counts (length ``<= points``, at least
        1), whose last element is ``n``.
    """
    if n < 1:
        raise IndicatorInputError(f"n must be >= 1, got {n}")
    if not 1 <= start <= n:
        raise IndicatorInputError(f"start must be in [1, n={n}], got {start}")
    if points < 1:
        raise IndicatorInputError(f"points must be >= 1, got {points}")
    if points == 1:
        return np.array([n], dtype=np.int64)
    grid = np.unique(np.rint(np.geomspace(start, n, points)).astype(np.int64))
    grid[-1] = n  # geomspace ends at n exactly, but keep the guarantee explicit
    return grid


def returned_set_trace(
    S: np.ndarray,
    R: np.ndarray,
    feasible: np.ndarray,
    grid: np.ndarray,
    report_front: np.ndarray,
    ref: np.ndarray,
    *,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    search_indicators: Sequence[str] = ("hv",),
    search_ref: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores of the returned set after the first ``k`` evaluations, for each grid ``k``
    (validated inputs; the analysis' hot path).

    Args:
        S: ``n x m`` normalized search objectives of one run, in evaluation order.
        R: ``n x m`` normalized report objectives of the same evaluations.
        feasible: ``n`` booleans; infeasible evaluations are never returned.
        grid: ``g`` strictly increasing evaluation counts in ``[1, n]``.
        report_front: ``r x m`` normalized exact report front (the distance indicators' target;
            the search-side distance indicators use it too, so pass the search front and
            ``indicators=()`` to score the search side against its own front).
        ref: ``m`` reference point.
        indicators: names from :data:`INDICATORS` scored on the report metrics.
        search_indicators: names from :data:`INDICATORS` scored on the search metrics.
        search_ref: ``m`` reference point of the search side (default ``ref``): one raw point
            normalized by each side's own front.

    Returns:
        ``(n_returned, report_values, search_values)``: the set's size (``g``, int64) and the
        indicator values (``len(indicators) x g`` and ``len(search_indicators) x g``). Before
        the first feasible evaluation the set is empty: ``hv`` is 0 and the distance indicators
        are ``inf``.
    """
    report_funcs = [INDICATORS[name] for name in indicators]
    search_funcs = [INDICATORS[name] for name in search_indicators]
    sref = ref if search_ref is None else search_ref
    feasible_idx = np.flatnonzero(feasible)
    n_feasible = np.cumsum(feasible)[grid - 1]
    size = np.zeros(grid.size, dtype=np.int64)
    report_values = np.empty((len(report_funcs), grid.size))
    search_values = np.empty((len(search_funcs), grid.size))
    empty = np.empty((0, S.shape[1]))
    current = np.empty(0, dtype=np.int64)
    now_r = [f(empty, report_front, ref) for f in report_funcs]
    now_s = [f(empty, report_front, sref) for f in search_funcs]
    prev = 0
    for g, c in enumerate(n_feasible):
        if c > prev:
            cand = np.concatenate((current, feasible_idx[prev:c]))
            n_old = current.size
            prev = c
            keep = moocore.is_nondominated(S[cand], keep_weakly=True)
            if keep[n_old:].any():
                current = cand[keep]
                A = R[current]
                now_r = [f(A, report_front, ref) for f in report_funcs]
                B = S[current]
                now_s = [f(B, report_front, sref) for f in search_funcs]
        size[g] = current.size
        report_values[:, g] = now_r
        search_values[:, g] = now_s
    return size, report_values, search_values


def _check_grid(grid: ArrayLike, n: int) -> np.ndarray:
    g = np.asarray(grid)
    if g.ndim != 1 or g.size == 0:
        raise IndicatorInputError("grid must be a non-empty 1-D vector of evaluation counts")
    if not np.issubdtype(g.dtype, np.integer):
        if not np.all(np.equal(np.mod(g, 1), 0)):
            raise IndicatorInputError("grid must hold integer evaluation counts")
    g = g.astype(np.int64)
    if np.any(np.diff(g) <= 0):
        raise IndicatorInputError("grid must be strictly increasing")
    if g[0] < 1 or g[-1] > n:
        raise IndicatorInputError(
            f"grid values must lie in [1, {n}] (the run has {n} evaluations), got [{g[0]}, {g[-1]}]"
        )
    return g


def _check_run(
    F: ArrayLike, feasible: ArrayLike | None, m: int, name: str
) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(F, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != m:
        raise IndicatorInputError(f"{name} must be an n x {m} array, got shape {arr.shape}")
    if feasible is None:
        mask = np.ones(arr.shape[0], dtype=bool)
    else:
        mask = np.asarray(feasible)
        if mask.dtype != bool or mask.shape != (arr.shape[0],):
            raise IndicatorInputError(
                f"feasible mask of {name} must be a boolean vector of length {arr.shape[0]}, "
                f"got dtype {mask.dtype} and shape {mask.shape}"
            )
    # Infeasible rows may hold NaN (failed evaluations); feasible ones must be usable.
    if not np.isfinite(arr[mask]).all():
        raise IndicatorInputError(f"{name} has NaN or infinite values in feasible rows")
    return np.ascontiguousarray(arr), mask


def _check_indicators(indicators: Sequence[str]) -> tuple[str, ...]:
    names = tuple(indicators)
    unknown = [i for i in names if i not in INDICATORS]
    if unknown:
        raise IndicatorInputError(f"unknown indicator(s) {unknown}; valid: {sorted(INDICATORS)}")
    if len(set(names)) != len(names):
        raise IndicatorInputError(f"indicator names must be unique, got {names}")
    return names


def anytime_trace(
    F: ArrayLike,
    front: ArrayLike,
    ref: ArrayLike,
    *,
    report: ArrayLike | None = None,
    feasible: ArrayLike | None = None,
    grid: ArrayLike | None = None,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
) -> dict[str, np.ndarray]:
    """Indicator values of the returned set after the first ``k`` evaluations, per grid ``k``.

    Args:
        F: ``n x m`` normalized search objectives of one run, in evaluation order (row ``i`` is
            the ``i+1``-th evaluation); the returned set is chosen on them. Infeasible rows may
            contain NaN.
        front: ``r x m`` exact Pareto front the indicators measure against, normalized the same
            way (the report front when ``report`` is given).
        ref: length-``m`` hypervolume reference point in normalized space (the problem's
            :meth:`~lab.problems.problem.Problem.normalized_reference`).
        report: ``n x m`` normalized report objectives the returned set is scored on; default
            ``F`` (score on what was searched).
        feasible: boolean vector of length ``n``; infeasible evaluations are never returned.
            ``None`` means all feasible.
        grid: strictly increasing evaluation counts in ``[1, n]``; default
            ``evaluation_grid(n)`` (log-spaced, ending at ``n``).
        indicators: names from :data:`INDICATORS`: ``hv`` (hypervolume w.r.t. ``ref``),
            ``igd``, ``igd_plus``, ``gd`` (p = 1, w.r.t. ``front``), ``eps_add`` (additive
            epsilon w.r.t. ``front``). An empty list traces only the set's size.

    Returns:
        Dict of vectors of length ``len(grid)``: ``evaluations`` (int64, the grid),
        ``n_returned`` (int64, size of the returned set) and one float64 vector per indicator.
        ``pandas.DataFrame(result)`` gives a tidy table.
    """
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    m = Z.shape[1]
    r = as_vector(ref, m, "ref")
    S, mask = _check_run(F, feasible, m, "F")
    R = S if report is None else _check_run(report, mask, m, "report")[0]
    if R.shape[0] != S.shape[0]:
        raise IndicatorInputError(f"report has {R.shape[0]} rows but F has {S.shape[0]}")
    g = evaluation_grid(S.shape[0]) if grid is None else _check_grid(grid, S.shape[0])
    names = _check_indicators(indicators)
    sizes, values, _ = returned_set_trace(
        S, R, mask, g, Z, r, indicators=names, search_indicators=()
    )
    out: dict[str, np.ndarray] = {"evaluations": g.copy(), "n_returned": sizes}
    out.update(zip(names, values, strict=True))
    return out


def anytime_traces_many(
    runs: Sequence[ArrayLike],
    front: ArrayLike,
    ref: ArrayLike,
    *,
    feasible: Sequence[ArrayLike | None] | None = None,
    grid: ArrayLike | None = None,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
) -> dict[str, np.ndarray]:
    """:func:`anytime_trace` for many runs of one problem on a common grid.

    Args:
        runs: ``R`` arrays, each ``n_j x m`` normalized objectives in evaluation order.
        front: ``r x m`` exact Pareto front (normalized).
        ref: length-``m`` hypervolume reference point.
        feasible: ``None`` (all feasible) or ``R`` boolean masks (an entry may be ``None``).
        grid: common evaluation counts; every run must have at least ``grid[-1]`` evaluations.
            Default: ``evaluation_grid(n)`` when all runs have the same length ``n``.
        indicators: names from :data:`INDICATORS`.

    Returns:
        ``evaluations`` (``g``, int64) and, as ``R x g`` arrays (row ``j`` is ``runs[j]``),
        ``n_returned`` (int64) and one float64 array per indicator.
    """
    names = _check_indicators(indicators)
    if feasible is not None and len(feasible) != len(runs):
        raise IndicatorInputError(
            f"feasible has {len(feasible)} masks but there are {len(runs)} runs"
        )
    lengths = {np.shape(F)[0] for F in runs}
    if grid is None:
        if len(lengths) > 1:
            raise IndicatorInputError(
                f"runs have different lengths {sorted(lengths)}; pass an explicit grid"
            )
        g = evaluation_grid(lengths.pop() if lengths else 1)
    else:
        g = _check_grid(grid, min(lengths) if lengths else np.iinfo(np.int64).max)
    out: dict[str, np.ndarray] = {
        "evaluations": g.copy(),
        "n_returned": np.zeros((len(runs), g.size), dtype=np.int64),
    }
    out.update({name: np.empty((len(runs), g.size)) for name in names})
    for j, F in enumerate(runs):
        one = anytime_trace(
            F,
            front,
            ref,
            feasible=None if feasible is None else feasible[j],
            grid=g,
            indicators=names,
        )
        out["n_returned"][j] = one["n_returned"]
        for name in names:
            out[name][j] = one[name]
    return out
