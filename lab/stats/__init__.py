"""Statistics over seeds and problems: per-group summaries with bootstrap intervals, Vargha–Delaney
A12, Holm's correction, pairwise tests per problem, Friedman/Nemenyi ranking across problems and
generalization statistics (search versus report metrics)."""

from lab.errors import StatsInputError
from lab.stats.descriptive import bootstrap_mean_ci, summarize
from lab.stats.effect_size import a12, a12_magnitude
from lab.stats.multiple_testing import holm, holm_reject
from lab.stats.pairwise import pairwise_tests, wilcoxon_paired
from lab.stats.ranking import (
    RankingResult,
    cd_cliques,
    critical_difference,
    nemenyi_q,
    rank_algorithms,
)
from lab.stats.search_vs_report import (
    GeneralizationStats,
    generalization_of_set,
    generalization_stats,
)

__all__ = [
    "GeneralizationStats",
    "RankingResult",
    "StatsInputError",
    "a12",
    "a12_magnitude",
    "bootstrap_mean_ci",
    "cd_cliques",
    "critical_difference",
    "generalization_of_set",
    "generalization_stats",
    "holm",
    "holm_reject",
    "nemenyi_q",
    "pairwise_tests",
    "rank_algorithms",
    "summarize",
    "wilcoxon_paired",
]
