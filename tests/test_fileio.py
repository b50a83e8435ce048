"""lab.fileio: atomic writes keep the user's umask, JSON is strict and stable, sha256 is right."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from lab.errors import LabError, SurrogateFileError
from lab.fileio import atomic_write, atomic_write_text, read_json, sha256_file, write_json


@pytest.fixture
def umask():
    """Set the process umask for one test and restore it after."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield lambda mask: os.umask(mask)
    os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_atomic_write_gives_the_umask_permissions(tmp_path, umask, mask, expected) -> None:
    umask(mask)
    text_file = tmp_path / "a.txt"
    atomic_write_text(text_file, "hello")
    json_file = tmp_path / "sub" / "b.json"
    write_json(json_file, {"x": 1})
    parquet_like = tmp_path / "c.bin"
    atomic_write(parquet_like, lambda tmp: Path(tmp).write_bytes(b"\x00\x01"))
    # a file made the ordinary way, for comparison
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    for path in (text_file, json_file, parquet_like, plain):
        assert _mode(path) == expected, (path, oct(_mode(path)))


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path) -> None:
    path = tmp_path / "f.txt"
    atomic_write_text(path, "old")
    atomic_write_text(path, "new")
    assert path.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_a_failed_write_keeps_the_old_file(tmp_path) -> None:
    path = tmp_path / "f.txt"
    atomic_write_text(path, "old")

    def broken(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(path, broken)
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_write_json_is_strict_and_stable(tmp_path) -> None:
    value = {
        "b": np.float32(1.5),
        "a": (np.int64(3), float("nan"), float("inf")),
        "arr": np.arange(3),
        "path": tmp_path / "x",
        2: True,
    }
    path = tmp_path / "v.json"
    write_json(path, value)
    text = path.read_text()
    assert text.endswith("}\n") and "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {
        "b": 1.5,
        "a": [3, None, None],
        "arr": [0, 1, 2],
        "path": str(tmp_path / "x"),
        "2": True,
    }
    assert list(json.loads(text)) == ["b", "a", "arr", "path", "2"]  # insertion order
    write_json(path, value, sort_keys=True)
    assert list(json.loads(path.read_text())) == ["2", "a", "arr", "b", "path"]
    assert path.read_text().startswith('{\n  "2": true,')


def test_write_json_refuses_unknown_types_unless_told(tmp_path) -> None:
    with pytest.raises(TypeError, match="object"):
        write_json(tmp_path / "x.json", {"o": object()})
    write_json(tmp_path / "x.json", {"o": {1, 2}}, default=sorted)
    assert json.loads((tmp_path / "x.json").read_text()) == {"o": [1, 2]}


def test_read_json_names_the_file(tmp_path) -> None:
    bad = tmp_path / "card.json"
    bad.write_text('{"a": ')
    with pytest.raises(SurrogateFileError, match=r"card\.json: the card is not valid JSON"):
        read_json(bad, what="card", error=SurrogateFileError)
    with pytest.raises(LabError, match=r"missing\.json: JSON file not found"):
        read_json(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    write_json(good, [1, 2])
    assert read_json(good) == [1, 2]


def test_sha256_file_matches_hashlib(tmp_path) -> None:
    data = os.urandom(3 * 1024 + 7)
    path = tmp_path / "blob"
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_file(path) == expected
    assert sha256_file(path, chunk_bytes=100) == expected
