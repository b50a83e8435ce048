"""The returned set of a run: what a search hands its user at the end (or after ``k``
evaluations).

Definition (the one used by the runner, the manifests, the analysis, the figures and the Python
API): the feasible evaluations that are non-dominated on the SEARCH metrics, in the problem's
frozen normalization. Evaluations whose search vectors equal a non-dominated one are all kept:
they are equally good on what the search could see, and their report values can differ.

Nothing feasible: the returned set is EMPTY. An infeasible architecture is not a valid answer
to a constrained problem, so a run that found nothing feasible returns nothing; its hypervolume
is 0 and its distance indicators are ``inf`` (see :mod:`lab.scoring.set_scores`).
"""

from __future__ import annotations

import moocore
import numpy as np
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError


def as_matrix(F: ArrayLike, name: str, n: int | None = None, m: int | None = None) -> np.ndarray:
    """``F`` as a float ``n x m`` array, checking its shape against ``n`` and ``m`` if given."""
    arr = np.asarray(F, dtype=float)
    if arr.ndim != 2:
        raise IndicatorInputError(f"{name} must be an n x m array, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise IndicatorInputError(
            f"{name} has {arr.shape[0]} rows, expected {n} (one per evaluation)"
        )
    if m is not None and arr.shape[1] != m:
        raise IndicatorInputError(f"{name} has {arr.shape[1]} objectives, expected {m}")
    return arr


def feasible_mask(feasible: ArrayLike | None, n: int) -> np.ndarray:
    """A boolean vector of length ``n`` (``None``: every evaluation is feasible)."""
    if feasible is None:
        return np.ones(n, dtype=bool)
    mask = np.asarray(feasible)
    if mask.dtype != bool or mask.shape != (n,):
        raise IndicatorInputError(
            f"feasible must be a boolean vector of length {n}, got {mask.dtype} {mask.shape}"
        )
    return mask


def returned_set(
    F_search: ArrayLike, feasible: ArrayLike | None = None, *, keep_duplicates: bool = True
) -> np.ndarray:
    """Indices of the run's returned set (see the module docstring).

    Args:
        F_search: ``n x m`` normalized search-metric objectives, in evaluation order
            (infeasible rows may be NaN).
        feasible: boolean vector (``n``); ``None`` means all feasible.
        keep_duplicates: keep every evaluation whose search objectives equal those of a
            non-dominated one (the definition); ``False`` keeps only the first of each group of
            equal rows.

    Returns:
        Increasing ``int64`` indices (``p``); empty when no evaluation is feasible.
    """
    S = as_matrix(F_search, "F_search")
    idx = np.flatnonzero(feasible_mask(feasible, S.shape[0]))
    if idx.size == 0:
        return idx.astype(np.int64)
    pts = S[idx]
    if not np.isfinite(pts).all():
        raise IndicatorInputError("F_search has NaN or infinite values in feasible rows")
    keep = moocore.is_nondominated(pts, keep_weakly=keep_duplicates)
    return idx[keep].astype(np.int64)
