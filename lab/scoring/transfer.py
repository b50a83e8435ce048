"""Transfer scores: architectures (table rows) that one run returned, scored on another problem
over the same table — another dataset, another device, or the true table behind a surrogate.

The rows are scored on the target's report metrics, normalized with the target's frozen bounds;
rows the target would not credit in a returned set are left out — those that violate its
constraints or are degenerate (:meth:`~lab.problems.problem.Problem.returnable_mask`) — and an
empty scored set has hypervolume 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError
from lab.indicators.hypervolume import hypervolume_unchecked

if TYPE_CHECKING:
    from lab.problems.problem import Problem


@dataclass(frozen=True)
class TransferScore:
    """Score of a set of table rows on a target problem.

    Attributes:
        n_scored: rows returnable on the target (feasible, not degenerate): the scored set's size.
        hv: hypervolume of their normalized report objectives w.r.t. 1.1 per objective.
        hv_normalized: ``hv`` / hypervolume of the target's exact report front.
    """

    n_scored: int
    hv: float
    hv_normalized: float


class TransferScorer:
    """Scores row sets on one target problem, with the target's arrays prepared once.

    Args:
        target: the problem the rows are scored on.
        rows: optional ``N`` table rows that later index sets refer to (the evaluations of
            many runs back to back); the target's normalized report objectives and
            feasibility are then looked up once for all of them.
    """

    def __init__(self, target: Problem, rows: ArrayLike | None = None) -> None:
        self.target = target
        self.rows = None if rows is None else self._checked_rows(rows)
        base = slice(None) if self.rows is None else self.rows
        self._T = target.normalize(target.F_report_all[base])
        rows_all = np.arange(target.n_architectures)[base]
        self._ok = target.returnable_mask(rows_all)
        self._ref = target.normalized_reference("report")
        self._front_hv = target.true_front_hv("report")

    def _checked_rows(self, rows: ArrayLike) -> np.ndarray:
        arr = np.asarray(rows, dtype=np.int64).reshape(-1)
        n = self.target.n_architectures
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            raise IndicatorInputError(
                f"table rows must lie in [0, {n}) for target {self.target.name!r}"
            )
        return arr

    def score(self, index: ArrayLike) -> TransferScore:
        """Score the set ``index``: table rows, or positions into ``rows`` when given."""
        idx = np.asarray(index, dtype=np.int64).reshape(-1)
        if self.rows is None:
            idx = self._checked_rows(idx)
        idx = idx[self._ok[idx]]
        hv = hypervolume_unchecked(np.ascontiguousarray(self._T[idx]), self._ref)
        return TransferScore(n_scored=int(idx.size), hv=hv, hv_normalized=hv / self._front_hv)


def transfer_score(target: Problem, rows: ArrayLike) -> TransferScore:
    """Score table ``rows`` (e.g. a run's returned architectures) on ``target``."""
    return TransferScorer(target).score(rows)
