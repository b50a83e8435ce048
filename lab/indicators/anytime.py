"""Anytime traces: indicator values of the non-dominated set of the first ``k`` evaluations of a
run, at each ``k`` of an evaluation grid.

The non-dominated archive is maintained incrementally: between two grid points only the newly
evaluated feasible points are merged into the archive (one moocore non-dominance filter on
``archive + new points``, never on the whole history), and indicators are recomputed only when
the archive changed; otherwise the previous values are exact. 1,000 runs x 500 evaluations on a
log grid take a few seconds; the dominant cost is then the indicators themselves (moocore, in C,
on the archive), which any method pays whenever the archive changes, so the gain over recomputing
from scratch grows with the density of the grid and the stability of the archive rather than
being large on a sparse log grid (``tests/perf/bench_indicators.py`` measures both).

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

#: Indicator name -> function of (archive ``a x m``, front ``r x m``, ref ``m``) -> float.
INDICATORS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], float]] = {
    "hv": lambda A, Z, ref: hypervolume_unchecked(A, ref),
    "igd": lambda A, Z, ref: igd_unchecked(A, Z),
    "igd_plus": lambda A, Z, ref: igd_plus_unchecked(A, Z),
    "gd": lambda A, Z, ref: gd_unchecked(A, Z),
    "eps_add": lambda A, Z, ref: epsilon_additive_unchecked(A, Z),
}

#: The (weakly) Pareto-compliant pair computed when no indicator list is given.
DEFAULT_INDICATORS: tuple[str, ...] = ("hv", "igd_plus")


def evaluation_grid(n: int, points: int = 20, start: int = 1) -> np.ndarray:
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


def _trace(
    F: np.ndarray,
    mask: np.ndarray,
    grid: np.ndarray,
    Z: np.ndarray,
    ref: np.ndarray,
    names: tuple[str, ...],
) -> tuple[np.ndarray, np.ndarray]:
    """Archive sizes (``g``) and indicator values (``len(names) x g``) of one validated run."""
    funcs = [INDICATORS[name] for name in names]
    feasible_points = F[mask]
    # Number of feasible evaluations among the first k, for every grid point k.
    n_feasible = np.cumsum(mask)[grid - 1]
    sizes = np.zeros(grid.size, dtype=np.int64)
    values = np.empty((len(names), grid.size))
    archive = np.empty((0, F.shape[1]))
    current = [f(archive, Z, ref) for f in funcs]
    prev = 0
    for g, c in enumerate(n_feasible):
        if c > prev:
            new = feasible_points[prev:c]
            prev = c
            n_old = archive.shape[0]
            cand = np.concatenate((archive, new)) if n_old else new
            # keep_weakly=False drops later duplicates, so a re-evaluated point already in the
            # archive is not added twice and the archive (listed first) stays unchanged.
            keep = moocore.is_nondominated(cand, keep_weakly=False)
            # The archive is mutually non-dominated, so it changes iff some new point survives;
            # otherwise the previous indicator values are exact and are not recomputed.
            if keep[n_old:].any():
                archive = cand[keep]
                current = [f(archive, Z, ref) for f in funcs]
        sizes[g] = archive.shape[0]
        values[:, g] = current
    return sizes, values


def anytime_trace(
    F: ArrayLike,
    front: ArrayLike,
    ref: ArrayLike,
    *,
    feasible: ArrayLike | None = None,
    grid: ArrayLike | None = None,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
) -> dict[str, np.ndarray]:
    """Indicator values of the non-dominated set of the first ``k`` evaluations, per grid ``k``.

    Args:
        F: ``n x m`` normalized objectives of one run, in evaluation order (row ``i`` is the
            ``i+1``-th evaluation). Infeasible rows may contain NaN.
        front: ``r x m`` exact Pareto front of the problem, normalized the same way.
        ref: length-``m`` hypervolume reference point (1.1 per objective in normalized space).
        feasible: boolean vector of length ``n``; infeasible evaluations never enter the
            archive. ``None`` means all feasible.
        grid: strictly increasing evaluation counts in ``[1, n]``; default
            ``evaluation_grid(n)`` (log-spaced, ending at ``n``).
        indicators: names from :data:`INDICATORS`: ``hv`` (hypervolume w.r.t. ``ref``),
            ``igd``, ``igd_plus``, ``gd`` (p = 1, w.r.t. ``front``), ``eps_add`` (additive
            epsilon w.r.t. ``front``). An empty list traces only the archive size.

    Returns:
        Dict of vectors of length ``len(grid)``: ``evaluations`` (int64, the grid),
        ``archive_size`` (int64, number of non-dominated feasible points so far) and one float64
        vector per indicator. Before the first feasible evaluation the archive is empty: ``hv``
        is 0 and the distance indicators are ``inf``. ``pandas.DataFrame(result)`` gives a tidy
        table.
    """
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    m = Z.shape[1]
    r = as_vector(ref, m, "ref")
    arr, mask = _check_run(F, feasible, m, "F")
    g = evaluation_grid(arr.shape[0]) if grid is None else _check_grid(grid, arr.shape[0])
    names = _check_indicators(indicators)
    sizes, values = _trace(arr, mask, g, Z, r, names)
    out: dict[str, np.ndarray] = {"evaluations": g.copy(), "archive_size": sizes}
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
        ``archive_size`` (int64) and one float64 array per indicator.
    """
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    m = Z.shape[1]
    r = as_vector(ref, m, "ref")
    names = _check_indicators(indicators)
    if feasible is not None and len(feasible) != len(runs):
        raise IndicatorInputError(
            f"feasible has {len(feasible)} masks but there are {len(runs)} runs"
        )
    checked = [
        _check_run(F, None if feasible is None else feasible[j], m, f"runs[{j}]")
        for j, F in enumerate(runs)
    ]
    lengths = {arr.shape[0] for arr, _ in checked}
    if grid is None:
        if len(lengths) > 1:
            raise IndicatorInputError(
                f"runs have different lengths {sorted(lengths)}; pass an explicit grid"
            )
        n = lengths.pop() if lengths else 1
        g = evaluation_grid(n)
    else:
        g = _check_grid(grid, min(lengths) if lengths else np.iinfo(np.int64).max)
    out: dict[str, np.ndarray] = {
        "evaluations": g.copy(),
        "archive_size": np.zeros((len(runs), g.size), dtype=np.int64),
    }
    out.update({name: np.empty((len(runs), g.size)) for name in names})
    for j, (arr, mask) in enumerate(checked):
        out["archive_size"][j], values = _trace(arr, mask, g, Z, r, names)
        for name, v in zip(names, values, strict=True):
            out[name][j] = v
    return out
