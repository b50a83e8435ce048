"""Exact Pareto fronts of whole tables."""

from __future__ import annotations

import moocore
import numpy as np


def nondominated_mask(F: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``F`` (``n x m``, minimized).

    Duplicated objective vectors are all kept (each is an architecture on the front).
    """
    F = np.asarray(F, dtype=np.float64)
    if len(F) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(moocore.is_nondominated(F, keep_weakly=True), dtype=bool)
