"""The problem audit: can a table of results on this problem tell algorithms apart?

A comparison on a problem means little when one architecture already holds almost all of the
front's hypervolume, when a random search at a modest budget is as good as the exact search
front, or when the report metrics (test accuracy) are mostly noise around the search metrics
(validation accuracy). The audit measures these from the full table, per problem:

``front_size``
    distinct objective vectors of the exact report front (isomorphic cells count once).
``hv_share_best``
    share of the exact report front's hypervolume held by its best ``k`` = 1, 3, 10 points,
    chosen greedily (exact for ``k = 1``; greedy hypervolume subset selection reaches at least
    ``1 - 1/e`` of the best ``k``-subset, and in practice far more).
``search_front_report_hv``
    normalized report hypervolume of the architectures of the exact *search* front: what a
    search that found the whole search front is credited with. It is not a ceiling: a set off
    the search front may score more on the report metrics (validation noise cuts both ways).
``random_median``
    median over ``seeds`` seeded random searches (distinct evaluations of the search space drawn
    uniformly, as the lab's ``random`` algorithm draws them) of the normalized report
    hypervolume of the returned set after 100 and 500 evaluations (one sample per seed, its
    first 100 and all 500 rows); ``random_interval`` its 95 % bootstrap interval (percentile
    bootstrap of the median, :data:`BOOTSTRAP_RESAMPLES` resamples, fixed seed).
``headroom``
    ``search_front_report_hv - random_median[500]``: what finding the search front gains over
    random search at 500 evaluations; ``headroom_interval`` from the bootstrap interval.
``rank_correlation``
    Spearman's rho between search and report values, over the architectures of the exact search
    and report fronts, for each objective with a separate report metric (the lowest is
    reported; ``null`` when every report metric is its search metric).

Verdicts (checked in this order, thresholds in :data:`THRESHOLDS`):

* ``noise-dominated`` — ``headroom <= 0.01`` on a problem with a separate report metric: the
  exact search front is no better than a random search's median on the report metrics, so
  report hypervolume measures the search -> report noise, not the search. Where every report
  metric is its search metric there is no noise to measure, and the same headroom is
  ``saturating``;
* ``saturating`` — ``hv_share_best[1] >= 0.90`` (one architecture holds 90 % of the front's
  hypervolume: reaching it is nearly all there is to do) or ``headroom < 0.03`` (random search at
  500 evaluations is within 0.03 of the search front: algorithms have no room to differ);
* ``discriminative`` — otherwise.

The verdict is computed at both ends of the headroom's bootstrap interval; when they differ it
is ``borderline`` (``verdict_range`` names both), so that it does not flip with the seed count.
``verdict_reason`` says in words what was measured.

Returned sets and hypervolumes follow the lab's scoring: the feasible, non-degenerate evaluations
non-dominated on the search metrics, scored on the report metrics in the problem's frozen
normalization (the problem's reference point: its declared thresholds) and divided by the exact
report front's hypervolume.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import stats

from lab.errors import InputError
from lab.indicators.hypervolume import hypervolume_unchecked
from lab.problems.problem import Problem
from lab.scoring import returned_set
from lab.stats.descriptive import bootstrap_mean_ci

#: Evaluation budgets at which random search is measured.
RANDOM_BUDGETS: tuple[int, ...] = (100, 500)
#: Sizes of the best subsets of the front whose hypervolume share is reported.
BEST_K: tuple[int, ...] = (1, 3, 10)
#: Seeds of the random searches (the audit's default; at least 10).
DEFAULT_SEEDS = 30
#: Bootstrap resamples of the random searches' median.
BOOTSTRAP_RESAMPLES = 2000
#: Confidence level of the bootstrap intervals.
CONFIDENCE = 0.95
#: Root seed of the random searches: seed ``i`` uses ``SeedSequence(AUDIT_SEED).spawn(...)[i]``.
AUDIT_SEED = 20_121

VERDICTS: tuple[str, ...] = ("discriminative", "saturating", "noise-dominated", "borderline")

#: The verdict thresholds (see the module docstring).
THRESHOLDS: dict[str, float] = {
    "noise_max_headroom": 0.01,
    "saturating_best1_share": 0.90,
    "saturating_min_headroom": 0.03,
}


def report_hv(problem: Problem, rows: np.ndarray) -> float:
    """Normalized report hypervolume of the set a search returns after evaluating ``rows``.

    Args:
        problem: the problem.
        rows: ``n`` table rows evaluated, in order.

    Returns:
        Report-metric hypervolume of the returned set (feasible, non-degenerate, non-dominated
        on search metrics, equal vectors all kept) divided by the exact report front's; 0 when
        nothing scoreable was evaluated.
    """
    rows = np.asarray(rows, dtype=np.int64)
    scoreable = problem.returnable_mask(rows)
    returned = returned_set(problem.normalize(problem.F_all[rows], "search"), scoreable)
    if returned.size == 0:
        return 0.0
    R = np.ascontiguousarray(problem.normalize(problem.F_report_all[rows[returned]]))
    ref = problem.normalized_reference("report")
    return hypervolume_unchecked(R, ref) / problem.true_front_hv("report")


def best_subset_shares(
    front: np.ndarray, ref: np.ndarray, ks: Sequence[int] = BEST_K
) -> dict[int, float]:
    """Share of the hypervolume of ``front`` (``r x m``, normalized) w.r.t. ``ref`` (``m``)
    held by its best ``k`` points, greedily chosen (each step adds the point with the largest
    contribution)."""
    ref = np.asarray(ref, dtype=np.float64)
    total = hypervolume_unchecked(np.ascontiguousarray(front), ref)
    chosen: list[int] = []
    left = list(range(len(front)))
    shares: list[float] = []
    for _ in range(max(ks)):
        if not left:
            shares.append(1.0)
            continue
        values = [
            hypervolume_unchecked(np.ascontiguousarray(front[[*chosen, i]]), ref) for i in left
        ]
        best = int(np.argmax(values))
        chosen.append(left.pop(best))
        shares.append(values[best] / total)
    return {k: float(shares[k - 1]) for k in ks}


def front_rank_correlation(problem: Problem) -> float | None:
    """Lowest Spearman rho between search and report values over the exact fronts'
    architectures, among objectives with a separate report metric; ``None`` if none has one."""
    rows = np.union1d(problem.true_front_rows("search"), problem.true_front_rows("report"))
    rhos = []
    for j, objective in enumerate(problem.spec.objectives):
        if objective.report_metric == objective.search:
            continue
        a, b = problem.F_all[rows, j], problem.F_report_all[rows, j]
        if len(rows) < 3 or np.all(a == a[0]) or np.all(b == b[0]):
            rhos.append(math.nan)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rhos.append(float(stats.spearmanr(a, b).statistic))
    if not rhos:
        return None
    return float(np.nanmin(rhos)) if not np.isnan(rhos).all() else math.nan


def random_search_hv(
    problem: Problem, *, seeds: int = DEFAULT_SEEDS, budgets: Sequence[int] = RANDOM_BUDGETS
) -> dict[int, np.ndarray]:
    """Per budget, the ``seeds`` normalized report hypervolumes of seeded random searches."""
    children = np.random.SeedSequence(AUDIT_SEED).spawn(seeds)
    top = min(max(budgets), problem.n_searchable)
    out: dict[int, list[float]] = {b: [] for b in budgets}
    for child in children:
        rows = problem.sample_rows(top, np.random.default_rng(child))
        for b in budgets:
            out[b].append(report_hv(problem, rows[:b]))
    return {b: np.asarray(v) for b, v in out.items()}


def _verdict_at(headroom: float, best1: float, has_report_metric: bool) -> str:
    t = THRESHOLDS
    if headroom <= t["noise_max_headroom"] and has_report_metric:
        return "noise-dominated"
    if best1 >= t["saturating_best1_share"] or headroom < t["saturating_min_headroom"]:
        return "saturating"
    return "discriminative"


def verdict(audit: dict[str, Any]) -> str:
    """The verdict of an audit entry (see the module docstring): the verdict at the headroom's
    point estimate when both ends of its interval agree with it, else ``borderline``."""
    verdicts = verdict_range(audit)
    return verdicts[0] if len(set(verdicts)) == 1 else "borderline"


def verdict_range(audit: dict[str, Any]) -> list[str]:
    """The verdicts at the low end, the estimate and the high end of the headroom interval."""
    has_report = audit.get("rank_correlation") is not None
    best1 = audit["hv_share_best"][1]
    low, high = audit.get("headroom_interval") or (audit["headroom"], audit["headroom"])
    return [_verdict_at(h, best1, has_report) for h in (low, audit["headroom"], high)]


def verdict_reason(audit: dict[str, Any]) -> str:
    """The verdict in words: what was measured, and against which threshold."""
    t = THRESHOLDS
    low, high = audit.get("headroom_interval") or (audit["headroom"], audit["headroom"])
    head = f"headroom {audit['headroom']:.3f} [{low:.3f}, {high:.3f}]"
    best1 = audit["hv_share_best"][1]
    v = verdict(audit)
    if v == "borderline":
        ends = verdict_range(audit)
        return f"{head}: {ends[0]} at the interval's low end, {ends[2]} at its high end"
    if v == "noise-dominated":
        return (
            f"{head} <= {t['noise_max_headroom']}: the exact search front scores no better "
            "than random search on the report metrics"
        )
    if v == "saturating":
        if best1 >= t["saturating_best1_share"]:
            return f"the best architecture holds {best1:.0%} of the front's hypervolume"
        return f"{head} < {t['saturating_min_headroom']}: random search is close to the front"
    return (
        f"{head} >= {t['saturating_min_headroom']} and the best architecture holds "
        f"{best1:.0%} of the front's hypervolume"
    )


def _median_interval(values: np.ndarray) -> tuple[float, float]:
    """95 % percentile-bootstrap interval of the median of ``values``."""
    return bootstrap_mean_ci(
        values,
        np.random.default_rng(AUDIT_SEED),
        CONFIDENCE,
        BOOTSTRAP_RESAMPLES,
        "percentile",
        statistic=np.median,
    )


def audit_problem(problem: Problem, *, seeds: int = DEFAULT_SEEDS) -> dict[str, Any]:
    """The audit of one problem, as plain data (what ``benchmarks/audit.yaml`` stores)."""
    if seeds < 10:
        raise InputError(f"the audit needs at least 10 random-search seeds, got {seeds}")
    front = problem.normalize(problem.true_front("report"))
    ref = problem.normalized_reference("report")
    randoms = random_search_hv(problem, seeds=seeds)
    search_front_hv = report_hv(problem, problem.true_front_rows("search"))
    rho = front_rank_correlation(problem)
    intervals = {b: _median_interval(v) for b, v in randoms.items()}
    low, high = intervals[max(RANDOM_BUDGETS)]
    entry: dict[str, Any] = {
        "front_size": len(front),
        "front_architectures": len(problem.true_front_rows("report")),
        "search_front_size": len(problem.true_front("search")),
        "hv_share_best": {k: round(v, 4) for k, v in best_subset_shares(front, ref).items()},
        "search_front_report_hv": round(search_front_hv, 4),
        "random_median": {b: round(float(np.median(v)), 4) for b, v in randoms.items()},
        "random_interval": {b: [round(lo, 4), round(hi, 4)] for b, (lo, hi) in intervals.items()},
        "random_iqr": {
            b: round(float(np.subtract(*np.percentile(v, [75, 25]))), 4) for b, v in randoms.items()
        },
        "random_seeds": seeds,
        "headroom": round(search_front_hv - float(np.median(randoms[max(RANDOM_BUDGETS)])), 4),
        "headroom_interval": [round(search_front_hv - high, 4), round(search_front_hv - low, 4)],
        "rank_correlation": None if rho is None else round(rho, 4),
    }
    entry["verdict"] = verdict(entry)
    entry["verdict_reason"] = verdict_reason(entry)
    return entry


def audit_problems(
    problems: Sequence[Problem],
    *,
    seeds: int = DEFAULT_SEEDS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """:func:`audit_problem` of each problem, by name."""
    out = {}
    for problem in problems:
        if progress is not None:
            progress(problem.name)
        out[problem.name] = audit_problem(problem, seeds=seeds)
    return out
