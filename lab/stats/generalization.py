"""Generalization statistics of a run's returned set.

A search optimizes *search* metrics (e.g. validation error) but is judged on *report* metrics
(e.g. test error) or on other targets (other datasets, other devices). The set a run returns is
the non-dominated set of its feasible evaluations on the search metrics; this module measures how
much of its quality survives when the same architectures are scored on the report metrics or on
the other targets.

All objective matrices are ``n x m``, rows aligned with the run's evaluations, minimized and
normalized with the same frozen bounds (ideal 0, nadir 1), so hypervolumes against the same
reference point are comparable.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import moocore
import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lab.errors import StatsInputError
from lab.indicators.hypervolume import hypervolume


@dataclass(frozen=True)
class GeneralizationStats:
    """Search-versus-report statistics of one run's returned set.

    Attributes:
        returned: indices (into the run's rows) of the returned set, ``p``, increasing.
        hv_search: hypervolume of the returned set on the search metrics (normalized units).
        hv_report: hypervolume of the same architectures on the report metrics.
        hv_gap: ``hv_search - hv_report``; positive when the search metrics were optimistic.
        kendall_tau: per objective (``m``), Kendall's tau-b between search and report values
            over the returned set; NaN with fewer than 3 points or a constant column.
        spearman_rho: per objective (``m``), Spearman's rho, NaN likewise.
    """

    returned: np.ndarray
    hv_search: float
    hv_report: float
    hv_gap: float
    kendall_tau: np.ndarray
    spearman_rho: np.ndarray

    @property
    def n_returned(self) -> int:
        return int(self.returned.size)


def _matrix(F: ArrayLike, name: str, n: int | None = None, m: int | None = None) -> np.ndarray:
    arr = np.asarray(F, dtype=float)
    if arr.ndim != 2:
        raise StatsInputError(f"{name} must be an n x m array, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise StatsInputError(f"{name} has {arr.shape[0]} rows, expected {n} (one per evaluation)")
    if m is not None and arr.shape[1] != m:
        raise StatsInputError(f"{name} has {arr.shape[1]} objectives, expected {m}")
    return arr


def returned_set(
    F_search: ArrayLike, feasible: ArrayLike | None = None, *, keep_duplicates: bool = True
) -> np.ndarray:
    """Indices of the run's returned set: the non-dominated feasible rows on the search metrics.

    Args:
        F_search: ``n x m`` normalized search-metric objectives (infeasible rows may be NaN).
        feasible: boolean vector (``n``); ``None`` means all feasible.
        keep_duplicates: keep every architecture whose search objectives equal those of a
            non-dominated one (they are equally good on the search metrics, and their report
            values can differ); ``False`` keeps only the first of each group of equal rows.

    Returns:
        Increasing ``int64`` indices (``p``), empty when no row is feasible.
    """
    S = _matrix(F_search, "F_search")
    mask = _feasible(feasible, S.shape[0])
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return idx.astype(np.int64)
    pts = S[idx]
    if not np.isfinite(pts).all():
        raise StatsInputError("F_search has NaN or infinite values in feasible rows")
    keep = moocore.is_nondominated(pts, keep_weakly=keep_duplicates)
    return idx[keep].astype(np.int64)


def _feasible(feasible: ArrayLike | None, n: int) -> np.ndarray:
    if feasible is None:
        return np.ones(n, dtype=bool)
    mask = np.asarray(feasible)
    if mask.dtype != bool or mask.shape != (n,):
        raise StatsInputError(
            f"feasible must be a boolean vector of length {n}, got {mask.dtype} {mask.shape}"
        )
    return mask


def _rank_correlation(a: np.ndarray, b: np.ndarray, kind: str) -> float:
    """Kendall tau-b or Spearman rho of two vectors; NaN when undefined (n < 3 or constant)."""
    if a.size < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return math.nan
    with warnings.catch_warnings():
        # Small samples trigger scipy's warnings about p-values, which are not used here.
        warnings.simplefilter("ignore")
        res = stats.kendalltau(a, b) if kind == "kendall" else stats.spearmanr(a, b)
    return float(res.statistic)


def generalization_stats(
    F_search: ArrayLike,
    F_report: ArrayLike,
    ref: ArrayLike,
    feasible: ArrayLike | None = None,
    *,
    keep_duplicates: bool = True,
) -> GeneralizationStats:
    """Hypervolumes and rank correlations of the returned set on search vs report metrics.

    Args:
        F_search: ``n x m`` normalized search-metric objectives of one run (evaluation order).
        F_report: ``n x m`` normalized report-metric objectives of the same evaluations (rows
            outside the returned set may be NaN).
        ref: length-``m`` hypervolume reference point (1.1 per normalized objective).
        feasible: boolean vector (``n``); ``None`` means all feasible.
        keep_duplicates: see :func:`returned_set`.

    Returns:
        :class:`GeneralizationStats`; an empty returned set has hypervolumes 0 and NaN
        correlations.
    """
    S = _matrix(F_search, "F_search")
    R = _matrix(F_report, "F_report", n=S.shape[0], m=S.shape[1])
    ret = returned_set(S, feasible, keep_duplicates=keep_duplicates)
    s_ret, r_ret = S[ret], R[ret]
    if not np.isfinite(r_ret).all():
        raise StatsInputError("F_report has NaN or infinite values in the returned set")
    hv_s = hypervolume(s_ret, ref)
    hv_r = hypervolume(r_ret, ref)
    m = S.shape[1]
    tau = np.array([_rank_correlation(s_ret[:, j], r_ret[:, j], "kendall") for j in range(m)])
    rho = np.array([_rank_correlation(s_ret[:, j], r_ret[:, j], "spearman") for j in range(m)])
    return GeneralizationStats(
        returned=ret,
        hv_search=hv_s,
        hv_report=hv_r,
        hv_gap=hv_s - hv_r,
        kendall_tau=tau,
        spearman_rho=rho,
    )


def transfer_hypervolumes(
    F_search: ArrayLike,
    targets: Mapping[str, ArrayLike],
    ref: ArrayLike,
    feasible: ArrayLike | None = None,
    *,
    keep_duplicates: bool = True,
) -> dict[str, float]:
    """Hypervolume of the run's returned set scored on each target objective matrix.

    Args:
        F_search: ``n x m`` normalized search-metric objectives of one run.
        targets: target name (e.g. a dataset or device) -> ``n x m`` normalized objectives of
            the same evaluations on that target (rows outside the returned set may be NaN).
        ref: length-``m`` reference point of the normalized targets.
        feasible: boolean vector (``n``) on the search side; ``None`` means all feasible.
        keep_duplicates: see :func:`returned_set`.

    Returns:
        Target name -> hypervolume (normalized units), 0.0 for an empty returned set.
    """
    S = _matrix(F_search, "F_search")
    ret = returned_set(S, feasible, keep_duplicates=keep_duplicates)
    out: dict[str, float] = {}
    for name, T in targets.items():
        t = _matrix(T, f"targets[{name!r}]", n=S.shape[0], m=S.shape[1])[ret]
        if not np.isfinite(t).all():
            raise StatsInputError(
                f"targets[{name!r}] has NaN or infinite values in the returned set"
            )
        out[name] = hypervolume(t, ref)
    return out
