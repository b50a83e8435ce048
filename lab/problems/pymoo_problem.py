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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pymoo.core.problem import Problem as _PymooBase

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

    def evaluations(self) -> Evaluation:
        """The evaluations of architectures of the table so far, in evaluation order (genomes
        that denote none are left out)."""
        rows = self.rows
        return self.problem.evaluate_rows(rows[rows >= 0])
