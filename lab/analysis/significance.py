"""Significance of the differences between algorithms: per problem, pairwise tests over seeds
(Holm-corrected, with Vargha–Delaney A12 and verdicts); across problems, Friedman + Nemenyi
ranks and the critical difference.

Runs of one (problem, seed) share their initial design, so on a problem where every algorithm
variant was run on the same seeds the comparisons are paired by seed (Wilcoxon signed-rank);
otherwise every comparison on that problem uses the rank-sum test (Mann–Whitney U).

Two families of comparisons are tested per problem and metric and stored in one table with a
``family`` column: ``vs_baseline`` (each variant against the baseline, Holm over those
``k - 1`` comparisons; these give the verdicts and the table markers) and ``all_pairs`` (every
pair, Holm over the ``k (k - 1) / 2`` comparisons).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from lab.errors import AnalysisError
from lab.stats import StatsInputError, pairwise_tests, rank_algorithms
from lab.stats.attainable import seeds_needed
from lab.stats.pairwise import PAIRWISE_COLUMNS

#: Metrics tested, with whether higher values are better: report-metric hypervolume and IGD+,
#: and the search-metric hypervolume beside them (a search judged on what it saw; a verdict
#: that holds on one and not the other says the validation -> test step decides it).
TESTED_METRICS: dict[str, bool] = {
    "hv_normalized": True,
    "igd_plus": False,
    "hv_search_normalized": True,
}

#: Baseline used when none is given, if the experiment has it.
DEFAULT_BASELINE = "random"

PAIRWISE_TABLE_COLUMNS: tuple[str, ...] = ("metric", "family", *PAIRWISE_COLUMNS)

#: The algorithm column of the analysis tables: the variant label (an algorithm with an
#: ablation grid has one label per grid point).
ALGORITHM_COL = "label"


def resolve_baseline(final: pd.DataFrame, baseline: str | None) -> str | None:
    """The baseline variant label: ``baseline`` if it is a label of the experiment (or the
    registry name of exactly one variant), else :data:`DEFAULT_BASELINE` when present, else
    ``None`` (no verdicts).

    Raises:
        AnalysisError: ``baseline`` names no variant of the experiment (the message lists them).
    """
    labels = sorted(final[ALGORITHM_COL].unique())
    if baseline is None:
        return DEFAULT_BASELINE if DEFAULT_BASELINE in labels else None
    if baseline in labels:
        return baseline
    variants = sorted(final.loc[final["algorithm"] == baseline, ALGORITHM_COL].unique())
    if len(variants) == 1:
        return str(variants[0])
    hint = f" ({baseline!r} has several variants: {variants}; pick one)" if variants else ""
    raise AnalysisError(f"unknown baseline {baseline!r}{hint}; valid: {', '.join(labels)}")


def paired_problems(final: pd.DataFrame) -> dict[str, bool]:
    """Per problem: did every algorithm variant run on exactly the same seeds?"""
    out = {}
    for problem, part in final.groupby("problem", sort=True):
        seeds = {frozenset(g["seed"]) for _, g in part.groupby(ALGORITHM_COL)}
        out[str(problem)] = len(seeds) == 1
    return out


def pairwise_table(
    final: pd.DataFrame,
    *,
    baseline: str | None,
    alpha: float,
    metrics: Mapping[str, bool] = TESTED_METRICS,
    seed: int = 0,
) -> pd.DataFrame:
    """Pairwise tests per problem and metric, both families (see the module docstring).

    Args:
        final: the per-run table (``problem``, ``label``, ``seed`` and the metric columns).
        baseline: variant label of the baseline, or ``None`` (no ``vs_baseline`` family).
        alpha: family-wise significance level of the verdicts.
        metrics: metric column -> higher is better.
        seed: seed of the A12 bootstrap intervals.

    Returns:
        :data:`PAIRWISE_TABLE_COLUMNS`: ``metric``, ``family`` and the columns of
        :func:`lab.stats.pairwise_tests` (``algorithm`` / ``other`` hold variant labels,
        ``verdict`` is for ``algorithm`` against ``other``).
    """
    paired = paired_problems(final)
    frames = []
    for metric, higher in metrics.items():
        for problem, part in final.groupby("problem", sort=True):
            families: list[tuple[str, str | None]] = [("all_pairs", None)]
            if baseline is not None and baseline in set(part[ALGORITHM_COL]):
                families.insert(0, ("vs_baseline", baseline))
            for family, base in families:
                table = pairwise_tests(
                    part,
                    higher_is_better=higher,
                    baseline=base,
                    alpha=alpha,
                    paired=paired[str(problem)],
                    value_col=metric,
                    algorithm_col=ALGORITHM_COL,
                    seed=seed,
                )
                table.insert(0, "family", family)
                table.insert(0, "metric", metric)
                frames.append(table)
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(PAIRWISE_TABLE_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(PAIRWISE_TABLE_COLUMNS)]


def protocol_warnings(
    pairwise: pd.DataFrame, *, alpha: float, paired: Mapping[str, bool]
) -> list[str]:
    """Warnings about comparisons the design cannot decide: per problem and family (on the
    report hypervolume), when the smallest attainable Holm-adjusted p-value exceeds ``alpha``
    for some comparison, with the number of seeds that would do; and per problem whose runs are
    not paired by seed (rank-sum test instead of signed-rank)."""
    out: list[str] = []
    for problem, is_paired in sorted(paired.items()):
        if not is_paired:
            out.append(
                f"{problem}: the algorithms were not all run on the same seeds, so their runs "
                "are compared unpaired (Mann-Whitney); run every algorithm on the same seeds "
                "for the paired protocol"
            )
    if pairwise.empty:
        return out
    hv = pairwise[pairwise["metric"] == "hv_normalized"]
    for (problem, family), part in hv.groupby(["problem", "family"], sort=True):
        bad = part[~part["reachable"].astype(bool)]
        if bad.empty:
            continue
        k = len(part)
        test_paired = bool(part["paired"].iloc[0])
        need = seeds_needed(alpha, k, paired=test_paired)
        test = "Wilcoxon signed-rank (exact, two-sided)" if test_paired else "Mann-Whitney U"
        effective = sorted(set(int(n) for n in bad["n_effective"]))
        what = "seeds where the runs differ" if test_paired else "seeds per algorithm"
        pairs = ", ".join(
            f"{a} vs {b}" for a, b in zip(bad["algorithm"], bad["other"], strict=True)
        )
        out.append(
            f"{problem} ({family}): {len(bad)} of {k} comparisons cannot reach alpha={alpha:g} "
            f"after Holm over {k}: with {'/'.join(map(str, effective))} {what}, the smallest "
            f"attainable p-value times {k} exceeds alpha ({pairs}); {test} needs at least "
            f"{need} {what} (every seed's runs differing) — a 'tie' there means untestable"
        )
    return out


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def ranking_summary(
    final: pd.DataFrame,
    *,
    alpha: float,
    metrics: Mapping[str, bool] = TESTED_METRICS,
) -> dict[str, Any]:
    """Friedman / Nemenyi ranking of the variants across problems, per metric, as plain JSON.

    Each problem's score of a variant is its median over seeds. Variants missing on some problem
    are left out (and listed). Per metric the answer is ``{"available": False, "reason": ...}``
    when fewer than 2 problems or 2 variants remain, else ``available: True`` with
    ``average_ranks`` (1 = best; sorted best first), ``friedman_statistic`` / ``friedman_p``
    (``null`` with fewer than 3 variants), ``q_alpha``, ``critical_difference`` (rank units),
    ``cliques`` (groups not significantly different), ``nemenyi_p`` (variant -> variant ->
    p), ``scores`` and ``ranks`` (problem -> variant -> value).
    """
    out: dict[str, Any] = {
        "alpha": alpha,
        "aggregate": "median over seeds",
        "algorithm_column": ALGORITHM_COL,
        "metrics": {},
    }
    problems = sorted(final["problem"].unique())
    for metric, higher in metrics.items():
        data = final[["problem", ALGORITHM_COL, metric]].dropna()
        present = data.groupby(ALGORITHM_COL)["problem"].nunique()
        keep = sorted(present.index[present == len(problems)])
        excluded = sorted(set(present.index) - set(keep))
        entry: dict[str, Any] = {
            "higher_is_better": higher,
            "n_problems": len(problems),
            "excluded_algorithms": excluded,
        }
        if len(problems) < 2:
            entry.update(
                available=False,
                reason=f"ranking across problems needs at least 2 problems; the experiment "
                f"has {len(problems)} ({', '.join(problems)})",
            )
        elif len(keep) < 2:
            entry.update(
                available=False,
                reason=f"ranking needs at least 2 algorithms run on every problem; found {keep}",
            )
        else:
            try:
                res = rank_algorithms(
                    data[data[ALGORITHM_COL].isin(keep)],
                    higher_is_better=higher,
                    alpha=alpha,
                    agg="median",
                    value_col=metric,
                    algorithm_col=ALGORITHM_COL,
                )
            except StatsInputError as exc:
                entry.update(available=False, reason=str(exc))
            else:
                entry.update(
                    available=True,
                    n_algorithms=res.n_algorithms,
                    average_ranks={k: float(v) for k, v in res.average_ranks.items()},
                    friedman_statistic=_finite(res.friedman_statistic),
                    friedman_p=_finite(res.friedman_p),
                    q_alpha=res.q_alpha,
                    critical_difference=res.critical_difference,
                    cliques=[list(c) for c in res.cliques],
                    nemenyi_p={
                        str(a): {str(b): _finite(float(p)) for b, p in row.items()}
                        for a, row in res.nemenyi_p.to_dict(orient="index").items()
                    },
                    scores=_nested(res.scores),
                    ranks=_nested(res.ranks),
                )
        out["metrics"][metric] = entry
    return out


def _nested(frame: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    return {
        str(p): {str(a): _finite(float(v)) for a, v in row.items()}
        for p, row in frame.to_dict(orient="index").items()
    }
