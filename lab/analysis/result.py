"""An experiment's analysis: its tables in memory, and their files in
``<results root>/<experiment>/analysis/``.

Files (every table as Parquet, for code, and CSV, for eyes and spreadsheets)::

    final.{parquet,csv}              one row per run: final indicators of its returned set
    traces.{parquet,csv}             one row per (run, grid point): anytime indicators
    generalization.{parquet,csv}     one row per (run, objective): search vs report rank agreement
    transfer.{parquet,csv}           one row per (run, target problem): transferred hypervolume
    summary.{parquet,csv}            one row per (problem, algorithm, metric): across seeds
    transfer_summary.{parquet,csv}   one row per (problem, algorithm, target, metric)
    pairwise.{parquet,csv}           one row per (metric, family, problem, compared pair)
    ranking.json                     Friedman / Nemenyi ranking across problems, per metric
    table_<metric>.tex               LaTeX tables (booktabs)
    analysis.json                    settings, counts, the runs' fingerprint, timings

Every file is written atomically. ``analysis.json`` is written last, so a folder without it (or
with an older one) is an incomplete analysis. It records a fingerprint of the runs analysed (run
ids and history digests), which :func:`load_analysis` compares with the store to refuse an
analysis older than its runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from lab.benchmarks.read_bounds import check_parquet_cells
from lab.errors import AnalysisError
from lab.file_bounds import bound, env_name, open_regular, read_json
from lab.fileio import atomic_write
from lab.results.store import ResultsStore

ANALYSIS_DIR = "analysis"
INFO_FILE = "analysis.json"
RANKING_FILE = "ranking.json"
#: Version of the analysis layout.
ANALYSIS_SCHEMA = 1

#: The tables of an analysis, in the order they are written.
TABLES: tuple[str, ...] = (
    "final", "traces", "generalization", "transfer", "summary", "transfer_summary", "pairwise",
)  # fmt: skip


@dataclass(frozen=True)
class AnalysisResult:
    """The analysis of one experiment.

    Attributes:
        experiment: the experiment's name.
        directory: the folder holding the files (``<root>/<experiment>/analysis``).
        final, traces, generalization, transfer, summary, transfer_summary, pairwise: the
            tidy tables (see :mod:`lab.analysis.result` for their rows and
            :func:`lab.analysis.analyze_experiment` for their columns).
        ranking: the ranking across problems (``ranking.json``).
        info: settings (baseline, alpha, seed, trace points), counts, the runs' fingerprint,
            the LaTeX tables written and the time each stage took (``analysis.json``).
        paths: file name -> path of every file written.
    """

    experiment: str
    directory: Path
    final: pd.DataFrame
    traces: pd.DataFrame
    generalization: pd.DataFrame
    transfer: pd.DataFrame
    summary: pd.DataFrame
    transfer_summary: pd.DataFrame
    pairwise: pd.DataFrame
    ranking: dict[str, Any]
    info: dict[str, Any]
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def baseline(self) -> str | None:
        return self.info.get("baseline")

    @property
    def alpha(self) -> float:
        return float(self.info["alpha"])

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (one of :data:`TABLES`)."""
        if name not in TABLES:
            raise AnalysisError(f"unknown analysis table {name!r}; valid: {', '.join(TABLES)}")
        return getattr(self, name)


def analysis_dir(experiment: str, root: Path | str | None = None) -> Path:
    """``<results root>/<experiment>/analysis``."""
    return ResultsStore(root).experiment_dir(experiment) / ANALYSIS_DIR


def runs_fingerprint(manifests: list[dict[str, Any]]) -> tuple[str, int]:
    """sha256 over the (run id, history digest) pairs of the successful runs among an
    experiment's manifests, and their number: it changes whenever a run is added, removed,
    retried or rewritten."""
    pairs = sorted(
        (str(m.get("run_id")), str((m.get("history") or {}).get("sha256")))
        for m in manifests
        if m.get("status") == "ok"
    )
    digest = hashlib.sha256(json.dumps(pairs).encode()).hexdigest()
    return digest, len(pairs)


