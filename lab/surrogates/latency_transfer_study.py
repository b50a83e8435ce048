"""The few-shot latency-transfer study (HELP's Table 3) on the NAS-Bench-201 table: the FLOPs
row, the lab's meta-learned model (:mod:`lab.surrogates.latency_transfer`) over seeds of the
sample draw with bootstrap intervals, and the published rows; saved as one JSON results file
(reloadable) and a CSV of the summary (the ``latency_transfer`` figure kind draws it)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lab.benchmarks.table import BenchmarkTable
from lab.errors import InputError, LabError
from lab.fileio import atomic_write, read_json, write_json
from lab.stats.descriptive import bootstrap_mean_ci
from lab.surrogates.latency_transfer import LatencyPrior, adapt, pairwise_one_hot
from lab.surrogates.latency_transfer_protocol import (
    N_TARGET_SAMPLES,
    PUBLISHED_MEANS,
    PUBLISHED_ROWS,
    SOURCE_DEVICES,
    TARGET_DEVICES,
    VALIDATION_DEVICES,
    index_split,
    proxy_row,
    spearman,
    trim_to_quantiles,
)

STUDY_NAME = "latency-transfer"
FORMAT_VERSION = 1
DEFAULT_TABLE = "nasbench201-12ep"
FLOPS_COLUMN = "flops_cifar10"
MODEL_ROW = "lab: meta-learned BLR"
FLOPS_ROW = "FLOPs (lab's column)"
#: Columns of :meth:`LatencyTransferResult.summary_frame` (the figure's input).
SUMMARY_COLUMNS: tuple[str, ...] = ("row", "device", "rho", "ci_low", "ci_high", "n_seeds")


@dataclass(frozen=True)
class LatencyTransferResult:
    """What the study measured.

    Attributes:
        config: the protocol and model settings (devices, sizes, seeds, table and its sha256).
        flops: target device -> rho of the FLOPs column on its trimmed test set.
        rhos: device (validation and target) -> rho per seed, in seed order.
        noise: device -> noise variance the evidence chose, per seed.
    """

    config: dict[str, Any]
    flops: dict[str, float]
    rhos: dict[str, list[float]]
    noise: dict[str, list[float]]

    @property
    def targets(self) -> list[str]:
        return list(self.config["target_devices"])

    @property
    def validation(self) -> list[str]:
        return list(self.config["validation_devices"])

    def per_seed_mean(self, devices: Sequence[str]) -> np.ndarray:
        """Mean rho over ``devices`` for each seed, ``(n_seeds,)``."""
        return np.mean([self.rhos[d] for d in devices], axis=0)

    def interval(self, values: Sequence[float]) -> tuple[float, float]:
        """Bootstrap 95 % interval of the mean (BCa, :func:`lab.stats.bootstrap_mean_ci`)."""
        rng = np.random.default_rng(int(self.config["bootstrap_seed"]))
        return bootstrap_mean_ci(np.asarray(values, dtype=np.float64), rng)

    def summary_frame(self) -> pd.DataFrame:
        """One row per (row name, device): the lab's model with intervals, the lab's FLOPs
        row, the published rows, and each row's ``mean`` over the target devices."""
        rows: list[dict[str, Any]] = []
        n = int(self.config["seeds"])
        for device in [*self.targets, *self.validation]:
            low, high = self.interval(self.rhos[device])
            rows.append(
                {"row": MODEL_ROW, "device": device, "rho": float(np.mean(self.rhos[device])),
                 "ci_low": low, "ci_high": high, "n_seeds": n}
            )  # fmt: skip
        mean_seeds = self.per_seed_mean(self.targets)
        low, high = self.interval(mean_seeds)
        rows.append(
            {"row": MODEL_ROW, "device": "mean", "rho": float(mean_seeds.mean()),
             "ci_low": low, "ci_high": high, "n_seeds": n}
        )  # fmt: skip
        for device in self.targets:
            rows.append({"row": FLOPS_ROW, "device": device, "rho": self.flops[device]})
        rows.append(
            {"row": FLOPS_ROW, "device": "mean", "rho": float(np.mean(list(self.flops.values())))}
        )
        for name, (_, values) in PUBLISHED_ROWS.items():
            label = f"{name} (published)"
            for device, value in zip(TARGET_DEVICES, values, strict=True):
                if device in self.targets and not math.isnan(value):
                    rows.append({"row": label, "device": device, "rho": value})
            rows.append({"row": label, "device": "mean", "rho": PUBLISHED_MEANS[name]})
        frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
        return frame

    def markdown(self) -> str:
        """The table as Markdown: one line per row, one column per target device and the mean."""
        frame = self.summary_frame()
        devices = [*self.targets, "mean"]
        header = "| row | samples | " + " | ".join(devices) + " |"
        lines = [header, "|" + "---|" * (len(devices) + 2)]
        samples = {MODEL_ROW: str(self.config["n_samples"]), FLOPS_ROW: "-"}
        samples |= {f"{k} (published)": str(v[0] or "-") for k, v in PUBLISHED_ROWS.items()}
        order = [FLOPS_ROW, "FLOPs (published)", *(f"{k} (published)" for k in PUBLISHED_ROWS
                 if k != "FLOPs"), MODEL_ROW]  # fmt: skip
        for row in order:
            sub = frame[frame["row"] == row].set_index("device")
            cells = []
            for device in devices:
                if device not in sub.index:
                    cells.append("-")
                    continue
                r = sub.loc[device]
                cell = f"{r['rho']:.3f}"
                if not pd.isna(r["ci_low"]):
                    cell += f" [{r['ci_low']:.3f}, {r['ci_high']:.3f}]"
                cells.append(cell)
            lines.append(f"| {row} | {samples.get(row, '-')} | " + " | ".join(cells) + " |")
        val = self.per_seed_mean(self.validation)
        lo, hi = self.interval(val)
        lines.append("")
        lines.append(
            f"Validation devices ({', '.join(self.validation)}), lab model: mean rho "
            f"{val.mean():.3f} [{lo:.3f}, {hi:.3f}]. Intervals: bootstrap 95 % (BCa) of the mean "
            f"over {self.config['seeds']} seeds of the {self.config['n_samples']}-sample draw."
        )
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "study": STUDY_NAME,
            "format_version": FORMAT_VERSION,
            "config": self.config,
            "flops": self.flops,
            "rhos": self.rhos,
            "noise": self.noise,
        }


