"""Generalization statistics of a run's returned set.

A search optimizes *search* metrics (e.g. validation error) but is judged on *report* metrics
(e.g. test error) or on other targets (other datasets, other devices). The set a run returns is
the non-dominated set of its feasible evaluations on the search metrics; this module measures how
much of its quality survives when the same architectures are scored on the report metrics or on
the other targets (transfer scores are :mod:`lab.scoring.transfer`).

All objective matrices are ``n x m``, rows aligned with the run's evaluations, minimized and
normalized with the same frozen bounds (ideal 0, nadir 1), so hypervolumes against the same
reference point are comparable.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lab.errors import IndicatorInputError, StatsInputError
from lab.indicators.hypervolume import hypervolume
from lab.scoring.returned_set import as_matrix, returned_set


@dataclass(frozen=True)
class GeneralizationStats:
    """Search-versus-report statistics of one run's returned set.

    Attributes:
        returned: indices (into the run's rows) of the returned set, ``p``, increasing.
        hv_search: hypervolume of the returned set on the search metrics (as given: the
            analysis passes the ratio to the exact search front's hypervolume).
        hv_report: hypervolume of the same architectures on the report metrics (likewise).
        hv_gap: ``hv_search - hv_report``; positive when the search metrics were optimistic.
            Compare ratios, not raw volumes: the search and report boxes differ in volume.
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
        keep_duplicates: see :func:`lab.scoring.returned_set`.

    Returns:
        :class:`GeneralizationStats`; an empty returned set has hypervolumes 0 and NaN
        correlations.
    """
    try:
        S = as_matrix(F_search, "F_search")
        R = as_matrix(F_report, "F_report", n=S.shape[0], m=S.shape[1])
        ret = returned_set(S, feasible, keep_duplicates=keep_duplicates)
    except IndicatorInputError as exc:
        raise StatsInputError(str(exc)) from None
    s_ret, r_ret = S[ret], R[ret]
    if not np.isfinite(r_ret).all():
        raise StatsInputError("F_report has NaN or infinite values in the returned set")
    return generalization_of_set(
        ret, s_ret, r_ret, hypervolume(s_ret, ref), hypervolume(r_ret, ref)
    )


def generalization_of_set(
    returned: np.ndarray, s_ret: np.ndarray, r_ret: np.ndarray, hv_s: float, hv_r: float
) -> GeneralizationStats:
    """:class:`GeneralizationStats` of a returned set already scored by :mod:`lab.scoring`.

    Args:
        returned: ``p`` indices of the returned set.
        s_ret, r_ret: ``p x m`` normalized search and report objectives of the set.
        hv_s, hv_r: its search and report hypervolumes.
    """
    m = s_ret.shape[1]
    tau = np.array([_rank_correlation(s_ret[:, j], r_ret[:, j], "kendall") for j in range(m)])
    rho = np.array([_rank_correlation(s_ret[:, j], r_ret[:, j], "spearman") for j in range(m)])
    return GeneralizationStats(
        returned=returned,
        hv_search=hv_s,
        hv_report=hv_r,
        hv_gap=hv_s - hv_r,
        kendall_tau=tau,
        spearman_rho=rho,
    )
