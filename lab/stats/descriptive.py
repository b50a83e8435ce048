"""Per-group descriptive statistics of a tidy table: count, mean with a bootstrap confidence
interval, median and quartiles."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from lab.errors import StatsInputError
from lab.stats._frames import as_generator, numeric_values, require_columns

SUMMARY_COLUMNS: tuple[str, ...] = (
    "count", "mean", "ci_low", "ci_high", "median", "q25", "q75", "iqr",
)  # fmt: skip


def bootstrap_mean_ci(
    x: np.ndarray,
    rng: np.random.Generator,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    method: Literal["BCa", "percentile", "basic"] = "BCa",
    statistic: Callable[..., float] = np.mean,
) -> tuple[float, float]:
    """Bootstrap confidence interval of the mean (or another ``statistic``, e.g. ``np.median``)
    of a 1-D sample (``scipy.stats.bootstrap``).

    Returns ``(low, high)`` in the units of ``x``: ``(nan, nan)`` with fewer than 2 values or a
    non-finite value, ``(v, v)`` for a constant sample (every resample has statistic ``v``; BCa
    would otherwise be undefined).
    """
    if x.size < 2 or not np.isfinite(x).all():
        return math.nan, math.nan
    if np.all(x == x[0]):
        return float(x[0]), float(x[0])
    res = stats.bootstrap(
        (x,),
        statistic,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        method=method,
        rng=rng,
    )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def summarize(
    df: pd.DataFrame,
    group_cols: Sequence[str],
    value_col: str,
    *,
    seed: int | np.random.Generator | np.random.SeedSequence,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    method: Literal["BCa", "percentile", "basic"] = "BCa",
) -> pd.DataFrame:
    """Descriptive statistics of ``value_col`` for each group of a tidy table.

    Args:
        df: tidy table, one row per observation (e.g. one run's final hypervolume).
        group_cols: columns that define the groups (e.g. ``["problem", "algorithm"]``).
        value_col: numeric column to summarize; NaN values are dropped (not counted).
        seed: seed or Generator of the bootstrap. Groups are processed in sorted order from one
            Generator, so the same table and seed give the same intervals.
        confidence_level: of the bootstrap interval, in ``(0, 1)``.
        n_resamples: bootstrap resamples per group.
        method: ``scipy.stats.bootstrap`` interval method (bias-corrected and accelerated by
            default).

    Returns:
        One row per group (sorted by the group columns) with the group columns then
        :data:`SUMMARY_COLUMNS`: ``count`` (non-NaN values), ``mean``, ``ci_low``/``ci_high``
        (bootstrap CI of the mean), ``median``, ``q25``/``q75`` (quartiles, numpy's default
        linear interpolation) and ``iqr`` (``q75 - q25``); all in the units of ``value_col``.
    """
    groups = list(group_cols)
    if not groups:
        raise StatsInputError("group_cols must name at least one column")
    require_columns(df, [*groups, value_col])
    if not 0 < confidence_level < 1:
        raise StatsInputError(f"confidence_level must be in (0, 1), got {confidence_level}")
    rng = as_generator(seed)
    data = numeric_values(df, value_col)
    rows = []
    for key, part in data.groupby(groups, sort=True, dropna=False):
        x = part[value_col].to_numpy(dtype=float)
        q25, med, q75 = np.quantile(x, [0.25, 0.5, 0.75])
        low, high = bootstrap_mean_ci(x, rng, confidence_level, n_resamples, method)
        rows.append(
            (*key, x.size, float(x.mean()), low, high, float(med), float(q25), float(q75),
             float(q75 - q25))
        )  # fmt: skip
    return pd.DataFrame(rows, columns=[*groups, *SUMMARY_COLUMNS])
