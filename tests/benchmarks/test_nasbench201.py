"""NAS-Bench-201 12-epoch importer on the real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from lab.benchmarks.recipes.nasbench201 import DEVICES, NasBench201LowFidelityRecipe
from lab.benchmarks.store import load_table
from lab.errors import ChecksumMismatchError
from lab.spaces.nasbench201 import genome_to_string
from tests.conftest import needs_nb201

pytestmark = needs_nb201


@pytest.fixture(scope="module")
def table():
    return load_table("nasbench201-12ep")


def test_shape_ids_and_strings(table) -> None:
    assert len(table) == 15625
    assert sorted(table.arch_ids) == list(range(15625))
    for g, s in zip(table.genomes[:200], table.frame["arch_str"][:200], strict=True):
        assert genome_to_string(g) == s
    assert table.frame["arch_str"][1] == (
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
        "skip_connect~2|"
    )


def test_known_values(table) -> None:
    test_acc = table.metric_values("test_acc_cifar10")
    assert test_acc.max() == pytest.approx(89.16, abs=1e-6)
    assert int(table.arch_ids[np.argmax(test_acc)]) == 5374
    row0 = int(np.flatnonzero(table.arch_ids == 0)[0])
    for device, ms in [("pixel3", 3.60585), ("raspi4", 10.48198), ("eyeriss", 3.64562),
                       ("fpga", 2.57296)]:  # fmt: skip
        assert table.metric_values(f"latency_{device}")[row0] == pytest.approx(ms, abs=1e-5)
    assert len([c for c in table.metrics if c.startswith("latency_")]) == len(DEVICES) == 27
    # exact cost figures of the official benchmark (cheapest / all-conv3x3 cells on CIFAR-10)
    params = table.metric_values("params_cifar10")
    flops = table.metric_values("flops_cifar10")
    assert params.min() == pytest.approx(0.073306) and params.max() == pytest.approx(1.531546)
    assert flops.min() == pytest.approx(7.78305) and flops.max() == pytest.approx(220.11969)


def test_metadata_names_the_low_fidelity_schedule(table) -> None:
    assert "12-epoch" in table.meta["title"]
    assert table.metrics["val_acc_cifar100"].unit == "%"
    assert table.metrics["latency_pixel3"].device == "pixel3"
    assert table.meta["raw_sha256"]["mini-bench-arch-cell-accs.pd"].startswith("bda80074")


def test_checksum_mismatch_is_reported(tmp_path: Path, shared_data: Path) -> None:
    raw = tmp_path / "nas-bench-201"
    shutil.copytree(shared_data / "nas-bench-201", raw)
    target = raw / "help-latency" / "pixel3.pt"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"\0")
    with pytest.raises(ChecksumMismatchError, match=r"pixel3\.pt: sha256 .* differs"):
        NasBench201LowFidelityRecipe().build(raw)
