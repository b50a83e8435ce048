"""Candidate sets of the discrete acquisition optimization: neighbourhoods, pools, local
search."""

from __future__ import annotations

import numpy as np
import pytest

from lab.algorithms.mobo.candidates import candidate_rows, local_search, neighbour_rows
from lab.problems import get_problem
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def problem():
    return get_problem("nbg-cora-err-lat")


def brute_force_neighbours(problem, rows: np.ndarray) -> set[int]:
    out: set[int] = set()
    for g in problem.genomes_all[rows]:
        for j, card in enumerate(problem.cardinalities):
            for v in range(card):
                if v != g[j]:
                    mutant = g.copy()
                    mutant[j] = v
                    r = int(problem.rows(mutant[None])[0])
                    if r >= 0:
                        out.add(r)
    return out - {int(r) for r in rows}


def test_neighbours_are_every_valid_single_mutation(problem) -> None:
    rows = np.array([0, 1234, 20_000])
    got = neighbour_rows(problem, rows)
    assert list(got) == sorted(set(got.tolist()))
    assert set(got.tolist()) == brute_force_neighbours(problem, rows)
    assert len(neighbour_rows(problem, np.zeros(0, dtype=np.int64))) == 0


def test_exact_candidates_are_every_allowed_row(problem) -> None:
    allowed = np.ones(problem.n_architectures, dtype=bool)
    allowed[[3, 10, 500]] = False
    rng = np.random.default_rng(0)
    rows = candidate_rows(problem, allowed, max_exact=50_000, pool_size=10,
                          front_rows=np.array([1]), rng=rng)  # fmt: skip
    np.testing.assert_array_equal(rows, np.flatnonzero(allowed))


def test_pool_candidates_for_a_large_space(problem) -> None:
    allowed = np.ones(problem.n_architectures, dtype=bool)
    allowed[:100] = False
    front = np.array([5, 7000])
    rows = candidate_rows(problem, allowed, max_exact=1000, pool_size=300, front_rows=front,
                          rng=np.random.default_rng(1))  # fmt: skip
    assert allowed[rows].all() and list(rows) == sorted(set(rows.tolist()))
    near = neighbour_rows(problem, front)
    assert set(near[allowed[near]].tolist()) <= set(rows.tolist())
    assert len(rows) <= 300 + len(near)
    again = candidate_rows(problem, allowed, max_exact=1000, pool_size=300, front_rows=front,
                           rng=np.random.default_rng(1))  # fmt: skip
    np.testing.assert_array_equal(rows, again)


def test_local_search_climbs_to_a_target(problem) -> None:
    """Score = minus the Hamming distance to a target genome: best-first expansion from a far
    start reaches it in as many rounds as the distance."""
    target_row = 12_345
    target = problem.genomes_all[target_row]

    def score(rows: np.ndarray) -> np.ndarray:
        return -(problem.genomes_all[rows] != target).sum(axis=1).astype(float)

    start = np.array([int(np.argmax((problem.genomes_all != target).sum(axis=1)))])
    allowed = np.ones(problem.n_architectures, dtype=bool)
    rows, scores = local_search(problem, start, score(start), allowed, score, steps=8, width=4)
    assert target_row in rows.tolist()
    np.testing.assert_array_equal(scores, score(rows))
    assert len(set(rows.tolist())) == len(rows)
