"""Conformance suite every benchmark table passes (built-ins present here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.store import load_table, recipes
from lab.benchmarks.table import BenchmarkTable
from lab.spaces import get_space

AVAILABLE = [name for name, r in recipes().items() if r.available()]


@pytest.fixture(params=AVAILABLE, scope="module")
def table(request) -> BenchmarkTable:
    return load_table(request.param)


def test_ids_unique_and_rows_distinct(table: BenchmarkTable) -> None:
    assert table.frame["arch_id"].is_unique
    assert table.frame["arch_str"].is_unique
    assert not table.frame[table.genome_columns].duplicated().any()


def test_genomes_are_canonical_and_strings_match(table: BenchmarkTable) -> None:
    space = get_space(table.space)
    assert space.cardinalities == table.cardinalities
    genomes = table.genomes
    np.testing.assert_array_equal(space.canonical_genomes(genomes), genomes)
    sample = np.random.default_rng(0).choice(len(table), size=min(300, len(table)), replace=False)
    for i in sample:
        assert space.architecture_string(genomes[i]) == table.frame["arch_str"].iloc[i]


def test_metric_metadata_complete(table: BenchmarkTable) -> None:
    assert table.metrics
    for col, info in table.metrics.items():
        assert info.column == col
        assert info.unit and info.split and info.metric
        assert info.direction in ("min", "max")
        assert info.dataset or info.device, f"{col}: dataset or device must be named"
        values = table.metric_values(col)
        assert np.isfinite(values).all(), f"{col} has missing values"


def test_provenance(table: BenchmarkTable) -> None:
    for key in ("source", "citation", "licence", "builder_version", "raw_sha256", "table_sha256"):
        assert key in table.meta, key
    for digest in table.meta["raw_sha256"].values():
        assert len(digest) == 64


def test_round_trip_through_disk(table: BenchmarkTable, tmp_path) -> None:
    table.save(tmp_path)
    loaded = BenchmarkTable.load(tmp_path, table.name)
    pd.testing.assert_frame_equal(loaded.frame, table.frame)
    assert loaded.metrics == table.metrics
