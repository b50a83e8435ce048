"""Encodings of the NAS-Bench-Graph macro architecture (4 computing nodes over 9 link patterns).

``adjacency``: 6 nodes (input, the 4 computing nodes, output). Entry ``j`` of the link pattern
names the input of computing node ``j``: 0 is the raw input, ``k >= 1`` the output of computing
node ``k`` (1-based). Computing nodes whose output no other node reads feed the output node, as in
the benchmark's definition. Features: the upper triangle of the ``6 x 6`` adjacency matrix
(15 bits) followed by the one-hot operation of each computing node (``4 x n_ops`` bits).
"""

from __future__ import annotations

import numpy as np

from lab.spaces.encoding import one_hot
from lab.spaces.nasbench_graph import LINKS
from lab.surrogates.encodings.base import Encoding

N_NODES = 6


def link_adjacency(link: tuple[int, ...]) -> np.ndarray:
    """``6 x 6`` adjacency matrix (int8) of one link pattern."""
    adj = np.zeros((N_NODES, N_NODES), dtype=np.int8)
    for j, src in enumerate(link):
        adj[src, 1 + j] = 1
    used = {src for src in link if src > 0}
    for j in range(len(link)):
        if 1 + j not in used:
            adj[1 + j, N_NODES - 1] = 1
    return adj


_IU = np.triu_indices(N_NODES, k=1)
#: Upper-triangle bits of each link pattern, ``9 x 15``.
LINK_FEATURES = np.stack([link_adjacency(lk)[_IU] for lk in LINKS]).astype(np.float32)


class GraphAdjacencyEncoding(Encoding):
    """Adjacency (15 bits, from the link pattern) + one-hot operations of the 4 nodes."""

    name = "adjacency"

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        ops = one_hot(genomes[:, 1:], self.space.cardinalities[1:])
        return np.hstack([LINK_FEATURES[genomes[:, 0]], ops])

    def _feature_names(self) -> list[str]:
        labels = ["input", "node_1", "node_2", "node_3", "node_4", "output"]
        adj = [f"{labels[a]}->{labels[b]}" for a, b in zip(*_IU, strict=True)]
        ops = [
            f"{var}={op}"
            for var, choices in zip(
                self.space.variable_names[1:], self.space.choices[1:], strict=True
            )
            for op in choices
        ]
        return adj + ops