def save_result(result: LatencyTransferResult, stem: Path) -> tuple[Path, Path]:
    """Write ``<stem>.json`` (everything, reloadable with :func:`load_result`) and
    ``<stem>-summary.csv`` (:data:`SUMMARY_COLUMNS`); returns both paths."""
    stem = Path(stem)
    json_path = stem.with_name(stem.name + ".json")
    csv_path = stem.with_name(stem.name + "-summary.csv")
    write_json(json_path, result.to_json())
    frame = result.summary_frame()
    atomic_write(csv_path, lambda p: frame.to_csv(p, index=False))
    return json_path, csv_path


def load_result(path: Path) -> LatencyTransferResult:
    """Read a results file written by :func:`save_result` (plain JSON; checked, never run)."""
    data = read_json(path, what="latency-transfer results file")
    if not isinstance(data, dict) or data.get("study") != STUDY_NAME:
        raise LabError(f"{path}: not a {STUDY_NAME} results file (field 'study')")
    if data.get("format_version") != FORMAT_VERSION:
        raise LabError(
            f"{path}: field 'format_version' is {data.get('format_version')!r}, this lab reads "
            f"{FORMAT_VERSION}; rerun `lab surrogate latency-transfer`"
        )
    for key in ("config", "flops", "rhos", "noise"):
        if not isinstance(data.get(key), dict):
            raise LabError(f"{path}: field {key!r} is missing or not a mapping")
    config = data["config"]
    devices = [*config.get("target_devices", []), *config.get("validation_devices", [])]
    for device in devices:
        values = data["rhos"].get(device)
        if not isinstance(values, list) or len(values) != config.get("seeds"):
            raise LabError(f"{path}: field rhos.{device} must list one rho per seed")
    rhos = {d: [float("nan") if v is None else float(v) for v in data["rhos"][d]] for d in devices}
    flops = {d: float("nan") if v is None else float(v) for d, v in data["flops"].items()}
    noise = {d: [float(v) for v in vs] for d, vs in data["noise"].items()}
    return LatencyTransferResult(config, flops, rhos, noise)


