"""NAS-Bench-201 cell space: 6 edges of a 4-node DAG, 5 operations per edge (5^6 = 15,625 cells).

Genome position ``i`` is edge ``i`` in the official string order
(1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2); value ``k`` is ``OPS[k]``. Every genome is its own
architecture: the official benchmark trained all 15,625 cells, so its index is the id.
"""

from __future__ import annotations

import re

import numpy as np

from lab.errors import InvalidArchitectureError
from lab.spaces.base import SearchSpace

OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: Operations with trainable weights (ReLU-conv-BN); ``skip_connect`` and ``avg_pool_3x3`` have
#: none and ``none`` cuts the edge.
PARAMETRIC_OPS: frozenset[int] = frozenset({OPS.index("nor_conv_1x1"), OPS.index("nor_conv_3x3")})
#: ``(target node, source node)`` of each genome position.
EDGES: tuple[tuple[int, int], ...] = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))
_STRING = re.compile(
    r"^\|([a-z0-9_]+)~0\|\+\|([a-z0-9_]+)~0\|([a-z0-9_]+)~1\|\+"
    r"\|([a-z0-9_]+)~0\|([a-z0-9_]+)~1\|([a-z0-9_]+)~2\|$"
)


def parametric_path_mask(genomes: np.ndarray) -> np.ndarray:
    """Mask (``n``): does the cell of each genome (``n x 6``) have a path from its input node 0
    to its output node 3 that passes through at least one convolution?

    A node is *reached* when some non-``none`` edge comes from a reached node, and *reached
    through a convolution* when that edge is a convolution or its source was itself reached
    through one. Cells without such a path compute their output from the input by skips and
    average pooling only (no trainable weight in any cell), or compute constant zeros (no path
    at all: chance accuracy).
    """
    g = np.asarray(genomes, dtype=np.int64)
    n = g.shape[0]
    reached = {0: np.ones(n, dtype=bool)}
    via_conv = {0: np.zeros(n, dtype=bool)}
    conv = np.isin(g, list(PARAMETRIC_OPS))
    for node in (1, 2, 3):
        r = np.zeros(n, dtype=bool)
        c = np.zeros(n, dtype=bool)
        for i, (target, source) in enumerate(EDGES):
            if target != node:
                continue
            open_edge = g[:, i] != 0
            r |= open_edge & reached[source]
            c |= open_edge & (via_conv[source] | (conv[:, i] & reached[source]))
        reached[node], via_conv[node] = r, c
    return via_conv[3]


def genome_to_string(genome: np.ndarray) -> str:
    """Official architecture string of a genome of length 6."""
    o = [OPS[int(v)] for v in genome]
    return f"|{o[0]}~0|+|{o[1]}~0|{o[2]}~1|+|{o[3]}~0|{o[4]}~1|{o[5]}~2|"


def string_to_genome(arch_str: str) -> np.ndarray:
    """Inverse of :func:`genome_to_string`; ``ValueError`` on a malformed string or unknown op."""
    match = _STRING.match(arch_str.strip())
    if match is None:
        raise InvalidArchitectureError(
            f"not a NAS-Bench-201 architecture string: {arch_str!r}; expected "
            "'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|'"
        )
    genome = []
    for op in match.groups():
        if op not in OPS:
            raise InvalidArchitectureError(
                f"unknown NAS-Bench-201 operation {op!r} in {arch_str!r}; valid: {OPS}"
            )
        genome.append(OPS.index(op))
    return np.asarray(genome, dtype=np.int64)


class NasBench201Space(SearchSpace):
    """The NAS-Bench-201 / NATS-Bench topology space."""

    name = "nasbench201"
    variable_names = tuple(f"edge_{t}<-{s}" for t, s in EDGES)
    choices = (OPS,) * 6
    degenerate_rule = (
        "no path from the cell's input to its output through a convolution (nor_conv_1x1 or "
        "nor_conv_3x3): the cell is parameter-free (skips and pooling only) or cut (chance "
        "accuracy)"
    )

    def degenerate_mask(self, genomes: np.ndarray) -> np.ndarray:
        return ~parametric_path_mask(self.validate(genomes))

    def _canonical_genomes(self, genomes: np.ndarray) -> np.ndarray:
        return genomes

    def _architecture_string(self, canonical_genome: np.ndarray) -> str:
        return genome_to_string(canonical_genome)
