"""Scores of a returned set: normalized hypervolume and the other indicators, on the report
metrics against the exact report front and on the search metrics against the exact search front.

The indicators themselves come from :mod:`lab.indicators` (moocore underneath); this module only
says which set is scored, against what, and how an empty set scores: hypervolume 0, IGD, IGD+,
GD and additive epsilon ``inf``, spacing and spread NaN.

The returned set is chosen on the search metrics, so on the report metrics some of its points
can dominate others. Hypervolume, IGD+ and additive epsilon score the set as it is (a dominated
point changes none of them). IGD and GD are not Pareto compliant: a dominated point can lower
IGD or raise GD, so they score the set's report-metric non-dominated subset with duplicate
vectors removed (the EvoXBench convention); spacing and spread reduce to that subset
themselves (:mod:`lab.indicators.spread`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import moocore
import numpy as np
from numpy.typing import ArrayLike

from lab.errors import IndicatorInputError
from lab.indicators.distance import gd_unchecked, igd_plus_unchecked, igd_unchecked
from lab.indicators.epsilon import epsilon_additive_unchecked
from lab.indicators.hypervolume import hypervolume_unchecked
from lab.indicators.spread import spacing, spread
from lab.scoring.returned_set import as_matrix, feasible_mask, returned_set
from lab.scoring.yardstick import Yardstick

if TYPE_CHECKING:
    from lab.problems.problem import Evaluation, Problem

#: The per-run score columns, in table order (:meth:`SetScores.as_dict`).
SCORE_COLUMNS: tuple[str, ...] = (
    "n_returned", "hv", "hv_normalized", "igd", "igd_plus", "gd", "eps_add", "spacing", "spread",
    "hv_search", "hv_search_normalized", "hv_gap",
)  # fmt: skip


@dataclass(frozen=True)
class SetScores:
    """Scores of one returned set (normalized objective space, dimensionless).

    Attributes:
        returned: ``p`` increasing indices of the returned set into the run's evaluations.
        hv: report-metric hypervolume w.r.t. the reference point 1.1.
        hv_normalized: ``hv`` / hypervolume of the exact report front (1 = front found).
        igd, igd_plus, gd, eps_add: against the exact report front (``inf`` when empty).
        spacing, spread: of the report vectors (NaN when undefined).
        hv_search, hv_search_normalized: the same on the search metrics (÷ exact search
            front's hypervolume).
        hv_gap: ``hv_search_normalized - hv_normalized``: the share of the exact front's
            hypervolume the set holds on the search metrics minus the share it holds on the
            report metrics (ratios, so the two boxes' different volumes cancel); positive when
            the search metrics were optimistic about the set.
    """

    returned: np.ndarray
    hv: float
    hv_normalized: float
    igd: float
    igd_plus: float
    gd: float
    eps_add: float
    spacing: float
    spread: float
    hv_search: float
    hv_search_normalized: float
    hv_gap: float

    @property
    def n_returned(self) -> int:
        return int(self.returned.size)

    def as_dict(self) -> dict[str, float | int]:
        """The scores keyed by :data:`SCORE_COLUMNS` (without the indices)."""
        values = asdict(self)
        values["n_returned"] = self.n_returned
        return {k: values[k] for k in SCORE_COLUMNS}


def score_returned(
    S: np.ndarray, R: np.ndarray, returned: np.ndarray, yardstick: Yardstick
) -> SetScores:
    """Scores of the evaluations ``returned`` (validated arrays; hot path of the analysis).

    Args:
        S: ``n x m`` normalized search objectives (float, C-contiguous or not).
        R: ``n x m`` normalized report objectives, finite on ``returned``.
        returned: ``p`` indices of the returned set.
        yardstick: the problem's references.
    """
    ref = yardstick.ref
    front = yardstick.report_front
    A = np.ascontiguousarray(R[returned])
    # IGD / GD on the report-metric non-dominated, distinct vectors (see the module docstring).
    A_nd = moocore.filter_dominated(A, keep_weakly=False) if len(A) else A
    hv = hypervolume_unchecked(A, ref)
    hv_search = hypervolume_unchecked(np.ascontiguousarray(S[returned]), yardstick.search_ref)
    return SetScores(
        returned=returned,
        hv=hv,
        hv_normalized=hv / yardstick.report_front_hv,
        igd=igd_unchecked(A_nd, front),
        igd_plus=igd_plus_unchecked(A, front),
        gd=gd_unchecked(A_nd, front),
        eps_add=epsilon_additive_unchecked(A, front),
        spacing=spacing(A) if len(A) else np.nan,
        spread=spread(A, front),
        hv_search=hv_search,
        hv_search_normalized=hv_search / yardstick.search_front_hv,
        hv_gap=hv_search / yardstick.search_front_hv - hv / yardstick.report_front_hv,
    )


def score_set(
    S: ArrayLike, R: ArrayLike, feasible: ArrayLike | None, yardstick: Yardstick
) -> SetScores:
    """The returned set of a run's evaluations and its scores.

    Args:
        S: ``n x m`` normalized search objectives of the run, in evaluation order.
        R: ``n x m`` normalized report objectives of the same evaluations (rows outside the
            returned set may be NaN).
        feasible: ``n`` booleans; ``None`` means all feasible.
        yardstick: the problem's references (:meth:`Yardstick.of`).
    """
    m = yardstick.ref.size
    S_ = as_matrix(S, "S", m=m)
    R_ = as_matrix(R, "R", n=S_.shape[0], m=m)
    ret = returned_set(S_, feasible_mask(feasible, S_.shape[0]))
    if not np.isfinite(R_[ret]).all():
        raise IndicatorInputError("R has NaN or infinite values in the returned set")
    return score_returned(S_, R_, ret, yardstick)


def score_run(
    problem: Problem,
    F: ArrayLike,
    F_report: ArrayLike,
    feasible: ArrayLike | None = None,
    *,
    yardstick: Yardstick | None = None,
) -> SetScores:
    """:func:`score_set` of a run's evaluations in the problem's raw units.

    Args:
        problem: the problem the run searched.
        F: ``n x m`` search-metric objectives (minimized, raw units), in evaluation order.
        F_report: ``n x m`` report-metric objectives of the same evaluations.
        feasible: ``n`` booleans; ``None`` means all feasible.
        yardstick: ``Yardstick.of(problem)``, passed to reuse it across runs.
    """
    ys = Yardstick.of(problem) if yardstick is None else yardstick
    return score_set(problem.normalize(F, "search"), problem.normalize(F_report), feasible, ys)


def score_evaluation(
    problem: Problem, evaluation: Evaluation, *, yardstick: Yardstick | None = None
) -> SetScores:
    """:func:`score_run` of a run's evaluations given as one
    :class:`~lab.problems.problem.Evaluation` (in evaluation order): the returned set may hold
    only its returnable architectures (feasible and not degenerate,
    :meth:`~lab.problems.problem.Problem.returnable_mask`), as for every run of the lab."""
    returnable = problem.returnable_mask(evaluation.rows, evaluation.feasible)
    return score_run(problem, evaluation.F, evaluation.F_report, returnable, yardstick=yardstick)
