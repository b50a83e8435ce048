"""The declared degenerate-architecture rule of each space."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lab.spaces import get_space, space_names
from lab.spaces.nasbench201 import EDGES, OPS, NasBench201Space


def _paths(node: int) -> list[list[int]]:
    """Every path from node 0 to ``node`` of the NAS-Bench-201 DAG, as lists of edge indices."""
    if node == 0:
        return [[]]
    out = []
    for i, (target, source) in enumerate(EDGES):
        if target == node:
            out += [[*p, i] for p in _paths(source)]
    return out


def _has_conv_path(genome: tuple[int, ...]) -> bool:
    """Brute force: some input -> output path with no ``none`` edge and at least one conv."""
    convs = {OPS.index("nor_conv_1x1"), OPS.index("nor_conv_3x3")}
    return any(
        all(genome[e] != 0 for e in path) and any(genome[e] in convs for e in path)
        for path in _paths(3)
    )


def test_nasbench201_rule_matches_path_enumeration() -> None:
    space = NasBench201Space()
    genomes = space.all_genomes()
    brute = np.array([not _has_conv_path(tuple(g)) for g in genomes])
    np.testing.assert_array_equal(space.degenerate_mask(genomes), brute)
    # Closed counts: cells with no open path at all (constant output) and with open paths of
    # skips and pooling only; 5^6 cells in all.
    cut = np.array([not any(all(g[e] != 0 for e in p) for p in _paths(3)) for g in genomes])
    assert int(cut.sum()) == 341
    assert int(brute.sum()) == 1983


@pytest.mark.parametrize(
    ("cell", "degenerate"),
    [
        ("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", True),  # cut: chance accuracy
        ("|skip_connect~0|+|avg_pool_3x3~0|skip_connect~1|+|skip_connect~0|none~1|none~2|", True),
        ("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", True),  # conv on no path
        ("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|", False),
        ("|none~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|", False),
    ],
)
def test_nasbench201_rule_on_hand_cells(cell: str, degenerate: bool) -> None:
    from lab.spaces.nasbench201 import string_to_genome

    space = NasBench201Space()
    assert bool(space.degenerate_mask(string_to_genome(cell)[None])[0]) is degenerate


@pytest.mark.parametrize("name", space_names())
def test_every_space_declares_its_rule(name: str) -> None:
    space = get_space(name)
    assert space.degenerate_rule and space.degenerate_rule.strip()
    g = np.array(list(itertools.islice(itertools.product(*map(range, space.cardinalities)), 50)))
    assert space.degenerate_mask(g).shape == (50,)
    if name != "nasbench201":
        assert space.degenerate_rule.startswith("none applies")
        assert not space.degenerate_mask(g).any()
