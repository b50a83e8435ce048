"""What a run is measured against: a problem's frozen normalization, reference point and exact
fronts, prepared once per problem.

Every score of the lab lives in normalized objective space (the problem's frozen ideal maps to 0,
its nadir to 1; search and report metrics each by the bounds of their own exact front) with the reference point 1.1 in every objective, and divides hypervolumes by that
of the exact front of the same metrics (search or report) — so values are dimensionless,
comparable across runs, and 1 means the exact front was found.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from lab.problems.problem import Problem

#: Which metrics of a problem a score uses.
Metrics = Literal["search", "report"]


@dataclass(frozen=True)
class Yardstick:
    """A problem's scoring references, in normalized objective space.

    Attributes:
        problem: the problem's name.
        ref: ``m`` hypervolume reference point of the normalized report metrics (the problem's
            reference point, :meth:`~lab.problems.problem.Problem.normalized_reference`).
        search_ref: ``m`` the same point in the normalized search metrics.
        search_front: ``s x m`` normalized exact front of the feasible table on search metrics.
        report_front: ``r x m`` normalized exact front on report metrics.
        search_front_hv: hypervolume of ``search_front`` w.r.t. ``ref`` (positive).
        report_front_hv: hypervolume of ``report_front`` w.r.t. ``ref`` (positive).
    """

    problem: str
    ref: np.ndarray
    search_ref: np.ndarray
    search_front: np.ndarray
    report_front: np.ndarray
    search_front_hv: float
    report_front_hv: float

    @classmethod
    def of(cls, problem: Problem) -> Yardstick:
        """The yardstick of ``problem`` (computed once per problem object)."""
        cached = _CACHE.get(problem)
        if cached is None:
            cached = _CACHE[problem] = cls._compute(problem)
        return cached

    @classmethod
    def _compute(cls, problem: Problem) -> Yardstick:
        return cls(
            problem=problem.name,
            ref=problem.normalized_reference("report"),
            search_ref=problem.normalized_reference("search"),
            search_front=problem.normalize(problem.true_front("search"), "search"),
            report_front=problem.normalize(problem.true_front("report")),
            search_front_hv=problem.true_front_hv("search"),
            report_front_hv=problem.true_front_hv("report"),
        )

    def front(self, metrics: Metrics) -> np.ndarray:
        """The normalized exact front on ``metrics``."""
        return self.search_front if metrics == "search" else self.report_front

    def front_hv(self, metrics: Metrics) -> float:
        """The hypervolume of the exact front on ``metrics``."""
        return self.search_front_hv if metrics == "search" else self.report_front_hv


_CACHE: weakref.WeakKeyDictionary[Problem, Yardstick] = weakref.WeakKeyDictionary()
