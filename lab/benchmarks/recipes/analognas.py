"""AnalogNAS-Bench (PyPI ``analog-nasbench`` 0.1.3): all 15,625 NAS-Bench-201 cells trained on
CIFAR-10, with their accuracy after post-training quantization, after quantization-aware training,
on analog in-memory hardware, and under conductance drift after 1 min, 1 h, 1 day and 30 days.

The wheel ships the data as a pickle (``analognasbench/data.anb``) of a dict keyed by 6-tuples of
operation codes, whose values are instances of two plain classes of the package
(``Architecture`` and ``DriftMeasurement``). It is read with the lab's restricted unpickler, the
two class names mapped to :class:`PlainRecord` (a data holder that accepts numbers, strings and
tuples only); the package's own code is never imported.

**Codes and edge order** (undocumented upstream; pinned by ``tests/benchmarks/test_analognas.py``):
code ``0`` is ``skip_connect``, ``1`` ``none``, ``2`` ``nor_conv_3x3``, ``3`` ``nor_conv_1x1``,
``4`` ``avg_pool_3x3`` (cells with six equal codes: 60.8 %, 10.0 %, 93.2 %, 89.5 %, 50.3 %), and
key position ``j`` is the edge ``KEY_EDGES[j]``: the upper triangle of the cell's adjacency
matrix row by row, ``(0->1, 0->2, 0->3, 1->2, 1->3, 2->3)``. Under this mapping the 341 cells at
chance accuracy (10 %) are exactly those without an input-to-output path, and the rank
correlation with the 12-epoch NAS-Bench-201 CIFAR-10 test accuracies is the highest of all 1,440
candidate mappings (Spearman 0.880; runner-up, the official string order reversed, which also
explains the chance cells: 0.866; the official string order itself: 0.616).

**Naming.** The wheel and the upstream CSV (``anissbslh/analognasbench``,
``benchmark_data.csv``) name the same numbers differently: the wheel's ``noisy_accuracy`` is the
CSV's ``analog_accuracy`` (the trained network on analog hardware), the wheel's
``analog_accuracy`` the CSV's ``finetuned_accuracy`` (after hardware-aware fine-tuning), the
wheel's ``analog_drift_*`` the CSV's ``finetuned_drift_*``. The lab follows the CSV's meaning
and names each column by what it measures (:data:`COLUMNS`).

**Ids.** ``arch_id`` is the cell's official NAS-Bench-201 index, as in every NAS-Bench-201-space
table of the lab (:mod:`lab.benchmarks.nasbench201_index`), so the table joins with
``nasbench201-12ep`` and ``nasbench201-200ep`` on ``arch_id``. The wheel does not carry that
order: building reads it from the 12-epoch benchmark's ``str_arch2idx.pt`` (or a built
NAS-Bench-201 table), and says how to fetch it when it is absent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lab.benchmarks.checksums import verify_sha256
from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.nasbench201_index import FETCH_HINT, official_index, official_index_available
from lab.benchmarks.recipe import Recipe
from lab.benchmarks.safe_pickle import safe_load_pickle
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.errors import BenchmarkFileError, RawFilesMissingError
from lab.spaces.nasbench201 import EDGES, OPS, NasBench201Space, genome_to_string

PACKAGE = "analognasbench"
DATA_FILE = "data.anb"
#: sha256 of ``data.anb`` in analog-nasbench 0.1.3; another version is refused, not silently used.
DATA_SHA256 = "85f3435b877aa2d36268d55ce07f6ff6d73643d17a840f1941745da5eb80db32"
N_CELLS = 15_625
#: Operation of each code of the package's 6-tuples.
OP_OF_CODE: tuple[str, ...] = (
    "skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3",
)  # fmt: skip
#: ``(target node, source node)`` of each key position: adjacency upper triangle, row-major.
KEY_EDGES: tuple[tuple[int, int], ...] = ((1, 0), (2, 0), (3, 0), (2, 1), (3, 1), (3, 2))
#: Drift times: suffix of the package's field, suffix of the lab's column, description.
DRIFT_TIMES: tuple[tuple[str, str, str], ...] = (
    ("60", "1min", "1 minute"), ("3600", "1h", "1 hour"),
    ("86400", "1d", "1 day"), ("2592000", "30d", "30 days"),
)  # fmt: skip
#: Lab column -> (field of the wheel's record, description).
COLUMNS: dict[str, tuple[str, str]] = {
    "acc_digital": ("baseline_accuracy", "trained network in floating point (digital)"),
    "acc_ptq": ("ptq_accuracy", "after post-training quantization"),
    "acc_qat": ("qat_accuracy", "after quantization-aware training"),
    "acc_analog": (
        "noisy_accuracy",
        "trained network on analog in-memory hardware (weight noise), no fine-tuning "
        "(wheel: noisy_accuracy; CSV: analog_accuracy)",
    ),
    "acc_analog_ft": (
        "analog_accuracy",
        "on analog in-memory hardware after hardware-aware fine-tuning "
        "(wheel: analog_accuracy; CSV: finetuned_accuracy)",
    ),
    **{
        f"acc_analog_drift_{lab}": (
            f"baseline_drift_{raw}",
            f"on analog hardware after {text} of conductance drift, no fine-tuning",
        )
        for raw, lab, text in DRIFT_TIMES
    },
    **{
        f"acc_analog_ft_drift_{lab}": (
            f"analog_drift_{raw}",
            f"fine-tuned network on analog hardware after {text} of conductance drift "
            "(wheel: analog_drift; CSV: finetuned_drift)",
        )
        for raw, lab, text in DRIFT_TIMES
    },
}


class PlainRecord:
    """Stands in for the package's ``Architecture`` and ``DriftMeasurement`` while unpickling:
    keeps the pickled attribute dict if it holds only numbers, strings, tuples of integers and
    other records, and nothing else."""

    __slots__ = ("fields",)

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
            raise BenchmarkFileError(f"unexpected record state {type(state).__name__}")
        for key, value in state.items():
            ok = isinstance(value, int | float | str | PlainRecord) or (
                isinstance(value, tuple) and all(isinstance(v, int) for v in value)
            )
            if not ok:
                raise BenchmarkFileError(f"record field {key!r} holds {type(value).__name__}")
        self.fields = dict(state)


SUBSTITUTES = {
    ("analognasbench.data", "Architecture"): PlainRecord,
    ("analognasbench.data", "DriftMeasurement"): PlainRecord,
}


def data_path() -> Path | None:
    """``data.anb`` inside the installed package (found without importing it), or ``None``."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / DATA_FILE
    return path if path.is_file() else None


