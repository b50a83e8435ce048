"""Canonical table storage: round trip, schema validation, corrupted files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, ConfigError
from lab.fileio import sha256_file


def small_table() -> BenchmarkTable:
    frame = pd.DataFrame(
        {
            "arch_id": [0, 1, 2, 3],
            "arch_str": ["a", "b", "c", "d"],
            "g0": np.array([0, 0, 1, 1], dtype=np.int16),
            "g1": np.array([0, 1, 0, 1], dtype=np.int16),
            "acc": [90.0, 91.0, 92.5, 80.0],
        }
    )
    metrics = {"acc": MetricInfo("acc", "accuracy", "val", "%", "max", dataset="toy")}
    return BenchmarkTable("toy", frame, metrics, (2, 2), "toy", {"source": "test"})


def test_round_trip(tmp_path: Path) -> None:
    table = small_table()
    table.save(tmp_path)
    loaded = BenchmarkTable.load(tmp_path, "toy")
    pd.testing.assert_frame_equal(loaded.frame, table.frame)
    assert loaded.metrics == table.metrics
    assert loaded.cardinalities == (2, 2)
    assert loaded.meta["source"] == "test"
    assert len(loaded.meta["table_sha256"]) == 64
    assert not list(tmp_path.glob("*.tmp"))


def test_duplicate_arch_id_rejected() -> None:
    table = small_table()
    frame = table.frame.copy()
    frame.loc[1, "arch_id"] = 0
    with pytest.raises(BenchmarkFileError, match="arch_id 0 appears more than once"):
        BenchmarkTable("toy", frame, table.metrics, (2, 2), "toy")


def test_genome_out_of_range_rejected() -> None:
    table = small_table()
    frame = table.frame.copy()
    frame.loc[2, "g1"] = 5
    with pytest.raises(BenchmarkFileError, match="outside the cardinalities"):
        BenchmarkTable("toy", frame, table.metrics, (2, 2), "toy")


def test_missing_metric_column_rejected() -> None:
    table = small_table()
    with pytest.raises(BenchmarkFileError, match=r"missing columns \['acc'\]"):
        BenchmarkTable("toy", table.frame.drop(columns="acc"), table.metrics, (2, 2), "toy")


def test_bad_direction_rejected() -> None:
    with pytest.raises(ConfigError, match="direction"):
        MetricInfo("acc", "accuracy", "val", "%", "up")  # type: ignore[arg-type]


def test_corrupted_parquet_names_file(tmp_path: Path) -> None:
    small_table().save(tmp_path)
    path = tmp_path / "toy.parquet"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(
        BenchmarkFileError, match=r"toy\.parquet.*(unreadable|differs).*lab bench build toy"
    ):
        BenchmarkTable.load(tmp_path, "toy")


def test_wrong_schema_json_names_field(tmp_path: Path) -> None:
    small_table().save(tmp_path)
    path = tmp_path / "toy.json"
    meta = json.loads(path.read_text())
    del meta["cardinalities"]
    path.write_text(json.dumps(meta))
    with pytest.raises(BenchmarkFileError, match=r"toy\.json: missing field 'cardinalities'"):
        BenchmarkTable.load(tmp_path, "toy")


def test_invalid_json(tmp_path: Path) -> None:
    small_table().save(tmp_path)
    (tmp_path / "toy.json").write_text("{not json")
    with pytest.raises(BenchmarkFileError, match="invalid JSON"):
        BenchmarkTable.load(tmp_path, "toy")


def test_wrong_column_type_in_parquet(tmp_path: Path) -> None:
    table = small_table()
    table.save(tmp_path)
    frame = table.frame.copy()
    frame["acc"] = ["x", "y", "z", "w"]
    frame.to_parquet(tmp_path / "toy.parquet", index=False)
    # Re-record the checksum, so that the column check (not the checksum) is what refuses it.
    meta = json.loads((tmp_path / "toy.json").read_text())
    meta["table_sha256"] = sha256_file(tmp_path / "toy.parquet")
    (tmp_path / "toy.json").write_text(json.dumps(meta))
    with pytest.raises(BenchmarkFileError, match="metric column 'acc' is .* not numeric"):
        BenchmarkTable.load(tmp_path, "toy")
