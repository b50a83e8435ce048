"""Scalarizations, simplex weights and feasibility-first helpers (closed forms)."""

from __future__ import annotations

import numpy as np

from lab.algorithms.constraints import feasibility_first_front, feasibility_first_order, violation
from lab.algorithms.scalarizing_functions import (
    chebyshev,
    observed_normalize,
    simplex_weights,
    weighted_sum,
)


def test_weighted_sum_and_chebyshev_closed_forms() -> None:
    F = np.array([[0.2, 0.6], [0.5, 0.1]])
    w = np.array([0.25, 0.75])
    np.testing.assert_allclose(weighted_sum(F, w), [0.05 + 0.45, 0.125 + 0.075])
    np.testing.assert_allclose(chebyshev(F, w, rho=0.0), [0.45, 0.125])
    np.testing.assert_allclose(chebyshev(F, w, rho=0.05), [0.45 + 0.05 * 0.5, 0.125 + 0.05 * 0.2])


def test_chebyshev_reaches_a_non_supported_point_weighted_sum_cannot() -> None:
    # b lies above the segment a-c (not on the convex hull), yet is Pareto optimal
    F = np.array([[0.0, 1.0], [0.6, 0.6], [1.0, 0.0]])
    grid = np.linspace(0, 1, 101)
    ws_best = {int(np.argmin(weighted_sum(F, [t, 1 - t]))) for t in grid}
    tch_best = {int(np.argmin(chebyshev(F, [t, 1 - t], rho=0.0))) for t in grid}
    assert 1 not in ws_best
    assert 1 in tch_best


def test_simplex_weights_are_uniform_on_the_simplex() -> None:
    W = simplex_weights(np.random.default_rng(0), 3, 20_000)
    assert (W >= 0).all()
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    # Dirichlet(1,1,1): mean 1/3, variance (1/3)(2/3)/4 = 1/18 per component
    np.testing.assert_allclose(W.mean(axis=0), 1 / 3, atol=0.01)
    np.testing.assert_allclose(W.var(axis=0), 1 / 18, atol=0.003)


def test_observed_normalize() -> None:
    F = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, 4.0]])
    np.testing.assert_allclose(observed_normalize(F), [[0, 0, 0], [1, 0, 1]])
    np.testing.assert_allclose(observed_normalize(np.array([[2.0, 5.0, 3.0]]), F), [[0.5, 0, 0.5]])


def test_violation_front_and_order() -> None:
    G = np.array([[-1.0, 0.0], [0.5, -2.0], [0.2, 0.3], [-0.1, -0.1]])
    np.testing.assert_allclose(violation(G), [0.0, 0.5, 0.5, 0.0])
    F = np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [2.0, 0.5]])
    # infeasible rows dominate everything but do not count: the front is the feasible one
    np.testing.assert_array_equal(feasibility_first_front(F, G), [True, False, False, True])
    # no feasible row: the least violating ones
    G_bad = np.array([[1.0], [0.5], [0.5], [2.0]])
    np.testing.assert_array_equal(feasibility_first_front(F, G_bad), [False, True, True, False])
    order = feasibility_first_order(np.array([3.0, 0.0, 1.0, 2.0]), G)
    np.testing.assert_array_equal(order, [3, 0, 1, 2])  # equal violations: by value
