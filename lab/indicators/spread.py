"""Diversity indicators: Schott's spacing, Deb's spread Δ (2 objectives) and the generalized spread
Δ* of Zhou et al. (any number of objectives). No listed library provides these with a reference
front, so they are written here.

Every function first reduces ``F`` to its non-dominated subset with duplicates removed (moocore),
because spread describes the shape of a front: dominated or repeated points would change the
nearest-neighbour distances without changing the front. Distances are Euclidean, except Schott's
spacing, which uses the Manhattan (L1) distance of the original definition. Results are
dimensionless ratios (spread) or objective units (spacing); lower is better for all of them.
"""

from __future__ import annotations

import math

import moocore
import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial.distance import cdist

from lab.errors import IndicatorInputError
from lab.indicators._arrays import as_front, as_points


def _nondominated(F: ArrayLike, m: int | None = None) -> np.ndarray:
    pts = as_points(F, m=m)
    if pts.shape[0] == 0:
        return pts
    return moocore.filter_dominated(pts, keep_weakly=False)


def _nearest_neighbour(A: np.ndarray, metric: str) -> np.ndarray:
    """Distance from each row of ``A`` (``n x m``, ``n >= 2``) to its nearest other row (``n``)."""
    D = cdist(A, A, metric=metric)
    np.fill_diagonal(D, np.inf)
    return D.min(axis=1)


def front_extremes(front: ArrayLike) -> np.ndarray:
    """The ``m`` extreme points of a reference front, one per objective (``m x m``).

    Row ``k`` is the front point with the largest value of objective ``k`` (ties broken by the
    lexicographically smallest remaining objectives, so that a non-dominated point is chosen). For
    a minimization front this is the end of the front where every *other* objective is as small as
    possible; for two objectives the rows are the front's two end points. This is the convention
    of jMetal's ``GeneralizedSpread``.
    """
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    m = Z.shape[1]
    rows = []
    for k in range(m):
        others = [j for j in range(m) if j != k]
        # np.lexsort sorts by its last key first: -Z[:, k] (largest first), then the others.
        keys = [Z[:, j] for j in reversed(others)] + [-Z[:, k]]
        rows.append(Z[np.lexsort(keys)[0]])
    return np.vstack(rows)


def spacing(F: ArrayLike) -> float:
    """Schott's spacing (1995) of the non-dominated subset ``A`` of ``F``.

    ``SP = sqrt(sum_i (dbar - d_i)^2 / (n - 1))`` with ``d_i`` the Manhattan distance from point
    ``i`` to its nearest other point of ``A`` and ``dbar`` their mean: the sample standard
    deviation of nearest-neighbour distances. 0 means perfectly even spacing.

    Args:
        F: ``n x m`` objective values (minimized).

    Returns:
        Spacing in objective units; ``nan`` when ``A`` has fewer than 2 points.
    """
    A = _nondominated(F)
    n = A.shape[0]
    if n < 2:
        return math.nan
    d = _nearest_neighbour(A, "cityblock")
    return float(np.sqrt(((d - d.mean()) ** 2).sum() / (n - 1)))


def deb_spread(F: ArrayLike, front: ArrayLike) -> float:
    """Deb's spread Δ (Deb et al. 2002, NSGA-II) for two objectives.

    With ``A`` the non-dominated subset of ``F`` sorted by the first objective, ``d_i`` the
    Euclidean distances between consecutive points (``n - 1`` of them), ``dbar`` their mean, and
    ``d_f``, ``d_l`` the distances from the true front's two extremes (see
    :func:`front_extremes`) to the first and last point of ``A``::

        Δ = (d_f + d_l + sum_i |d_i - dbar|) / (d_f + d_l + (n - 1) * dbar)

    Args:
        F: ``n x 2`` objective values (minimized).
        front: ``r x 2`` exact Pareto front of the problem (its extremes are used).

    Returns:
        Δ, dimensionless, 0 for an evenly spaced set that reaches both extremes. ``1.0`` for a
        single point (the formula's value), ``nan`` for an empty set or a zero denominator.
    """
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    if Z.shape[1] != 2:
        raise IndicatorInputError(
            f"Deb's spread is defined for 2 objectives, got {Z.shape[1]}; "
            "use generalized_spread for m > 2"
        )
    A = _nondominated(F, m=2)
    n = A.shape[0]
    if n == 0:
        return math.nan
    if n == 1:
        return 1.0
    A = A[np.argsort(A[:, 0], kind="stable")]
    # For a minimization front the point with the largest f2 is the end with the smallest f1.
    ext = front_extremes(Z)
    d_f = float(np.linalg.norm(ext[1] - A[0]))
    d_l = float(np.linalg.norm(ext[0] - A[-1]))
    d = np.linalg.norm(np.diff(A, axis=0), axis=1)
    dbar = float(d.mean())
    den = d_f + d_l + (n - 1) * dbar
    if den <= 0:
        return math.nan
    return (d_f + d_l + float(np.abs(d - dbar).sum())) / den


def generalized_spread(F: ArrayLike, front: ArrayLike) -> float:
    """Generalized spread Δ* (Zhou, Jin, Zhang, Sendhoff & Tsang 2006) for ``m >= 2`` objectives.

    With ``A`` the non-dominated subset of ``F``, ``d(X, A)`` the Euclidean distance from ``X`` to
    its nearest other point of ``A``, ``dbar`` the mean of ``d(X, A)`` over ``A``, and ``e_k`` the
    true front's extremes (:func:`front_extremes`) at Euclidean distance ``d(e_k, A)`` from
    ``A``::

        Δ* = (sum_k d(e_k, A) + sum_X |d(X, A) - dbar|) / (sum_k d(e_k, A) + |A| * dbar)

    Args:
        F: ``n x m`` objective values (minimized).
        front: ``r x m`` exact Pareto front of the problem.

    Returns:
        Δ*, dimensionless, 0 for an evenly spread set that reaches every extreme. ``1.0`` for a
        single point (as jMetal), ``nan`` for an empty set or a zero denominator.
    """
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    A = _nondominated(F, m=Z.shape[1])
    n = A.shape[0]
    if n == 0:
        return math.nan
    if n == 1:
        return 1.0
    ext = front_extremes(Z)
    d_ext = float(cdist(ext, A).min(axis=1).sum())
    d = _nearest_neighbour(A, "euclidean")
    dbar = float(d.mean())
    den = d_ext + n * dbar
    if den <= 0:
        return math.nan
    return (d_ext + float(np.abs(d - dbar).sum())) / den


def spread(F: ArrayLike, front: ArrayLike) -> float:
    """Deb's Δ (:func:`deb_spread`) for 2 objectives, the generalized Δ* otherwise."""
    Z = as_points(front, name="front")
    if Z.shape[1] == 2:
        return deb_spread(F, Z)
    return generalized_spread(F, Z)
