"""NAS-Bench-Graph (Qin et al., NeurIPS 2022), read from the installed ``nas-bench-graph`` wheel.

The wheel's ``light/<dataset>.bench`` files are pickles of ``{hash: {valid_perf, perf, latency,
para}}``; they are read with the restricted unpickler, never with ``pickle.load``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.recipe import Recipe
from lab.benchmarks.safe_pickle import safe_load_pickle
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.errors import BenchmarkFileError
from lab.fileio import sha256_file
from lab.spaces.nasbench_graph import NasBenchGraphSpace, _canonical_table

DATASETS: tuple[str, ...] = (
    "arxiv", "citeseer", "computers", "cora", "cs", "photo", "physics", "pubmed"
)  # fmt: skip
RECORD_FIELDS = ("valid_perf", "perf", "latency", "para")
CITATION = (
    "Qin, Y., Zhang, Z., Wang, X., Zhang, Z., Zhu, W. NAS-Bench-Graph: Benchmarking Graph Neural "
    "Architecture Search. NeurIPS 2022 Datasets and Benchmarks."
)


def bench_folder(explicit: Path | None, datasets: tuple[str, ...]) -> Path | None:
    """The folder given with ``--from`` (checked to hold ``<dataset>.bench`` of every dataset),
    or ``None`` for the installed package's files."""
    if explicit is None:
        return None
    folder = Path(explicit)
    if folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise BenchmarkFileError(
            f"{explicit}: not found; --from names a folder holding the NAS-Bench-Graph .bench "
            "files (as the nas-bench-graph wheel's nas_bench_graph/light/), or leave it out to "
            "read the installed package"
        )
    missing = [f"{ds}.bench" for ds in datasets if not (folder / f"{ds}.bench").is_file()]
    if missing:
        raise BenchmarkFileError(f"{folder}: no {', '.join(missing)} in this folder")
    return folder


def bench_file(dataset: str, folder: Path | None = None) -> Path:
    """Path of the ``.bench`` file of ``dataset``: in ``folder``, else in the installed wheel."""
    if folder is not None:
        return Path(folder) / f"{dataset}.bench"
    spec = importlib.util.find_spec("nas_bench_graph")
    if spec is None or spec.origin is None:
        raise BenchmarkFileError(
            "the nas-bench-graph package is not installed; `pip install nas-bench-graph==1.4.0`"
        )
    return Path(spec.origin).parent / "light" / f"{dataset}.bench"


def read_bench(path: Path) -> pd.DataFrame:
    """``{hash: record}`` pickle -> frame indexed by hash with the four record fields."""
    data = safe_load_pickle(path)
    if not isinstance(data, dict) or not data:
        raise BenchmarkFileError(f"{path}: expected a non-empty dict of records, got {type(data)}")
    key, record = next(iter(data.items()))
    if not isinstance(record, dict) or set(record) != set(RECORD_FIELDS):
        raise BenchmarkFileError(
            f"{path}: record {key!r} has fields {sorted(record) if isinstance(record, dict) else record}"
            f", expected {list(RECORD_FIELDS)}"
        )
    frame = pd.DataFrame.from_dict(data, orient="index")[list(RECORD_FIELDS)].astype(np.float64)
    frame.index = frame.index.astype(np.int64)
    return frame


def _metrics(dataset: str) -> list[MetricInfo]:
    # ogbn-proteins is scored by ROC-AUC in the benchmark, the others by accuracy.
    perf = "roc_auc" if dataset == "proteins" else "accuracy"
    return [
        MetricInfo(f"val_acc_{dataset}", perf, "val", "fraction", "max", dataset=dataset),
        MetricInfo(f"test_acc_{dataset}", perf, "test", "fraction", "max", dataset=dataset),
        MetricInfo(
            f"latency_{dataset}", "latency", "exact", "s", "min", dataset=dataset,
            description="inference time of the whole graph as measured by the benchmark",
        ),
        MetricInfo(f"params_{dataset}", "params", "exact", "M", "min", dataset=dataset),
    ]  # fmt: skip


