"""Additive epsilon indicator (Zitzler et al. 2003), computed by moocore.

For an approximation set ``A`` and a reference front ``Z`` (all objectives minimized)::

    eps+(A, Z) = max_{z in Z} min_{a in A} max_{i} (a_i - z_i)

i.e. the smallest amount by which ``A`` must be translated (equally in every objective) so that
every point of ``Z`` is weakly dominated. Objective units; lower is better; ``<= 0`` when ``A``
weakly dominates ``Z``.
"""

from __future__ import annotations

import math

import moocore
import numpy as np
from numpy.typing import ArrayLike

from lab.indicators._arrays import as_front, as_points


def epsilon_additive_unchecked(A: np.ndarray, Z: np.ndarray) -> float:
    """:func:`epsilon_additive` on already-validated ``n x m`` and ``r x m`` float arrays."""
    if A.shape[0] == 0:
        return math.inf
    return float(moocore.epsilon_additive(A, ref=Z))


def epsilon_additive(F: ArrayLike, front: ArrayLike) -> float:
    """Additive epsilon indicator of ``F`` with respect to the reference front.

    Args:
        F: ``n x m`` approximation set (minimized objectives); may be empty.
        front: ``r x m`` reference front, ``r >= 1``.

    Returns:
        ``max_z min_a max_i (a_i - z_i)`` in objective units; ``inf`` when ``F`` is empty (no
        finite translation makes an empty set cover the front).
    """
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    A = as_points(F, m=Z.shape[1])
    return epsilon_additive_unchecked(A, Z)
