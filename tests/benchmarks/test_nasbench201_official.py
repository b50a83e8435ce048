"""NAS-Bench-201 / NATS-Bench 200-epoch importer on small files in the official structure.

The files are written with the official API classes (``ArchResults``, ``ResultsCount``,
``state_dict``) and saved the way the official files were (``torch.save`` for NAS-Bench-201,
``nats_bench.pickle_save`` for NATS-Bench); the imported table must hold the values written and
the values the official APIs return for the same dict.
"""

from __future__ import annotations

import bz2
import hashlib
import os
import pickle
import shutil
from collections import OrderedDict
from pathlib import Path
from typing import Any

import nats_bench
import numpy as np
import pytest
import torch
from nas_201_api import NASBench201API
from typer.testing import CliRunner

from lab.benchmarks.recipes.nasbench201_official import (
    DROPPED,
    NasBench201OfficialRecipe,
    locate_official_source,
    read_torch_file,
)
from lab.benchmarks.store import import_table, recipes
from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, UnsafePickleError
from lab.fileio import sha256_file
from lab.spaces.nasbench201 import genome_to_string, string_to_genome

NAME = "nasbench201-200ep"
PTH = "NAS-Bench-201-v1_1-096897.pth"
EPOCHS = 200
#: official dataset -> its evaluation sets
EVAL_SETS = {
    "cifar10-valid": ("x-valid", "ori-test"),
    "cifar10": ("ori-test",),
    "cifar100": ("x-valid", "x-test", "ori-test"),
    "ImageNet16-120": ("x-valid", "x-test", "ori-test"),
}
CLASSES = {"cifar10-valid": 10, "cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}
#: (column suffix, validation dataset and set, test dataset and set), as the official API reads
COLUMNS = (
    ("cifar10", "cifar10-valid", "x-valid", "cifar10", "ori-test"),
    ("cifar100", "cifar100", "x-valid", "cifar100", "x-test"),
    ("imagenet16", "ImageNet16-120", "x-valid", "ImageNet16-120", "x-test"),
)
INDICES = (0, 7, 1234, 15624)
#: seeds trained per architecture: the last one has a single trial on every dataset
SEEDS = {0: (777, 888), 7: (777, 888), 1234: (888, 999), 15624: (777,)}
ALL_ARCH_STRS = [genome_to_string(np.array(g)) for g in np.ndindex(*(5,) * 6)]


class _Payload:
    """Runs a shell command when unpickled by an unrestricted unpickler."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _trial(api: Any, arch_str: str, dataset: str, seed: int, rng: np.random.Generator, weights):
    """One ``ResultsCount`` of the official API, with ``EPOCHS`` epochs of random curves."""
    epochs = range(EPOCHS)
    train_acc = {e: float(rng.uniform(10, 100)) for e in epochs}
    train_loss = {e: float(rng.uniform(0, 3)) for e in epochs}
    config = {"name": "infer.tiny", "C": 16, "N": 5, "arch_str": arch_str,
              "class_num": CLASSES[dataset]}  # fmt: skip
    params = 0.1 + 0.01 * CLASSES[dataset] + 0.001 * len(arch_str)
    flop = 10.0 * params
    latency = [float(rng.uniform(0.01, 0.03))] if seed != 999 else None
    trial = api.ResultsCount(dataset, weights, train_acc, train_loss, params, flop, config, seed,
                             EPOCHS, latency)  # fmt: skip
    trial.update_train_info(train_acc, None, train_loss, {e: 1.5 for e in epochs})
    keys = [f"{s}@{e}" for s in EVAL_SETS[dataset] for e in epochs]
    trial.update_eval(
        {k: float(rng.uniform(10, 100)) for k in keys},
        {k: float(rng.uniform(0, 3)) for k in keys},
        {k: 0.5 for k in keys},
    )
    return trial


def _arch_results(api: Any, index: int, rng: np.random.Generator, weights=None) -> dict:
    """``{'12': less state, '200': full state}`` of one architecture, official classes."""
    arch_str = ALL_ARCH_STRS[index]
    full = api.ArchResults(index, arch_str)
    for dataset in EVAL_SETS:
        for seed in SEEDS[index]:
            full.update(dataset, seed, _trial(api, arch_str, dataset, seed, rng, weights))
    less = api.ArchResults(index, arch_str)
    return {"12": less.state_dict(), "200": full.state_dict()}


def _expected(states: dict[int, dict]) -> dict[tuple, float]:
    """``(index, suffix, split, seed) -> accuracy`` at the last epoch, read from the states."""
    out = {}
    for index, hps in states.items():
        results = hps["200"]["all_results"]
        for suffix, val_ds, val_set, test_ds, test_set in COLUMNS:
            for split, ds, eval_set in (("val", val_ds, val_set), ("test", test_ds, test_set)):
                for seed in SEEDS[index]:
                    acc = results[ds, seed]["eval_acc1es"][f"{eval_set}@{EPOCHS - 1}"]
                    out[index, suffix, split, seed] = acc
    return out


def _nb201_dict(seed: int = 0, weights=None) -> tuple[dict, dict]:
    """The NAS-Bench-201 file's dict (``less`` / ``full`` keys) and the per-arch states."""
    import nas_201_api

    rng = np.random.default_rng(seed)
    states = {i: _arch_results(nas_201_api, i, rng, weights) for i in INDICES}
    data = {
        "meta_archs": ALL_ARCH_STRS,
        "arch2infos": {i: {"less": s["12"], "full": s["200"]} for i, s in states.items()},
        "evaluated_indexes": list(INDICES),
    }
    return data, states


def _nats_states(seed: int = 1, weights=None) -> dict:
    rng = np.random.default_rng(seed)
    return {i: _arch_results(nats_bench, i, rng, weights) for i in INDICES}


def _write_nats_archive(folder: Path, states: dict) -> Path:
    """A NATS-Bench archive folder written with the official saver (bz2 pickles)."""
    folder.mkdir(parents=True)
    nats_bench.pickle_save({"meta_archs": ALL_ARCH_STRS}, str(folder / "meta.pickle"))
    for index, hps in states.items():
        nats_bench.pickle_save(hps, str(folder / f"{index:06d}.pickle"))
    return folder


@pytest.fixture(scope="module")
def nb201(tmp_path_factory) -> tuple[Path, dict]:
    """A folder holding ``NAS-Bench-201-v1_1-096897.pth`` (zip format) and its states."""
    folder = tmp_path_factory.mktemp("nb201")
    data, states = _nb201_dict()
    torch.save(data, folder / PTH)
    return folder, states


def _assert_table(table: BenchmarkTable, states: dict, api: Any) -> None:
    assert table.name == NAME and table.space == "nasbench201"
    assert table.arch_ids.tolist() == list(INDICES)
    assert table.frame["arch_str"].tolist() == [ALL_ARCH_STRS[i] for i in INDICES]
    for genome, i in zip(table.genomes, INDICES, strict=True):
        np.testing.assert_array_equal(genome, string_to_genome(ALL_ARCH_STRS[i]))
    expected = _expected(states)
    all_seeds = sorted({s for seeds in SEEDS.values() for s in seeds})
    for row, index in enumerate(INDICES):
        for suffix, val_ds, _, test_ds, _ in COLUMNS:
            for split, ds, key in (("val", val_ds, "valid-accuracy"),
                                   ("test", test_ds, "test-accuracy")):  # fmt: skip
                for seed in all_seeds:
                    value = table.frame[f"{split}_acc_{suffix}_seed{seed}"].iloc[row]
                    if seed not in SEEDS[index]:
                        assert np.isnan(value)
                        continue
                    assert value == expected[index, suffix, split, seed]
                    info = api.get_more_info(index, ds, iepoch=None, hp="200", is_random=seed)
                    assert value == info[key]
                mean = table.frame[f"{split}_acc_{suffix}"].iloc[row]
                written = [expected[index, suffix, split, s] for s in SEEDS[index]]
                assert mean == pytest.approx(np.mean(written), rel=1e-15)
                averaged = api.get_more_info(index, ds, iepoch=None, hp="200", is_random=False)
                assert mean == pytest.approx(averaged[key], rel=1e-15)
            costs = api.get_cost_info(index, test_ds, hp="200")
            assert table.frame[f"params_{suffix}"].iloc[row] == pytest.approx(costs["params"])
            assert table.frame[f"flops_{suffix}"].iloc[row] == pytest.approx(costs["flops"])
            latency = table.frame[f"latency_{suffix}"].iloc[row]
            if costs["latency"] is None:  # only seed 999 (no latency recorded) was trained
                assert np.isnan(latency)
            else:
                assert latency == pytest.approx(1000.0 * costs["latency"])
    # arch 1234 has seeds 888 (latency recorded) and 999 (none): the mean is over 888 only
    assert not np.isnan(table.frame["latency_cifar10"].iloc[INDICES.index(1234)])


def _official_nb201_api(states: dict) -> NASBench201API:
    data = {
        "meta_archs": ALL_ARCH_STRS,
        "arch2infos": {i: {"less": s["12"], "full": s["200"]} for i, s in states.items()},
        "evaluated_indexes": list(INDICES),
    }
    return NASBench201API(data, verbose=False)


def test_pth_folder_import_matches_written_values_and_official_api(nb201, tmp_path) -> None:
    folder, states = nb201
    table = import_table(NAME, folder, directory=tmp_path)
    _assert_table(table, states, _official_nb201_api(states))
    assert table.meta["raw_sha256"] == {PTH: sha256_file(folder / PTH)}
    assert table.meta["source_format"] == "nas-bench-201"
    assert table.meta["seeds"]["val_acc_cifar10"] == [777, 888, 999]
    reloaded = BenchmarkTable.load(tmp_path, NAME)
    assert reloaded.frame.equals(table.frame)
    assert reloaded.metrics == table.metrics


def test_schema_and_metadata(nb201, tmp_path) -> None:
    table = import_table(NAME, nb201[0] / PTH, directory=tmp_path)  # the file itself
    info = table.metrics["val_acc_cifar10_seed888"]
    assert (info.metric, info.split, info.unit, info.direction, info.dataset) == (
        "accuracy", "val", "%", "max", "cifar10")  # fmt: skip
    assert "seed 888" in info.description and "cifar10-valid" in info.description
    assert table.metrics["test_acc_cifar10"].split == "test"
    assert "ori-test" in table.metrics["test_acc_cifar10"].description
    assert "x-test" in table.metrics["test_acc_imagenet16"].description
    assert table.metrics["latency_cifar100"].unit == "ms"
    assert table.metrics["flops_imagenet16"].unit == "MFLOPs"
    expected_cols = {
        f"{split}_acc_{suffix}{tag}"
        for suffix in ("cifar10", "cifar100", "imagenet16")
        for split in ("val", "test")
        for tag in ("", "_seed777", "_seed888", "_seed999")
    } | {f"{m}_{s}" for m in ("params", "flops", "latency")
         for s in ("cifar10", "cifar100", "imagenet16")}  # fmt: skip
    assert set(table.metrics) == expected_cols
    assert recipes()[NAME].raw_files == {PTH: None}


def test_legacy_torch_format_with_weights_is_read_and_weights_dropped(tmp_path) -> None:
    weights = OrderedDict(w=torch.arange(3.0), b=torch.nn.Parameter(torch.ones(2)))
    data, states = _nb201_dict(seed=3, weights=weights)
    path = tmp_path / PTH
    torch.save(data, path, _use_new_zipfile_serialization=False)
    assert not path.read_bytes().startswith(b"PK")
    loaded = read_torch_file(path)
    trial = loaded["arch2infos"][7]["full"]["all_results"]["cifar100", 888]
    assert list(trial["net_state_dict"]) == ["w", "b"]
    assert all(v is DROPPED for v in trial["net_state_dict"].values())
    table = import_table(NAME, path, directory=tmp_path / "tables")
    _assert_table(table, states, _official_nb201_api(states))


def test_nats_archive_folder_and_single_file(tmp_path) -> None:
    weights = OrderedDict(w=torch.arange(4.0))  # "-full" archives hold trained weights
    states = _nats_states(weights=weights)
    api = nats_bench.create(
        {"meta_archs": ALL_ARCH_STRS, "arch2infos": states, "evaluated_indexes": list(INDICES)},
        "tss", fast_mode=False, verbose=False,
    )  # fmt: skip
    folder = _write_nats_archive(tmp_path / "NATS-tss-v1_0-3ffb9-full", states)
    table = import_table(NAME, tmp_path, directory=tmp_path / "t1")  # parent folder
    _assert_table(table, states, api)
    assert table.meta["source_format"] == "nats-archive"
    files = "".join(f"{p.name} {sha256_file(p)}\n" for p in sorted(folder.glob("0*.pickle.pbz2")))
    combined = [v for k, v in table.meta["raw_sha256"].items() if "per-architecture" in k]
    assert combined == [hashlib.sha256(files.encode()).hexdigest()]

    single = tmp_path / "single"
    single.mkdir()
    nats_bench.pickle_save(
        {"meta_archs": ALL_ARCH_STRS, "arch2infos": states, "evaluated_indexes": list(INDICES)},
        str(single / "NATS-tss-v1_0-3ffb9.pickle"),
    )
    table2 = import_table(NAME, single, directory=tmp_path / "t2")
    assert table2.frame.equals(table.frame)


def test_the_official_unsafe_loaders_are_never_called(nb201, tmp_path, monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("an unrestricted loader was called")

    for target, attr in ((torch, "load"), (pickle, "load"), (pickle, "loads"),
                         (nats_bench.api_utils, "pickle_load")):  # fmt: skip
        monkeypatch.setattr(target, attr, refuse)
    assert len(import_table(NAME, nb201[0], directory=tmp_path / "a")) == len(INDICES)
    _write_nats_archive(tmp_path / "nats", _nats_states())
    assert len(import_table(NAME, tmp_path / "nats", directory=tmp_path / "b")) == len(INDICES)


def _evil_nb201(marker: Path) -> dict:
    data, _ = _nb201_dict()
    data["arch2infos"][7]["full"]["all_results"]["cifar10", 777]["latency"] = _Payload(marker)
    return data


@pytest.mark.parametrize("fmt", ["zip", "legacy", "nats"])
def test_code_execution_payload_is_refused_without_side_effect(tmp_path, fmt) -> None:
    marker = tmp_path / "pwned"
    if fmt == "nats":
        states = _nats_states()
        states[7]["200"]["arch_str"] = _Payload(marker)
        _write_nats_archive(tmp_path / "nats", states)
        bad, source = tmp_path / "nats" / "000007.pickle.pbz2", tmp_path / "nats"
    else:
        source = bad = tmp_path / PTH
        torch.save(_evil_nb201(marker), bad, _use_new_zipfile_serialization=fmt == "zip")
    raw = bad.read_bytes()
    raw = bz2.decompress(raw) if fmt == "nats" else raw
    # the payload really is in the file: an unrestricted unpickler would call os.system
    assert os.system.__module__.encode() in raw and b"system" in raw
    with pytest.raises(UnsafePickleError, match=rf"{bad.name}.*refusing.*(posix|nt|os)\.system"):
        import_table(NAME, source, directory=tmp_path / "tables")
    assert not marker.exists()
    assert not (tmp_path / "tables" / f"{NAME}.parquet").exists()


@pytest.mark.parametrize("fmt", ["zip", "legacy", "nats"])
def test_truncated_file_names_the_file(nb201, tmp_path, fmt) -> None:
    if fmt == "nats":
        _write_nats_archive(tmp_path / "nats", _nats_states())
        bad, source = tmp_path / "nats" / "001234.pickle.pbz2", tmp_path / "nats"
    else:
        source = bad = tmp_path / PTH
        if fmt == "zip":
            shutil.copy(nb201[0] / PTH, bad)
        else:
            torch.save(_nb201_dict()[0], bad, _use_new_zipfile_serialization=False)
    bad.write_bytes(bad.read_bytes()[: bad.stat().st_size // 2])
    with pytest.raises(BenchmarkFileError, match=rf"{bad.name}.*(truncated|corrupted)") as err:
        import_table(NAME, source, directory=tmp_path / "tables")
    assert not isinstance(err.value, UnsafePickleError)
    assert str(bad) in str(err.value)


def test_wrong_structure_errors_name_file_and_field(tmp_path) -> None:
    path = tmp_path / PTH
    torch.save({"meta_archs": ALL_ARCH_STRS[:3]}, path)
    with pytest.raises(BenchmarkFileError, match=r"096897\.pth.*'arch2infos'"):
        import_table(NAME, path, directory=tmp_path)
    short, _ = _nb201_dict()
    for hps in short["arch2infos"].values():
        for trial in hps["full"]["all_results"].values():
            trial["epochs"] = 12
    torch.save(short, path)
    with pytest.raises(BenchmarkFileError, match=r"\[12\] epochs, expected 200"):
        import_table(NAME, path, directory=tmp_path)
    tensor_acc, _ = _nb201_dict()
    trial = tensor_acc["arch2infos"][7]["full"]["all_results"]["cifar100", 888]
    trial["eval_acc1es"][f"x-test@{EPOCHS - 1}"] = torch.tensor(50.0)
    torch.save(tensor_acc, path)
    with pytest.raises(
        BenchmarkFileError, match=r"'arch2infos'\[7\].*'x-test@199'\]: expected a number"
    ):
        import_table(NAME, path, directory=tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BenchmarkFileError, match="no official benchmark file"):
        import_table(NAME, tmp_path / "empty", directory=tmp_path / "x")
    with pytest.raises(BenchmarkFileError, match="not found"):
        import_table(NAME, tmp_path / "missing", directory=tmp_path)


def test_located_in_raw_data_dir_and_cli_import(nb201, tmp_path, monkeypatch) -> None:
    raw = tmp_path / "raw" / "nas-bench-201"
    raw.mkdir(parents=True)
    assert locate_official_source(raw) is None
    shutil.copy(nb201[0] / PTH, raw / PTH)
    monkeypatch.setenv("LAB_RAW_DATA_DIR", str(tmp_path / "raw"))
    recipe = NasBench201OfficialRecipe()
    assert recipe.available() and recipe.find_raw_dir() == raw / PTH

    from lab.cli.main import app

    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    result = CliRunner().invoke(app, ["bench", "import", NAME, "--from", str(nb201[0])])
    assert result.exit_code == 0, result.output
    assert f"imported {NAME}: {len(INDICES)} rows" in result.output
    assert BenchmarkTable.load(tmp_path / "tables", NAME).arch_ids.tolist() == list(INDICES)
