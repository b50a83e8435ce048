"""Quality of a predictor's predictions against true values.

Rank metrics (Kendall's tau-b, Spearman's rho, precision@top-k) matter most for search; R^2 and
RMSE for absolute values; Gaussian negative log-likelihood and interval coverage for the
predictive uncertainty of probabilistic predictors.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from lab.errors import InputError


def _pair(y_true: np.ndarray, y_pred: np.ndarray, min_n: int = 2) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(y_true, dtype=np.float64).ravel()
    b = np.asarray(y_pred, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise InputError(f"y_true has {a.size} values, y_pred {b.size}")
    if a.size < min_n:
        raise InputError(f"need at least {min_n} values, got {a.size}")
    return a, b


def kendall_tau(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Kendall's tau-b (ties in either vector handled), in ``[-1, 1]``."""
    a, b = _pair(y_true, y_pred)
    return float(stats.kendalltau(a, b).statistic)


def spearman(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Spearman's rank correlation (average ranks for ties), in ``[-1, 1]``."""
    a, b = _pair(y_true, y_pred)
    return float(stats.spearmanr(a, b).statistic)


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination ``1 - SS_res / SS_tot`` (``-inf`` .. 1)."""
    a, b = _pair(y_true, y_pred)
    ss_tot = np.sum((a - a.mean()) ** 2)
    return float(1.0 - np.sum((a - b) ** 2) / ss_tot) if ss_tot > 0 else float("nan")


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error, in the unit of the values."""
    a, b = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((a - b) ** 2)))


def precision_at_k(
    y_true: np.ndarray, y_pred: np.ndarray, k: int, *, larger_is_better: bool = True
) -> float:
    """Fraction of the predicted top ``k`` that are in the true top ``k`` (ties in the true
    values broken by position, in the predictions likewise), in ``[0, 1]``."""
    a, b = _pair(y_true, y_pred)
    k = min(int(k), a.size)
    if k < 1:
        raise InputError(f"k must be >= 1, got {k}")
    sign = -1.0 if larger_is_better else 1.0
    top_true = np.argsort(sign * a, kind="stable")[:k]
    top_pred = np.argsort(sign * b, kind="stable")[:k]
    return float(len(np.intersect1d(top_true, top_pred)) / k)


def gaussian_nll(y_true: np.ndarray, mean: np.ndarray, std: np.ndarray) -> float:
    """Mean negative log-likelihood of ``y_true`` under ``N(mean, std^2)`` (nats per value)."""
    y, m = _pair(y_true, mean, min_n=1)
    s = np.asarray(std, dtype=np.float64).ravel()
    s = np.maximum(s, 1e-12)  # a zero std would make a perfect prediction infinitely likely
    return float(np.mean(0.5 * np.log(2 * np.pi * s**2) + 0.5 * ((y - m) / s) ** 2))


def interval_coverage(
    y_true: np.ndarray, mean: np.ndarray, std: np.ndarray, *, level: float = 0.9
) -> float:
    """Fraction of ``y_true`` inside the central ``level`` Gaussian interval, in ``[0, 1]``
    (a calibrated model gives about ``level``)."""
    if not 0.0 < level < 1.0:
        raise InputError(f"level must be in (0, 1), got {level}")
    y, m = _pair(y_true, mean, min_n=1)
    s = np.asarray(std, dtype=np.float64).ravel()
    half = stats.norm.ppf(0.5 + level / 2.0) * s
    return float(np.mean(np.abs(y - m) <= half))


def point_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, *, top_k: int = 50, larger_is_better: bool = True
) -> dict[str, float]:
    """Every point-prediction metric as one mapping."""
    return {
        "kendall_tau": kendall_tau(y_true, y_pred),
        "spearman": spearman(y_true, y_pred),
        "r2": r2(y_true, y_pred),
        "rmse": rmse(y_true, y_pred),
        f"precision_at_{top_k}": precision_at_k(
            y_true, y_pred, top_k, larger_is_better=larger_is_better
        ),
    }


def probabilistic_metrics(
    y_true: np.ndarray, mean: np.ndarray, std: np.ndarray, *, level: float = 0.9
) -> dict[str, float]:
    """NLL and interval coverage as one mapping."""
    return {
        "nll": gaussian_nll(y_true, mean, std),
        f"coverage_{round(level * 100)}": interval_coverage(y_true, mean, std, level=level),
    }
