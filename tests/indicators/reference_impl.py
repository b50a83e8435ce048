"""Independent brute-force implementations the indicator tests compare against (no moocore)."""

from __future__ import annotations

import itertools

import numpy as np


def hv_inclusion_exclusion(F: np.ndarray, ref: np.ndarray) -> float:
    """Exact hypervolume by inclusion–exclusion over all non-empty subsets (``n <= ~12``).

    The dominated region is the union of boxes ``[p, ref]``; the volume of an intersection of boxes
    is the box ``[max of the subset, ref]``.
    """
    pts = np.asarray(F, dtype=float)
    pts = pts[(pts < ref).all(axis=1)]
    total = 0.0
    for size in range(1, len(pts) + 1):
        sign = 1.0 if size % 2 else -1.0
        for subset in itertools.combinations(range(len(pts)), size):
            corner = pts[list(subset)].max(axis=0)
            total += sign * float(np.prod(np.maximum(ref - corner, 0.0)))
    return total


def weakly_dominates(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(a <= b))


def nondominated_brute(F: np.ndarray) -> np.ndarray:
    """Non-dominated rows of ``F`` with duplicates removed (first kept), by pairwise comparison."""
    keep = []
    for i, p in enumerate(F):
        dominated = any(np.all(q <= p) and np.any(q < p) for j, q in enumerate(F) if j != i) or any(
            np.array_equal(F[j], p) for j in range(i)
        )
        if not dominated:
            keep.append(i)
    return F[keep]


def igd_brute(A: np.ndarray, Z: np.ndarray) -> float:
    return float(np.mean([min(np.linalg.norm(z - a) for a in A) for z in Z]))


def igd_plus_brute(A: np.ndarray, Z: np.ndarray) -> float:
    return float(np.mean([min(np.linalg.norm(np.maximum(a - z, 0.0)) for a in A) for z in Z]))


def gd_brute(A: np.ndarray, Z: np.ndarray) -> float:
    return float(np.mean([min(np.linalg.norm(a - z) for z in Z) for a in A]))


def eps_add_brute(A: np.ndarray, Z: np.ndarray) -> float:
    return float(max(min(max(a - z) for a in A) for z in Z))


def attained_count(runs: list[np.ndarray], q: np.ndarray) -> int:
    """Number of runs with a point weakly dominating ``q``."""
    return sum(bool(len(r)) and bool(np.any(np.all(r <= q, axis=1))) for r in runs)
