"""Attack: stray, damaged and missing files in the results store.

A copy of a manifest (``X (copy).json``) was counted as a second run by ``lab results show`` and
exported twice; a truncated history or a deleted manifest was skipped without a word by
``results show`` and ``analyze`` (an algorithm could vanish from the summary).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from lab.analysis import analyze_experiment
from lab.cli.main import app
from lab.errors import AnalysisError
from lab.experiments import load_config, run_sweep
from lab.results.integrity import check_runs_folder
from lab.results.query import load_experiment, load_manifests
from lab.results.store import ResultsStore

EXPERIMENT = "integrity"
SWEEP = {
    "name": EXPERIMENT,
    "problems": ["nbg-cora-err-lat"],
    "algorithms": ["random", "nsga2"],
    "seeds": 2,
    "budget": 20,
    "n_init": 5,
    "batch_size": 5,
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("integrity")
    config = folder / "sweep.yaml"
    config.write_text(yaml.safe_dump(SWEEP, sort_keys=False))
    report = run_sweep(load_config(config), workers=1, results_dir=folder / "results",
                       progress=False)  # fmt: skip
    assert len(report.ok) == 4
    return folder / "results"


@pytest.fixture
def root(pristine, tmp_path) -> Path:
    shutil.copytree(pristine, tmp_path / "results")
    return tmp_path / "results"


def _runs(root: Path) -> Path:
    return root / EXPERIMENT / "runs"


def _nsga2_run(root: Path) -> str:
    manifests = load_manifests(EXPERIMENT, root=root)
    return manifests.loc[manifests["label"] == "nsga2", "run_id"].iloc[0]


def _cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def test_copy_of_a_manifest_is_not_a_second_run(root, tmp_path) -> None:
    run_id = _nsga2_run(root)
    for suffix in (".json", ".parquet"):
        shutil.copy(_runs(root) / f"{run_id}{suffix}", _runs(root) / f"{run_id} (copy){suffix}")
    assert len(load_manifests(EXPERIMENT, root=root)) == 4
    tidy = load_experiment(EXPERIMENT, root=root)
    assert tidy["run_id"].nunique() == 4 and not tidy.duplicated(["run_id", "order"]).any()
    result = _cli("results", "show", EXPERIMENT, "--results-dir", str(root), "--export",
                  str(tmp_path / "all.csv"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{run_id} (copy).json" in result.output and "foreign" in result.output
    exported = pd.read_csv(tmp_path / "all.csv")
    assert exported["run_id"].nunique() == 4 and len(exported) == 4 * SWEEP["budget"]


def test_truncated_history_and_deleted_manifest_are_reported(root) -> None:
    manifests = load_manifests(EXPERIMENT, root=root)
    truncated, deleted = manifests["run_id"].iloc[0], manifests["run_id"].iloc[1]
    history = _runs(root) / f"{truncated}.parquet"
    history.write_bytes(history.read_bytes()[:200])
    (_runs(root) / f"{deleted}.json").unlink()

    issues = {i.path.name: i for i in check_runs_folder(ResultsStore(root), EXPERIMENT)}
    assert issues[f"{truncated}.json"].kind == "damaged"
    assert "truncated or replaced" in issues[f"{truncated}.json"].what
    assert issues[f"{deleted}.parquet"].kind == "partial"

    result = _cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1
    assert truncated in result.output and deleted in result.output and "missing" in result.output
    shown = _cli("results", "show", EXPERIMENT, "--results-dir", str(root))
    assert shown.exit_code == 0 and "lab results check" in shown.output

    with pytest.raises(AnalysisError, match=r"2 run\(s\) of its design are missing or damaged"):
        analyze_experiment(EXPERIMENT, root=root, write=False, n_resamples=50)
    refused = _cli("analyze", EXPERIMENT, "--results-dir", str(root))
    assert refused.exit_code == 2 and "--allow-missing" in refused.output
    assert "Traceback" not in refused.output
    result = analyze_experiment(EXPERIMENT, root=root, write=False, n_resamples=50,
                                allow_missing=True)  # fmt: skip
    assert len(result.info["dropped_runs"]) == 2 and result.info["n_runs"] == 2


def test_clean_store_checks_clean(root) -> None:
    result = _cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 0, result.output
    assert "4 run(s) recorded (4 ok, 0 failed); 0 problem(s)" in result.output


def test_edited_manifest_and_stray_files_are_classified(root) -> None:
    run_id = _nsga2_run(root)
    manifest = _runs(root) / f"{run_id}.json"
    manifest.write_text(manifest.read_text().replace('"budget": 20', '"budget": 21'))
    (_runs(root) / f".{run_id}.parquet.abc123.tmp").write_bytes(b"half")
    (_runs(root) / "notes.txt").write_text("mine")
    issues = {i.path.name: i for i in check_runs_folder(ResultsStore(root), EXPERIMENT)}
    assert issues[f"{run_id}.json"].kind == "damaged"
    assert "the manifest was edited" in issues[f"{run_id}.json"].what
    assert issues[f".{run_id}.parquet.abc123.tmp"].kind == "partial"
    assert issues["notes.txt"].kind == "foreign"


def test_checking_a_store_never_imports_modules_it_names(root, tmp_path, monkeypatch) -> None:
    """A sweep copy in a received results store may list modules under ``imports`` (code):
    checking or analysing the store must not import them."""
    from lab.experiments.design import check_design

    marker = tmp_path / "PWNED"
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "store_payload_mod.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).touch()\n"
    )
    monkeypatch.syspath_prepend(str(plugins))
    sweep = root / EXPERIMENT / "sweeps" / "0123456789ab.yaml"
    sweep.write_text(yaml.safe_dump({**SWEEP, "imports": ["store_payload_mod"]}))
    design = check_design(ResultsStore(root), EXPERIMENT)
    assert str(sweep) in design.unreadable
    assert "does not import code named in a results store" in design.unreadable[str(sweep)]
    result = _cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1 and "unreadable sweep" in result.output
    assert not marker.exists()
