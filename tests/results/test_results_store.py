"""Results-store primitives: per-run locks (exclusive, freed by process death) and the
completeness check that resume relies on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd

from lab.fileio import sha256_file
from lab.results.lock import RunLock
from lab.results.store import ResultsStore, results_root


def test_lock_is_exclusive_and_release_removes_the_file(tmp_path):
    path = tmp_path / "runs" / "abc.lock"
    first = RunLock.try_acquire(path)
    assert first is not None and path.exists()
    assert RunLock.try_acquire(path) is None  # a second open file description is refused
    first.release()
    assert not path.exists()
    first.release()  # idempotent
    with RunLock.try_acquire(path) as again:
        assert again.held
    assert not again.held and not path.exists()


def test_lock_of_a_killed_holder_is_free(tmp_path):
    path = tmp_path / "abc.lock"
    code = (
        "import sys, time; from lab.results.lock import RunLock\n"
        f"lock = RunLock.try_acquire({str(path)!r}); print('locked', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        assert RunLock.try_acquire(path) is None
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert path.exists()  # the file stays, but the kernel dropped the lock
    lock = RunLock.try_acquire(path)
    assert lock is not None
    lock.release()


def _history() -> pd.DataFrame:
    return pd.DataFrame({"order": [0, 1], "f0": [0.5, 0.25]})


def _manifest(run_id_config: dict) -> dict:
    return {"status": "ok", "config": run_id_config}


def test_is_complete_checks_status_id_and_digest(tmp_path):
    from lab.experiments.expansion import run_id_of

    store = ResultsStore(tmp_path)
    config = {"problem": "p", "seed": 0}
    rid = run_id_of(config)
    assert not store.is_complete("exp", rid)
    written = store.write_run("exp", rid, _manifest(config), _history())
    paths = store.paths("exp", rid)
    assert written["history"]["sha256"] == sha256_file(paths.history)
    assert store.is_complete("exp", rid)
    assert store.experiments() == ["exp"]
    pd.testing.assert_frame_equal(store.read_history("exp", rid), _history())
    assert oct(paths.manifest.stat().st_mode & 0o777) == oct(0o644)
    # A run id that is not the hash of the recorded config is not complete.
    other = run_id_of({"problem": "p", "seed": 1})
    store.write_run("exp", other, _manifest(config), _history())
    assert not store.is_complete("exp", other)
    # A changed history is noticed.
    pd.DataFrame({"order": [0, 1], "f0": [0.5, 0.3]}).to_parquet(paths.history)
    assert not store.is_complete("exp", rid)
    # A failed run removes the stale history and is not complete.
    store.write_run("exp", rid, {"status": "failed", "config": config}, None)
    assert not paths.history.exists() and not store.is_complete("exp", rid)
    # An unreadable manifest counts as absent.
    paths.manifest.write_text("{not json")
    assert store.read_manifest("exp", rid) is None and not store.is_complete("exp", rid)
    assert [p.name for p in paths.manifest.parent.iterdir() if p.name.startswith(".")] == []


def test_manifest_values_are_strict_json(tmp_path):
    import numpy as np

    store = ResultsStore(tmp_path)
    manifest = {"status": "ok", "config": {}, "x": float("nan"), "y": np.float32(1.5),
                "z": np.arange(3), "w": object()}  # fmt: skip
    store.write_run("exp", "0" * 16, manifest, None)
    data = json.loads(store.paths("exp", "0" * 16).manifest.read_text())
    assert data["x"] is None and data["y"] == 1.5 and data["z"] == [0, 1, 2]
    assert data["w"].startswith("<object")


def test_claim_removes_leftover_temporary_files(tmp_path):
    store = ResultsStore(tmp_path)
    runs = store.runs_dir("exp")
    runs.mkdir(parents=True)
    stale = [runs / ".r1.parquet.x1.tmp", runs / ".r1.json.x2.tmp"]
    other = runs / ".r2.parquet.x3.tmp"
    for p in (*stale, other):
        p.write_bytes(b"half")
    lock = store.claim("exp", "r1")
    assert lock is not None and store.claim("exp", "r1") is None
    assert not any(p.exists() for p in stale) and other.exists()  # only the claimed run's
    lock.release()


def test_results_root_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("LAB_RESULTS_DIR", raising=False)
    assert results_root() == Path("results")
    monkeypatch.setenv("LAB_RESULTS_DIR", str(tmp_path / "env"))
    assert results_root() == tmp_path / "env"
    assert results_root(tmp_path / "arg") == tmp_path / "arg"


def test_lock_file_names_its_holder(tmp_path):
    lock = RunLock.try_acquire(tmp_path / "x.lock")
    assert f"pid {os.getpid()}" in (tmp_path / "x.lock").read_text()
    lock.release()
