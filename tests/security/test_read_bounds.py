"""Attack: tiny files that cost gigabytes or crash the reader.

Each file is small; reading it must stop at a bound with an error naming the file and the
bound, never a ``MemoryError``, a ``RecursionError`` or minutes of work.
"""

from __future__ import annotations

import bz2
import gzip
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpy._core.multiarray import _reconstruct

from lab.benchmarks import read_bounds
from lab.benchmarks.recipes.nasbench201_official import read_bz2_pickle, read_torch_file
from lab.benchmarks.safe_pickle import safe_load_pickle, safe_load_torch_archive, safe_loads
from lab.errors import ResourceBoundError


class _Reduce:
    """Pickles as ``func(*args)``."""

    def __init__(self, func, args) -> None:
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


#: A pickle (protocol 4) that announces a 3 GiB bytes object: the rest of the stream is zeros.
_BIG_BYTES_HEADER = b"\x80\x04\x8e" + (3 << 30).to_bytes(8, "little")


def _bz2_bomb(path: Path) -> Path:
    """A few kilobytes of concatenated bz2 streams that unpack to about 3 GiB."""
    zeros = bz2.compress(bytes(45 << 20), 9)  # 45 MiB of zeros -> about 50 bytes
    path.write_bytes(bz2.compress(_BIG_BYTES_HEADER) + zeros * 70)
    return path


def test_bz2_bomb_stops_at_the_decompressed_bound(tmp_path) -> None:
    bomb = _bz2_bomb(tmp_path / "NATS-tss-v1_0-3ffb9.pickle.pbz2")
    assert bomb.stat().st_size < 6000  # unpacks to 3.1 GB
    limit = read_bounds.decompressed_limit(bomb.stat().st_size)
    assert limit == read_bounds.DECOMPRESSED_FLOOR_BYTES
    with pytest.raises(ResourceBoundError, match=rf"{bomb.name}.*more than {limit:,} bytes"):
        read_bz2_pickle(bomb)
    with pytest.raises(ResourceBoundError, match=rf"{bomb.name}.*bz2 stream"):
        safe_load_pickle(bomb)


def test_gzip_and_zip_members_are_bounded_too(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LAB_MAX_DECOMPRESSED_BYTES", str(1 << 20))
    payload = _BIG_BYTES_HEADER + bytes(4 << 20)
    gz = tmp_path / "table.pkl.gz"
    gz.write_bytes(gzip.compress(payload))
    with pytest.raises(ResourceBoundError, match=r"table\.pkl\.gz.*gzip stream.*1,048,576 bytes"):
        safe_load_pickle(gz)
    archive = tmp_path / "latency.pt"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", payload)
    with pytest.raises(ResourceBoundError, match=r"latency\.pt \(member archive/data\.pkl\)"):
        safe_load_torch_archive(archive)
    with pytest.raises(ResourceBoundError, match=r"latency\.pt.*zip member"):
        read_torch_file(archive)


def test_huge_range_is_refused_before_it_is_built(tmp_path) -> None:
    path = tmp_path / "range.pkl"
    path.write_bytes(pickle.dumps(range(10**12)))
    assert path.stat().st_size < 200
    with pytest.raises(ResourceBoundError, match=r"range\.pkl: a range of 1,000,000,000,000"):
        safe_load_pickle(path)
    # set(range(...)) and frozenset(range(...)) are refused the same way
    data = pickle.dumps(_Reduce(set, (range(10**12),)))
    with pytest.raises(ResourceBoundError, match="exceeds the bound"):
        safe_loads(data, source="set.pkl")


def test_huge_numpy_shape_is_refused(tmp_path) -> None:
    # _reconstruct(ndarray, (10**12,), b'b') allocates the shape before __setstate__ fills it.
    data = pickle.dumps(_Reduce(_reconstruct, (np.ndarray, (10**12,), b"b")))
    with pytest.raises(ResourceBoundError, match=r"arr\.pkl: a numpy array of 1,000,000,000,000"):
        safe_loads(data, source="arr.pkl")


def test_deeply_nested_list_is_refused(tmp_path) -> None:
    # 300,000 nested lists: EMPTY_LIST then (EMPTY_LIST APPEND)... written by hand, as
    # pickle.dumps itself would overflow the recursion limit.
    depth = 300_000
    data = b"\x80\x02" + b"]" * (depth + 1) + b"a" * depth + b"."
    path = tmp_path / "nested.pkl"
    path.write_bytes(data)
    with pytest.raises(ResourceBoundError, match=r"nested\.pkl: containers nested more than 200"):
        safe_load_pickle(path)


def test_bounds_can_be_raised_for_a_genuine_file(monkeypatch) -> None:
    nested = pickle.dumps([[[[1]]]])
    monkeypatch.setenv("LAB_MAX_NESTING_DEPTH", "3")
    with pytest.raises(ResourceBoundError, match="LAB_MAX_NESTING_DEPTH"):
        safe_loads(nested, source="x")
    monkeypatch.setenv("LAB_MAX_NESTING_DEPTH", "4")
    assert safe_loads(nested, source="x") == [[[[1]]]]
    monkeypatch.setenv("LAB_MAX_CONTAINER_LENGTH", "3")
    with pytest.raises(ResourceBoundError, match="a list of 4 elements"):
        safe_loads(pickle.dumps([1, 2, 3, 4]), source="x")


def test_protocol_0_bytes_call_is_bounded() -> None:
    # Python 2-era pickles build bytes by calling bytes(...): bytes(10**12) would allocate 1 TB.
    data = pickle.dumps(_Reduce(bytes, (10**12,)), protocol=2)
    with pytest.raises(ResourceBoundError, match=r"a bytes of 1,000,000,000,000"):
        safe_loads(data, source="b.pkl")
    assert safe_loads(pickle.dumps(b"", protocol=0), source="b.pkl") == b""
    assert safe_loads(pickle.dumps(frozenset({1}), protocol=0), source="b.pkl") == {1}


_USER_SPEC = """
name: bomb-bench
file: {file}
format: {fmt}
architecture_column: arch
genome:
  - {{column: a, cardinality: 3}}
metrics:
  - {{column: acc, metric: accuracy, split: val, unit: "%", direction: max}}
"""


def test_user_table_gzip_csv_and_parquet_are_bounded(tmp_path, monkeypatch) -> None:
    import pandas as pd

    from lab.benchmarks.recipes.user_table import build_user_table

    monkeypatch.setenv("LAB_MAX_DECOMPRESSED_BYTES", str(1 << 20))
    rows = "".join(f"x{i},0,50.0\n" for i in range(200_000))  # ~2.5 MB of CSV
    (tmp_path / "t.csv.gz").write_bytes(gzip.compress(("arch,a,acc\n" + rows).encode()))
    spec = tmp_path / "gz.yaml"
    spec.write_text(_USER_SPEC.format(file="t.csv.gz", fmt="csv"))
    with pytest.raises(ResourceBoundError, match=r"t\.csv\.gz.*gzip stream.*1,048,576"):
        build_user_table(spec)

    monkeypatch.setenv("LAB_MAX_CONTAINER_LENGTH", "10000")
    frame = pd.DataFrame({"arch": ["x"] * 5000, "a": [0] * 5000, "acc": [50.0] * 5000})
    frame.to_parquet(tmp_path / "t.parquet")  # a few KB: dictionary-encoded
    spec = tmp_path / "pq.yaml"
    spec.write_text(_USER_SPEC.format(file="t.parquet", fmt="parquet"))
    with pytest.raises(ResourceBoundError, match=r"t\.parquet: a Parquet table of 15,000"):
        build_user_table(spec)
