"""REINFORCE's update and sampling; Optuna TPE's study bookkeeping."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy.stats import chisquare

from lab.algorithms.registry import make_algorithm
from lab.algorithms.reinforce import rewards, softmax
from lab.algorithms.scalarizing_functions import chebyshev, observed_normalize, simplex_weights
from lab.problems import get_problem


@pytest.fixture(scope="module")
def nb201():
    return get_problem("nb201-cifar10-err-params-flops")


def test_softmax() -> None:
    np.testing.assert_allclose(softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75])
    np.testing.assert_allclose(softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])


def test_reinforce_update_matches_the_policy_gradient(nb201) -> None:
    algo = make_algorithm("reinforce", nb201, budget=30, seed=1, params={"learning_rate": 0.3})
    while algo.n_evaluated < 12:
        g = algo.ask()
        algo.tell(g, nb201.evaluate(g))
    genomes = algo.ask()
    evaluation = nb201.evaluate(genomes)
    logits = [z.copy() for z in algo.logits]
    baseline = algo.baseline
    rng = copy.deepcopy(algo.rng)
    F_seen = np.vstack([algo.history.F, evaluation.F])
    algo.tell(genomes, evaluation)
    w = simplex_weights(rng, nb201.n_obj, 1)[0]
    reward = -chebyshev(observed_normalize(evaluation.F, F_seen), w)[0]
    for j, v in enumerate(genomes[0]):
        grad = -softmax(logits[j])
        grad[v] += 1
        np.testing.assert_allclose(algo.logits[j], logits[j] + 0.3 * (reward - baseline) * grad)
    assert algo.baseline == pytest.approx(0.9 * baseline + 0.1 * reward)


def test_rewards_closed_form_and_feasibility_first() -> None:
    Fn = np.array([[0.2, 0.6], [0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    W = np.array([[0.5, 0.5], [0.3, 0.7], [0.5, 0.5], [0.5, 0.5]])
    G = np.array([[0.0], [-1.0], [0.0], [3.0]])
    r = rewards(Fn, G, W)
    np.testing.assert_allclose(r[:3], -chebyshev(Fn[:3], W[0], rho=0.05) * [1, 0, 1])
    np.testing.assert_allclose(r[3], -2.0 - 3.0 / 4.0)
    assert r[3] < r[:3].min()
    worse = rewards(Fn[3:], np.array([[5.0]]), W[3:])
    assert worse[0] < r[3]


def test_reinforce_samples_follow_the_policy(nb201) -> None:
    algo = make_algorithm("reinforce", nb201, budget=20, seed=2)
    algo.logits = [np.log(np.array([1.0, 2.0, 3.0, 4.0, 10.0])) for _ in range(nb201.n_var)]
    draws = algo._sample(20_000)
    for j in range(nb201.n_var):
        counts = np.bincount(draws[:, j], minlength=5)
        assert chisquare(counts, 20_000 * softmax(algo.logits[j])).pvalue > 1e-4


def test_tpe_study_holds_one_complete_trial_per_evaluation() -> None:
    from optuna.trial import TrialState

    problem = get_problem("nb201-cifar10-err-flops-lat-pixel3-le12")
    algo = make_algorithm("tpe", problem, budget=30, seed=4, batch_size=3)
    history = algo.run()
    complete = [t for t in algo.study.trials if t.state == TrialState.COMPLETE]
    assert len(complete) == 30
    genomes = np.array([[t.params[f"g{j}"] for j in range(problem.n_var)] for t in complete])
    np.testing.assert_array_equal(genomes, history.genomes)
    np.testing.assert_allclose([t.values for t in complete], history.F)
    np.testing.assert_allclose([[t.constraints["c0"]] for t in complete], history.G)
    failed = [t for t in algo.study.trials if t.state == TrialState.FAIL]
    assert len(failed) == algo.n_failed_suggestions
