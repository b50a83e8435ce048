"""Conformance suite every search space passes."""

from __future__ import annotations

import numpy as np
import pytest

from lab.spaces import get_space, space_names
from lab.spaces.encoding import decode_genome_codes, genome_codes, one_hot
from lab.spaces.nasbench201 import string_to_genome as nb201_from_string
from lab.spaces.nasbench_macro import string_to_genome as macro_from_string


@pytest.fixture(params=space_names())
def space(request):
    return get_space(request.param)


def random_genomes(space, n: int = 300, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.integers(0, c, n) for c in space.cardinalities])


def test_canonicalization_is_idempotent(space) -> None:
    canon = space.canonical_genomes(random_genomes(space))
    valid = canon[:, 0] >= 0
    assert valid.mean() > 0.9
    np.testing.assert_array_equal(space.canonical_genomes(canon[valid]), canon[valid])


def test_equivalent_genomes_share_string_and_code(space) -> None:
    g = random_genomes(space)
    canon = space.canonical_genomes(g)
    codes = space.canonical_codes(g)
    for gi, ci, code in zip(g[:50], canon[:50], codes[:50], strict=True):
        if ci[0] < 0:
            assert code == -1
            continue
        assert space.architecture_string(gi) == space.architecture_string(ci)
        assert code == genome_codes(ci[None], space.cardinalities)[0]


def test_one_hot(space) -> None:
    g = random_genomes(space, 20)
    x = space.one_hot(g)
    assert x.shape == (20, sum(space.cardinalities))
    np.testing.assert_array_equal(x.sum(axis=1), space.n_variables)
    offsets = np.concatenate([[0], np.cumsum(space.cardinalities)[:-1]])
    for row, gi in zip(x, g, strict=True):
        np.testing.assert_array_equal(np.flatnonzero(row), gi + offsets)


def test_validation_errors(space) -> None:
    bad = np.zeros((1, space.n_variables), dtype=np.int64)
    bad[0, -1] = space.cardinalities[-1]
    with pytest.raises(ValueError, match="outside"):
        space.canonical_genomes(bad)
    with pytest.raises(ValueError, match="shape"):
        space.canonical_genomes(np.zeros((2, space.n_variables + 1), dtype=np.int64))


def test_codes_round_trip() -> None:
    cards = (9, 5, 5, 3)
    rng = np.random.default_rng(1)
    g = np.column_stack([rng.integers(0, c, 100) for c in cards])
    np.testing.assert_array_equal(decode_genome_codes(genome_codes(g, cards), cards), g)
    assert genome_codes(np.array([[8, 4, 4, 2]]), cards)[0] == 9 * 5 * 5 * 3 - 1
    assert one_hot(np.array([[1, 0]]), (2, 3)).tolist() == [[0, 1, 1, 0, 0]]


def test_string_parsers() -> None:
    s = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    g = nb201_from_string(s)
    assert g.tolist() == [3, 3, 4, 1, 3, 1]
    assert get_space("nasbench201").architecture_string(g) == s
    with pytest.raises(ValueError, match="unknown NAS-Bench-201 operation 'conv_9x9'"):
        nb201_from_string(s.replace("avg_pool_3x3", "conv_9x9"))
    with pytest.raises(ValueError, match="not a NAS-Bench-201 architecture string"):
        nb201_from_string("|a~0|")
    assert macro_from_string("02012100").tolist() == [0, 2, 0, 1, 2, 1, 0, 0]
    with pytest.raises(ValueError, match="NAS-Bench-Macro key"):
        macro_from_string("0201210")
