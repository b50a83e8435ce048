"""Ranking of algorithms across problems (Demšar 2006): average ranks, the Friedman test
(``scipy.stats.friedmanchisquare``), the Nemenyi post-hoc test
(``scikit_posthocs.posthoc_nemenyi_friedman``) and the critical difference, i.e. everything a
critical-difference diagram draws.

The critical difference of the Nemenyi test is ``CD = q_alpha * sqrt(k (k + 1) / (6 N))`` for
``k`` algorithms and ``N`` problems, with ``q_alpha`` the ``1 - alpha`` quantile of the studentized
range of ``k`` means with infinite degrees of freedom divided by ``sqrt(2)``
(``scipy.stats.studentized_range``): two algorithms whose average ranks differ by at least ``CD``
are significantly different.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scikit_posthocs as sp
from scipy import stats

from lab.errors import StatsInputError
from lab.stats._frames import numeric_values, require_columns


@dataclass(frozen=True)
class RankingResult:
    """Ranks of ``k`` algorithms over ``N`` problems and the tests on them.

    Attributes:
        scores: ``N x k`` aggregated values (problems x algorithms) that were ranked.
        ranks: ``N x k`` ranks per problem, 1 = best, ties get the average rank.
        average_ranks: algorithm -> mean rank over problems, sorted from best (lowest).
        friedman_statistic: Friedman's chi-square statistic (``nan`` when ``k < 3``).
        friedman_p: its p-value (``nan`` when ``k < 3``).
        nemenyi_p: ``k x k`` Nemenyi p-values (diagonal 1), indexed by algorithm.
        q_alpha: studentized range quantile / sqrt(2) for ``k`` and ``alpha``.
        critical_difference: CD in rank units.
        cliques: maximal groups of algorithms (in average-rank order) whose average ranks span
            less than CD; each is drawn as one bar in a CD diagram (groups of one are omitted).
        alpha: significance level.
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    average_ranks: pd.Series
    friedman_statistic: float
    friedman_p: float
    nemenyi_p: pd.DataFrame
    q_alpha: float
    critical_difference: float
    cliques: list[tuple[str, ...]]
    alpha: float

    @property
    def n_problems(self) -> int:
        return int(self.ranks.shape[0])

    @property
    def n_algorithms(self) -> int:
        return int(self.ranks.shape[1])


def nemenyi_q(k: int, alpha: float = 0.05) -> float:
    """``q_alpha`` of the Nemenyi test for ``k`` algorithms (e.g. 2.343 for k = 3, alpha = 0.05)."""
    if k < 2:
        raise StatsInputError(f"the Nemenyi test needs at least 2 algorithms, got {k}")
    if not 0 < alpha < 1:
        raise StatsInputError(f"alpha must be in (0, 1), got {alpha}")
    return float(stats.studentized_range.ppf(1.0 - alpha, k, np.inf) / math.sqrt(2.0))


def critical_difference(k: int, n: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference ``q_alpha * sqrt(k (k + 1) / (6 n))`` in rank units.

    Args:
        k: number of algorithms (``>= 2``).
        n: number of problems (blocks, ``>= 1``).
        alpha: significance level.
    """
    if n < 1:
        raise StatsInputError(f"the critical difference needs at least 1 problem, got {n}")
    return nemenyi_q(k, alpha) * math.sqrt(k * (k + 1) / (6.0 * n))


def cd_cliques(average_ranks: pd.Series, cd: float) -> list[tuple[str, ...]]:
    """Maximal runs of algorithms, in increasing average rank, that span less than ``cd``."""
    s = average_ranks.sort_values(kind="stable")
    names = list(s.index)
    r = s.to_numpy()
    cliques: list[tuple[str, ...]] = []
    last_end = -1
    for i in range(len(r)):
        j = i
        while j + 1 < len(r) and r[j + 1] - r[i] < cd:
            j += 1
        # A run ending where the previous one ended is contained in it.
        if j > i and j > last_end:
            cliques.append(tuple(names[i : j + 1]))
            last_end = j
    return cliques


def rank_algorithms(
    df: pd.DataFrame,
    *,
    higher_is_better: bool,
    alpha: float = 0.05,
    agg: str | Callable[[pd.Series], float] = "median",
    value_col: str = "value",
    problem_col: str = "problem",
    algorithm_col: str = "algorithm",
) -> RankingResult:
    """Rank algorithms on every problem and test the ranks (Friedman, then Nemenyi).

    Args:
        df: tidy table with columns ``problem``, ``algorithm`` and a numeric value; several rows
            per (problem, algorithm) (e.g. seeds) are aggregated with ``agg``. NaN values are
            dropped. Every algorithm must have a value on every problem.
        higher_is_better: direction of the value (``True`` for hypervolume, ``False`` for IGD).
        alpha: significance level of the critical difference.
        agg: aggregation over repeated rows (a pandas aggregation name or callable).
        value_col, problem_col, algorithm_col: column names.

    Returns:
        :class:`RankingResult`.
    """
    require_columns(df, [problem_col, algorithm_col, value_col])
    data = numeric_values(df, value_col)
    scores = data.pivot_table(
        index=problem_col, columns=algorithm_col, values=value_col, aggfunc=agg, sort=True
    )
    scores.columns.name = None
    scores.index.name = problem_col
    if scores.isna().any().any():
        missing = [
            (p, a) for p in scores.index for a in scores.columns if pd.isna(scores.loc[p, a])
        ]
        raise StatsInputError(
            f"every algorithm needs a value on every problem; missing (problem, algorithm): "
            f"{missing[:10]}"
        )
    n, k = scores.shape
    if k < 2:
        raise StatsInputError(f"ranking needs at least 2 algorithms, got {k}")
    if n < 2:
        raise StatsInputError(f"ranking needs at least 2 problems, got {n}")
    # Rank 1 = best: negate higher-is-better values so that ascending ranks favour them.
    oriented = -scores if higher_is_better else scores
    ranks = oriented.rank(axis=1, method="average", ascending=True)
    average = ranks.mean(axis=0).sort_values(kind="stable")
    if k >= 3:
        fr = stats.friedmanchisquare(*(oriented[c].to_numpy() for c in oriented.columns))
        f_stat, f_p = float(fr.statistic), float(fr.pvalue)
    else:
        f_stat = f_p = math.nan
    # Nemenyi only uses absolute mean-rank differences, so the orientation does not matter.
    nemenyi = sp.posthoc_nemenyi_friedman(oriented.reset_index(drop=True))
    q = nemenyi_q(k, alpha)
    cd = q * math.sqrt(k * (k + 1) / (6.0 * n))
    return RankingResult(
        scores=scores,
        ranks=ranks,
        average_ranks=average,
        friedman_statistic=f_stat,
        friedman_p=f_p,
        nemenyi_p=nemenyi,
        q_alpha=q,
        critical_difference=cd,
        cliques=cd_cliques(average, cd),
        alpha=alpha,
    )
