"""Attack: a NAS-Bench-201/NATS file made only of allowed data types that names another file.

The official APIs' ``ArchResults.create_from_state_dict`` takes a *string* as a path and
``pickle.load``s (nats_bench) or ``torch.load``s (nas_201_api) it. Each file below holds only
dicts, lists and strings, so the restricted unpickler reads it; its architecture results are a
path to a pickle whose payload writes a marker file. The import must refuse the file, name the
offending field, and the marker must never appear.
"""

from __future__ import annotations

import bz2
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from lab.benchmarks.recipes.nasbench201_official import (
    NasBench201OfficialRecipe,
    load_official,
    locate_official_source,
    official_api,
)
from lab.benchmarks.store import import_table
from lab.errors import BenchmarkFileError
from lab.spaces.nasbench201 import genome_to_string

NAME = "nasbench201-200ep"
ARCH_STRS = [genome_to_string(np.array(g)) for g in np.ndindex(*(5,) * 6)]


class _Payload:
    """Writes ``marker`` when unpickled by an unrestricted unpickler."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _evil_nats_pickle(path: Path, marker: Path) -> None:
    """A bz2 pickle (the NATS format) whose loading writes ``marker``."""
    path.write_bytes(bz2.compress(pickle.dumps(_Payload(marker))))


@pytest.fixture
def marker(tmp_path) -> Path:
    out = tmp_path / "PWNED"
    yield out
    assert not out.exists(), "the payload ran: a third-party loader opened the attacker's file"


def _import(path: Path, data_dir: Path) -> None:
    import_table(NAME, path, directory=data_dir)


def test_nats_single_file_naming_a_pickle_is_refused(tmp_path, marker) -> None:
    evil = tmp_path / "evil.pickle.pbz2"
    _evil_nats_pickle(evil, marker)
    benchmark = {
        "meta_archs": ARCH_STRS,
        "arch2infos": {0: {"200": str(evil), "12": str(evil)}},
        "evaluated_indexes": [0],
    }
    source = tmp_path / "NATS-tss-v1_0-3ffb9.pickle.pbz2"
    source.write_bytes(bz2.compress(pickle.dumps(benchmark)))
    with pytest.raises(BenchmarkFileError, match=r"arch2infos.*0.*'200'.*dict"):
        _import(source, tmp_path / "tables")


def test_nats_archive_folder_with_relative_path_is_refused(tmp_path, marker, monkeypatch) -> None:
    # The payload sits in the working directory and is named by a relative path.
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    _evil_nats_pickle(workdir / "evil.pbz2", marker)
    folder = tmp_path / "NATS-tss-v1_0-3ffb9-simple"
    folder.mkdir()
    (folder / "meta.pickle.pbz2").write_bytes(bz2.compress(pickle.dumps({"meta_archs": ARCH_STRS})))
    (folder / "000000.pickle.pbz2").write_bytes(bz2.compress(pickle.dumps({"200": "evil"})))
    with pytest.raises(BenchmarkFileError, match=r"000000\.pickle\.pbz2.*'200'.*dict"):
        _import(folder, tmp_path / "tables")


def test_pth_file_naming_a_torch_file_is_refused(tmp_path, marker, monkeypatch) -> None:
    # With this variable torch.load falls back to full unpickling: the official API's
    # torch.load(path) would run the payload.
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    evil = tmp_path / "evil.pth"
    with open(evil, "wb") as fh:
        pickle.dump(_Payload(marker), fh)
    benchmark = {
        "meta_archs": ARCH_STRS,
        "arch2infos": {0: {"less": str(evil), "full": str(evil)}},
        "evaluated_indexes": [0],
    }
    source = tmp_path / "NAS-Bench-201-v1_1-096897.pth"
    torch.save(benchmark, source)
    with pytest.raises(BenchmarkFileError, match=r"arch2infos.*0.*'less'.*dict"):
        _import(source, tmp_path / "tables")


def test_results_count_naming_a_file_is_refused(tmp_path, marker) -> None:
    """One level deeper: a trial's state is a string (ResultsCount would keep it as data, but
    nothing but the documented dict may reach the API)."""
    state = {
        "arch_index": 0,
        "arch_str": ARCH_STRS[0],
        "all_results": {("cifar10", 777): "evil.pbz2"},
        "dataset_seed": {"cifar10": [777]},
        "clear_net_done": False,
    }
    benchmark = {"meta_archs": ARCH_STRS, "arch2infos": {0: {"200": state}},
                 "evaluated_indexes": [0]}  # fmt: skip
    source = tmp_path / "NATS-tss-v1_0-3ffb9.pickle.pbz2"
    source.write_bytes(bz2.compress(pickle.dumps(benchmark)))
    with pytest.raises(BenchmarkFileError, match=r"all_results.*cifar10.*777.*dict"):
        _import(source, tmp_path / "tables")


def test_official_loaders_are_disarmed_while_the_api_is_built(tmp_path, marker) -> None:
    """Defence in depth: even a dict that slipped past the schema cannot make the API open a file."""
    evil = tmp_path / "evil.pickle.pbz2"
    _evil_nats_pickle(evil, marker)
    source = tmp_path / "NATS-tss-v1_0-3ffb9.pickle.pbz2"
    source.write_bytes(
        bz2.compress(
            pickle.dumps({"meta_archs": ARCH_STRS, "arch2infos": {}, "evaluated_indexes": []})
        )
    )
    data = load_official(locate_official_source(source))
    data.data["arch2infos"] = {0: {"200": str(evil)}}  # bypasses the schema on purpose
    with pytest.raises(BenchmarkFileError, match="refus"):
        official_api(data)


def test_recipe_never_reads_the_torch_home_default(tmp_path, marker, monkeypatch) -> None:
    """Without --from and without raw files the recipe refuses; it never lets the official API
    fall back to its default path under $TORCH_HOME."""
    torch_home = tmp_path / "torch-home"
    torch_home.mkdir()
    _evil_nats_pickle(torch_home / "NATS-tss-v1_0-3ffb9.pickle.pbz2", marker)
    monkeypatch.setenv("TORCH_HOME", str(torch_home))
    monkeypatch.setenv("LAB_RAW_DATA_DIR", str(tmp_path / "nothing"))
    with pytest.raises(BenchmarkFileError, match="not found"):
        NasBench201OfficialRecipe().build(None)
    assert os.listdir(torch_home) == ["NATS-tss-v1_0-3ffb9.pickle.pbz2"]


def test_deeply_nested_value_is_refused_without_recursion_error(tmp_path) -> None:
    """The official reader does not walk the object generically; the schema refuses a 300,000
    deep list where a trial belongs, and its message stays short."""
    state = {
        "arch_index": 0,
        "arch_str": ARCH_STRS[0],
        "all_results": {("cifar10", 777): "NESTED"},
        "dataset_seed": {"cifar10": [777]},
    }
    benchmark = {"meta_archs": ARCH_STRS, "arch2infos": {0: {"200": state}},
                 "evaluated_indexes": [0]}  # fmt: skip
    # Written by hand (pickle.dumps would overflow the stack): the placeholder string becomes
    # EMPTY_LIST x (depth + 1), APPEND x depth.
    depth = 300_000
    data = pickle.dumps(benchmark, protocol=2)
    placeholder = b"X" + len(b"NESTED").to_bytes(4, "little") + b"NESTED"
    assert data.count(placeholder) == 1
    data = data.replace(placeholder, b"]" * (depth + 1) + b"a" * depth)
    source = tmp_path / "NATS-tss-v1_0-3ffb9.pickle.pbz2"
    source.write_bytes(bz2.compress(data))
    with pytest.raises(BenchmarkFileError, match=r"expected a dict, got list") as info:
        _import(source, tmp_path / "tables")
    assert len(str(info.value)) < 1000
