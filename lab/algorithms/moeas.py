"""The MOEAs that pymoo implements, on categorical genomes: NSGA-II, NSGA-III, MOEA/D,
SMS-EMOA, SPEA2 and AGE-MOEA.

Each class only chooses pymoo's algorithm and passes it the lab's categorical operators
(crossover by name, per-gene categorical mutation, repair, duplicate elimination); selection and
survival are pymoo's own. :mod:`lab.algorithms.pymoo_driver` explains the ask/tell bridge, the
initial population and the objective rescaling.

pymoo's algorithm classes take selection and survival objects as default arguments, shared by
every instance, and some keep state (SPEA2's normalization remembers the ideal point of earlier
runs): each run here builds fresh ones, and no display output (``output=None``).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any, Literal

import numpy as np
from moocore import hv_contributions
from pydantic import Field
from pymoo.algorithms.moo.moead import MOEAD, ParallelMOEAD
from pymoo.algorithms.moo.nsga2 import NSGA2, RankAndCrowding, binary_tournament
from pymoo.algorithms.moo.nsga3 import NSGA3
from pymoo.algorithms.moo.sms import (
    SMSEMOA,
    LeastHypervolumeContributionSurvival,
    cv_and_dom_tournament,
)
from pymoo.algorithms.moo.spea2 import SPEA2, SPEA2Survival, spea_binary_tournament
from pymoo.core.algorithm import Algorithm as PymooAlgorithmBase
from pymoo.core.population import Population
from pymoo.decomposition.pbi import PBI
from pymoo.decomposition.tchebicheff import Tchebicheff
from pymoo.operators.selection.tournament import TournamentSelection
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting
from pymoo.util.ref_dirs import get_reference_directions
from scipy.special import comb

from lab.algorithms.params import Int, Probability
from lab.algorithms.pymoo_driver import GeneticParams, PymooAlgorithm
from lab.algorithms.scalarizing_functions import chebyshev, observed_normalize
from lab.problems.problem import Problem


def das_dennis_directions(n_obj: int, max_points: int) -> np.ndarray:
    """The Das-Dennis simplex lattice with the most points not above ``max_points`` (at least
    one partition): ``k x n_obj`` weight vectors."""
    h = 1
    while comb(h + 1 + n_obj - 1, n_obj - 1, exact=True) <= max_points:
        h += 1
    return get_reference_directions("das-dennis", n_obj, n_partitions=h)


class NSGA2Search(PymooAlgorithm):
    """NSGA-II (Deb et al. 2002): pymoo's ``NSGA2`` (binary tournament by rank and crowding,
    rank-and-crowding survival, constraint domination)."""

    name = "nsga2"
    references = (
        "K. Deb, A. Pratap, S. Agarwal, T. Meyarivan. A fast and elitist multiobjective genetic algorithm: NSGA-II. IEEE TEVC 6(2), 2002.",
    )

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        return NSGA2(
            pop_size=self.pop_size,
            n_offsprings=self.n_offsprings,
            sampling=sampling,
            selection=TournamentSelection(func_comp=binary_tournament),
            survival=RankAndCrowding(),
            output=None,
            **operators,
        )


class NSGA3Search(PymooAlgorithm):
    """NSGA-III (Deb & Jain 2014): pymoo's ``NSGA3`` with the largest Das-Dennis set of
    reference directions that does not exceed ``pop_size``."""

    name = "nsga3"
    references = (
        "K. Deb, H. Jain. An evolutionary many-objective optimization algorithm using reference-point-based nondominated sorting approach, part I. IEEE TEVC 18(4), 2014.",
    )

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        ref_dirs = das_dennis_directions(self.problem.n_obj, self.pop_size)
        return NSGA3(
            ref_dirs=ref_dirs,
            pop_size=self.pop_size,
            n_offsprings=self.n_offsprings,
            sampling=sampling,
            output=None,
            **operators,
        )


class ThresholdHypervolumeSurvival(LeastHypervolumeContributionSurvival):
    """pymoo's least-hypervolume-contribution survival with the problem's reference point.

    pymoo puts the reference point at ``1 + eps`` of the population's own normalization. Where
    the problem declares a threshold (its region of interest, the reference point of the
    scoring and of the Bayesian searches), this survival uses that threshold instead, so every
    algorithm that needs a reference point gets the same one; other objectives keep pymoo's.

    Args:
        reference: ``m`` reference point in the objective units pymoo sees, NaN where the
            problem declares no threshold.
    """

    def __init__(self, reference: np.ndarray, eps: float = 10.0) -> None:
        super().__init__(eps=eps)
        self.reference = np.asarray(reference, dtype=np.float64)

    def _do(
        self,
        problem: Any,
        pop: Population,
        *args: Any,
        n_survive: int | None = None,
        ideal: np.ndarray | None = None,
        nadir: np.ndarray | None = None,
        **kwargs: Any,
    ) -> Population:
        F = pop.get("F").astype(float, copy=False)
        ideal = F.min(axis=0) if ideal is None else ideal
        nadir = F.max(axis=0) if nadir is None else nadir
        span = np.where(nadir > ideal, nadir - ideal, 1.0)
        ref = np.where(np.isfinite(self.reference), (self.reference - ideal) / span, 1.0 + self.eps)
        survivors: list[Any] = []
        for k, front in enumerate(NonDominatedSorting().do(F, n_stop_if_ranked=n_survive)):
            front = pop[front]
            front.set("rank", k)
            if len(survivors) + len(front) > n_survive:
                Fn = (front.get("F") - ideal) / span
                while len(survivors) + len(front) > n_survive:
                    worst = hv_contributions(Fn, ref=ref).argmin()
                    Fn = np.delete(Fn, worst, axis=0)
                    front = np.delete(front, worst)
            survivors.extend(front)
        return Population.create(*survivors)


class SMSEMOASearch(PymooAlgorithm):
    """SMS-EMOA (Beume et al. 2007): pymoo's ``SMSEMOA`` (least hypervolume contribution
    survival), with the problem's declared thresholds as the reference point where it declares
    them (:class:`ThresholdHypervolumeSurvival`) and pymoo's ``1 + eps`` of the population's
    normalization elsewhere. Steady state by default: one offspring per generation, or
    ``batch_size`` when batches are larger (``n_offsprings`` overrides)."""

    name = "smsemoa"
    references = (
        "N. Beume, B. Naujoks, M. Emmerich. SMS-EMOA: multiobjective selection based on dominated hypervolume. EJOR 181(3), 2007.",
    )

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        return SMSEMOA(
            pop_size=self.pop_size,
            n_offsprings=self.n_offsprings or self.batch_size,
            sampling=sampling,
            selection=TournamentSelection(func_comp=cv_and_dom_tournament),
            # Undeclared thresholds are inf, which stays inf when scaled: pymoo's point there.
            survival=ThresholdHypervolumeSurvival(self._scale(self.problem.thresholds)),
            output=None,
            **operators,
        )


class SPEA2Search(PymooAlgorithm):
    """SPEA2 (Zitzler et al. 2001): pymoo's ``SPEA2`` (strength fitness, k-th nearest
    neighbour density, archive truncation)."""

    name = "spea2"
    references = (
        "E. Zitzler, M. Laumanns, L. Thiele. SPEA2: improving the strength Pareto evolutionary algorithm. TIK-Report 103, ETH Zurich, 2001.",
    )

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        return SPEA2(
            pop_size=self.pop_size,
            n_offsprings=self.n_offsprings,
            sampling=sampling,
            selection=TournamentSelection(func_comp=spea_binary_tournament),
            survival=SPEA2Survival(normalize=True),
            output=None,
            **operators,
        )


def _import_agemoea() -> types.ModuleType:
    """pymoo's AGE-MOEA module. pymoo imports numba for three small kernels; where numba is not
    installed, they run as the plain numpy functions they are written as (same results,
    slower), through a stand-in module present only while pymoo's module is imported."""
    name = "pymoo.algorithms.moo.age"
    if name in sys.modules:
        return sys.modules[name]
    try:
        importlib.import_module("numba")
    except ImportError:
        stand_in = types.ModuleType("numba")
        stand_in.jit = lambda *args, **kwargs: lambda f: f  # type: ignore[attr-defined]
        stand_in.intp, stand_in.boolean, stand_in.float64 = np.intp, np.bool_, np.float64  # type: ignore[attr-defined]
        sys.modules["numba"] = stand_in
        try:
            return importlib.import_module(name)
        finally:
            del sys.modules["numba"]
    return importlib.import_module(name)


