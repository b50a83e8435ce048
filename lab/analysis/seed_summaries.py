"""Across-seed summaries of the per-run tables: count, median, quartiles, IQR and the mean with a
seeded bootstrap confidence interval, per (problem, algorithm variant) and metric.

Each metric's bootstrap draws from its own child of the analysis seed, keyed by the metric's
name, so adding or removing a metric never changes another metric's interval.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lab.stats import summarize
from lab.stats.descriptive import SUMMARY_COLUMNS

#: Per-run metrics summarized by default (columns of the final table).
SUMMARY_METRICS: tuple[str, ...] = (
    "hv_normalized", "igd_plus", "igd", "gd", "eps_add", "spacing", "spread",
    "hv_search_normalized", "hv_gap", "n_returned",
)  # fmt: skip

#: Bootstrap resamples per group.
N_RESAMPLES = 9999


def metric_rng(seed: int, metric: str) -> np.random.Generator:
    """The bootstrap generator of ``metric``: a child of ``seed`` keyed by the metric's name."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(metric.encode()),))
    )


def summarize_metrics(
    table: pd.DataFrame,
    group_cols: Sequence[str],
    metrics: Sequence[str],
    *,
    seed: int,
    confidence_level: float = 0.95,
    n_resamples: int = N_RESAMPLES,
) -> pd.DataFrame:
    """Summaries of several metric columns of a per-run table, stacked into one tidy table.

    Args:
        table: one row per run (e.g. the final table), with ``group_cols`` and ``metrics``.
        group_cols: grouping columns, e.g. ``["problem", "label"]``.
        metrics: numeric columns to summarize (NaN values are dropped, ``inf`` kept: its
            quartiles are well defined, its mean and interval are not).
        seed: bootstrap seed; see the module docstring.
        confidence_level: of the bootstrap interval of the mean.
        n_resamples: bootstrap resamples per group.

    Returns:
        ``group_cols``, ``metric``, then :data:`lab.stats.descriptive.SUMMARY_COLUMNS` (``count,
        mean, ci_low, ci_high, median, q25, q75, iqr``), in the metric's units.
    """
    columns = [*group_cols, "metric", *SUMMARY_COLUMNS]
    frames = []
    for metric in metrics:
        with np.errstate(invalid="ignore"):
            part = summarize(
                table,
                group_cols,
                metric,
                seed=metric_rng(seed, metric),
                confidence_level=confidence_level,
                n_resamples=n_resamples,
            )
        part.insert(len(group_cols), "metric", metric)
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
