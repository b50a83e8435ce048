"""The initial design shared by every algorithm of one (problem, seed)."""

from __future__ import annotations

import numpy as np

from lab.errors import ParameterError
from lab.problems.problem import Problem

METHODS = ("random", "lhs")


def initial_design(
    problem: Problem, n: int, rng: np.random.Generator, *, method: str = "random"
) -> np.ndarray:
    """``n`` distinct table rows of the search space (:attr:`Problem.searchable_all`).

    ``random`` draws distinct evaluations of the search space uniformly. ``lhs`` is a Latin-hypercube-like design
    over the genome: each variable's values are spread as evenly as ``n`` allows (a shuffled,
    balanced column per variable), then each genome is replaced by a distinct table
    architecture at minimal Hamming distance, so the design stays balanced yet valid.

    Returns:
        ``n`` int64 row indices into the problem's table, in evaluation order.
    """
    if method not in METHODS:
        raise ParameterError(f"unknown initial design {method!r}; valid: {list(METHODS)}")
    n = int(n)
    if not 0 < n <= problem.n_searchable:
        raise ParameterError(f"initial design size must be in 1..{problem.n_searchable}, got {n}")
    if method == "random":
        return problem.sample_rows(n, rng)
    cards = problem.cardinalities
    columns = [rng.permutation(np.resize(np.arange(c), n)) for c in cards]
    target = np.stack(columns, axis=1)
    genomes = problem.genomes_all
    rows = problem.rows(target)
    taken: set[int] = set()
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        if rows[i] >= 0 and rows[i] not in taken:
            out[i] = rows[i]
        else:
            dist = (genomes != target[i]).sum(axis=1).astype(np.float64)
            dist[~problem.searchable_all] = np.inf
            dist[list(taken)] = np.inf
            best = np.flatnonzero(dist == dist.min())
            out[i] = best[rng.integers(len(best))]
        taken.add(int(out[i]))
    return out
