"""``lab run`` and ``lab results`` end to end (typer's runner; the console script for errors)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from lab.cli.main import app
from tests.experiments._sweeps import ROOT, subprocess_env, write_config

runner = CliRunner()


def test_run_dry_run_then_run_then_show(tmp_path):
    config = write_config(tmp_path, name="cli", seeds=1)
    store = tmp_path / "store"
    dry = runner.invoke(app, ["run", str(config), "--dry-run", "--results-dir", str(store)])
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("pending") == 2 and not (store / "cli" / "runs").exists()
    done = runner.invoke(app, ["run", str(config), "--workers", "1", "--results-dir", str(store)])
    assert done.exit_code == 0, done.output
    assert "2 runs: 2 ran ok, 0 failed" in " ".join(done.output.split())
    assert "HV median" in done.output and "random-b3" in done.output
    again = runner.invoke(app, ["run", str(config), "-w", "1", "--results-dir", str(store), "-q"])
    assert "0 ran ok, 0 failed, 2 already done" in " ".join(again.output.split())
    dry = runner.invoke(app, ["run", str(config), "--dry-run", "--results-dir", str(store)])
    assert dry.output.count("done") == 2
    ls = runner.invoke(app, ["results", "ls", "--results-dir", str(store)])
    assert ls.exit_code == 0 and "cli" in ls.output
    out = tmp_path / "tidy.parquet"
    show = runner.invoke(app, ["results", "show", "cli", "--results-dir", str(store), "--runs",
                               "--export", str(out)])  # fmt: skip
    assert show.exit_code == 0, show.output
    assert "slow_random" in show.output and "wrote 40 evaluations of 2 runs" in show.output
    assert len(pd.read_parquet(out)) == 40


def test_failed_runs_exit_with_status_1_and_show_their_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_RESULTS_DIR", str(tmp_path / "store"))
    config = write_config(tmp_path, name="bad", seeds=1, algorithms=["failing"])
    result = runner.invoke(app, ["run", str(config), "-w", "1"])
    assert result.exit_code == 1 and "1 run(s) failed" in result.output
    show = runner.invoke(app, ["results", "show", "bad", "--failed"])
    assert "planned failure" in show.output and "Traceback" in show.output


def test_invalid_config_is_one_readable_error_line_and_status_2(tmp_path):
    config = write_config(tmp_path, algorithms=["nsga9"])
    lab = Path(sys.executable).with_name("lab")
    proc = subprocess.run([str(lab), "run", str(config)], cwd=ROOT, env=subprocess_env(),
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 2
    err = " ".join(proc.stderr.split())
    assert str(config) in err and "algorithms[0] (nsga9).name: unknown algorithm 'nsga9'" in err
    assert "Traceback" not in proc.stderr
    valid = write_config(tmp_path, "valid.yaml")
    unknown = subprocess.run([str(lab), "run", str(valid), "--executor", "dask"], cwd=ROOT,
                             env=subprocess_env(), capture_output=True, text=True)  # fmt: skip
    assert (
        unknown.returncode == 2 and "unknown executor 'dask'; valid: local, ray" in unknown.stderr
    )