def device_latencies(table: BenchmarkTable, devices: Sequence[str]) -> dict[str, np.ndarray]:
    """Device -> latency (ms) per architecture, ordered by ``arch_id`` (0..n-1)."""
    frame = table.frame
    order = np.argsort(frame["arch_id"].to_numpy(), kind="stable")
    if not np.array_equal(frame["arch_id"].to_numpy()[order], np.arange(len(frame))):
        raise InputError(f"table {table.name!r}: arch_id must be the indices 0..{len(frame) - 1}")
    out = {}
    for device in devices:
        column = f"latency_{device}"
        if column not in frame.columns:
            raise InputError(
                f"table {table.name!r} has no column {column!r} (device {device!r}); its latency "
                f"columns: {sorted(c for c in frame.columns if c.startswith('latency_'))}"
            )
        out[device] = frame[column].to_numpy(np.float64)[order]
    return out


def sorted_features(table: BenchmarkTable) -> np.ndarray:
    """:func:`pairwise_one_hot` of the table's genomes, rows ordered by ``arch_id``."""
    order = np.argsort(table.frame["arch_id"].to_numpy(), kind="stable")
    return pairwise_one_hot(table.genomes[order], table.cardinalities)


def run_study(
    table: BenchmarkTable,
    *,
    seeds: int = 30,
    n_samples: int = N_TARGET_SAMPLES,
    sources: Sequence[str] = SOURCE_DEVICES,
    validation: Sequence[str] = VALIDATION_DEVICES,
    targets: Sequence[str] = TARGET_DEVICES,
    flops_column: str = FLOPS_COLUMN,
    trim_pool: bool = True,
    bootstrap_seed: int = 0,
    progress: Callable[[str, int, float], None] | None = None,
) -> LatencyTransferResult:
    """Run the protocol of :mod:`lab.surrogates.latency_transfer_protocol`.

    Args:
        table: the NAS-Bench-201 table with HELP's latency columns (``latency_<device>``) and
            ``flops_column``.
        seeds: seeds ``0..seeds-1``; seed ``s`` draws the ``n_samples`` target measurements
            with ``numpy.random.default_rng(s)`` (the same draw positions for every device).
        n_samples: measurements on each validation / target device.
        sources: devices whose full columns (every architecture) teach the prior.
        validation: devices scored like targets (how the model's settings were chosen).
        targets: the devices of the published table.
        flops_column: the zero-shot proxy scored as the FLOPs row.
        trim_pool: draw from the pool trimmed to its 10-90 % latency quantiles, as HELP's
            loader does (``False``: from the whole 900-architecture pool).
        bootstrap_seed: seed of the bootstrap intervals.
        progress: called with ``(device, seed, rho)`` after each fit.
    """
    if seeds < 2:
        raise InputError(f"seeds must be at least 2 for an interval, got {seeds}")
    overlap = sorted(set(sources) & (set(validation) | set(targets)))
    if overlap:
        raise InputError(
            f"devices {overlap} are both a source and scored; the prior would see them"
        )
    if flops_column not in table.frame.columns:
        raise InputError(f"table {table.name!r} has no column {flops_column!r}")
    latencies = device_latencies(table, [*sources, *validation, *targets])
    order = np.argsort(table.frame["arch_id"].to_numpy(), kind="stable")
    flops = table.frame[flops_column].to_numpy(np.float64)[order]
    features = sorted_features(table)
    split = index_split(len(features))
    prior = LatencyPrior.from_sources(features, {d: latencies[d] for d in sources})
    rhos: dict[str, list[float]] = {}
    noise: dict[str, list[float]] = {}
    for device in [*targets, *validation]:
        y = latencies[device]
        test = trim_to_quantiles(y, split.test)
        pool = trim_to_quantiles(y, split.pool) if trim_pool else split.pool
        rhos[device], noise[device] = [], []
        for seed in range(seeds):
            draw = np.random.default_rng(seed).choice(pool, n_samples, replace=False)
            model = adapt(prior, features[draw], y[draw])
            rho = spearman(model.predict(features[test]), y[test])
            rhos[device].append(rho)
            noise[device].append(model.noise_var)
            if progress is not None:
                progress(device, seed, rho)
    config = {
        "table": table.name,
        "table_sha256": table.meta.get("table_sha256"),
        "source_devices": list(sources),
        "validation_devices": list(validation),
        "target_devices": list(targets),
        "pool": [0, len(split.pool)],
        "test": [int(split.test[0]), int(split.test[-1]) + 1],
        "trim_quantiles": [0.1, 0.9],
        "trim_pool": bool(trim_pool),
        "n_samples": int(n_samples),
        "seeds": int(seeds),
        "bootstrap_seed": int(bootstrap_seed),
        "flops_column": flops_column,
        "model": "hierarchical Bayesian linear regression on pairwise one-hot features, prior "
        "from source heads, noise by evidence (lab.surrogates.latency_transfer)",
    }
    flops_rho = proxy_row(flops, latencies, targets, split)
    return LatencyTransferResult(config, flops_rho, rhos, noise)


