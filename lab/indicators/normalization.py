"""Objective normalization with frozen bounds: the problem's ideal point maps to 0, its nadir to 1.

Bounds come from the problem definition, never from observed data, so that normalized values
(and every indicator computed on them) are comparable across algorithms, seeds and runs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError


def _bounds(ideal: ArrayLike, nadir: ArrayLike, m: int | None) -> tuple[np.ndarray, np.ndarray]:
    lo = np.asarray(ideal, dtype=float)
    hi = np.asarray(nadir, dtype=float)
    if lo.ndim != 1 or hi.ndim != 1:
        raise IndicatorInputError(
            f"ideal and nadir must be 1-D vectors, got shapes {lo.shape} and {hi.shape}"
        )
    if lo.shape != hi.shape:
        raise IndicatorInputError(f"ideal has {lo.shape[0]} objectives but nadir has {hi.shape[0]}")
    if m is not None and lo.shape[0] != m:
        raise IndicatorInputError(
            f"F has {m} objectives (columns) but ideal/nadir have {lo.shape[0]}"
        )
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise IndicatorInputError("ideal and nadir must be finite")
    bad = np.flatnonzero(hi <= lo)
    if bad.size:
        raise IndicatorInputError(
            f"nadir must exceed ideal in every objective; objective(s) {bad.tolist()} have "
            f"nadir <= ideal (ideal={lo[bad].tolist()}, nadir={hi[bad].tolist()})"
        )
    return lo, hi


def _as_matrix(F: ArrayLike) -> np.ndarray:
    arr = np.asarray(F, dtype=float)
    if arr.ndim != 2:
        raise IndicatorInputError(f"F must be an n x m array, got shape {arr.shape}")
    return arr


def normalize(F: ArrayLike, ideal: ArrayLike, nadir: ArrayLike) -> np.ndarray:
    """Map minimized objectives to the unit scale ``(F - ideal) / (nadir - ideal)``.

    Args:
        F: ``n x m`` objective values (all minimized), in the problem's units.
        ideal: length-``m`` ideal point (maps to 0).
        nadir: length-``m`` nadir point (maps to 1); must exceed ``ideal`` in every objective.

    Returns:
        ``n x m`` float array, dimensionless. Values outside ``[0, 1]`` are kept as they are
        (a point worse than the nadir is > 1); NaN in ``F`` stays NaN, so that infeasible or
        failed evaluations can be masked later.

    Raises:
        IndicatorInputError: on a non-2-D ``F``, mismatched lengths, non-finite bounds, or
            ``nadir <= ideal`` in some objective.
    """
    arr = _as_matrix(F)
    lo, hi = _bounds(ideal, nadir, arr.shape[1])
    return (arr - lo) / (hi - lo)


def denormalize(F: ArrayLike, ideal: ArrayLike, nadir: ArrayLike) -> np.ndarray:
    """Inverse of :func:`normalize`: ``ideal + F * (nadir - ideal)`` (``n x m`` -> ``n x m``)."""
    arr = _as_matrix(F)
    lo, hi = _bounds(ideal, nadir, arr.shape[1])
    return lo + arr * (hi - lo)
