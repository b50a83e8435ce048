"""Drive a pymoo algorithm through the lab's batch ask/tell loop.

pymoo asks for a whole generation (its *infill*) at a time; the lab asks for batches of up to
``batch_size`` genomes. :class:`PymooAlgorithm` keeps the current infill and hands out the
individuals that still need values; once every one of them has been told, it tells pymoo and
asks for the next generation. A batch therefore never spans two generations (it may be shorter
than ``batch_size`` at a generation's end).

Conventions shared by every MOEA of the lab:

- The initial population is the shared initial design (told first, as the base class requires)
  plus ``pop_size - n_init`` distinct random architectures, evaluated next; a design larger than
  ``pop_size`` enters the first population whole (survival then cuts it to ``pop_size``).
- Objectives reach pymoo rescaled by the range of the initial design (a fixed affine map per
  objective): dominance is unchanged, and decomposition and indicator methods do not depend on
  the units (%, ms, millions of parameters).
- Constraints reach pymoo as ``G`` (feasible iff ``<= 0``): pymoo's constraint domination.
- No architecture is evaluated twice: pymoo's mating eliminates duplicates by canonical
  architecture against the population, the offspring and everything evaluated so far
  (:class:`ArchitectureDuplicateElimination`); genomes that denote no architecture are repaired
  (:class:`ResampleInvalidRepair`); an individual that still duplicates (pymoo gives up after 100
  matings, or its algorithm does no elimination) is moved to the nearest new architecture that
  random resampling finds. If pymoo produces no offspring at all, random new architectures are
  injected as the generation.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import Field
from pymoo.core.algorithm import Algorithm as PymooAlgorithmBase
from pymoo.core.individual import Individual
from pymoo.core.population import Population
from pymoo.core.termination import NoTermination

from lab.algorithms.base import Algorithm
from lab.algorithms.genome_ops import resample_rows
from lab.algorithms.params import AlgorithmParams, Int, Probability, Real
from lab.algorithms.pymoo_operators import (
    CROSSOVER_NAMES,
    ArchitectureDuplicateElimination,
    CategoricalMutation,
    ResampleInvalidRepair,
    TableProblem,
    make_crossover,
)
from lab.problems.problem import Evaluation, Problem

#: pymoo gets its own seed, drawn from the algorithm's generator (``< 2**31``).
_SEED_BOUND = 2**31 - 1


class PopulationParams(AlgorithmParams):
    """Hyperparameters of every population-based search."""

    pop_size: Int = Field(default=20, ge=2, description="population size")


class GeneticParams(PopulationParams):
    """Hyperparameters of the genetic MOEAs (categorical variation operators)."""

    n_offsprings: Annotated[Int, Field(ge=1)] | None = Field(
        default=None,
        description="offspring per generation (None: the algorithm's default, usually pop_size)",
    )
    crossover: Literal[CROSSOVER_NAMES] = Field(  # type: ignore[valid-type]
        default="uniform", description="crossover operator"
    )
    crossover_prob: Probability = Field(default=0.9, description="crossover probability per mating")
    mutation_prob: Annotated[Real, Field(gt=0.0, le=1.0)] | None = Field(
        default=None, description="per-gene mutation probability (None: 1 / n_var)"
    )


class PymooAlgorithm(Algorithm):
    """Base of the MOEAs that pymoo implements; hyperparameters in :class:`GeneticParams`."""

    Params: ClassVar[type[AlgorithmParams]] = GeneticParams
    #: whether pymoo sees the relaxed box ``[0, card)`` instead of integer genomes.
    continuous: bool = False

    def __init__(self, problem: Problem, **kwargs: Any) -> None:
        super().__init__(problem, **kwargs)
        self.pymoo: PymooAlgorithmBase | None = None
        self._infill: Population | Individual | None = None
        self._members: Population | None = None
        self._queue: list[int] = []
        self._asked: list[int] = []

    @property
    def pop_size(self) -> int:
        return self.params.pop_size

    @property
    def n_offsprings(self) -> int | None:
        """Offspring per generation (``None``: the pymoo algorithm's default)."""
        return getattr(self.params, "n_offsprings", None)

    # ------------------------------------------------------------------------- for subclasses
    @abstractmethod
    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        """The pymoo algorithm, not yet set up, whose first population is ``sampling``;
        ``operators`` holds ``crossover``, ``mutation``, ``repair``, ``eliminate_duplicates``."""

    def _variation(self) -> dict[str, Any]:
        """pymoo's ``crossover`` and ``mutation`` operators, from the hyperparameters."""
        p = self.params
        return {
            "crossover": make_crossover(p.crossover, prob=p.crossover_prob),
            "mutation": CategoricalMutation(self.problem.cardinalities, prob_var=p.mutation_prob),
        }

    def _initial_members(self, design: np.ndarray) -> np.ndarray:
        """Indices (into the initial design) of the members of the first population."""
        return np.arange(len(design))

    def _initial_size(self) -> int:
        """Size of the first population (filled with random architectures beyond the design)."""
        return self.pop_size

    def _fill_rows(self, n_fill: int) -> np.ndarray:
        """Table rows (at most ``n_fill``, not yet evaluated) that complete the first
        population beyond the initial design: distinct random architectures."""
        free = np.flatnonzero(~self._evaluated & self.problem.searchable_all)
        return self.rng.choice(free, size=min(n_fill, len(free)), replace=False)

    def _to_genomes(self, X: np.ndarray) -> np.ndarray:
        """pymoo decision vectors ``n x d`` -> genomes (integers, clipped to the bounds)."""
        X = np.asarray(X, dtype=np.float64).reshape(-1, self.problem.n_var)
        if self.continuous:
            G = np.floor(X)
        else:
            G = np.rint(X)
        return np.clip(G, 0, self.problem.cardinalities - 1).astype(np.int64)

    def _to_x(self, genomes: np.ndarray) -> np.ndarray:
        """Genomes -> pymoo decision vectors (cell centres in the relaxed box)."""
        genomes = np.asarray(genomes, dtype=np.int64)
        return genomes + 0.5 if self.continuous else genomes

    def _scale(self, F: np.ndarray) -> np.ndarray:
        return (np.asarray(F, dtype=np.float64) - self._f_lo) / self._f_span

    # ---------------------------------------------------------------------------------- hooks
    def _setup(self) -> None:
        n_design = min(self.n_init, self.n_evaluated)
        design_F = self.history.F[:n_design]
        lo, hi = design_F.min(axis=0), design_F.max(axis=0)
        self._f_lo, self._f_span = lo, np.where(hi > lo, hi - lo, 1.0)
        members = self._initial_members(design_F)
        design = Population.new(X=self._to_x(self.history.genomes[members]))
        self._assign(design, self.history.F[members], self.history.G[members])
        n_fill = max(0, self._initial_size() - len(members))
        fill_rows = self._fill_rows(n_fill)
        fill = Population.new(X=self._to_x(self.problem.genomes_all[fill_rows]))
        sampling = Population.merge(design, fill) if len(fill) else design
        self.pymoo_problem = TableProblem(self.problem, continuous=self.continuous)
        operators = {
            **self._variation(),
            "repair": ResampleInvalidRepair(self.problem, self._to_genomes, self._to_x),
            "eliminate_duplicates": ArchitectureDuplicateElimination(
                lambda X: self.problem.rows(self._to_genomes(X)), self.is_evaluated
            ),
        }
        self.pymoo = self._build(sampling, operators)
        self.pymoo.setup(
            self.pymoo_problem,
            termination=NoTermination(),
            seed=int(self.rng.integers(_SEED_BOUND)),
            verbose=False,
        )

    def _ask(self, n: int) -> np.ndarray:
        while not self._queue:
            self._next_generation()
        self._asked, self._queue = self._queue[:n], self._queue[n:]
        return self._to_genomes(self._members[self._asked].get("X"))

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        if initial:
            return  # the design enters pymoo's first population in _setup
        self._assign(self._members[self._asked], evaluation.F, evaluation.G)
        self._asked = []

    # -------------------------------------------------------------------------------- helpers
    def _assign(self, pop: Population, F: np.ndarray, G: np.ndarray) -> None:
        """Give individuals their (rescaled) objectives and constraints, as pymoo's evaluator
        would."""
        F = self._scale(F)
        G = np.asarray(G, dtype=np.float64).reshape(len(pop), -1)
        for ind, f, g in zip(pop, F, G, strict=True):
            ind.F = f
            ind.G = g
            ind.H = np.zeros(0)
            ind.CV = None  # recomputed lazily from G
            ind.evaluated.update(("F", "G", "H"))

    def _next_generation(self) -> None:
        """Tell pymoo the completed infill (if any) and ask for the next one."""
        if self._infill is not None:
            self.pymoo.tell(infills=self._infill)
        infill = self.pymoo.ask()
        if infill is None or (isinstance(infill, Population) and len(infill) == 0):
            infill = self._immigrants()
        self._infill = infill
        self._members = infill if isinstance(infill, Population) else Population.create(infill)
        need = [i for i, ind in enumerate(self._members) if len(ind.evaluated) == 0]
        if need:
            self._make_new(need)
        self._queue = need

    def _make_new(self, need: list[int]) -> None:
        """Move every individual in ``need`` that is invalid, evaluated or a repeat within the
        infill to the nearest new architecture."""
        members = self._members[need]
        genomes = self._to_genomes(members.get("X"))
        rows = self.problem.rows(genomes)
        ok = rows >= 0
        ok[ok] = ~self._evaluated[rows[ok]]
        _, first = np.unique(rows, return_index=True)
        first_mask = np.zeros(len(rows), dtype=bool)
        first_mask[first] = True
        ok &= first_mask
        if ok.all():
            return
        blocked = self._evaluated.copy()
        blocked[rows[ok]] = True
        bad = np.flatnonzero(~ok)
        new_rows = resample_rows(self.problem, genomes[bad], self.rng, blocked=blocked)
        new_x = self._to_x(self.problem.genomes_all[new_rows])
        for i, x in zip(bad, new_x, strict=True):
            members[int(i)].X = x

    def _immigrants(self) -> Population:
        """Random new architectures, when pymoo could not produce a single offspring."""
        self.pymoo.termination.force_termination = False
        free = np.flatnonzero(~self._evaluated & self.problem.searchable_all)
        size = self.n_offsprings or self.pop_size
        rows = self.rng.choice(free, size=min(size, len(free)), replace=False)
        return Population.new(X=self._to_x(self.problem.genomes_all[rows]))
