"""Scalarizations of normalized objective vectors, and weights drawn from the simplex.

Objectives are normalized by the range observed so far (ideal -> 0, worst -> 1): a search knows
only what it has evaluated, so it never reads the problem's frozen normalization.
"""

from __future__ import annotations

import numpy as np


def simplex_weights(rng: np.random.Generator, m: int, n: int = 1) -> np.ndarray:
    """``n x m`` weight vectors drawn uniformly from the unit simplex (Dirichlet(1, ..., 1))."""
    return rng.dirichlet(np.ones(m), size=n)


def observed_normalize(F: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Rescale ``F`` (``n x m``) so that the column minima and maxima of ``reference``
    (default ``F``) map to 0 and 1; a constant column maps to 0."""
    F = np.asarray(F, dtype=np.float64)
    ref = F if reference is None else np.asarray(reference, dtype=np.float64)
    lo, hi = ref.min(axis=0), ref.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return (F - lo) / span


def weighted_sum(F: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum_i w_i f_i`` for each row of ``F`` (``n x m``); ``weights`` ``m``."""
    return np.asarray(F, dtype=np.float64) @ np.asarray(weights, dtype=np.float64)


def chebyshev(F: np.ndarray, weights: np.ndarray, *, rho: float = 0.05) -> np.ndarray:
    """Augmented Chebyshev scalarization (as in ParEGO, Knowles 2006) of normalized ``F``
    (``n x m``, ideal at the origin): ``max_i w_i f_i + rho * sum_i w_i f_i``.

    The augmentation term (``rho > 0``) makes every minimizer Pareto optimal, not only weakly.
    """
    WF = np.asarray(F, dtype=np.float64) * np.asarray(weights, dtype=np.float64)
    return WF.max(axis=1) + rho * WF.sum(axis=1)
