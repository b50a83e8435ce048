"""Vargha–Delaney A12 effect size (Vargha & Delaney 2000), written here because no listed library
provides it.

``A12(x, y) = P(X > Y) + 0.5 * P(X = Y)`` for a value ``X`` drawn from sample ``x`` and ``Y``
from ``y``: the probability that ``x`` gives the larger value, ties counting half. 0.5 means no
effect. It is computed in ``O((n + m) log(n + m))`` from the rank sum of ``x`` in the pooled
sample, ``A12 = (R_x / n - (n + 1) / 2) / m``, which equals the Mann–Whitney ``U`` of ``x``
divided by ``n * m``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import rankdata

from lab.errors import StatsInputError

Magnitude = Literal["negligible", "small", "medium", "large"]

#: Vargha & Delaney's thresholds on ``max(A12, 1 - A12)``: small from 0.56, medium from 0.64,
#: large from 0.71.
MAGNITUDE_THRESHOLDS: tuple[tuple[float, Magnitude], ...] = (
    (0.71, "large"),
    (0.64, "medium"),
    (0.56, "small"),
)


def _sample(v: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(v, dtype=float).ravel()
    if arr.size == 0:
        raise StatsInputError(f"{name} is empty; A12 needs at least one value on each side")
    if np.isnan(arr).any():
        raise StatsInputError(f"{name} contains NaN; drop missing values first")
    return arr


def a12(x: ArrayLike, y: ArrayLike) -> float:
    """Vargha–Delaney A12: probability that a value of ``x`` exceeds one of ``y`` (ties half).

    Args:
        x: 1-D sample of size ``n >= 1`` (``inf`` allowed, NaN not).
        y: 1-D sample of size ``m >= 1``.

    Returns:
        A12 in ``[0, 1]``; ``a12(x, y) + a12(y, x) == 1``. For a lower-is-better metric the
        probability that ``x`` is better is ``1 - a12(x, y)``.
    """
    xs = _sample(x, "x")
    ys = _sample(y, "y")
    n, m = xs.size, ys.size
    ranks = rankdata(np.concatenate((xs, ys)))  # average ranks for ties
    r_x = float(ranks[:n].sum())
    return (r_x / n - (n + 1) / 2.0) / m


def a12_magnitude(a: float) -> Magnitude:
    """Vargha & Delaney's qualitative magnitude of an A12 value (symmetric around 0.5)."""
    if not 0.0 <= a <= 1.0:
        raise StatsInputError(f"A12 must lie in [0, 1], got {a}")
    strength = max(a, 1.0 - a)
    for threshold, label in MAGNITUDE_THRESHOLDS:
        if strength >= threshold:
            return label
    return "negligible"
