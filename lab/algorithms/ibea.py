"""IBEA, the indicator-based evolutionary algorithm (Zitzler & Künzli, PPSN 2004), with the
additive epsilon indicator; pymoo has no IBEA, so its environmental selection is written here as
a pymoo ``Survival`` and run inside pymoo's ``GeneticAlgorithm``.

Fitness of ``x`` in population ``P`` (objectives scaled to ``[0, 1]`` by the population's
bounds, ``c`` the largest absolute indicator value, ``kappa`` the scaling factor)::

    F(x) = sum_{y in P, y != x} -exp(-I(y, x) / (c * kappa)),   I(y, x) = max_k (f_k(y) - f_k(x))

Environmental selection removes the individual of least fitness and adds
``exp(-I(x*, x) / (c * kappa))`` back to every remaining ``x``, until ``pop_size`` remain.
Mating selection is a binary tournament on fitness (higher wins). Constraints: pymoo's survival
keeps feasible individuals first (infeasible ones by violation), and the tournament prefers the
smaller violation before comparing fitness.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field
from pymoo.algorithms.base.genetic import GeneticAlgorithm
from pymoo.core.algorithm import Algorithm as PymooAlgorithmBase
from pymoo.core.population import Population
from pymoo.core.survival import Survival
from pymoo.operators.selection.tournament import TournamentSelection, compare

from lab.algorithms.params import Real
from lab.algorithms.pymoo_driver import GeneticParams, PymooAlgorithm
from lab.errors import InputError


def epsilon_indicator_matrix(F: np.ndarray) -> np.ndarray:
    """Additive epsilon indicator between single points: ``I[i, j] = max_k (F[i, k] - F[j, k])``,
    the least shift that makes point ``i`` weakly dominate point ``j``. ``F``: ``n x m``;
    returns ``n x n``."""
    F = np.asarray(F, dtype=np.float64)
    return (F[:, None, :] - F[None, :, :]).max(axis=2)


def ibea_fitness(F: np.ndarray, kappa: float) -> tuple[np.ndarray, np.ndarray]:
    """IBEA fitness (higher is better) of each row of ``F`` (``n x m``, minimized).

    Returns:
        ``(fitness, E)``: fitness ``n``, and ``E[i, j] = exp(-I[i, j] / (c * kappa))`` with a
        zero diagonal (the amount point ``i`` takes from point ``j``'s fitness).
    """
    if kappa <= 0:
        raise InputError(f"kappa must be > 0, got {kappa}")
    F = np.asarray(F, dtype=np.float64)
    lo, hi = F.min(axis=0), F.max(axis=0)
    Fs = (F - lo) / np.where(hi > lo, hi - lo, 1.0)
    indicator = epsilon_indicator_matrix(Fs)
    c = np.abs(indicator).max()
    c = c if c > 0 else 1.0  # every point equal: any positive scale gives equal fitness
    E = np.exp(-indicator / (c * kappa))
    np.fill_diagonal(E, 0.0)
    return -E.sum(axis=0), E


def ibea_select(F: np.ndarray, n_survive: int, kappa: float) -> tuple[np.ndarray, np.ndarray]:
    """IBEA's environmental selection: indices of the ``n_survive`` survivors (ascending) and
    their fitness after the removals."""
    fitness, E = ibea_fitness(F, kappa)
    alive = np.ones(len(fitness), dtype=bool)
    for _ in range(len(fitness) - n_survive):
        worst = int(np.flatnonzero(alive)[np.argmin(fitness[alive])])
        alive[worst] = False
        fitness = fitness + E[worst]
    keep = np.flatnonzero(alive)
    return keep, fitness[keep]


class IBEASurvival(Survival):
    """IBEA's environmental selection as a pymoo survival; survivors carry ``fitness``."""

    def __init__(self, kappa: float = 0.05) -> None:
        super().__init__(filter_infeasible=True)
        self.kappa = float(kappa)

    def _do(self, problem, pop, *args, n_survive=None, random_state=None, **kwargs) -> Population:
        keep, fitness = ibea_select(pop.get("F"), n_survive, self.kappa)
        survivors = pop[keep]
        survivors.set("fitness", fitness)
        return survivors


def ibea_tournament(pop, P, random_state=None, **kwargs) -> np.ndarray:
    """Binary tournament: the smaller constraint violation wins; between equal violations
    (e.g. both feasible) the higher IBEA fitness; ties at random."""
    S = np.empty(len(P), dtype=np.int64)
    for i, (a, b) in enumerate(P):
        cv_a, cv_b = float(pop[a].CV[0]), float(pop[b].CV[0])
        if cv_a != cv_b:
            S[i] = a if cv_a < cv_b else b
        else:
            fa, fb = pop[a].get("fitness"), pop[b].get("fitness")
            fa = -np.inf if fa is None else float(fa)
            fb = -np.inf if fb is None else float(fb)
            S[i] = compare(
                a, fa, b, fb, method="larger_is_better", return_random_if_equal=True,
                random_state=random_state,
            )  # fmt: skip
    return S


class IBEAParams(GeneticParams):
    """IBEA's hyperparameters: those of the genetic MOEAs and the fitness scaling."""

    kappa: Real = Field(
        default=0.05, gt=0.0, description="fitness scaling factor (0.05 in the paper)"
    )


class IBEASearch(PymooAlgorithm):
    """IBEA with the additive epsilon indicator, run as a pymoo ``GeneticAlgorithm``.

    Hyperparameters: :class:`IBEAParams`.
    """

    name = "ibea"
    references = (
        "E. Zitzler, S. Künzli. Indicator-based selection in multiobjective search. PPSN VIII, 2004.",
    )
    Params = IBEAParams

    def _build(self, sampling: Population, operators: dict[str, Any]) -> PymooAlgorithmBase:
        return GeneticAlgorithm(
            pop_size=self.pop_size,
            n_offsprings=self.n_offsprings,
            sampling=sampling,
            selection=TournamentSelection(func_comp=ibea_tournament),
            survival=IBEASurvival(self.params.kappa),
            advance_after_initial_infill=True,
            output=None,
            **operators,
        )
