"""NAS-Bench-Macro (Su et al., CVPR 2021): 6,561 MobileNetV2-style networks on CIFAR-10, each
trained three times. A search may see one seed; the other two are held out for reporting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.recipe import Recipe
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.errors import BenchmarkFileError
from lab.spaces.encoding import genome_codes
from lab.spaces.nasbench_macro import NasBenchMacroSpace, string_to_genome

RAW_FILE = "nas-bench-macro_cifar10.json"
FIELDS = ("test_acc", "mean_acc", "std", "params", "flops")


def read_macro_json(path: Path) -> dict[str, dict]:
    """The benchmark's JSON, checked for its schema; errors name the key and the field."""
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BenchmarkFileError(
            f"{path}: invalid JSON ({exc}); the file may be truncated"
        ) from exc
    if not isinstance(data, dict) or len(data) != 3**8:
        raise BenchmarkFileError(f"{path}: expected an object with {3**8} architectures")
    for key, rec in data.items():
        if not isinstance(rec, dict) or any(f not in rec for f in FIELDS):
            raise BenchmarkFileError(f"{path}: architecture {key!r} lacks one of {list(FIELDS)}")
        if not isinstance(rec["test_acc"], list) or len(rec["test_acc"]) != 3:
            raise BenchmarkFileError(f"{path}: architecture {key!r}: 'test_acc' must list 3 seeds")
    return data


class NasBenchMacroRecipe(Recipe):
    """NAS-Bench-Macro on CIFAR-10."""

    name = "nasbench-macro"
    space = "nasbench-macro"
    title = "NAS-Bench-Macro (CIFAR-10, 3 seeds)"
    source = "xiusu/NAS-Bench-Macro, nas-bench-macro_cifar10.json"
    citation = (
        "Su, X., Huang, T., Li, Y., You, S., Wang, F., Qian, C., Zhang, C., Xu, C. Prioritized "
        "Architecture Sampling with Monto-Carlo Tree Search. CVPR 2021."
    )
    licence = "Apache-2.0"
    raw_subdir = "nas-bench-macro"
    raw_files = {RAW_FILE: "686dee8363cc21cca8c1f321ad5749454f2d9b9ca5972682e137e539bc522297"}
    datasets = ("cifar10",)

    def _build(self, raw_dir: Path | None) -> BenchmarkTable:
        assert raw_dir is not None
        data = read_macro_json(raw_dir / RAW_FILE)
        space = NasBenchMacroSpace()
        keys = sorted(data)
        genomes = np.stack([string_to_genome(k) for k in keys])
        out = pd.DataFrame(
            {"arch_id": genome_codes(genomes, space.cardinalities), "arch_str": keys}
        )
        for col, values in zip(genome_columns(8), genomes.T, strict=True):
            out[col] = values.astype(np.int16)
        acc = np.asarray([data[k]["test_acc"] for k in keys], dtype=np.float64)
        metrics: dict[str, MetricInfo] = {}
        for s in range(3):
            col = f"test_acc_seed{s}"
            out[col] = acc[:, s]
            metrics[col] = MetricInfo(
                col, "accuracy", f"seed{s}", "%", "max", dataset="cifar10",
                description=f"CIFAR-10 test accuracy of training run {s}",
            )  # fmt: skip
        out["test_acc_heldout"] = acc[:, 1:].mean(axis=1)
        metrics["test_acc_heldout"] = MetricInfo(
            "test_acc_heldout", "accuracy", "seed1-2", "%", "max", dataset="cifar10",
            description="mean CIFAR-10 test accuracy of training runs 1 and 2 (held out)",
        )  # fmt: skip
        out["test_acc_mean"] = [data[k]["mean_acc"] for k in keys]
        metrics["test_acc_mean"] = MetricInfo(
            "test_acc_mean", "accuracy", "seed0-2", "%", "max", dataset="cifar10",
            description="mean CIFAR-10 test accuracy of the 3 runs",
        )  # fmt: skip
        out["params"] = np.asarray([data[k]["params"] for k in keys], dtype=np.float64) / 1e6
        metrics["params"] = MetricInfo("params", "params", "exact", "M", "min", dataset="cifar10")
        out["flops"] = np.asarray([data[k]["flops"] for k in keys], dtype=np.float64) / 1e6
        metrics["flops"] = MetricInfo(
            "flops", "flops", "exact", "MFLOPs", "min", dataset="cifar10",
            description="FLOPs as reported by the benchmark, millions",
        )  # fmt: skip
        return BenchmarkTable(self.name, out, metrics, space.cardinalities, space.name)
