"""Holm's step-down correction of p-values for multiple comparisons (Holm 1979), written here
because scipy has none (``scipy.stats.false_discovery_control`` only does Benjamini–Hochberg /
Benjamini–Yekutieli) and no other listed library exposes it directly.

With the ``m`` p-values sorted increasingly ``p_(1) <= ... <= p_(m)``, the adjusted values are
``p~_(i) = max_{j <= i} min(1, (m - j + 1) * p_(j))``; rejecting when ``p~ <= alpha`` controls the
family-wise error rate at ``alpha`` under any dependence.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lab.errors import StatsInputError


def holm(p_values: ArrayLike) -> np.ndarray:
    """Holm-adjusted p-values, in the input order.

    Args:
        p_values: 1-D array of ``m`` p-values in ``[0, 1]``; NaN entries (tests that could not be
            run) are returned as NaN and do not count in ``m``.

    Returns:
        Float array of the input's shape with the adjusted p-values, each in ``[0, 1]`` and
        ``>=`` its raw value.
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise StatsInputError(f"p_values must be a 1-D array, got shape {p.shape}")
    valid = ~np.isnan(p)
    if np.any((p[valid] < 0) | (p[valid] > 1)):
        raise StatsInputError("p-values must lie in [0, 1]")
    out = np.full(p.shape, np.nan)
    pv = p[valid]
    m = pv.size
    if m == 0:
        return out
    order = np.argsort(pv, kind="stable")
    scaled = (m - np.arange(m)) * pv[order]
    # The running maximum makes the adjusted values monotone in the raw ones (step-down).
    adjusted = np.minimum(np.maximum.accumulate(scaled), 1.0)
    res = np.empty(m)
    res[order] = adjusted
    out[valid] = res
    return out


def holm_reject(p_values: ArrayLike, alpha: float = 0.05) -> np.ndarray:
    """Boolean vector: which null hypotheses Holm's procedure rejects at family-wise ``alpha``."""
    if not 0 < alpha < 1:
        raise StatsInputError(f"alpha must be in (0, 1), got {alpha}")
    adjusted = holm(p_values)
    return np.where(np.isnan(adjusted), False, adjusted <= alpha)
