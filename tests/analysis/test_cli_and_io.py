"""``lab analyze`` as a user runs it, errors, and reading a saved analysis back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lab.analysis import TABLES, AnalysisError, AnalysisResult, analyze_experiment, load_analysis
from lab.errors import UnknownNameError
from lab.results.store import ResultsStore
from tests.analysis.conftest import EXPERIMENT


def lab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from lab.cli.main import run; run()", *args],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


def test_cli_writes_every_file_and_prints_the_summary(
    analysis: AnalysisResult, store_root: Path, tmp_path: Path
) -> None:
    root = tmp_path / "results"
    shutil.copytree(store_root, root)
    shutil.rmtree(root / EXPERIMENT / "analysis", ignore_errors=True)
    out = lab("analyze", EXPERIMENT, "--results-dir", str(root), "--baseline", "random")
    assert out.returncode == 0, out.stderr
    directory = root / EXPERIMENT / "analysis"
    for name in TABLES:
        assert (directory / f"{name}.parquet").is_file() and (directory / f"{name}.csv").is_file()
    for name in ("ranking.json", "analysis.json", "table_hv_normalized.tex", "table_igd_plus.tex"):
        assert (directory / name).is_file()
    for text in ("nbg-cora-err-lat", "nbg-citeseer-err-lat", "NSGA-II", "Random", "baseline", "Ranking",
                 "critical difference"):  # fmt: skip
        assert text in out.stdout
    # A fresh process reproduces every table exactly, bootstrap intervals included.
    for name in TABLES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(directory / f"{name}.parquet"), analysis.table(name), check_exact=True
        )
    csv = pd.read_csv(directory / "final.csv")
    assert list(csv.columns) == list(analysis.final.columns) and len(csv) == 18


def test_unknown_experiment_lists_the_experiments(store_root: Path) -> None:
    with pytest.raises(UnknownNameError, match=rf"unknown experiment .*'nope'.*{EXPERIMENT}"):
        analyze_experiment("nope", root=store_root)
    out = lab("analyze", "nope", "--results-dir", str(store_root))
    assert out.returncode == 2
    assert "unknown experiment" in out.stderr and EXPERIMENT in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_baseline_is_a_clear_error(store_root: Path) -> None:
    with pytest.raises(AnalysisError, match="unknown baseline 'nope'; valid: moead, nsga2, random"):
        analyze_experiment(EXPERIMENT, root=store_root, baseline="nope", write=False)


def test_load_analysis_reads_back_the_same_tables(
    analysis: AnalysisResult, store_root: Path
) -> None:
    loaded = load_analysis(EXPERIMENT, store_root)
    for name in TABLES:
        pd.testing.assert_frame_equal(loaded.table(name), analysis.table(name), check_exact=True)
    assert loaded.ranking == json.loads(json.dumps(analysis.ranking))
    assert loaded.baseline == "random" and loaded.alpha == 0.05
    assert loaded.info["runs_fingerprint"] == analysis.info["runs_fingerprint"]
    assert set(analysis.paths) <= set(loaded.paths)


def test_load_analysis_refuses_a_stale_or_missing_analysis(
    analysis: AnalysisResult, store_root: Path, tmp_path: Path
) -> None:
    root = tmp_path / "results"
    shutil.copytree(store_root, root)
    store = ResultsStore(root)
    run_id = analysis.final["run_id"].iloc[0]
    store.paths(EXPERIMENT, run_id).manifest.unlink()
    with pytest.raises(AnalysisError, match="rerun `lab analyze"):
        load_analysis(EXPERIMENT, root)
    assert len(load_analysis(EXPERIMENT, root, allow_stale=True).final) == 18
    shutil.rmtree(root / EXPERIMENT / "analysis")
    with pytest.raises(AnalysisError, match="has no analysis"):
        load_analysis(EXPERIMENT, root)