def keys_to_genomes(keys: np.ndarray) -> np.ndarray:
    """``n x 6`` package codes -> ``n x 6`` lab NAS-Bench-201 genomes (official edge order)."""
    keys = np.asarray(keys, dtype=np.int64)
    op_index = np.asarray([OPS.index(op) for op in OP_OF_CODE], dtype=np.int64)
    genomes = np.empty_like(keys)
    for j, edge in enumerate(KEY_EDGES):
        genomes[:, EDGES.index(edge)] = op_index[keys[:, j]]
    return genomes


def read_records(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Keys (``n x 6``) and the values of every wheel field (``n``) of ``data.anb``; spreads of
    drift fields under ``<field>_spread``. Errors name the file and the record."""
    data = safe_load_pickle(path, substitutes=SUBSTITUTES)
    if not isinstance(data, dict) or len(data) != N_CELLS:
        raise BenchmarkFileError(f"{path}: expected a dict of {N_CELLS} cells")
    keys = sorted(data)
    bad = [
        k for k in keys if not (isinstance(k, tuple) and len(k) == 6 and set(k) <= set(range(5)))
    ]
    if bad:
        raise BenchmarkFileError(f"{path}: key {bad[0]!r} is not a 6-tuple of codes 0..4")
    fields: dict[str, list[float]] = {}
    for key in keys:
        record = data[key]
        if not isinstance(record, PlainRecord):
            raise BenchmarkFileError(f"{path}: cell {key}: not an architecture record")
        for raw, _ in COLUMNS.values():
            value = record.fields.get(raw)
            if isinstance(value, PlainRecord):
                fields.setdefault(raw, []).append(float(value.fields.get("value", np.nan)))
                spread = float(value.fields.get("uncertainty", np.nan))
                fields.setdefault(f"{raw}_spread", []).append(spread)
            elif isinstance(value, int | float):
                fields.setdefault(raw, []).append(float(value))
            else:
                raise BenchmarkFileError(f"{path}: cell {key}: field {raw!r} is {value!r}")
    return np.asarray(keys, dtype=np.int64), {k: np.asarray(v) for k, v in fields.items()}


class AnalogNasBenchRecipe(Recipe):
    """AnalogNAS-Bench on CIFAR-10, from the installed ``analog-nasbench`` wheel."""

    name = "analognas"
    space = "nasbench201"
    title = "AnalogNAS-Bench (NAS-Bench-201 cells, CIFAR-10, analog hardware)"
    source = "PyPI analog-nasbench 0.1.3, analognasbench/data.anb (anissbslh/analognasbench)"
    citation = (
        "Benmeziane, H., Lammie, C., Boybat, I., Rasch, M., Le Gallo, M., Tsai, H., Muralidhar, "
        "R., Niar, S., Ouarnoughi, H., Narayanan, V., Sebastian, A., El Maghraoui, K. AnalogNAS: "
        "A Neural Network Design Framework for Accurate Inference with Analog In-Memory "
        "Computing. IEEE Edge 2023; AnalogNAS-Bench, 2025."
    )
    licence = "no licence file in the wheel; read at run time, not redistributed"
    isomorphs = "every cell trained separately; isomorphic cells have their own results"
    #: 2: ``arch_id`` is the official NAS-Bench-201 index (1: the genome's mixed-radix code).
    builder_version = 2
    datasets = ("cifar10",)

    def available(self) -> bool:
        return data_path() is not None and official_index_available()

    def unavailable_reason(self, fetchable: bool = False) -> str:
        # ``fetchable`` is unused: the package comes from pip, the NB201 order from the fetch hint.
        if data_path() is None:
            return (
                "the analog-nasbench package is not installed: `pip install analog-nasbench==0.1.3`"
            )
        return f"its arch_id is the official NAS-Bench-201 index, and {FETCH_HINT}"

    def build(self, raw_dir: Path | None = None) -> BenchmarkTable:
        path = Path(raw_dir) / DATA_FILE if raw_dir is not None else data_path()
        if path is None or not path.is_file():
            raise RawFilesMissingError(
                f"benchmark {self.name!r}: the analog-nasbench package is not installed; "
                "`pip install analog-nasbench==0.1.3`"
            )
        if not official_index_available():
            raise RawFilesMissingError(
                f"benchmark {self.name!r}: its arch_id is the official NAS-Bench-201 index, and "
                f"{FETCH_HINT}"
            )
        checksum = verify_sha256(path, DATA_SHA256)
        table = self._build(path)
        table.meta.update(self.provenance({f"{PACKAGE}/{DATA_FILE}": checksum}))
        return table

    def _build(self, raw_dir: Path | None) -> BenchmarkTable:
        from lab.spaces.nasbench201_cost import nasbench201_params_flops

        assert raw_dir is not None
        keys, fields = read_records(raw_dir)
        space = NasBench201Space()
        genomes = keys_to_genomes(keys)
        arch_str = [genome_to_string(g) for g in genomes]
        ids = official_index().indices_of_genomes(genomes)
        out = pd.DataFrame({"arch_id": ids, "arch_str": arch_str})
        for col, values in zip(genome_columns(6), genomes.T, strict=True):
            out[col] = values.astype(np.int16)
        metrics: dict[str, MetricInfo] = {}
        columns: dict[str, np.ndarray] = {}
        for col, (raw, text) in COLUMNS.items():
            columns[col] = fields[raw]
            metrics[col] = MetricInfo(
                col, "accuracy", "test", "%", "max", dataset="cifar10",
                description=f"CIFAR-10 test accuracy, {text}",
            )  # fmt: skip
            if f"{raw}_spread" in fields and col.startswith("acc_analog_ft_drift"):
                columns[f"{col}_spread"] = fields[f"{raw}_spread"]
                metrics[f"{col}_spread"] = MetricInfo(
                    f"{col}_spread", "accuracy_spread", "test", "%", "min", dataset="cifar10",
                    description=f"spread (±) the benchmark reports for {col}",
                )  # fmt: skip
        # Robustness: accuracy points lost between the digital network and the fine-tuned one
        # on analog hardware after 30 days of drift (smaller is more robust).
        columns["drop_analog_30d"] = columns["acc_digital"] - columns["acc_analog_ft_drift_30d"]
        metrics["drop_analog_30d"] = MetricInfo(
            "drop_analog_30d", "accuracy_drop", "test", "%", "min", dataset="cifar10",
            description="acc_digital - acc_analog_ft_drift_30d, accuracy points",
        )  # fmt: skip
        params, flops = nasbench201_params_flops(arch_str, "cifar10")
        columns["params"] = np.asarray(params, dtype=np.float64)
        columns["flops"] = np.asarray(flops, dtype=np.float64)
        metrics["params"] = MetricInfo(
            "params", "params", "exact", "M", "min", dataset="cifar10",
            description="parameters of the NAS-Bench-201 network (C=16, N=5) on CIFAR-10 built "
            "by the lab, millions",
        )  # fmt: skip
        metrics["flops"] = MetricInfo(
            "flops", "flops", "exact", "MFLOPs", "min", dataset="cifar10",
            description="multiply-accumulates of conv and linear layers per image, millions "
            "(convention in lab.spaces.nasbench201_cost)",
        )  # fmt: skip
        out = pd.concat([out, pd.DataFrame(columns)], axis=1)
        out = out.sort_values("arch_id").reset_index(drop=True)
        return BenchmarkTable(self.name, out, metrics, space.cardinalities, space.name)
