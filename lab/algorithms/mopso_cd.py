"""MOPSO-CD (Raquel & Naval 2005), pymoo's continuous particle swarm with a crowding-distance
archive, on a relaxed genome: variable ``j`` lives in ``[0, card_j)`` and a position maps to
the genome ``floor(x)`` (a repaired particle moves to its new cell's centre).

pymoo's ``MOPSO_CD`` ignores constraints and evaluates its first swarm itself; the subclass
here takes the first swarm from the driver, and keeps feasibility first in the archive (the
feasible non-dominated particles, or the least violating if none is feasible) and in the
personal bests (a smaller violation wins; between equal violations, dominance).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pymoo.algorithms.moo.mopso_cd import MOPSO_CD
from pymoo.core.algorithm import Algorithm as PymooAlgorithmBase
from pymoo.core.population import Population
from pymoo.util.archive import MultiObjectiveArchive

from lab.algorithms.params import Int, Real
from lab.algorithms.pymoo_driver import PopulationParams, PymooAlgorithm


class _TableMOPSOCD(MOPSO_CD):
    def __init__(self, initial: Population, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.initial = initial

    def _setup(self, problem, **kwargs) -> None:
        # pymoo's MOPSO_CD._setup also samples and evaluates a swarm; here the driver does
        self.archive = MultiObjectiveArchive(max_size=self.archive_size)
        xl, xu = problem.bounds()
        self.v_max = self.max_velocity_rate * (xu - xl)

    def _initialize_infill(self) -> Population:
        self.velocities = self.random_state.uniform(
            -self.v_max, self.v_max, size=(self.pop_size, self.problem.n_var)
        )
        self.pbest = self.initial.copy()
        return self.initial

    def _update_archive(self, pop):
        if len(self.archive) > 0:
            pop = Population.merge(self.archive, pop)
        cv = pop.get("CV")[:, 0]
        feasible = cv <= 0.0
        pop = pop[feasible] if feasible.any() else pop[cv == cv.min()]
        # the parent merges its argument with the archive: it gets the merged set alone
        self.archive = MultiObjectiveArchive(max_size=self.archive_size)
        return super()._update_archive(pop)

    def _update_pbest(self, new_pop) -> None:
        for i, ind in enumerate(new_pop):
            new_cv, old_cv = float(ind.CV[0]), float(self.pbest[i].CV[0])
            if new_cv != old_cv:
                better = new_cv < old_cv
            else:
                # pymoo keeps the old best when neither dominates (two points tie in crowding)
                better = self._dominates(ind.F, self.pbest_f[i])
            if better:
                self.pbest[i] = ind.copy()
                self.pbest_f[i] = ind.F.copy()


class MOPSOCDParams(PopulationParams):
    """MOPSO-CD's hyperparameters (``pop_size`` is the number of particles)."""

    w: Real = Field(default=0.6, description="inertia weight")
    c1: Real = Field(default=2.0, description="cognitive (personal best) weight")
    c2: Real = Field(default=2.0, description="social (leader) weight")
    max_velocity_rate: Real = Field(
        default=0.5, gt=0.0, description="velocity bound as a fraction of each variable's range"
    )
    archive_size: Int = Field(default=100, ge=1, description="maximum size of the leader archive")


class MOPSOCDSearch(PymooAlgorithm):
    """MOPSO-CD on the relaxed genome box; hyperparameters: :class:`MOPSOCDParams`."""

    name = "mopso_cd"
    references = (
        "C. R. Raquel, P. C. Naval. An effective use of crowding distance in multiobjective particle swarm optimization. GECCO 2005.",
    )
    Params = MOPSOCDParams
    continuous = True

    def _variation(self) -> dict[str, Any]:
        return {}  # the swarm moves by velocity, not by crossover and mutation

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        return _TableMOPSOCD(
            sampling,
            **self.params.model_dump(),
            output=None,
        )
