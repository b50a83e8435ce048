"""NAS-Bench-Macro importer on the real file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lab.benchmarks.recipes.nasbench_macro import read_macro_json
from lab.benchmarks.store import load_table
from lab.errors import BenchmarkFileError
from tests.conftest import needs_macro

pytestmark = needs_macro


def test_values_of_one_architecture(shared_data: Path) -> None:
    table = load_table("nasbench-macro")
    assert len(table) == 6561
    raw = json.loads((shared_data / "nas-bench-macro" / "nas-bench-macro_cifar10.json").read_text())
    row = int(np.flatnonzero(table.frame["arch_str"] == "02012100")[0])
    rec = raw["02012100"]
    np.testing.assert_array_equal(table.genomes[row], [0, 2, 0, 1, 2, 1, 0, 0])
    for s in range(3):
        assert table.metric_values(f"test_acc_seed{s}")[row] == rec["test_acc"][s]
    assert table.metric_values("test_acc_heldout")[row] == pytest.approx(
        np.mean(rec["test_acc"][1:])
    )
    assert table.metric_values("params")[row] == pytest.approx(rec["params"] / 1e6)
    assert table.metric_values("flops")[row] == pytest.approx(rec["flops"] / 1e6)
    assert table.metrics["test_acc_seed0"].split == "seed0"


def test_truncated_json_names_file(tmp_path: Path, shared_data: Path) -> None:
    src = shared_data / "nas-bench-macro" / "nas-bench-macro_cifar10.json"
    bad = tmp_path / "nas-bench-macro_cifar10.json"
    bad.write_bytes(src.read_bytes()[:5000])
    with pytest.raises(BenchmarkFileError, match=r"nas-bench-macro_cifar10\.json: invalid JSON"):
        read_macro_json(bad)


def test_wrong_schema_names_key(tmp_path: Path, shared_data: Path) -> None:
    raw = json.loads((shared_data / "nas-bench-macro" / "nas-bench-macro_cifar10.json").read_text())
    del raw["00000000"]["params"]
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(BenchmarkFileError, match="'00000000' lacks one of"):
        read_macro_json(bad)
