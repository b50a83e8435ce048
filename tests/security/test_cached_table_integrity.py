"""Attack: an edited cached benchmark table.

``BenchmarkTable.load`` trusted the Parquet file: an edited value was used silently and run
manifests recorded the checksum written at build time, not that of the data used. Now every load
checks the recorded sha256 (a stat fast path, a full hash when the stat differs).
"""

from __future__ import annotations

import json
import os
import shutil
import stat

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.store import clear_cache, load_table
from lab.benchmarks.table import BenchmarkTable
from lab.errors import CachedTableChangedError
from lab.fileio import sha256_file


def _table() -> BenchmarkTable:
    frame = pd.DataFrame({
        "arch_id": np.arange(4), "arch_str": ["a", "b", "c", "d"],
        "g0": np.array([0, 1, 0, 1], dtype=np.int16), "g1": np.array([0, 0, 1, 1], dtype=np.int16),
        "err": [0.1, 0.2, 0.3, 0.4],
    })  # fmt: skip
    metrics = {"err": MetricInfo("err", "error", "val", "%", "min")}
    return BenchmarkTable("tiny", frame, metrics, (2, 2), "toy")


def _flip_byte_keep_stat_times(path) -> None:
    """Change one byte in place, then put size and mtime back as they were."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def test_edited_value_is_refused_with_the_fix(tmp_path) -> None:
    table = _table()
    table.save(tmp_path)
    edited = table.frame.copy()
    edited.loc[0, "err"] = 0.0
    edited.to_parquet(tmp_path / "tiny.parquet", index=False)
    with pytest.raises(
        CachedTableChangedError, match=r"tiny\.parquet: sha256 .* differs.*lab bench build tiny"
    ):
        BenchmarkTable.load(tmp_path, "tiny")


def test_edit_that_keeps_size_and_mtime_is_caught(tmp_path) -> None:
    _table().save(tmp_path)
    _flip_byte_keep_stat_times(tmp_path / "tiny.parquet")
    with pytest.raises(CachedTableChangedError, match="differs"):
        BenchmarkTable.load(tmp_path, "tiny")


def test_copied_table_is_hashed_once_then_fast(tmp_path, monkeypatch) -> None:
    _table().save(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # new inode and ctime: full hash
    calls = []
    real = BenchmarkTable.load.__func__

    import lab.benchmarks.table as table_module

    original = table_module.hashlib.sha256
    monkeypatch.setattr(table_module.hashlib, "sha256", lambda *a: calls.append(1) or original(*a))
    loaded = real(BenchmarkTable, tmp_path / "b", "tiny")
    assert calls == [1]
    assert json.loads((tmp_path / "b" / "tiny.json").read_text())["table_stat"]["inode"] == (
        (tmp_path / "b" / "tiny.parquet").stat().st_ino
    )
    real(BenchmarkTable, tmp_path / "b", "tiny")
    assert calls == [1]  # the refreshed stat makes the second load a fast one
    assert loaded.frame.equals(_table().frame)


def test_read_only_copy_still_loads(tmp_path) -> None:
    _table().save(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "ro")
    (tmp_path / "ro").chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert len(BenchmarkTable.load(tmp_path / "ro", "tiny")) == 4
    finally:
        (tmp_path / "ro").chmod(stat.S_IRWXU)


def test_saving_a_loaded_table_records_the_new_checksum(tmp_path) -> None:
    _table().save(tmp_path / "a")
    loaded = BenchmarkTable.load(tmp_path / "a", "tiny")
    loaded.frame.loc[0, "err"] = 0.05
    loaded.save(tmp_path / "b")
    meta = json.loads((tmp_path / "b" / "tiny.json").read_text())
    assert meta["table_sha256"] == sha256_file(tmp_path / "b" / "tiny.parquet")
    assert BenchmarkTable.load(tmp_path / "b", "tiny").frame.loc[0, "err"] == 0.05


def test_builtin_table_is_rebuilt_and_the_checksum_is_of_the_data_used(tmp_path) -> None:
    name = "nasbench-graph-proteins"  # its raw data ships with an installed package
    clear_cache()
    original = load_table(name, directory=tmp_path)
    parquet = tmp_path / f"{name}.parquet"
    edited = original.frame.copy()
    column = next(iter(original.metrics))
    edited.loc[0, column] = -1.0
    edited.to_parquet(parquet, index=False)
    clear_cache()
    with pytest.warns(UserWarning, match=rf"{name}\.parquet: sha256 .* differs.*rebuilding"):
        table = load_table(name, directory=tmp_path)
    assert table.frame[column].iloc[0] == original.frame[column].iloc[0]
    assert table.meta["table_sha256"] == sha256_file(parquet)  # what a manifest records
    clear_cache()
