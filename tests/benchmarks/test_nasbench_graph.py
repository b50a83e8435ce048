"""NAS-Bench-Graph importer against the wheel's own data and canonicalization."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest

from lab.benchmarks.recipes.nasbench_graph import DATASETS, bench_file
from lab.benchmarks.store import load_table
from lab.spaces.nasbench_graph import LINKS, OPS, OPS_PROTEINS, NasBenchGraphSpace


@pytest.fixture(scope="module")
def table():
    return load_table("nasbench-graph")


def _reference(dataset: str) -> dict:
    # The wheel's own reader is plain pickle; in a test on the installed, trusted wheel it is
    # the independent reference the safe importer must agree with.
    with open(bench_file(dataset), "rb") as fh:
        return pickle.load(fh)


def test_shape_and_metadata(table) -> None:
    assert len(table) == 26206
    assert table.cardinalities == (9, 9, 9, 9, 9)
    for ds in DATASETS:
        for kind in ("val_acc", "test_acc", "latency", "params"):
            assert f"{kind}_{ds}" in table.metrics
    info = table.metrics["latency_cora"]
    assert (info.metric, info.unit, info.split, info.dataset) == ("latency", "s", "exact", "cora")
    assert table.metrics["val_acc_cora"].split == "val"
    assert table.metrics["test_acc_cora"].split == "test"
    assert len(table.meta["raw_sha256_wheel"]) == 8
    assert "NeurIPS 2022" in table.meta["citation"]


@pytest.mark.parametrize("dataset", ["cora", "arxiv"])
def test_values_equal_wheel(table, dataset: str) -> None:
    ref = _reference(dataset)
    ids = table.arch_ids
    for field, col in [("valid_perf", "val_acc"), ("perf", "test_acc"), ("latency", "latency"),
                       ("para", "params")]:  # fmt: skip
        expected = np.array([float(ref[i][field]) for i in ids])
        np.testing.assert_array_equal(table.metric_values(f"{col}_{dataset}"), expected)


def test_proteins_table() -> None:
    prot = load_table("nasbench-graph-proteins")
    ref = _reference("proteins")
    assert len(prot) == len(ref) == 2021
    assert set(prot.arch_ids) == set(ref)
    assert prot.cardinalities == (9, 5, 5, 5, 5)
    row = int(np.flatnonzero(prot.arch_ids == 1111)[0])
    assert prot.metric_values("val_acc_proteins")[row] == pytest.approx(
        float(ref[1111]["valid_perf"])
    )


def test_equivalent_genomes_share_the_benchmark_key(table) -> None:
    from nas_bench_graph.architecture import Arch

    space = NasBenchGraphSpace()
    rng = np.random.default_rng(0)
    genomes = np.column_stack([rng.integers(0, 9, 400) for _ in range(5)])
    keys = space.benchmark_keys(genomes)
    for g, k in zip(genomes, keys, strict=True):
        ops = [OPS[v] for v in g[1:]]
        if all(o == "skip" for o in ops):
            assert k == -1
        else:
            assert k == Arch(list(LINKS[g[0]]), ops).valid_hash()
    # canonical genomes are fixed points and map to their own row
    canon = space.canonical_genomes(genomes)
    valid = canon[:, 0] >= 0
    np.testing.assert_array_equal(space.canonical_genomes(canon[valid]), canon[valid])


def test_every_genome_maps_into_the_table(table) -> None:
    space = NasBenchGraphSpace()
    keys = space.benchmark_keys(space.all_genomes())
    assert set(keys[keys >= 0]) == set(table.arch_ids)
    assert (keys == -1).sum() == 9  # the all-skip genome under each of the 9 link patterns


def test_proteins_space_uses_its_op_set() -> None:
    space = NasBenchGraphSpace(proteins=True)
    assert space.choices[1] == OPS_PROTEINS
    keys = space.benchmark_keys(space.all_genomes())
    assert len(set(keys[keys >= 0])) == 2021
    assert list(itertools.islice(space.variable_names, 1)) == ["link"]
