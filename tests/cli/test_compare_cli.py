"""``lab compare``: a sweep from the command line, run into the store and analysed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from lab.algorithms.registry import algorithm_target
from lab.cli.compare import comparison_sweep, default_algorithms
from lab.cli.main import app
from lab.experiments.config import load_config
from lab.experiments.expansion import expand
from lab.results.query import load_manifests

ARGS = ["compare", "nbg-cora-err-lat", "-a", "random,nsga2", "--seeds", "2", "--budget", "20"]


def test_compare_runs_stores_and_analyses_a_sweep(tmp_path: Path) -> None:
    root = tmp_path / "results"
    args = [*ARGS, "--name", "cmp", "--results-dir", str(root), "-w", "1", "-q"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "4 runs: 4 ran ok" in result.output
    assert "Wilcoxon, paired by seed, two-sided, Holm" in result.output
    # The stored sweep copy is a config `lab run` accepts, and it expands to the stored runs.
    (copy,) = (root / "cmp" / "sweeps").glob("*.yaml")
    sweep = load_config(copy).model_copy(update={"name": "cmp"})
    manifests = load_manifests("cmp", root=root)
    assert sorted(manifests["run_id"]) == sorted(r.run_id for r in expand(sweep))
    final = pd.read_parquet(root / "cmp" / "analysis" / "final.parquet")
    assert sorted(final["label"].unique()) == ["nsga2", "random"] and len(final) == 4
    # The manifest's final HV and the analysis' are the same number (one scoring core).
    merged = final.merge(manifests, on="run_id", suffixes=("", "_manifest"))
    assert (merged["hv_normalized"] == merged["hv_normalized_manifest"]).all()
    assert (merged["n_returned"] == merged["n_returned_manifest"]).all()
    # The same command again resumes: nothing reruns.
    again = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert again.exit_code == 0 and "4 already done" in again.output


def test_default_name_follows_the_settings_and_default_algorithms_skip_mobo() -> None:
    a = comparison_sweep(["p"], ["random"], seeds=3, budget=50)
    assert a["name"] == comparison_sweep(["p"], ["random"], seeds=3, budget=50)["name"]
    assert a["name"] != comparison_sweep(["p"], ["random"], seeds=4, budget=50)["name"]
    names = default_algorithms()
    assert {"random", "nsga2", "smsemoa", "pls", "tpe"} <= set(names)
    assert not any(algorithm_target(n).startswith("lab.algorithms.mobo") for n in names)


def test_unknown_algorithm_is_a_config_error(tmp_path: Path) -> None:
    args = [*ARGS[:3], "-a", "nsga9", "--results-dir", str(tmp_path)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code != 0
    assert "nsga9" in result.output and "lab compare" in result.output
