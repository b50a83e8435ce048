"""The restricted unpickler refuses code-execution payloads without side effects."""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lab.benchmarks.safe_pickle import safe_load_pickle, safe_load_torch_archive, safe_loads
from lab.errors import BenchmarkFileError, UnsafePickleError


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_payload_is_refused_and_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.bench"
    path.write_bytes(pickle.dumps({"a": _Payload(marker)}))
    with pytest.raises(UnsafePickleError, match=r"evil\.bench.*(posix|os)\.system"):
        safe_load_pickle(path)
    assert not marker.exists()


def test_payload_inside_torch_archive_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps([_Payload(marker)]))
    with pytest.raises(UnsafePickleError):
        safe_load_torch_archive(path)
    assert not marker.exists()


def test_eval_builtin_is_refused() -> None:
    data = b"cbuiltins\neval\n(S'1+1'\ntR."
    with pytest.raises(UnsafePickleError, match="builtins.eval"):
        safe_loads(data, source="x")


def test_plain_data_and_numpy_scalars_load() -> None:
    obj = {1: {"a": np.float64(0.5), "b": [1, 2.5, "x"]}, 2: np.arange(3)}
    out = safe_loads(pickle.dumps(obj, protocol=3), source="x")
    assert out[1]["a"] == 0.5 and out[1]["b"] == [1, 2.5, "x"]
    np.testing.assert_array_equal(out[2], np.arange(3))


def test_truncated_pickle_names_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.bench"
    path.write_bytes(pickle.dumps({i: float(i) for i in range(1000)})[:200])
    with pytest.raises(BenchmarkFileError, match=r"cut\.bench.*truncated"):
        safe_load_pickle(path)


def test_not_a_zip_names_file(tmp_path: Path) -> None:
    path = tmp_path / "lat.pt"
    path.write_bytes(b"garbage")
    with pytest.raises(BenchmarkFileError, match=r"lat\.pt.*not a PyTorch zip"):
        safe_load_torch_archive(path)


def test_torch_tensor_storage_is_refused(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "t.pt"
    torch.save(torch.arange(3), path)
    with pytest.raises(UnsafePickleError):
        safe_load_torch_archive(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkFileError, match="not found"):
        safe_load_pickle(tmp_path / "nope")
