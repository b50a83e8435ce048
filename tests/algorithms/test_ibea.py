"""IBEA: epsilon indicator, fitness and selection against hand computations."""

from __future__ import annotations

import numpy as np
import pytest
from pymoo.core.population import Population
from pymoo.core.problem import Problem as PymooProblem

from lab.algorithms.ibea import (
    IBEASurvival,
    epsilon_indicator_matrix,
    ibea_fitness,
    ibea_select,
    ibea_tournament,
)


def test_epsilon_indicator_matrix() -> None:
    F = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    I = epsilon_indicator_matrix(F)  # noqa: E741
    np.testing.assert_allclose(I, [[0, 1, 0], [1, 0, 0], [1, 1, 0]])


def test_ibea_fitness_hand_computation() -> None:
    # already in [0, 1]; c = max |I| = 1
    F = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    kappa = 0.5
    fit, E = ibea_fitness(F, kappa)
    e = np.exp(-1 / kappa)
    # F(x0) = -exp(-I(x1,x0)/k) - exp(-I(x2,x0)/k) = -2 e^{-2}; F(x2) = -2 e^0
    np.testing.assert_allclose(fit, [-2 * e, -2 * e, -2.0])
    np.testing.assert_allclose(np.diag(E), 0.0)


def test_ibea_fitness_scales_objectives_and_indicator() -> None:
    F = np.array([[0.0, 10.0], [2.0, 0.0], [1.0, 4.0]])
    kappa = 0.05
    fit, _ = ibea_fitness(F, kappa)
    Fs = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.4]])
    I = np.array([[max(Fs[i] - Fs[j]) for j in range(3)] for i in range(3)])  # noqa: E741
    c = np.abs(I).max()
    expected = [-sum(np.exp(-I[i, j] / (c * kappa)) for i in range(3) if i != j) for j in range(3)]
    np.testing.assert_allclose(fit, expected)


def test_ibea_select_removes_least_fit_and_updates() -> None:
    F = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5]])
    keep, fit = ibea_select(F, 3, kappa=0.05)
    np.testing.assert_array_equal(keep, [0, 1, 3])  # the dominated point goes
    full, E = ibea_fitness(F, 0.05)
    np.testing.assert_allclose(fit, full[[0, 1, 3]] + E[2, [0, 1, 3]])
    keep2, _ = ibea_select(F, 4, kappa=0.05)
    np.testing.assert_array_equal(keep2, [0, 1, 2, 3])


def test_ibea_rejects_bad_kappa() -> None:
    with pytest.raises(ValueError, match="kappa"):
        ibea_fitness(np.zeros((2, 2)), 0.0)


class _Shell(PymooProblem):
    def __init__(self, n_constr: int) -> None:
        super().__init__(n_var=1, n_obj=2, n_ieq_constr=n_constr, xl=0, xu=1)


def _population(F: np.ndarray, G: np.ndarray) -> Population:
    pop = Population.new(X=np.zeros((len(F), 1)))
    for ind, f, g in zip(pop, F, G, strict=True):
        ind.F, ind.G, ind.H = f, g, np.zeros(0)
        ind.evaluated.update(("F", "G", "H"))
    return pop


def test_survival_keeps_feasible_first_and_sets_fitness() -> None:
    F = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    G = np.array([[1.0], [0.0], [0.0], [-1.0]])  # the ideal point is infeasible
    pop = _population(F, G)
    out = IBEASurvival(0.05).do(_Shell(1), pop, n_survive=2, random_state=np.random.default_rng(0))
    np.testing.assert_allclose(out.get("F"), [[0.0, 1.0], [1.0, 0.0]])
    assert np.isfinite(out.get("fitness").astype(float)).all()


def test_tournament_prefers_lower_violation_then_fitness() -> None:
    F = np.zeros((3, 2))
    pop = _population(F, np.array([[0.5], [0.0], [0.0]]))
    pop[1].set("fitness", -3.0)
    pop[2].set("fitness", -1.0)
    P = np.array([[0, 1], [1, 2], [2, 0]])
    S = ibea_tournament(pop, P, random_state=np.random.default_rng(0))
    np.testing.assert_array_equal(S, [1, 2, 2])
