"""Can a test on this many seeds reach the chosen significance level at all?

Rank tests have a smallest attainable p-value that depends only on the sample sizes. With few
seeds it can exceed ``alpha`` — or ``alpha / k`` after Holm's correction over ``k`` comparisons,
whose smallest adjusted p-value is ``k`` times the smallest raw one — and then no difference,
however large, can ever be called significant. A table of "ties" from such a design says
nothing; the analysis warns instead and says how many seeds would do.

Exact two-sided null distributions:

* Wilcoxon signed-rank on ``n`` non-zero paired differences: all ``2^n`` sign patterns are
  equally likely and the most extreme has probability ``2^-n`` in each tail, so the smallest
  two-sided p-value is ``2 / 2^n = 2^(1 - n)``. (Zero differences are dropped first, scipy's
  ``zero_method="wilcox"``, so ``n`` counts the seeds where the two runs differ.)
* Mann–Whitney U on samples of ``n`` and ``m``: all ``C(n + m, n)`` rank assignments are equally
  likely, the smallest two-sided p-value is ``2 / C(n + m, n)``.
"""

from __future__ import annotations

import math

from lab.errors import StatsInputError


def min_p_wilcoxon(n: int) -> float:
    """Smallest exact two-sided p-value of the Wilcoxon signed-rank test on ``n`` non-zero
    differences (1.0 for ``n = 0``)."""
    if n < 0:
        raise StatsInputError(f"n must be >= 0, got {n}")
    return min(1.0, 2.0 ** (1 - n))


def min_p_mannwhitney(n: int, m: int) -> float:
    """Smallest exact two-sided p-value of the Mann–Whitney U test on samples of ``n`` and
    ``m`` values (1.0 when either is empty)."""
    if n < 0 or m < 0:
        raise StatsInputError(f"sample sizes must be >= 0, got {n} and {m}")
    if n == 0 or m == 0:
        return 1.0
    return min(1.0, 2.0 / math.comb(n + m, n))


def seeds_needed(alpha: float, comparisons: int = 1, *, paired: bool = True) -> int:
    """Fewest seeds per algorithm at which the smallest Holm-adjusted p-value over
    ``comparisons`` tests can reach ``alpha`` (every seed's runs differing, for the paired test).

    Examples: paired (Wilcoxon), alpha 0.05: 6 seeds for 1 comparison, 8 for 5, 10 for 20.
    """
    if not 0 < alpha < 1:
        raise StatsInputError(f"alpha must be in (0, 1), got {alpha}")
    if comparisons < 1:
        raise StatsInputError(f"comparisons must be >= 1, got {comparisons}")
    n = 1
    while True:
        p = min_p_wilcoxon(n) if paired else min_p_mannwhitney(n, n)
        if comparisons * p <= alpha:
            return n
        n += 1
