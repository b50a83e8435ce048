"""Hypervolume (Lebesgue measure of the region dominated by a point set and bounded by a
reference point), computed exactly by moocore.

All objectives are minimized. The reference point is a frozen property of the problem (1.1 in every
normalized objective); it is never derived from the points being measured.
"""

from __future__ import annotations

import moocore
import numpy as np
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError
from lab.indicators._arrays import as_points, as_vector


def hypervolume_unchecked(F: np.ndarray, ref: np.ndarray) -> float:
    """:func:`hypervolume` without input validation, for hot loops on already-checked arrays.

    ``F`` is a finite float ``n x m`` array, ``ref`` a float vector of length ``m``.
    """
    # moocore already ignores points that do not strictly dominate ``ref``, but filtering first
    # makes that contract explicit and turns the empty case into an exact 0.0.
    inside = F[(F < ref).all(axis=1)]
    if inside.shape[0] == 0:
        return 0.0
    return float(moocore.hypervolume(inside, ref=ref))


def hypervolume(F: ArrayLike, ref: ArrayLike) -> float:
    """Exact hypervolume of a point set with respect to a reference point.

    Args:
        F: ``n x m`` objective values (minimized). Dominated and duplicate points are allowed and
            add nothing. ``n = 0`` is allowed.
        ref: length-``m`` reference point (a scalar is broadcast to every objective).

    Returns:
        The hypervolume in objective units to the power ``m`` (dimensionless for normalized
        objectives). Points that do not strictly dominate ``ref`` (some coordinate ``>= ref``)
        contribute 0; an empty set, or one with no such point, gives ``0.0``.
    """
    pts = as_points(F)
    r = as_vector(ref, pts.shape[1], "ref")
    return hypervolume_unchecked(pts, r)


def normalized_hypervolume(F: ArrayLike, ref: ArrayLike, true_front_hv: float) -> float:
    """Hypervolume of ``F`` divided by the hypervolume of the true Pareto front.

    Args:
        F: ``n x m`` objective values (minimized).
        ref: length-``m`` reference point, the same one used to compute ``true_front_hv``.
        true_front_hv: hypervolume of the problem's exact Pareto front with respect to ``ref``;
            must be positive and finite.

    Returns:
        A ratio in ``[0, 1]`` when ``F`` is feasible and the true front is exact (values above 1
        would reveal an inexact true front or points better than the front).
    """
    if not np.isfinite(true_front_hv) or true_front_hv <= 0:
        raise IndicatorInputError(
            f"true_front_hv must be positive and finite, got {true_front_hv!r}"
        )
    return hypervolume(F, ref) / float(true_front_hv)
