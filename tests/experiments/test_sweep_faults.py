"""Fault tolerance in real processes: a sweep killed with SIGKILL and rerun, and two sweeps
writing into one store at once, end with exactly the results of one uninterrupted sweep."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from lab.experiments import expand, load_config, run_sweep
from lab.results.store import ResultsStore
from tests.experiments._plugins import DELAY_ENV
from tests.experiments._sweeps import (
    ROOT,
    assert_same_results,
    leftovers,
    run_results,
    subprocess_env,
    sweep_script,
)


def _ok_runs(root, experiment) -> set[str]:
    store = ResultsStore(root)
    return {m["run_id"] for m in store.manifests(experiment) if m["status"] == "ok"}


def test_sigkill_midway_then_rerun_completes_without_loss_or_duplicates(reference_sweep, tmp_path):
    config_path, ref_root = reference_sweep
    config = load_config(config_path)
    ids = {r.run_id for r in expand(config)}
    root = tmp_path / "results"
    # 15 asks x 0.1 s: each run takes ~1.5 s, so the kill lands while runs are in flight.
    proc = subprocess.Popen(
        sweep_script(config_path, root, workers=2), cwd=ROOT, start_new_session=True,
        env=subprocess_env(**{DELAY_ENV: "0.1"}), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    try:
        while len(_ok_runs(root, config.name)) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its pool workers
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_before = _ok_runs(root, config.name)
    assert 2 <= len(done_before) < len(ids)
    report = run_sweep(config, workers=1, results_dir=root, progress=False)
    assert set(report.already_done) == done_before  # nothing complete was run again
    assert set(report.ok) == ids - done_before and not report.failed  # nothing was lost
    assert_same_results(ref_root, root, config.name)
    assert leftovers(root, config.name) == []
    files = sorted(p.name for p in ResultsStore(root).runs_dir(config.name).iterdir())
    assert files == sorted([f"{i}.json" for i in ids] + [f"{i}.parquet" for i in ids])


def test_two_concurrent_sweeps_share_the_work_without_corruption(reference_sweep, tmp_path):
    config_path, ref_root = reference_sweep
    config = load_config(config_path)
    ids = {r.run_id for r in expand(config)}
    root = tmp_path / "results"
    env = subprocess_env(**{DELAY_ENV: "0.05"})
    procs = [
        subprocess.Popen(
            sweep_script(config_path, root, workers=1),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    executed = [rid for r in reports for rid in r["ok"]]
    assert len(executed) == len(set(executed)) == len(ids)  # each run executed exactly once
    assert set(executed) == ids and not any(r["failed"] for r in reports)
    for r in reports:  # each sweep accounts for every run
        assert set(r["ok"]) | set(r["done_elsewhere"]) | set(r["already_done"]) == ids
    assert_same_results(ref_root, root, config.name)
    assert leftovers(root, config.name) == []
    assert len(run_results(root, config.name)) == len(ids)
