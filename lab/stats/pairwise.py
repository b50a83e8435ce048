"""Per-problem pairwise comparison of algorithms over seeds.

For each problem and each compared pair of algorithms:

* Wilcoxon signed-rank test (``scipy.stats.wilcoxon`` on the seed-wise differences) when the
  runs are paired, i.e. both algorithms were run on exactly the same seeds; otherwise the
  Mann–Whitney rank-sum test (``scipy.stats.mannwhitneyu``). Both two-sided, scipy's defaults
  (``zero_method="wilcox"``, exact or normal-approximation p-values chosen by scipy).
* Holm's correction over the comparisons of one problem (the family is one problem's set of
  comparisons).
* Vargha–Delaney A12 of the first algorithm against the second, with a percentile bootstrap
  confidence interval (``scipy.stats.bootstrap``; seeds resampled jointly when paired).
* Whether the test can reach ``alpha`` at all: the smallest attainable p-value for the sample
  sizes (:mod:`lab.stats.attainable`; for Wilcoxon on the ``n_effective`` seeds where the two
  runs differ), times the number of comparisons in the Holm family, must not exceed ``alpha``
  (``reachable``); when it does, a ``tie`` verdict means "untestable", not "no difference".
* A verdict for the first algorithm: ``better`` / ``worse`` when the Holm-adjusted p-value is
  ``<= alpha``, in the direction of the test statistic (the sign of ``R+ - R-`` for Wilcoxon, of
  ``A12 - 0.5`` for Mann–Whitney) read through ``higher_is_better``; ``tie`` otherwise.
"""

from __future__ import annotations

import itertools
import math
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from lab.errors import StatsInputError
from lab.stats._frames import numeric_values, require_columns
from lab.stats.attainable import min_p_mannwhitney, min_p_wilcoxon
from lab.stats.effect_size import a12
from lab.stats.multiple_testing import holm

Verdict = Literal["better", "worse", "tie"]

PAIRWISE_COLUMNS: tuple[str, ...] = (
    "problem", "algorithm", "other", "n_algorithm", "n_other", "paired", "test", "statistic",
    "p_value", "p_holm", "a12", "a12_ci_low", "a12_ci_high", "a12_better", "median_algorithm",
    "median_other", "n_effective", "min_p", "reachable", "verdict",
)  # fmt: skip

#: Bootstrap resamples of the A12 confidence interval.
A12_RESAMPLES = 2000
#: Confidence level of the A12 interval.
A12_CONFIDENCE = 0.95