class AGEMOEASearch(PymooAlgorithm):
    """AGE-MOEA (Panichella 2019): pymoo's ``AGEMOEA`` (survival score from the estimated
    geometry of the first front)."""

    name = "agemoea"
    references = (
        "A. Panichella. An adaptive evolutionary algorithm based on non-Euclidean geometry for many-objective optimization. GECCO 2019.",
    )

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        module = _import_agemoea()
        return module.AGEMOEA(
            pop_size=self.pop_size,
            n_offsprings=self.n_offsprings,
            sampling=sampling,
            selection=TournamentSelection(func_comp=module.binary_tournament),
            output=None,
            **operators,
        )


class _ConstrainedReplacement:
    """MOEA/D neighbourhood replacement with feasibility first (pymoo's MOEA/D refuses
    constraints): an offspring replaces a neighbour if it violates less, or violates equally
    (e.g. both feasible) and has a better decomposed value."""

    def _setup(self, problem, **kwargs) -> None:
        # pymoo's MOEAD._setup without its assertion that the problem is unconstrained
        from scipy.spatial.distance import cdist

        self.pop_size = len(self.ref_dirs)
        self.neighbors = np.argsort(cdist(self.ref_dirs, self.ref_dirs), axis=1, kind="quicksort")[
            :, : self.n_neighbors
        ]

    def _replace(self, k: int, off) -> None:
        pop = self.pop
        N = self.neighbors[k]
        FV = self.decomposition.do(
            pop[N].get("F"), weights=self.ref_dirs[N, :], ideal_point=self.ideal
        )
        off_FV = self.decomposition.do(
            off.F[None, :], weights=self.ref_dirs[N, :], ideal_point=self.ideal
        ).reshape(-1)
        cv = pop[N].get("CV")[:, 0]
        off_cv = float(off.CV[0])
        better = (off_cv < cv) | ((off_cv == cv) & (off_FV < FV))
        pop[N[better]] = off


