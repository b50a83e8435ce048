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

from pymoo.algorithms.moo.mopso_cd import MOPSO_CD
from pymoo.core.algorithm import Algorithm as PymooAlgorithmBase
from pymoo.core.population import Population
from pymoo.util.archive import MultiObjectiveArchive

from lab.algorithms.pymoo_driver import PymooAlgorithm
from lab.errors import ParameterError
from lab.problems.problem import Problem


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


class MOPSOCDSearch(PymooAlgorithm):
    """MOPSO-CD on the relaxed genome box.

    Args (hyperparameters):
        pop_size: number of particles.
        w: inertia weight; c1: cognitive (personal best) weight; c2: social (leader) weight.
        max_velocity_rate: velocity bound as a fraction of each variable's range.
        archive_size: maximum size of the leader archive.
    """

    name = "mopso_cd"
    continuous = True

    def __init__(
        self,
        problem: Problem,
        *,
        budget: int,
        seed: int,
        batch_size: int = 1,
        n_init: int = 10,
        init: str = "random",
        pop_size: int = 20,
        w: float = 0.6,
        c1: float = 2.0,
        c2: float = 2.0,
        max_velocity_rate: float = 0.5,
        archive_size: int = 100,
    ) -> None:
        super().__init__(
            problem, budget=budget, seed=seed, batch_size=batch_size, n_init=n_init, init=init,
            pop_size=pop_size,
        )  # fmt: skip
        if archive_size < 1:
            raise ParameterError(f"mopso_cd: archive_size must be >= 1, got {archive_size}")
        if max_velocity_rate <= 0:
            raise ParameterError(
                f"mopso_cd: max_velocity_rate must be > 0, got {max_velocity_rate}"
            )
        self.w, self.c1, self.c2 = float(w), float(c1), float(c2)
        self.max_velocity_rate = float(max_velocity_rate)
        self.archive_size = int(archive_size)

    def hyperparameters(self) -> dict[str, Any]:
        return {
            "pop_size": self.pop_size,
            "w": self.w,
            "c1": self.c1,
            "c2": self.c2,
            "max_velocity_rate": self.max_velocity_rate,
            "archive_size": self.archive_size,
        }

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        return _TableMOPSOCD(
            sampling,
            pop_size=self.pop_size,
            w=self.w,
            c1=self.c1,
            c2=self.c2,
            max_velocity_rate=self.max_velocity_rate,
            archive_size=self.archive_size,
            output=None,
        )
