"""pymoo building blocks for categorical NAS genomes: the problem shell, per-gene categorical
mutation, crossover by name, duplicate elimination by canonical architecture, and repair of
genomes that denote no architecture.

pymoo's own operators do the rest (tournament selection, survival, crossover); these classes
only adapt them to genomes whose meaning lives in a table.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pymoo.core.crossover import Crossover
from pymoo.core.duplicate import DuplicateElimination
from pymoo.core.mutation import Mutation
from pymoo.core.problem import Problem as PymooProblem
from pymoo.core.repair import Repair
from pymoo.operators.crossover.pntx import SinglePointCrossover, TwoPointCrossover
from pymoo.operators.crossover.ux import UniformCrossover

from lab.algorithms.genome_ops import categorical_mutation, resample_rows
from lab.errors import InputError, ParameterError
from lab.problems.problem import Problem

CROSSOVERS: dict[str, type[Crossover]] = {
    "uniform": UniformCrossover,
    "one_point": SinglePointCrossover,
    "two_point": TwoPointCrossover,
}
#: The crossover names, for the hyperparameter type (``Literal[CROSSOVER_NAMES]``).
CROSSOVER_NAMES = tuple(CROSSOVERS)


def make_crossover(name: str, *, prob: float) -> Crossover:
    """pymoo crossover ``uniform``, ``one_point`` or ``two_point`` applied with probability
    ``prob`` per mating (otherwise the parents are copied)."""
    if name not in CROSSOVERS:
        raise ParameterError(f"unknown crossover {name!r}; valid: {sorted(CROSSOVERS)}")
    if not 0.0 <= prob <= 1.0:
        raise ParameterError(f"crossover probability must be in [0, 1], got {prob}")
    return CROSSOVERS[name](prob=prob)


class TableProblem(PymooProblem):
    """The pymoo view of a :class:`lab.problems.Problem`: bounds and sizes only.

    Objective values reach pymoo through ask/tell, never through :meth:`_evaluate`.

    Args:
        problem: the lab problem.
        continuous: ``True`` for the relaxed box ``[0, card)`` per variable (particle swarms),
            ``False`` for integers ``0..card-1``.
    """

    def __init__(self, problem: Problem, *, continuous: bool = False) -> None:
        cards = problem.cardinalities.astype(np.float64)
        super().__init__(
            n_var=problem.n_var,
            n_obj=problem.n_obj,
            n_ieq_constr=problem.n_constr,
            xl=np.zeros(problem.n_var),
            xu=cards if continuous else cards - 1.0,
            vtype=float if continuous else int,
        )

    def _evaluate(self, X, out, *args, **kwargs) -> None:
        raise RuntimeError("table problems are evaluated through the lab's ask/tell loop")


class CategoricalMutation(Mutation):
    """Per-gene categorical mutation: each gene changes with probability ``prob_var`` (default
    ``1 / n_var``) to a value drawn uniformly among the other values of its variable.

    pymoo's ``ChoiceRandomMutation`` needs a mixed-variable problem and may redraw the same
    value; this one works on plain integer genomes and always changes a mutated gene.
    """

    def __init__(self, cardinalities: np.ndarray, *, prob_var: float | None = None) -> None:
        super().__init__(prob=1.0)
        self.cardinalities = np.asarray(cardinalities, dtype=np.int64)
        self.rate = prob_var

    def _do(self, problem, X, *args, random_state=None, **kwargs) -> np.ndarray:
        rate = self.rate if self.rate is not None else 1.0 / len(self.cardinalities)
        genomes = np.rint(np.asarray(X, dtype=np.float64)).astype(np.int64)
        return categorical_mutation(genomes, self.cardinalities, rate, random_state)


class ArchitectureDuplicateElimination(DuplicateElimination):
    """Duplicates by canonical architecture (table row): within a population, against other
    populations, and, for individuals without objective values, against every architecture the
    run has evaluated.

    Args:
        key: genomes ``n x d`` -> table rows ``n`` (``-1`` for no architecture).
        evaluated: table rows ``n`` -> mask of those already evaluated in this run.
    """

    def __init__(
        self,
        key: Callable[[np.ndarray], np.ndarray],
        evaluated: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        super().__init__()
        self.key = key
        self.evaluated = evaluated

    def _do(self, pop, other, is_duplicate) -> np.ndarray:
        rows = self.key(pop.get("X"))
        if other is None:
            _, first = np.unique(rows, return_index=True)
            is_duplicate[:] = True
            is_duplicate[first] = False
            fresh = np.array([len(ind.evaluated) == 0 for ind in pop], dtype=bool)
            valid = rows >= 0
            known = np.zeros(len(pop), dtype=bool)
            known[valid] = self.evaluated(rows[valid])
            is_duplicate |= fresh & known
        else:
            is_duplicate |= np.isin(rows, self.key(other.get("X")))
        return is_duplicate


class ResampleInvalidRepair(Repair):
    """Replace each genome that denotes no architecture of the table (e.g. a NAS-Bench-Graph
    network whose four operations are all skips) by a valid genome found by redrawing as few
    genes as possible (see :func:`lab.algorithms.genome_ops.resample_rows`).

    Args:
        problem: the lab problem.
        to_genomes: pymoo ``X`` -> genomes; ``to_x``: genomes -> pymoo ``X``.
    """

    def __init__(
        self,
        problem: Problem,
        to_genomes: Callable[[np.ndarray], np.ndarray],
        to_x: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        super().__init__()
        self.problem = problem
        self.to_genomes = to_genomes
        self.to_x = to_x

    def _do(self, problem, X, random_state=None, **kwargs) -> np.ndarray:
        X = np.asarray(X)
        genomes = self.to_genomes(X)
        bad = self.problem.rows(genomes) < 0
        if not bad.any():
            return X
        if random_state is None:
            raise InputError("ResampleInvalidRepair needs pymoo's random_state (a Generator)")
        blocked = np.zeros(self.problem.n_architectures, dtype=bool)
        rows = resample_rows(self.problem, genomes[bad], random_state, blocked=blocked)
        out = np.array(X, dtype=np.float64 if X.dtype.kind == "f" else np.int64, copy=True)
        out[bad] = self.to_x(self.problem.genomes_all[rows])
        return out
