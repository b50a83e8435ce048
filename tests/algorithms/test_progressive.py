"""Progressive search: the schedule (choices per position per stage), the promise of a choice
recomputed by hand, and proposals inside the restricted space."""

from __future__ import annotations

import moocore
import numpy as np
import pytest

from lab.algorithms.registry import make_algorithm
from lab.errors import ParameterError
from lab.problems import get_problem

PROBLEM = "nbg-citeseer-err-lat"


@pytest.fixture(scope="module")
def problem():
    return get_problem(PROBLEM)


def _started(problem, **params):
    algo = make_algorithm("progressive", problem, budget=60, seed=3, n_init=10, batch_size=5,
                          params=params)  # fmt: skip
    while algo.n_evaluated < algo.n_init:
        g = algo.ask()
        algo.tell(g, problem.evaluate(g))
    return algo


def test_choice_scores_are_mean_ranks(problem) -> None:
    algo = _started(problem)
    algo._setup()
    h = algo.history
    rank = moocore.pareto_rank(h.F).astype(float)  # every evaluation of citeseer is feasible
    for j, scores in enumerate(algo.choice_scores()):
        for c, score in enumerate(scores):
            used = h.genomes[:, j] == c
            if used.any():
                assert score == pytest.approx(rank[used].mean())
            else:
                assert score == np.inf


def test_schedule_expands_by_the_typed_parameters(problem) -> None:
    algo = _started(problem, initial_choices=2, expand_by=3, stage_evaluations=10)
    g = algo.ask()
    cards = problem.cardinalities
    assert [int(m.sum()) for m in algo.allowed_choices()] == np.minimum(2, cards).tolist()
    # Stage 0's proposals are architectures of the restricted space (the rows of its genomes,
    # whose canonical genome in the table may use other choices), while it has unevaluated ones.
    import itertools

    allowed = [np.flatnonzero(m) for m in algo.allowed_choices()]
    restricted = np.array(list(itertools.product(*allowed)))
    rows = problem.rows(restricted)
    inside = set(rows[rows >= 0].tolist()) - set(algo.history.rows.tolist())
    proposed = set(problem.rows(g).tolist())
    assert proposed <= inside or len(inside) < len(g)
    algo.tell(g, problem.evaluate(g))
    seen = []
    while not algo.done:
        g = algo.ask()
        seen.append((algo.n_evaluated, algo._stage))
        algo.tell(g, problem.evaluate(g))
    # 10 evaluations per stage after the 10 of the design; 2 + 3 * 3 choices cover the 9 of
    # every position, so the space stops expanding at stage 3.
    assert (cards == 9).all()
    stages = [s for _, s in seen]
    assert stages == [0, 1, 1, 2, 2, 3, 3, 3, 3]
    assert [int(m.sum()) for m in algo.allowed_choices()] == cards.tolist()


def test_params_are_validated(problem) -> None:
    with pytest.raises(ParameterError, match="initial_choices"):
        make_algorithm("progressive", problem, budget=20, seed=0, params={"initial_choices": 0})
