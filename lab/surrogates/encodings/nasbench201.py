"""Encodings of the NAS-Bench-201 cell (6 edges of a 4-node DAG, 5 operations per edge).

Node 0 is the cell input, node 3 its output; edge ``i`` of the genome connects
``EDGES[i] = (target, source)``. The operation ``none`` deletes its edge, so some edges lie on no
input->output path and do not influence the network ("dead" edges). The encodings here:

* ``adjacency``: the cell as a graph with operations on nodes (each edge becomes a node, as in
  NAS-Bench-101 style encodings): 8 nodes (input, 6 edge nodes, output), the upper triangle of the
  ``8 x 8`` adjacency matrix (28 bits; ``none`` edges have no connections) followed by the one-hot
  operation of each edge node (30 bits).
* ``path``: the path encoding of White et al. (BANANAS, AAAI 2021): one bit per sequence of
  operations along an input->output path, over all sequences of length 0..3 in 5 operations,
  ``5^0 + 5^1 + 5^2 + 5^3 = 156`` bits. Index of a sequence ``(o_1..o_L)``:
  ``sum_{l<L} 5^l + sum_j o_j 5^(L-1-j)``. A path through a ``none`` edge does not exist and sets
  no bit; the length-0 bit is never set in this space (the input never equals the output) but is
  kept so the layout matches the general definition.
* ``onehot_pruned``: the one-hot of the genome after setting every dead edge to ``none``, so that
  cells that compute the same function share features.
* ``op_counts``: number of live edges of each operation other than ``none``, the number of live
  input->output paths and the length of the longest one.
"""

from __future__ import annotations

import numpy as np

from lab.spaces.encoding import one_hot
from lab.spaces.nasbench201 import EDGES, OPS
from lab.surrogates.encodings.base import Encoding

N_OPS = len(OPS)
NONE = OPS.index("none")
#: Genome positions (edges) along each of the 4 input->output paths of the cell.
PATHS: tuple[tuple[int, ...], ...] = ((3,), (0, 4), (1, 5), (0, 2, 5))
MAX_PATH_LENGTH = 3
#: Offset of the sequences of length ``L`` in the path encoding: ``sum_{l<L} 5^l``.
PATH_OFFSETS = tuple(sum(N_OPS**i for i in range(L)) for L in range(MAX_PATH_LENGTH + 2))
N_PATH_FEATURES = PATH_OFFSETS[-1]  # 156


def live_paths(genomes: np.ndarray) -> np.ndarray:
    """``n x 4`` mask: does path ``PATHS[j]`` exist (no ``none`` edge on it)?"""
    return np.stack([(genomes[:, list(p)] != NONE).all(axis=1) for p in PATHS], axis=1)


def pruned_genomes(genomes: np.ndarray) -> np.ndarray:
    """Genomes with every edge that lies on no live input->output path set to ``none``."""
    alive = live_paths(genomes)
    on_live = np.zeros_like(genomes, dtype=bool)
    for j, path in enumerate(PATHS):
        on_live[:, list(path)] |= alive[:, j : j + 1]
    return np.where(on_live, genomes, NONE)


def path_index(ops: np.ndarray) -> np.ndarray:
    """Index in the path encoding of each row of ``ops`` (``n x L`` operation codes)."""
    L = ops.shape[1]
    weights = N_OPS ** np.arange(L - 1, -1, -1)
    return PATH_OFFSETS[L] + ops @ weights


def _sequence_name(index: int) -> str:
    L = next(L for L in range(MAX_PATH_LENGTH + 1) if index < PATH_OFFSETS[L + 1])
    code = index - PATH_OFFSETS[L]
    ops = []
    for _ in range(L):
        ops.append(OPS[code % N_OPS])
        code //= N_OPS
    return ">".join(reversed(ops)) or "(empty)"


class PathEncoding(Encoding):
    """BANANAS path encoding: 156 bits, one per operation sequence along a live path."""

    name = "path"

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        out = np.zeros((len(genomes), N_PATH_FEATURES), dtype=np.float32)
        alive = live_paths(genomes)
        for j, path in enumerate(PATHS):
            rows = np.flatnonzero(alive[:, j])
            out[rows, path_index(genomes[rows][:, list(path)])] = 1.0
        return out

    def _feature_names(self) -> list[str]:
        return [_sequence_name(i) for i in range(N_PATH_FEATURES)]


class AdjacencyEncoding(Encoding):
    """Operations-on-nodes graph of the cell: 28 adjacency bits + 30 operation bits."""

    name = "adjacency"
    #: Node ``1 + i`` is edge ``i``; node 0 the input, node 7 the output.
    N_NODES = len(EDGES) + 2

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        n, out_node = len(genomes), self.N_NODES - 1
        adj = np.zeros((n, self.N_NODES, self.N_NODES), dtype=np.float32)
        present = genomes != NONE
        for i, (target, source) in enumerate(EDGES):
            if source == 0:
                adj[:, 0, 1 + i] = present[:, i]
            for k, (t2, _) in enumerate(EDGES):
                if t2 == source:  # edge k delivers into the node edge i reads from
                    adj[:, 1 + k, 1 + i] = present[:, k] & present[:, i]
            if target == 3:
                adj[:, 1 + i, out_node] = present[:, i]
        iu = np.triu_indices(self.N_NODES, k=1)
        return np.hstack([adj[:, iu[0], iu[1]], one_hot(genomes, self.space.cardinalities)])

    def _feature_names(self) -> list[str]:
        labels = ["input", *(f"edge_{t}<-{s}" for t, s in EDGES), "output"]
        iu = np.triu_indices(self.N_NODES, k=1)
        adj = [f"{labels[a]}->{labels[b]}" for a, b in zip(*iu, strict=True)]
        ops = [f"{labels[1 + i]}={op}" for i in range(len(EDGES)) for op in OPS]
        return adj + ops


class PrunedOneHotEncoding(Encoding):
    """One-hot of the genome with dead edges set to ``none`` (30 bits)."""

    name = "onehot_pruned"

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        return one_hot(pruned_genomes(genomes), self.space.cardinalities)

    def _feature_names(self) -> list[str]:
        return [f"edge_{t}<-{s}={op}" for t, s in EDGES for op in OPS]


class OpCountEncoding(Encoding):
    """Counts of live operations (4), number of live paths, longest live path (edges)."""

    name = "op_counts"

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        pruned = pruned_genomes(genomes)
        counts = [(pruned == k).sum(axis=1) for k in range(N_OPS) if k != NONE]
        alive = live_paths(genomes)
        lengths = np.asarray([len(p) for p in PATHS])
        depth = np.where(alive, lengths, 0).max(axis=1)
        return np.stack([*counts, alive.sum(axis=1), depth], axis=1)

    def _feature_names(self) -> list[str]:
        return [f"n_{op}" for op in OPS if op != "none"] + ["n_live_paths", "depth"]
