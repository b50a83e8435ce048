"""Shared input checks: every indicator sees ``n x m`` float arrays of finite values."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError


def as_points(F: ArrayLike, name: str = "F", m: int | None = None) -> np.ndarray:
    """Return ``F`` as a C-contiguous float ``n x m`` array of finite values.

    A 1-D input of length ``m`` is read as one point. ``n = 0`` rows is allowed (an empty set); its
    number of columns is taken from ``m`` when given.
    """
    arr = np.asarray(F, dtype=float)
    if arr.ndim == 1:
        if arr.size == 0 and m is not None:
            arr = arr.reshape(0, m)
        else:
            arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise IndicatorInputError(f"{name} must be an n x m array, got shape {arr.shape}")
    if m is not None and arr.shape[1] != m:
        if arr.shape[0] == 0:
            return np.empty((0, m))
        raise IndicatorInputError(f"{name} has {arr.shape[1]} objectives (columns), expected {m}")
    if arr.shape[1] == 0:
        raise IndicatorInputError(f"{name} has no objectives (0 columns)")
    if not np.isfinite(arr).all():
        raise IndicatorInputError(f"{name} contains NaN or infinite values")
    return np.ascontiguousarray(arr)


def as_vector(v: ArrayLike, m: int, name: str) -> np.ndarray:
    """Return ``v`` as a finite float vector of length ``m`` (a scalar is broadcast)."""
    arr = np.asarray(v, dtype=float)
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    if arr.shape != (m,):
        raise IndicatorInputError(f"{name} must have shape ({m},), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise IndicatorInputError(f"{name} contains NaN or infinite values")
    return arr


def as_front(front: ArrayLike, m: int, name: str = "front") -> np.ndarray:
    """Return a non-empty reference front as a finite ``r x m`` float array."""
    arr = as_points(front, name=name, m=m)
    if arr.shape[0] == 0:
        raise IndicatorInputError(f"{name} is empty; a reference front needs at least one point")
    return arr
