"""Prior knowledge for a search: evaluations of a *different* problem over the same space.

A transfer algorithm's ``warm_start`` hyperparameter (:class:`WarmStart`) names one or more
source problems, how many of their evaluations the search receives and how they are chosen:

- ``selection: random``: ``evaluations`` distinct architectures drawn uniformly from each
  source's search space (what an earlier random search of the source would have seen);
- ``selection: front``: the ``evaluations`` best architectures of each source by non-dominated
  rank on its search metrics over its whole table (the source fully explored), ties in the last
  rank drawn at random.

Both draws use the run's seed (the third child of ``SeedSequence(seed)``; the first two are the
initial design and the algorithm's generator, :mod:`lab.algorithms.base`), so a run is
reproducible and every transfer algorithm of one (problem, seed) sees the same prior. The prior
is free: it is not a target evaluation, does not enter the history and costs no budget.

**Leakage is refused.** A source that shares a search or report metric with the target (the same
column: the target's own validation or test accuracy, the same device's latency) would hand the
search target values for nothing; :func:`check_source` names the metric. A source over another
search space (other genomes) is refused too, and so is one whose objectives differ in number or
name (objective ``i`` of the source is read as related to objective ``i`` of the target).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

import moocore
import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from lab.algorithms.params import AlgorithmParams, Int
from lab.errors import ParameterError
from lab.problems.problem import Problem


def _source_names(value: object) -> object:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(value)
    return value


class WarmStart(BaseModel):
    """Where a search's prior knowledge comes from.

    Attributes:
        problem: the source problem, or several (a list): other datasets' or devices' problems
            over the target's space.
        evaluations: source evaluations per source problem (free for the target's budget).
        selection: ``random`` (uniform over the source's space) or ``front`` (the best by
            non-dominated rank of the source's whole table).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    problem: Annotated[tuple[str, ...], BeforeValidator(_source_names)] = Field(min_length=1)
    evaluations: Int = Field(ge=1, le=100_000)
    selection: Literal["random", "front"] = "random"


class WarmStartParams(AlgorithmParams):
    """Hyperparameters of an algorithm that may use prior knowledge (none: a cold start)."""

    warm_start: WarmStart | None = Field(
        default=None,
        description="source problem(s), evaluations per source and selection (random|front); "
        "None: cold start",
    )


def objective_metrics(problem: Problem) -> set[str]:
    """The table columns a problem's objectives read (search and report metrics)."""
    out: set[str] = set()
    for obj in problem.spec.objectives:
        out.update((obj.search, obj.report_metric))
    return out


def check_source(target: Problem, source: Problem) -> None:
    """Refuse a source that would leak the target's values or that is over another space.

    Raises:
        ParameterError: the source is the target, shares a search or report metric with it
            (named), is over another search space, or has other objectives.
    """
    where = f"warm_start: source problem {source.name!r} for target {target.name!r}"
    if source.name == target.name:
        raise ParameterError(f"{where}: the source is the target; name another problem")
    shared = sorted(objective_metrics(source) & objective_metrics(target))
    if shared:
        raise ParameterError(
            f"{where} shares the metric(s) {shared} with the target (leakage: the source's "
            "evaluations would reveal the target's own values); choose a source over other "
            "columns (another dataset's or device's)"
        )
    if source.space.name != target.space.name or not np.array_equal(
        source.cardinalities, target.cardinalities
    ):
        raise ParameterError(
            f"{where}: the source is over search space {source.space.name!r} "
            f"{source.cardinalities.tolist()}, the target over {target.space.name!r} "
            f"{target.cardinalities.tolist()}; a source must be over the target's space"
        )
    if source.objective_names != target.objective_names:
        raise ParameterError(
            f"{where}: the source's objectives {list(source.objective_names)} differ from the "
            f"target's {list(target.objective_names)}; give a source with the same objectives"
        )


@dataclass(frozen=True)
class PriorEvaluations:
    """The source evaluations a search receives (``n`` of them over all sources).

    Attributes:
        sources: the source problems' names (task ``t`` is ``sources[t]``).
        task: ``n`` source index of each evaluation.
        genomes: ``n x d`` genomes (of the shared space).
        F: ``n x m`` the source's search metrics (minimized, the source's raw units).
        feasible: ``n`` whether the source's constraints hold.
        target_rows: ``n`` the target table's row of each genome, ``-1`` where the genome is
            outside the target's search space.
    """

    sources: tuple[str, ...]
    task: np.ndarray
    genomes: np.ndarray
    F: np.ndarray
    feasible: np.ndarray
    target_rows: np.ndarray

    def __len__(self) -> int:
        return len(self.task)

    def ranked_target_rows(self) -> np.ndarray:
        """Distinct target rows of the prior, best first: by non-dominated rank within each
        source (feasible first), ranks of different sources interleaved, and within a rank
        in :func:`spread_order` along the front; rows outside the target's space dropped."""
        keys = []
        for t in range(len(self.sources)):
            idx = np.flatnonzero((self.task == t) & (self.target_rows >= 0))
            if not len(idx):
                continue
            F = self.F[idx]
            rank = np.asarray(moocore.pareto_rank(F), dtype=np.int64)
            rank = rank + np.where(self.feasible[idx], 0, rank.max() + 1)
            for r in np.unique(rank):
                in_rank = idx[rank == r]
                order = in_rank[spread_order(self.F[in_rank])]
                keys.extend((int(r), pos, int(i)) for pos, i in enumerate(order))
        keys.sort()
        rows = self.target_rows[[k[2] for k in keys]] if keys else np.zeros(0, dtype=np.int64)
        _, first = np.unique(rows, return_index=True)
        return rows[np.sort(first)]


def spread_order(F: np.ndarray) -> np.ndarray:
    """An order of ``n`` points of one front that spreads early picks along it: sorted by the
    first objective, then the two ends, the middle, the quarters, ... (bisection order), so
    that any prefix covers the front evenly. ``n`` indices into ``F``."""
    n = len(F)
    by_first = np.lexsort(np.asarray(F, dtype=np.float64).T[::-1])
    if n <= 2:
        return by_first
    picked = [0, n - 1]
    seen = {0, n - 1}
    intervals = [(0, n - 1)]
    while len(picked) < n:
        next_intervals = []
        for lo, hi in intervals:
            if hi - lo < 2:
                continue
            mid = (lo + hi) // 2
            if mid not in seen:
                seen.add(mid)
                picked.append(mid)
            next_intervals.extend([(lo, mid), (mid, hi)])
        if not next_intervals:
            break
        intervals = next_intervals
    picked.extend(i for i in range(n) if i not in seen)
    return by_first[np.asarray(picked, dtype=np.int64)]


def prior_rng(seed: int) -> np.random.Generator:
    """The generator of a run's prior draw: the third child of ``SeedSequence(seed)``."""
    return np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(3)[2])


def _front_rows(source: Problem, n: int, rng: np.random.Generator) -> np.ndarray:
    """The ``n`` best searchable rows of ``source`` by non-dominated rank (feasible first); the
    last rank that does not fit whole is subsampled with ``rng``."""
    rows = np.flatnonzero(source.searchable_all)
    rank = np.asarray(moocore.pareto_rank(source.F_all[rows]), dtype=np.int64)
    rank = rank + np.where(source.feasible_all[rows], 0, rank.max() + 1)
    order = np.argsort(rank, kind="stable")
    if n >= len(rows):
        return rows[order]
    cut = rank[order[n - 1]]
    sure = rows[rank < cut]
    tied = rows[rank == cut]
    return np.concatenate([sure, rng.choice(tied, size=n - len(sure), replace=False)])


def draw_prior(
    target: Problem, warm_start: WarmStart, seed: int, *, sources: list[Problem] | None = None
) -> PriorEvaluations:
    """The prior evaluations of a run of ``target`` with ``seed`` (see the module docstring).

    Args:
        target: the problem searched.
        warm_start: the sources and how many of their evaluations to draw.
        seed: the run's seed.
        sources: the source problems already loaded (default: loaded by name).

    Raises:
        ParameterError: a source that leaks, is over another space or has other objectives
            (:func:`check_source`), or names no known problem.
    """
    if sources is None:
        from lab.problems.registry import get_problem

        sources = [get_problem(name) for name in warm_start.problem]
    rng = prior_rng(seed)
    task, genomes, F, feasible = [], [], [], []
    for t, source in enumerate(sources):
        check_source(target, source)
        n = min(warm_start.evaluations, source.n_searchable)
        if warm_start.selection == "random":
            rows = source.sample_rows(n, rng)
        else:
            rows = _front_rows(source, n, rng)
        ev = source.evaluate_rows(rows)
        task.append(np.full(len(rows), t, dtype=np.int64))
        genomes.append(source.genomes_all[rows])
        F.append(ev.F)
        feasible.append(ev.feasible)
    G = np.concatenate(genomes)
    return PriorEvaluations(
        sources=tuple(s.name for s in sources),
        task=np.concatenate(task),
        genomes=G,
        F=np.concatenate(F),
        feasible=np.concatenate(feasible),
        target_rows=target.rows(G),
    )


class WarmStartMixin:
    """Draws the prior (``self.prior``, ``None`` for a cold start) when the algorithm is made;
    the class's ``Params`` must derive from :class:`WarmStartParams`. Put it before the
    algorithm's base class."""

    prior: PriorEvaluations | None

    def __init__(self, problem: Problem, **kwargs: object) -> None:
        super().__init__(problem, **kwargs)  # type: ignore[call-arg]
        warm = self.params.warm_start  # type: ignore[attr-defined]
        self.prior = None if warm is None else draw_prior(problem, warm, self.seed)  # type: ignore[attr-defined]

    def prior_rows(self) -> np.ndarray:
        """The prior's distinct target rows, best first, not yet evaluated and in the target's
        search space (empty for a cold start)."""
        if self.prior is None:
            return np.zeros(0, dtype=np.int64)
        rows = self.prior.ranked_target_rows()
        keep = self.problem.searchable_all[rows] & ~self._evaluated[rows]  # type: ignore[attr-defined]
        return rows[keep]


__all__ = [
    "PriorEvaluations",
    "WarmStart",
    "WarmStartMixin",
    "WarmStartParams",
    "check_source",
    "draw_prior",
    "objective_metrics",
    "prior_rng",
    "spread_order",
]
