"""Operations on integer genomes that several algorithms share: one-gene neighbourhoods,
per-gene categorical mutation, and resampling of genomes that denote no new architecture.

Shapes: genomes are ``n x d`` int64 arrays with ``0 <= g[:, j] < cardinalities[j]``.
"""

from __future__ import annotations

import numpy as np

from lab.problems.problem import Problem


def one_gene_neighbours(genome: np.ndarray, cardinalities: np.ndarray) -> np.ndarray:
    """Every genome that differs from ``genome`` (length ``d``) in exactly one gene.

    Returns:
        ``sum(cardinalities - 1) x d`` int64 genomes, variable by variable, values ascending.
    """
    genome = np.asarray(genome, dtype=np.int64)
    cards = np.asarray(cardinalities, dtype=np.int64)
    blocks = []
    for j, c in enumerate(cards):
        values = np.delete(np.arange(c), genome[j])
        block = np.repeat(genome[None, :], len(values), axis=0)
        block[:, j] = values
        blocks.append(block)
    return np.concatenate(blocks, axis=0)


def neighbour_rows(problem: Problem, genome: np.ndarray) -> np.ndarray:
    """Distinct table rows of the architectures one gene away from ``genome``.

    Genomes that denote no architecture, and those equivalent to ``genome`` itself (a change
    that canonicalization undoes), are left out. Order: first occurrence in
    :func:`one_gene_neighbours`.
    """
    rows = problem.rows(one_gene_neighbours(genome, problem.cardinalities))
    own = problem.rows(np.asarray(genome)[None, :])[0]
    rows = rows[(rows >= 0) & (rows != own)]
    _, first = np.unique(rows, return_index=True)
    return rows[np.sort(first)]


def categorical_mutation(
    genomes: np.ndarray, cardinalities: np.ndarray, prob_var: float, rng: np.random.Generator
) -> np.ndarray:
    """Per-gene categorical mutation: each gene, with probability ``prob_var``, takes a value
    drawn uniformly from the *other* values of its variable.

    Returns:
        New ``n x d`` int64 genomes (the input is not modified).
    """
    X = np.array(genomes, dtype=np.int64, copy=True)
    cards = np.asarray(cardinalities, dtype=np.int64)
    mutate = rng.random(X.shape) < prob_var
    # a draw in 1..c-1 added modulo c is uniform over the c - 1 other values
    shift = (rng.random(X.shape) * (cards - 1)).astype(np.int64) + 1
    X[mutate] = ((X + shift) % cards)[mutate]
    return X


def resample_rows(
    problem: Problem,
    genomes: np.ndarray,
    rng: np.random.Generator,
    *,
    blocked: np.ndarray,
    tries_per_level: int = 32,
) -> np.ndarray:
    """For each genome, a row of an architecture that is valid and not ``blocked``, as close to
    the genome as random resampling finds: first genomes with one gene redrawn, then two, ...,
    then a uniform draw over every allowed architecture. The returned rows are distinct.

    Args:
        problem: the problem (genome -> row).
        genomes: ``n x d`` genomes to replace (a genome that is already allowed is kept).
        rng: random generator.
        blocked: boolean mask over table rows that must not be returned (e.g. evaluated);
            not modified.
        tries_per_level: random genomes drawn per number of redrawn genes.

    Returns:
        ``n`` distinct int64 rows.

    Raises:
        RuntimeError: fewer than ``n`` architectures are allowed.
    """
    genomes = np.asarray(genomes, dtype=np.int64).reshape(-1, problem.n_var)
    cards = problem.cardinalities
    # Rows outside the search space are never returned.
    taken = np.array(blocked, dtype=bool, copy=True) | ~problem.searchable_all
    if (~taken).sum() < len(genomes):
        raise RuntimeError(
            f"{problem.name}: cannot find {len(genomes)} architectures outside the blocked set"
        )
    out = np.empty(len(genomes), dtype=np.int64)
    rows = problem.rows(genomes)
    for i, genome in enumerate(genomes):
        if rows[i] >= 0 and not taken[rows[i]]:
            out[i] = rows[i]
            taken[out[i]] = True
            continue
        found = -1
        for k in range(1, problem.n_var + 1):
            cand = np.repeat(genome[None, :], tries_per_level, axis=0)
            # k distinct positions per candidate: the first k of a random permutation
            pos = np.argsort(rng.random((tries_per_level, problem.n_var)), axis=1)[:, :k]
            values = (rng.random((tries_per_level, k)) * cards[pos]).astype(np.int64)
            np.put_along_axis(cand, pos, values, axis=1)
            cand_rows = problem.rows(cand)
            ok = cand_rows >= 0
            ok[ok] = ~taken[cand_rows[ok]]
            if ok.any():
                found = int(cand_rows[np.argmax(ok)])
                break
        if found < 0:
            free = np.flatnonzero(~taken)
            found = int(free[rng.integers(len(free))])
        out[i] = found
        taken[found] = True
    return out
