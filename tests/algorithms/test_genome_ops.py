"""One-gene neighbourhoods, categorical mutation and resampling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chisquare

from lab.algorithms.genome_ops import (
    categorical_mutation,
    neighbour_rows,
    one_gene_neighbours,
    resample_rows,
)
from lab.problems import get_problem


@pytest.fixture(scope="module")
def nb201():
    """A NAS-Bench-201-space problem whose search space holds every genome as its own row: the
    AnalogNAS cells (each trained separately) with the degenerate ones included."""
    from lab.problems.problem import Problem

    base = get_problem("anb-err-params-drop")
    spec = base.spec.model_copy(update={"degenerate": "include"})
    return Problem(spec, base.table, base.space)


@pytest.fixture(scope="module")
def nbg():
    return get_problem("nbg-cora-err-lat")


def test_one_gene_neighbours_are_all_single_changes() -> None:
    cards = np.array([3, 2, 4])
    genome = np.array([1, 0, 3])
    nb = one_gene_neighbours(genome, cards)
    assert nb.shape == (2 + 1 + 3, 3)
    assert ((nb != genome).sum(axis=1) == 1).all()
    assert len({tuple(g) for g in nb}) == len(nb)
    expected = {(0, 0, 3), (2, 0, 3), (1, 1, 3), (1, 0, 0), (1, 0, 1), (1, 0, 2)}
    assert {tuple(g) for g in nb} == expected


def test_neighbour_rows_nb201_is_the_full_neighbourhood(nb201) -> None:
    # NAS-Bench-201's table holds every genome, so a genome has 6 x 4 distinct neighbours
    genome = nb201.genomes_all[123]
    rows = neighbour_rows(nb201, genome)
    assert len(rows) == 24
    hamming = (nb201.genomes_all[rows] != genome).sum(axis=1)
    assert (hamming == 1).all()


def test_neighbour_rows_nbg_drops_invalid_and_equivalent(nbg) -> None:
    # link pattern 0 with ops (skip, skip, skip, gcn): changing the last op to skip is invalid
    skip, gcn = 8, 1
    genome = np.array([0, skip, skip, skip, gcn])
    rows = neighbour_rows(nbg, genome)
    own = nbg.rows(genome[None, :])[0]
    assert own >= 0 and own not in rows
    assert len(np.unique(rows)) == len(rows)
    assert (rows >= 0).all()
    # every returned row is the canonical form of some one-gene neighbour
    canon = nbg.rows(one_gene_neighbours(genome, nbg.cardinalities))
    assert set(rows) == set(canon[(canon >= 0) & (canon != own)])


def test_categorical_mutation_rate_and_uniform_other_values() -> None:
    rng = np.random.default_rng(0)
    cards = np.array([5, 3, 9])
    n = 60_000
    genomes = np.tile([2, 0, 8], (n, 1))
    out = categorical_mutation(genomes, cards, 0.3, rng)
    changed = out != genomes
    # rate: binomial with p = 0.3 per gene (5 standard deviations)
    sd = np.sqrt(0.3 * 0.7 / n)
    assert np.all(np.abs(changed.mean(axis=0) - 0.3) < 5 * sd)
    for j, c in enumerate(cards):
        values = out[changed[:, j], j]
        assert (values != genomes[0, j]).all()
        counts = np.bincount(values, minlength=c)
        counts = np.delete(counts, genomes[0, j])
        assert chisquare(counts).pvalue > 1e-4
    np.testing.assert_array_equal(genomes, np.tile([2, 0, 8], (n, 1)))  # input untouched


def test_resample_rows_prefers_one_gene_changes_and_respects_blocked(nb201) -> None:
    rng = np.random.default_rng(1)
    genome = nb201.genomes_all[500]
    blocked = np.zeros(nb201.n_architectures, dtype=bool)
    blocked[500] = True
    rows = resample_rows(nb201, np.repeat(genome[None, :], 5, axis=0), rng, blocked=blocked)
    assert len(np.unique(rows)) == 5 and not blocked[rows].any()
    assert ((nb201.genomes_all[rows] != genome).sum(axis=1) == 1).all()
    # with the whole neighbourhood blocked, the nearest free ones are two genes away
    blocked[neighbour_rows(nb201, genome)] = True
    rows = resample_rows(nb201, genome[None, :], rng, blocked=blocked)
    assert (nb201.genomes_all[rows] != genome).sum() == 2


def test_resample_rows_repairs_invalid_nbg_genome(nbg) -> None:
    all_skip = np.array([[3, 8, 8, 8, 8]])
    assert nbg.rows(all_skip)[0] == -1
    blocked = np.zeros(nbg.n_architectures, dtype=bool)
    rows = resample_rows(nbg, all_skip, np.random.default_rng(0), blocked=blocked)
    assert rows[0] >= 0


def test_resample_rows_refuses_when_too_few_are_free(nb201) -> None:
    blocked = np.ones(nb201.n_architectures, dtype=bool)
    blocked[:2] = False
    with pytest.raises(RuntimeError, match="cannot find 3"):
        resample_rows(nb201, nb201.genomes_all[:3], np.random.default_rng(0), blocked=blocked)
