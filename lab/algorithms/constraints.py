"""Feasibility-first handling of constraints for the algorithms that are not MOEAs.

A constraint vector ``g`` (``c`` values) is satisfied iff every ``g_j <= 0``. Feasibility first:
a feasible solution beats any infeasible one; two infeasible ones compare by total violation;
two feasible ones by the objectives. The MOEAs use pymoo's constraint domination instead, which
orders solutions the same way.
"""

from __future__ import annotations

import numpy as np

from lab.errors import InputError
from lab.problems.pareto import nondominated_mask


def violation(G: np.ndarray) -> np.ndarray:
    """Total constraint violation ``sum_j max(g_j, 0)`` of each row of ``G`` (``n x c``)."""
    G = np.asarray(G, dtype=np.float64)
    if G.ndim != 2:
        raise InputError(f"G must be n x c, got shape {G.shape}")
    return np.clip(G, 0.0, None).sum(axis=1)


def feasibility_first_front(F: np.ndarray, G: np.ndarray) -> np.ndarray:
    """Mask of the best solutions of ``F`` (``n x m``, minimized) under feasibility first: the
    non-dominated feasible ones, or, if none is feasible, those of least violation."""
    cv = violation(G)
    mask = np.zeros(len(F), dtype=bool)
    if len(F) == 0:
        return mask
    feasible = cv <= 0.0
    if feasible.any():
        idx = np.flatnonzero(feasible)
        mask[idx[nondominated_mask(np.asarray(F)[idx])]] = True
    else:
        mask[cv == cv.min()] = True
    return mask


def feasibility_first_order(values: np.ndarray, G: np.ndarray) -> np.ndarray:
    """Indices that sort solutions best first: by violation, then by ``values`` (``n``, lower is
    better), then by index (stable)."""
    return np.lexsort((np.asarray(values, dtype=np.float64), violation(G)))