def flops_variants(
    table: BenchmarkTable, *, flops_column: str = FLOPS_COLUMN, draws: int = 200, seed: int = 0
) -> pd.DataFrame:
    """:func:`lab.surrogates.latency_transfer_flops.flops_row_variants` of the table's FLOPs
    column on the target devices."""
    from lab.surrogates.latency_transfer_flops import flops_row_variants

    if flops_column not in table.frame.columns:
        raise InputError(f"table {table.name!r} has no column {flops_column!r}")
    order = np.argsort(table.frame["arch_id"].to_numpy(), kind="stable")
    flops = table.frame[flops_column].to_numpy(np.float64)[order]
    return flops_row_variants(
        flops, device_latencies(table, TARGET_DEVICES), draws=draws, seed=seed
    )


def flops_variants_markdown(variants: pd.DataFrame) -> str:
    """One line per variant, one column per device: rho, or mean (min-max) when randomised;
    the published FLOPs row last."""
    devices = list(dict.fromkeys(variants["device"]))
    lines = [
        "| FLOPs row variant | " + " | ".join(devices) + " |",
        "|" + "---|" * (len(devices) + 1),
    ]
    for variant, part in variants.groupby("variant", sort=False):
        cells = []
        for device in devices:
            r = part[part["device"] == device].iloc[0]
            cell = f"{r['rho']:.3f}"
            if not pd.isna(r["min"]):
                cell += f" ({r['min']:.3f}-{r['max']:.3f})"
            cells.append(cell)
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    published = dict(zip(TARGET_DEVICES, PUBLISHED_ROWS["FLOPs"][1], strict=True))
    lines.append("| published | " + " | ".join(f"{published[d]:.3f}" for d in devices) + " |")
    return "\n".join(lines) + "\n"


def flops_trim_match_text(
    table: BenchmarkTable, *, flops_column: str = FLOPS_COLUMN, draws: int = 1000, seed: int = 0
) -> str:
    """How often trimming the test set on FLOPs (random order of its ties) gives the published
    FLOPs row within 0.005 on all six devices, and the closest draw."""
    from lab.surrogates.latency_transfer_flops import flops_trim_match

    order = np.argsort(table.frame["arch_id"].to_numpy(), kind="stable")
    flops = table.frame[flops_column].to_numpy(np.float64)[order]
    share, closest = flops_trim_match(
        flops, device_latencies(table, TARGET_DEVICES), PUBLISHED_ROWS["FLOPs"][1],
        draws=draws, seed=seed,
    )  # fmt: skip
    values = ", ".join(f"{closest[d]:.3f}" for d in TARGET_DEVICES)
    return (
        f"Trimmed on FLOPs instead of latency, {share:.1%} of {draws} orders of the tied FLOPs "
        f"values at the cuts give the published FLOPs row within 0.005 on all six devices; "
        f"the closest: {values}.\n"
    )
