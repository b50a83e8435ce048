"""Candidate architectures for discrete acquisition optimization.

A table up to ``max_exact`` rows is searched exactly: every unevaluated architecture is a
candidate. A larger space is searched through a candidate pool (uniform unevaluated rows plus
the one-mutation neighbours of the current front), which a local search then grows around the
best-scoring candidates (:func:`local_search`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lab.problems.problem import Problem


def neighbour_rows(problem: Problem, rows: np.ndarray) -> np.ndarray:
    """Distinct table rows one variable change away from the genomes of ``rows``
    (canonicalized; genomes that denote no architecture dropped), ``rows`` excluded."""
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return rows
    genomes = problem.genomes_all[rows]
    mutants = []
    for j, card in enumerate(problem.cardinalities):
        for value in range(int(card)):
            changed = genomes[genomes[:, j] != value].copy()
            changed[:, j] = value
            mutants.append(changed)
    out = problem.rows(np.concatenate(mutants))
    out = np.unique(out[out >= 0])
    return np.setdiff1d(out, rows, assume_unique=True)


def candidate_rows(
    problem: Problem,
    allowed: np.ndarray,
    *,
    max_exact: int,
    pool_size: int,
    front_rows: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Sorted candidate rows.

    Args:
        problem: the problem.
        allowed: mask over the table of rows that may be proposed (unevaluated, satisfying
            the known constraints).
        max_exact: tables with at most this many rows use every allowed row.
        pool_size: otherwise, this many uniform allowed rows ...
        front_rows: ... plus the allowed neighbours of these rows (the current front).
        rng: the algorithm's generator.
    """
    if problem.n_architectures <= max_exact:
        return np.flatnonzero(allowed)
    free = np.flatnonzero(allowed)
    pool = rng.choice(free, size=min(pool_size, len(free)), replace=False)
    near = neighbour_rows(problem, front_rows)
    return np.union1d(pool, near[allowed[near]])


def local_search(
    problem: Problem,
    rows: np.ndarray,
    scores: np.ndarray,
    allowed: np.ndarray,
    score_fn: Callable[[np.ndarray], np.ndarray],
    *,
    steps: int,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Grow a scored candidate set by best-first neighbourhood expansion.

    At each of ``steps`` rounds the ``width`` best candidates not yet expanded contribute
    their allowed, unseen neighbours, which ``score_fn`` scores; stops early when no new row
    appears.

    Returns:
        The grown rows and their scores (same order).
    """
    rows = np.asarray(rows, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    expanded: set[int] = set()
    for _ in range(steps):
        order = np.argsort(-scores, kind="stable")
        starts = [int(r) for r in rows[order] if int(r) not in expanded][:width]
        if not starts:
            break
        expanded.update(starts)
        new = neighbour_rows(problem, np.asarray(starts, dtype=np.int64))
        new = new[allowed[new]]
        new = np.setdiff1d(new, rows, assume_unique=True)
        if len(new) == 0:
            break
        rows = np.concatenate([rows, new])
        scores = np.concatenate([scores, np.asarray(score_fn(new), dtype=np.float64)])
    return rows, scores
