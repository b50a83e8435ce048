"""A lab problem as a :class:`pymoo.core.problem.Problem`, so that ``pymoo.optimize.minimize``
(or any pymoo algorithm) can search it directly.

The decision variables are the integer genome (``xl = 0``, ``xu = cardinality - 1``,
``vtype=int``); pymoo's real-valued operators may propose floats, which are rounded and clipped.
The objectives are the SEARCH metrics (minimized, raw units): a search sees only what a real
user would have. Constraints are the problem's (``G <= 0`` feasible) plus one that is violated
when a genome denotes no architecture of the table (so operators that wander off the space are
steered back instead of failing).

Every evaluation is recorded in order, so that the run can be scored like any other:
:meth:`PymooProblem.evaluations` gives them, and
``lab.scoring.score_evaluation(problem, evaluations)`` the lab's scores of the set the search
returns.

**Budgets.** pymoo charges every call: a repeated genome, an isomorph of an evaluated
architecture (evaluated as the same row) and a genome outside the space each count once more
in ``("n_evals", N)``. The lab counts distinct evaluations, as its own algorithms do:
:attr:`PymooProblem.n_distinct` is that count, :meth:`PymooProblem.distinct_budget` a pymoo
termination that stops once ``N`` distinct architectures were evaluated, and
``evaluations(distinct=True, limit=N)`` the first ``N`` of them, so that a pymoo search and a
lab algorithm can be compared at equal distinct budgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pymoo.core.problem import Problem as _PymooBase
from pymoo.core.termination import Termination

from lab.errors import ParameterError

if TYPE_CHECKING:
    from lab.problems.problem import Evaluation, Problem


class PymooProblem(_PymooBase):
    """``problem`` for pymoo (see the module docstring).

    Attributes:
        problem: the lab problem.
        rows: table rows of the evaluated genomes, in evaluation order (``-1``: no
            architecture).
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self._rows: list[np.ndarray] = []
        super().__init__(
            n_var=problem.n_var,
            n_obj=problem.n_obj,
            n_ieq_constr=problem.n_constr + 1,
            xl=np.zeros(problem.n_var, dtype=np.int64),
            xu=np.asarray(problem.cardinalities, dtype=np.int64) - 1,
            vtype=int,
        )
        # Objective values given to genomes that denote no architecture: worse than every row.
        F = problem.F_all
        self._invalid_F = F.max(axis=0) + (F.max(axis=0) - F.min(axis=0)) + 1.0

    def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        genomes = np.clip(np.rint(np.asarray(x, dtype=float)), self.xl, self.xu).astype(np.int64)
        genomes = genomes.reshape(-1, self.problem.n_var)
        rows = self.problem.rows(genomes)
        self._rows.append(rows)
        ok = rows >= 0
        n = len(rows)
        F = np.tile(self._invalid_F, (n, 1))
        G = np.ones((n, self.problem.n_constr + 1))
        if ok.any():
            ev = self.problem.evaluate_rows(rows[ok])
            F[ok] = ev.F
            G[ok, : self.problem.n_constr] = ev.G
            G[ok, -1] = -1.0
        out["F"] = F
        out["G"] = G

    @property
    def rows(self) -> np.ndarray:
        return np.concatenate(self._rows) if self._rows else np.empty(0, dtype=np.int64)

    @property
    def n_charged(self) -> int:
        """Evaluations pymoo has charged (every call, as its ``n_evals`` counts them)."""
        return int(self.rows.size)

    @property
    def n_distinct(self) -> int:
        """Distinct architectures evaluated (the lab's budget unit)."""
        rows = self.rows
        return int(np.unique(rows[rows >= 0]).size)

    def distinct_budget(self, n: int) -> DistinctBudget:
        """A pymoo termination: stop once ``n`` distinct architectures were evaluated."""
        return DistinctBudget(n)

    def evaluations(self, *, distinct: bool = False, limit: int | None = None) -> Evaluation:
        """The evaluations of architectures of the search space so far, in evaluation order
        (genomes that denote none are left out).

        Args:
            distinct: keep only the first evaluation of each architecture.
            limit: keep only the first ``limit`` (of the distinct ones, with ``distinct``):
                a search that overshoots its budget by part of a generation is scored on the
                budget's evaluations.
        """
        rows = self.rows
        rows = rows[rows >= 0]
        if distinct:
            _, first = np.unique(rows, return_index=True)
            rows = rows[np.sort(first)]
        if limit is not None:
            rows = rows[: int(limit)]
        return self.problem.evaluate_rows(rows)


class DistinctBudget(Termination):
    """pymoo termination after ``n`` distinct architecture evaluations of the problem the
    algorithm searches (a :class:`PymooProblem`).

    It reads the count from ``algorithm.problem``, the problem object ``minimize`` was given:
    ``minimize`` deep-copies its termination, so a reference kept here would watch a copy.
    """

    def __init__(self, n: int) -> None:
        super().__init__()
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ParameterError(f"a distinct budget must be a whole number >= 1, got {n!r}")
        self.n = int(n)

    def _update(self, algorithm: object) -> float:
        problem = getattr(algorithm, "problem", None)
        if not isinstance(problem, PymooProblem):
            raise ParameterError(
                "a distinct budget counts the evaluations of a lab problem: search "
                "problem.as_pymoo() with it"
            )
        return problem.n_distinct / self.n
