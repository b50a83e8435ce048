"""Encodings: closed forms on hand-made cells and an independent path enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lab.errors import UnknownNameError
from lab.spaces.nasbench201 import EDGES, OPS
from lab.spaces.nasbench_graph import LINKS
from lab.spaces.registry import get_space
from lab.surrogates.encodings import encoding_names, make_encoding
from lab.surrogates.encodings.nasbench201 import N_PATH_FEATURES, pruned_genomes
from lab.surrogates.encodings.nasbench_graph import link_adjacency

NB201 = get_space("nasbench201")
CONV3 = OPS.index("nor_conv_3x3")
NONE = OPS.index("none")


def _paths_by_dfs(genome: np.ndarray) -> set[tuple[int, ...]]:
    """Operation sequences of every input->output path, by depth-first search on the DAG."""
    out_edges = {node: [] for node in range(4)}
    for i, (target, source) in enumerate(EDGES):
        if genome[i] != NONE:
            out_edges[source].append((target, int(genome[i])))
    paths = set()

    def walk(node: int, ops: tuple[int, ...]) -> None:
        if node == 3:
            paths.add(ops)
            return
        for target, op in out_edges[node]:
            walk(target, (*ops, op))

    walk(0, ())
    return paths


def _index(ops: tuple[int, ...]) -> int:
    offset = sum(5**i for i in range(len(ops)))
    return offset + sum(o * 5 ** (len(ops) - 1 - j) for j, o in enumerate(ops))


def test_path_encoding_has_156_bits_and_matches_dfs_on_every_cell():
    enc = make_encoding(NB201, "path")
    assert enc.n_features == N_PATH_FEATURES == 1 + 5 + 25 + 125
    genomes = NB201.all_genomes()
    X = enc.encode(genomes)
    for g, x in zip(genomes[::7], X[::7], strict=True):  # every 7th cell: ~2,200 cells
        expected = np.zeros(N_PATH_FEATURES)
        expected[[_index(p) for p in _paths_by_dfs(g)]] = 1
        np.testing.assert_array_equal(x, expected)


def test_path_encoding_closed_forms():
    enc = make_encoding(NB201, "path")
    all_conv = np.full((1, 6), CONV3)
    # paths 3<-0 (length 1), 1->3 and 2->3 via node 1 or 2 (length 2, same sequence), 0->1->2->3
    expected = {1 + CONV3, 6 + CONV3 * 5 + CONV3, 31 + CONV3 * 25 + CONV3 * 5 + CONV3}
    assert set(np.flatnonzero(enc.encode(all_conv)[0])) == expected
    assert enc.encode(np.zeros((1, 6), dtype=int)).sum() == 0  # all "none": no path at all
    assert enc.feature_names[1 + CONV3] == "nor_conv_3x3"
    assert enc.feature_names[6 + CONV3 * 5 + 1] == "nor_conv_3x3>skip_connect"


def test_pruning_removes_dead_edges_only():
    # edge 0 (1<-0) is conv, but nothing leaves node 1 (edges 2 and 4 are none): edge 0 is dead.
    g = np.array([[CONV3, CONV3, NONE, NONE, NONE, CONV3]])
    np.testing.assert_array_equal(pruned_genomes(g), [[NONE, CONV3, NONE, NONE, NONE, CONV3]])
    live = np.full((1, 6), CONV3)
    np.testing.assert_array_equal(pruned_genomes(live), live)
    counts = make_encoding(NB201, "op_counts")
    row = dict(zip(counts.feature_names, counts.encode(g)[0], strict=True))
    assert row["n_nor_conv_3x3"] == 2 and row["n_live_paths"] == 1 and row["depth"] == 2


def test_nb201_adjacency_counts_edges_of_the_operation_graph():
    enc = make_encoding(NB201, "adjacency")
    skip = OPS.index("skip_connect")
    x = enc.encode(np.full((1, 6), skip))[0]
    # input -> edges 0, 1, 3; edge 0 -> edges 2, 4; edges 1, 2 -> edge 5; edges 3, 4, 5 -> output
    assert x[:28].sum() == 3 + 2 + 2 + 3
    assert x[28:].sum() == 6
    assert enc.encode(np.zeros((1, 6), dtype=int))[0, :28].sum() == 0


@pytest.mark.parametrize(
    ("link", "edges"),
    [((0, 0, 0, 0), 8), ((0, 1, 2, 3), 5), ((0, 0, 1, 1), 7)],
)
def test_graph_adjacency_from_link_pattern(link, edges):
    adj = link_adjacency(link)
    assert adj.sum() == edges
    assert np.all(np.tril(adj) == 0)  # a DAG in topological order
    # every computing node has exactly one input
    np.testing.assert_array_equal(adj[:, 1:5].sum(axis=0), np.ones(4))


def test_graph_adjacency_encoding_layout():
    space = get_space("nasbench-graph")
    enc = make_encoding(space, "adjacency")
    assert enc.n_features == 15 + 4 * 9
    g = np.array([[LINKS.index((0, 1, 2, 3)), 0, 1, 2, 8]])
    x = enc.encode(g)[0]
    assert x[:15].sum() == 5
    assert [enc.feature_names[15 + i] for i in np.flatnonzero(x[15:])] == [
        "op_1=gat", "op_2=gcn", "op_3=gin", "op_4=skip",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "space_name", ["nasbench201", "nasbench-graph", "nasbench-graph-proteins", "nasbench-macro"]
)
def test_every_encoding_names_its_columns(space_name):
    space = get_space(space_name)
    genomes = space.all_genomes()[:: max(1, space.size // 500)]
    for name in encoding_names(space_name):
        enc = make_encoding(space, name)
        X = enc.encode(genomes)
        assert X.shape == (len(genomes), enc.n_features) == (len(genomes), len(enc.feature_names))
        assert X.dtype == np.float32 and np.isfinite(X).all()
    combo = make_encoding(space, "+".join(encoding_names(space_name)))
    assert combo.n_features == sum(
        make_encoding(space, n).n_features for n in encoding_names(space_name)
    )


def test_default_encoding_and_errors():
    assert make_encoding("nasbench201").name == "onehot+path+onehot_pruned+op_counts"
    with pytest.raises(UnknownNameError, match="path"):
        make_encoding("nasbench-graph", "path")
    with pytest.raises(ValueError, match="outside"):
        make_encoding(NB201, "onehot").encode(np.array([[0, 0, 0, 0, 0, 5]]))


def test_onehot_equals_space_one_hot():
    genomes = np.array(list(itertools.islice(itertools.product(range(5), repeat=6), 0, 15625, 97)))
    np.testing.assert_array_equal(
        make_encoding(NB201, "onehot").encode(genomes), NB201.one_hot(genomes)
    )
