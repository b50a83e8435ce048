"""NAS-Bench-Graph space: a GNN macro architecture of 4 computing nodes.

Genome: position 0 is the link pattern (one of the benchmark's 9 canonical DAGs: entry ``j`` of a
pattern names the input of node ``j``, 0 = the raw input), positions 1..4 the operation of each
node (9 GNN layers; 5 on the proteins dataset). Many genomes denote the same network (permuted
nodes, skip layers that only move dimensions); the benchmark's own canonicalization
(``Arch.regularize``, ``move_skip_op``, ``equalpart_sort`` then ``hash_arch`` from the
``nas-bench-graph`` package) maps each genome to the key its table uses, so equivalent genomes
share an id. The table for all genomes is computed once per process (59,049 genomes, ~1 s).
"""

from __future__ import annotations

import functools

import numpy as np

from lab.spaces.base import SearchSpace
from lab.spaces.encoding import genome_codes

LINKS: tuple[tuple[int, int, int, int], ...] = (
    (0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1, 1), (0, 0, 1, 2), (0, 0, 1, 3),
    (0, 1, 1, 1), (0, 1, 1, 2), (0, 1, 2, 2), (0, 1, 2, 3),
)  # fmt: skip
OPS: tuple[str, ...] = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
OPS_PROTEINS: tuple[str, ...] = ("gcn", "sage", "arma", "fc", "skip")


def _canonical_arch(link: tuple[int, ...], ops: tuple[str, ...]) -> tuple[list[int], list[str]]:
    from nas_bench_graph.architecture import Arch

    arch = Arch(list(link), list(ops)).regularize()
    arch.move_skip_op()
    arch.equalpart_sort()
    return list(arch.link), list(arch.ops)


def architecture_key(link: tuple[int, ...], ops: tuple[str, ...]) -> int:
    """The benchmark's hash of the canonical form of ``(link, ops)``, as its tables key it."""
    from nas_bench_graph.architecture import Arch

    c_link, c_ops = _canonical_arch(link, ops)
    return int(Arch(c_link, c_ops).hash_arch())


@functools.lru_cache(maxsize=2)
def _canonical_table(proteins: bool) -> tuple[np.ndarray, np.ndarray]:
    """For every genome (by mixed-radix code): the canonical genome (``-1`` if invalid) and key."""
    space = NasBenchGraphSpace(proteins=proteins)
    ops = space.choices[1]
    genomes = space.all_genomes()
    canon = np.full_like(genomes, -1)
    keys = np.full(len(genomes), -1, dtype=np.int64)
    for i, g in enumerate(genomes):
        op_names = tuple(ops[v] for v in g[1:])
        if all(o == "skip" for o in op_names):
            continue  # an all-skip network computes nothing: not in the benchmark
        c_link, c_ops = _canonical_arch(LINKS[g[0]], op_names)
        canon[i] = [LINKS.index(tuple(c_link)), *(ops.index(o) for o in c_ops)]
        from nas_bench_graph.architecture import Arch

        keys[i] = Arch(c_link, c_ops).hash_arch()
    return canon, keys


class NasBenchGraphSpace(SearchSpace):
    """NAS-Bench-Graph space (``proteins=True``: the proteins dataset's smaller op set)."""

    degenerate_rule = (
        "none applies: the benchmark leaves out all-skip networks, and every other network has a "
        "GNN or fully connected layer (all parametric) on a path from input to output, since "
        "every node feeds the output directly or through later nodes"
    )

    def __init__(self, *, proteins: bool = False) -> None:
        self.proteins = proteins
        self.name = "nasbench-graph-proteins" if proteins else "nasbench-graph"
        self.variable_names = ("link", "op_1", "op_2", "op_3", "op_4")
        ops = OPS_PROTEINS if proteins else OPS
        self.choices = (tuple("-".join(map(str, lk)) for lk in LINKS), *(ops,) * 4)
        self.choices = tuple(tuple(c) for c in self.choices)

    def _canonical_genomes(self, genomes: np.ndarray) -> np.ndarray:
        canon, _ = _canonical_table(self.proteins)
        return canon[genome_codes(genomes, self.cardinalities)]

    def benchmark_keys(self, genomes: np.ndarray) -> np.ndarray:
        """The benchmark's architecture hash of each genome (``-1`` if invalid), length ``n``."""
        _, keys = _canonical_table(self.proteins)
        return keys[genome_codes(self.validate(genomes), self.cardinalities)]

    def _architecture_string(self, canonical_genome: np.ndarray) -> str:
        link = self.choices[0][canonical_genome[0]]
        ops = ",".join(self.choices[i + 1][v] for i, v in enumerate(canonical_genome[1:]))
        return f"link={link};ops={ops}"