def build_graph_table(
    name: str, datasets: tuple[str, ...], proteins: bool, folder: Path | None = None
) -> BenchmarkTable:
    """Assemble the wide table of ``datasets`` over the (proteins or full) space, from the
    ``.bench`` files in ``folder`` (default: the installed wheel's)."""
    space = NasBenchGraphSpace(proteins=proteins)
    canon, keys = _canonical_table(proteins)
    valid = keys >= 0
    key_to_genome = pd.DataFrame(canon[valid], index=keys[valid]).groupby(level=0).first()
    columns: dict[str, np.ndarray] = {}
    metrics: dict[str, MetricInfo] = {}
    index = None
    for ds in datasets:
        frame = read_bench(bench_file(ds, folder))
        if index is None:
            index = frame.index.sort_values()
        if not frame.index.sort_values().equals(index):
            raise BenchmarkFileError(
                f"{bench_file(ds, folder)}: architecture keys differ from {datasets[0]}"
            )
        frame = frame.loc[index]
        for info, field in zip(_metrics(ds), RECORD_FIELDS, strict=True):
            columns[info.column] = frame[field].to_numpy()
            metrics[info.column] = info
    assert index is not None
    unknown = index.difference(key_to_genome.index)
    if len(unknown):
        raise BenchmarkFileError(
            f"{bench_file(datasets[0], folder)}: {len(unknown)} keys (e.g. {unknown[0]}) match no genome"
        )
    genomes = key_to_genome.loc[index].to_numpy()
    out = pd.DataFrame({"arch_id": index.to_numpy(dtype=np.int64)})
    out["arch_str"] = [space._architecture_string(g) for g in genomes]
    for col, values in zip(genome_columns(space.n_variables), genomes.T, strict=True):
        out[col] = values.astype(np.int16)
    out = pd.concat([out, pd.DataFrame(columns)], axis=1)
    return BenchmarkTable(name, out, metrics, space.cardinalities, space.name)


class NasBenchGraphRecipe(Recipe):
    """The 26,206 architectures of NAS-Bench-Graph on 8 datasets."""

    name = "nasbench-graph"
    space = "nasbench-graph"
    title = "NAS-Bench-Graph (8 datasets)"
    source = "PyPI nas-bench-graph 1.4.0 (light/*.bench inside the wheel)"
    citation = CITATION
    licence = "MIT"
    datasets = DATASETS

    def find_raw_dir(self, explicit: Path | None = None) -> Path | None:
        """``--from`` (a folder of ``.bench`` files), else ``None``: the installed wheel."""
        return bench_folder(explicit, DATASETS)

    def _build(self, raw_dir: Path | None) -> BenchmarkTable:
        table = build_graph_table(self.name, DATASETS, proteins=False, folder=raw_dir)
        table.meta["raw_sha256_wheel"] = {
            ds: sha256_file(bench_file(ds, raw_dir)) for ds in DATASETS
        }
        return table


class NasBenchGraphProteinsRecipe(Recipe):
    """The 2,021 architectures of NAS-Bench-Graph on ogbn-proteins (smaller op set)."""

    name = "nasbench-graph-proteins"
    space = "nasbench-graph-proteins"
    title = "NAS-Bench-Graph (proteins)"
    source = "PyPI nas-bench-graph 1.4.0 (light/proteins.bench inside the wheel)"
    citation = CITATION
    licence = "MIT"
    datasets = ("proteins",)

    def find_raw_dir(self, explicit: Path | None = None) -> Path | None:
        """``--from`` (a folder holding ``proteins.bench``), else ``None``: the installed wheel."""
        return bench_folder(explicit, ("proteins",))

    def _build(self, raw_dir: Path | None) -> BenchmarkTable:
        table = build_graph_table(self.name, ("proteins",), proteins=True, folder=raw_dir)
        table.meta["raw_sha256_wheel"] = {"proteins": sha256_file(bench_file("proteins", raw_dir))}
        return table