def write_table(directory: Path, name: str, table: pd.DataFrame) -> dict[str, Path]:
    """Write ``table`` as ``<name>.parquet`` and ``<name>.csv`` (atomically)."""
    parquet, csv = directory / f"{name}.parquet", directory / f"{name}.csv"
    atomic_write(parquet, lambda tmp: table.to_parquet(tmp, index=False))
    atomic_write(csv, lambda tmp: table.to_csv(tmp, index=False))
    return {parquet.name: parquet, csv.name: csv}


def _read_table(path: Path) -> pd.DataFrame:
    """A saved analysis table: a regular file (no link) within the history bounds."""
    fd, _ = open_regular(
        path, what="analysis table", error=AnalysisError, follow_symlinks=False,
        max_bytes=bound("history_bytes"), bound_env=env_name("history_bytes"),
    )  # fmt: skip
    with os.fdopen(fd, "rb") as fh:
        check_parquet_cells(fh, str(path))
        fh.seek(0)
        return pd.read_parquet(fh)


def load_analysis(
    experiment: str, root: Path | str | None = None, *, allow_stale: bool = False
) -> AnalysisResult:
    """The saved analysis of ``experiment``, without recomputing anything.

    Args:
        experiment: the experiment's name.
        root: the results store root (default ``$LAB_RESULTS_DIR`` or ``./results``).
        allow_stale: load even if the experiment's runs changed since the analysis.

    Raises:
        UnknownNameError: no such experiment (the message lists the experiments).
        AnalysisError: the experiment was never analysed, the analysis is incomplete or
            unreadable, or (unless ``allow_stale``) its runs changed since.
    """
    store = ResultsStore(root)
    store.require_experiment(experiment)
    directory = analysis_dir(experiment, root)
    info_path = directory / INFO_FILE
    if not info_path.is_file():
        raise AnalysisError(
            f"experiment {experiment!r} has no analysis in {directory}; run "
            f"`lab analyze {experiment}` first"
        )
    try:
        # A saved analysis is part of a (possibly received) store: read under its bounds.
        info = read_json(info_path, what="analysis info", error=AnalysisError,
                         follow_symlinks=False)  # fmt: skip
        ranking = read_json(directory / RANKING_FILE, what="analysis ranking",
                            error=AnalysisError, follow_symlinks=False)  # fmt: skip
        tables = {name: _read_table(directory / f"{name}.parquet") for name in TABLES}
    except (OSError, ValueError, AnalysisError) as exc:
        raise AnalysisError(
            f"{directory}: cannot read the analysis ({exc}); rerun `lab analyze {experiment}`"
        ) from None
    if not isinstance(info, dict):
        raise AnalysisError(f"{info_path}: not a JSON object; rerun `lab analyze {experiment}`")
    if info.get("analysis_schema") != ANALYSIS_SCHEMA:
        raise AnalysisError(
            f"{info_path}: analysis_schema {info.get('analysis_schema')!r}, expected "
            f"{ANALYSIS_SCHEMA}; rerun `lab analyze {experiment}`"
        )
    if not allow_stale:
        fingerprint, n_runs = runs_fingerprint(store.manifests(experiment))
        if fingerprint != info.get("runs_fingerprint"):
            raise AnalysisError(
                f"the analysis in {directory} covers {info.get('n_runs')} runs but the store now "
                f"holds {n_runs} successful runs of {experiment!r} (added, retried or rewritten "
                f"since); rerun `lab analyze {experiment}` or pass allow_stale=True"
            )
    paths = {p.name: p for p in sorted(directory.iterdir()) if not p.name.startswith(".")}
    return AnalysisResult(
        experiment=experiment,
        directory=directory,
        ranking=ranking,
        info=info,
        paths=paths,
        **tables,
    )