def _a12_along(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """A12 of ``x`` against ``y`` along ``axis`` (vectorized for ``scipy.stats.bootstrap``)."""
    x = np.moveaxis(np.asarray(x), axis, -1)
    y = np.moveaxis(np.asarray(y), axis, -1)
    gt = (x[..., :, None] > y[..., None, :]).mean(axis=(-2, -1))
    eq = (x[..., :, None] == y[..., None, :]).mean(axis=(-2, -1))
    return gt + 0.5 * eq


def a12_interval(
    x: np.ndarray, y: np.ndarray, *, paired: bool, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval (:data:`A12_CONFIDENCE`) of A12(``x``, ``y``); seeds are
    resampled jointly when ``paired`` (``x[i]`` and ``y[i]`` share seed ``i``). NaN with fewer
    than 2 values on a side."""
    if min(len(x), len(y)) < 2:
        return math.nan, math.nan
    res = stats.bootstrap(
        (np.asarray(x, float), np.asarray(y, float)),
        _a12_along,
        paired=paired,
        vectorized=True,
        n_resamples=A12_RESAMPLES,
        confidence_level=A12_CONFIDENCE,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _paired_differences(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Seed-aligned ``x - y``; equal values (including two equal infinities) differ by 0."""
    xs = x.sort_index().to_numpy(dtype=float)
    ys = y.sort_index().to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(xs == ys, 0.0, xs - ys)


def wilcoxon_paired(d: np.ndarray) -> tuple[float, float, float]:
    """Two-sided Wilcoxon signed-rank test on differences ``d`` (``n``).

    Returns:
        ``(statistic, p_value, direction)``: scipy's statistic (``min(R+, R-)``) and p-value,
        and ``R+ - R-`` (positive when the first sample tends to be larger). All differences zero
        gives ``(0.0, 1.0, 0.0)``, scipy's own answer without its division-by-zero warning.
    """
    nz = d[d != 0]
    if nz.size == 0:
        return 0.0, 1.0, 0.0
    res = stats.wilcoxon(d)
    ranks = stats.rankdata(np.abs(nz))
    direction = float(ranks[nz > 0].sum() - ranks[nz < 0].sum())
    return float(res.statistic), float(res.pvalue), direction


def _compare(
    x: pd.Series, y: pd.Series, paired: bool | Literal["auto"]
) -> tuple[bool, str, float, float, float]:
    """Test one pair; ``x``/``y`` are values indexed by seed. Returns paired, test, stat, p, dir."""
    same_seeds = set(x.index) == set(y.index)
    if paired is True and not same_seeds:
        raise StatsInputError(
            "paired=True but the two algorithms were run on different seeds: "
            f"{sorted(set(x.index) ^ set(y.index))[:10]} appear on one side only"
        )
    use_paired = same_seeds if paired == "auto" else bool(paired)
    if use_paired:
        stat, p, direction = wilcoxon_paired(_paired_differences(x, y))
        return True, "wilcoxon", stat, p, direction
    res = stats.mannwhitneyu(x.to_numpy(), y.to_numpy(), alternative="two-sided")
    return False, "mannwhitneyu", float(res.statistic), float(res.pvalue), math.nan


def pairwise_tests(
    df: pd.DataFrame,
    *,
    higher_is_better: bool,
    baseline: str | None = None,
    alpha: float = 0.05,
    paired: bool | Literal["auto"] = "auto",
    value_col: str = "value",
    problem_col: str = "problem",
    algorithm_col: str = "algorithm",
    seed_col: str = "seed",
    seed: int = 0,
) -> pd.DataFrame:
    """Pairwise significance tests between algorithms, per problem, over seeds.

    Args:
        df: tidy table with one row per (problem, algorithm, seed) and a numeric value (e.g. the
            final hypervolume of that run). NaN values are dropped; a repeated
            (problem, algorithm, seed) is an error.
        higher_is_better: direction of the value (``True`` for hypervolume, ``False`` for IGD).
        baseline: compare every other algorithm against this one (``algorithm`` vs ``other =
            baseline``); ``None`` compares all pairs (``algorithm`` sorts before ``other``).
        alpha: family-wise significance level of the verdicts.
        paired: ``"auto"`` pairs two algorithms exactly when they share the same seeds on the
            problem; ``True`` requires it (error otherwise); ``False`` never pairs.
        value_col, problem_col, algorithm_col, seed_col: column names.
        seed: seed of the A12 bootstrap intervals.

    Returns:
        One row per problem and compared pair with :data:`PAIRWISE_COLUMNS`: sample sizes,
        ``paired``, ``test`` (``"wilcoxon"`` / ``"mannwhitneyu"``), scipy's ``statistic`` and
        ``p_value``, ``p_holm`` (Holm over the problem's comparisons), ``a12`` (probability that
        ``algorithm``'s value exceeds ``other``'s, ties half) and its bootstrap interval
        ``a12_ci_low`` / ``a12_ci_high``, ``a12_better`` (probability that ``algorithm`` is
        better, i.e. ``a12`` or ``1 - a12`` by direction), medians of both, ``n_effective``
        (seeds where the paired runs differ; the smaller sample unpaired), ``min_p`` (smallest
        attainable raw p-value), ``reachable`` (``min_p`` times the family size ``<= alpha``)
        and ``verdict`` for ``algorithm`` against ``other``. Pairs where one algorithm has no value
        on the problem are skipped.
    """
    require_columns(df, [problem_col, algorithm_col, seed_col, value_col])
    if not 0 < alpha < 1:
        raise StatsInputError(f"alpha must be in (0, 1), got {alpha}")
    if paired not in (True, False, "auto"):
        raise StatsInputError(f"paired must be True, False or 'auto', got {paired!r}")
    data = numeric_values(df, value_col)
    dup = data.duplicated([problem_col, algorithm_col, seed_col])
    if dup.any():
        first = data.loc[dup, [problem_col, algorithm_col, seed_col]].iloc[0].tolist()
        raise StatsInputError(
            f"{int(dup.sum())} repeated (problem, algorithm, seed) rows, e.g. {first}"
        )
    if baseline is not None and baseline not in set(data[algorithm_col]):
        raise StatsInputError(f"baseline {baseline!r} has no values in the table")
    sign = 1.0 if higher_is_better else -1.0
    rows = []
    for problem, part in data.groupby(problem_col, sort=True):
        samples = {
            alg: g.set_index(seed_col)[value_col]
            for alg, g in part.groupby(algorithm_col, sort=True)
        }
        if baseline is None:
            pairs = list(itertools.combinations(sorted(samples), 2))
        elif baseline in samples:
            pairs = [(alg, baseline) for alg in sorted(samples) if alg != baseline]
        else:
            pairs = []
        block = []
        for alg, other in pairs:
            x, y = samples[alg], samples[other]
            is_paired, test, stat, p, direction = _compare(x, y, paired)
            a = a12(x.to_numpy(), y.to_numpy())
            if is_paired:
                xs, ys = x.sort_index().to_numpy(float), y.sort_index().to_numpy(float)
                n_effective = int(np.count_nonzero(_paired_differences(x, y)))
                min_p = min_p_wilcoxon(n_effective)
            else:
                xs, ys = x.to_numpy(float), y.to_numpy(float)
                direction = a - 0.5  # consistent with Mann–Whitney: U / (n m) = A12
                n_effective = int(min(x.size, y.size))
                min_p = min_p_mannwhitney(int(x.size), int(y.size))
            ci_low, ci_high = a12_interval(xs, ys, paired=is_paired, seed=seed)
            block.append(
                {
                    "problem": problem,
                    "algorithm": alg,
                    "other": other,
                    "n_algorithm": int(x.size),
                    "n_other": int(y.size),
                    "paired": is_paired,
                    "test": test,
                    "statistic": stat,
                    "p_value": p,
                    "a12": a,
                    "a12_ci_low": ci_low,
                    "a12_ci_high": ci_high,
                    "a12_better": a if higher_is_better else 1.0 - a,
                    "median_algorithm": float(np.median(x.to_numpy())),
                    "median_other": float(np.median(y.to_numpy())),
                    "n_effective": n_effective,
                    "min_p": min_p,
                    "_direction": sign * direction,
                }
            )
        adjusted = holm([r["p_value"] for r in block]) if block else []
        for r, p_adj in zip(block, adjusted, strict=True):
            r["p_holm"] = float(p_adj)
            r["reachable"] = bool(r["min_p"] * len(block) <= alpha)
            r["verdict"] = _verdict(float(p_adj), r.pop("_direction"), alpha)
            rows.append(r)
    return pd.DataFrame(rows, columns=list(PAIRWISE_COLUMNS))


def _verdict(p_adj: float, direction: float, alpha: float) -> Verdict:
    if math.isnan(p_adj) or p_adj > alpha or direction == 0:
        return "tie"
    return "better" if direction > 0 else "worse"
