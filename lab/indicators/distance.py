"""Distance-based indicators against a reference front (the problem's exact Pareto front):
generational distance (GD), inverted generational distance (IGD) and IGD+.

All three are computed by moocore with exponent ``p = 1``, i.e. plain averages of Euclidean
distances (the ``GD_p``/``IGD_p`` of Schütze et al. 2012 with ``p = 1``; the original GD of Van
Veldhuizen & Lamont 1998 used ``p = 2`` as ``sqrt(sum d^2) / n``, which is not what is computed
here). With ``A`` the approximation set (``n x m``) and ``Z`` the reference front (``r x m``):

* ``GD(A, Z)   = (1/n) * sum_{a in A} min_{z in Z} ||a - z||_2``
* ``IGD(A, Z)  = (1/r) * sum_{z in Z} min_{a in A} ||a - z||_2``
* ``IGD+(A, Z) = (1/r) * sum_{z in Z} min_{a in A} ||max(a - z, 0)||_2`` (Ishibuchi et al. 2015;
  only the amounts by which ``a`` is worse than ``z`` count, which makes IGD+ weakly Pareto
  compliant, unlike IGD and GD).

Values are in objective units (dimensionless for normalized objectives); lower is better. An empty
approximation set has no point near the front, so every indicator returns ``inf`` for it (moocore
itself must not be called with an empty set).
"""

from __future__ import annotations

import math

import moocore
import numpy as np
from numpy.typing import ArrayLike

from lab.indicators._arrays import as_front, as_points


def _check(F: ArrayLike, front: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    Z = as_points(front, name="front")
    Z = as_front(Z, Z.shape[1])
    A = as_points(F, m=Z.shape[1])
    return A, Z


def igd_unchecked(A: np.ndarray, Z: np.ndarray) -> float:
    """:func:`igd` on already-validated ``n x m`` and ``r x m`` float arrays."""
    if A.shape[0] == 0:
        return math.inf
    return float(moocore.igd(A, ref=Z))


def igd_plus_unchecked(A: np.ndarray, Z: np.ndarray) -> float:
    """:func:`igd_plus` on already-validated ``n x m`` and ``r x m`` float arrays."""
    if A.shape[0] == 0:
        return math.inf
    return float(moocore.igd_plus(A, ref=Z))


def gd_unchecked(A: np.ndarray, Z: np.ndarray) -> float:
    """:func:`gd` on already-validated ``n x m`` and ``r x m`` float arrays."""
    if A.shape[0] == 0:
        return math.inf
    # moocore exposes no GD, but with p = 1 GD(A, Z) is IGD with the roles of the two sets
    # swapped: the average over A of the distance to the nearest point of Z.
    return float(moocore.igd(Z, ref=A))


def igd(F: ArrayLike, front: ArrayLike) -> float:
    """Inverted generational distance (``p = 1``) of ``F`` to the reference front.

    Args:
        F: ``n x m`` approximation set (minimized objectives); may be empty.
        front: ``r x m`` reference front (the exact Pareto front, sampled), ``r >= 1``.

    Returns:
        Mean over front points of the Euclidean distance to the nearest point of ``F``
        (objective units; lower is better); ``inf`` when ``F`` is empty.
    """
    return igd_unchecked(*_check(F, front))


def igd_plus(F: ArrayLike, front: ArrayLike) -> float:
    """IGD+ (``p = 1``) of ``F`` to the reference front.

    Args:
        F: ``n x m`` approximation set (minimized objectives); may be empty.
        front: ``r x m`` reference front, ``r >= 1``.

    Returns:
        Mean over front points ``z`` of ``min_a ||max(a - z, 0)||_2`` (objective units; lower is
        better; 0 when every front point is weakly dominated by ``F``); ``inf`` when ``F`` is
        empty.
    """
    return igd_plus_unchecked(*_check(F, front))


def gd(F: ArrayLike, front: ArrayLike) -> float:
    """Generational distance (``p = 1``) of ``F`` to the reference front.

    Args:
        F: ``n x m`` approximation set (minimized objectives); may be empty.
        front: ``r x m`` reference front, ``r >= 1``.

    Returns:
        Mean over points of ``F`` of the Euclidean distance to the nearest front point
        (objective units; lower is better); ``inf`` when ``F`` is empty.
    """
    return gd_unchecked(*_check(F, front))