class _MOEAD(_ConstrainedReplacement, MOEAD):
    pass


class _ParallelMOEAD(_ConstrainedReplacement, ParallelMOEAD):
    pass


DECOMPOSITIONS = ("tchebicheff", "pbi")


class MOEADParams(GeneticParams):
    """MOEA/D's hyperparameters: those of the genetic MOEAs and three of its own."""

    n_neighbors: Int = Field(
        default=10, ge=2, description="neighbourhood size (capped at the population size)"
    )
    prob_neighbor_mating: Probability = Field(
        default=0.9, description="probability of mating within the neighbourhood"
    )
    decomposition: Literal[DECOMPOSITIONS] = Field(  # type: ignore[valid-type]
        default="tchebicheff", description="scalarizing function of the subproblems"
    )


class MOEADSearch(PymooAlgorithm):
    """MOEA/D (Zhang & Li 2007): pymoo's ``MOEAD`` with the largest Das-Dennis weight set not
    above ``pop_size`` (the population has one member per weight vector), neighbourhood mating
    and replacement, and feasibility-first replacement under constraints.

    With ``batch_size == 1`` it is pymoo's classic MOEA/D (one offspring per subproblem, in a
    random order per sweep). With larger batches it is pymoo's ``ParallelMOEAD``: each
    generation mates ``min(batch_size, population)`` random subproblems at once. pymoo's MOEA/D
    does no duplicate elimination of its own; the driver moves a repeated offspring to the
    nearest new architecture.

    Hyperparameters: :class:`MOEADParams`.
    """

    name = "moead"
    references = (
        "Q. Zhang, H. Li. MOEA/D: a multiobjective evolutionary algorithm based on decomposition. IEEE TEVC 11(6), 2007.",
    )
    Params = MOEADParams

    def __init__(self, problem: Problem, **kwargs: Any) -> None:
        super().__init__(problem, **kwargs)
        self.ref_dirs = das_dennis_directions(problem.n_obj, self.pop_size)

    def _initial_size(self) -> int:
        return len(self.ref_dirs)

    def _initial_members(self, design: np.ndarray) -> np.ndarray:
        """Every design member if they fit; otherwise, for each weight vector in turn, the
        unused member best under its Chebyshev scalarization (so the population keeps one
        member per subproblem)."""
        n_dirs = len(self.ref_dirs)
        if len(design) <= n_dirs:
            return np.arange(len(design))
        Fn = observed_normalize(design)
        free = np.ones(len(design), dtype=bool)
        chosen = []
        for w in self.ref_dirs:
            values = np.where(free, chebyshev(Fn, w, rho=0.0), np.inf)
            best = int(np.argmin(values))
            chosen.append(best)
            free[best] = False
        return np.asarray(chosen, dtype=np.int64)

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        operators = dict(operators)
        operators.pop("eliminate_duplicates")  # pymoo's MOEA/D fixes it to none
        p = self.params
        decomposition = Tchebicheff() if p.decomposition == "tchebicheff" else PBI()
        common = {
            "output": None,
            "ref_dirs": self.ref_dirs,
            "n_neighbors": min(p.n_neighbors, len(self.ref_dirs)),
            "prob_neighbor_mating": p.prob_neighbor_mating,
            "decomposition": decomposition,
            "sampling": sampling,
            **operators,
        }
        if self.batch_size == 1:
            return _MOEAD(**common)
        n_off = min(self.n_offsprings or self.batch_size, len(self.ref_dirs))
        return _ParallelMOEAD(n_offsprings=n_off, **common)
