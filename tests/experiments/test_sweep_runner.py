"""The sweep runner: results equal direct runs, any worker count gives the same numbers, reruns
skip what is complete and redo what is not, failures are recorded and do not stop a sweep."""

from __future__ import annotations

import os
import shutil
import threading
import time

import moocore
import numpy as np
import pandas as pd
import pytest

from lab.algorithms.registry import make_algorithm
from lab.experiments import expand, load_config, run_sweep
from lab.problems import get_problem
from lab.results.lock import RunLock
from lab.results.store import ResultsStore
from tests.experiments._sweeps import assert_same_results, leftovers, run_results, write_config


def test_stored_runs_equal_direct_algorithm_runs(reference_sweep):
    config_path, root = reference_sweep
    config = load_config(config_path)
    results = run_results(root, config.name)
    assert sorted(results) == sorted(r.run_id for r in expand(config))
    problem = get_problem(config.problems[0])
    for manifest, history in results.values():
        c = manifest["config"]
        algo = make_algorithm("random", problem, budget=c["budget"], seed=c["run_seed"],
                              batch_size=c["batch_size"], n_init=c["n_init"], init=c["init"])  # fmt: skip
        direct = algo.run().to_frame()
        pd.testing.assert_frame_equal(
            history.drop(columns="algo_time_s"), direct.drop(columns="algo_time_s")
        )
        # Final normalized HV, recomputed with moocore directly on the returned set.
        returned = algo.result_rows()
        F = problem.normalize(direct[["r0", "r1"]].to_numpy()[returned])
        # The reference point: the declared thresholds, in the report normalization.
        ref = (problem.thresholds - problem.ideal) / (problem.nadir - problem.ideal)
        F = F[(F < ref).all(axis=1)]
        hv = moocore.hypervolume(F, ref=ref) if len(F) else 0.0
        assert np.isclose(manifest["final"]["hv_normalized"], hv / problem.true_front_hv())
        assert manifest["status"] == "ok" and manifest["n_evaluations"] == 20
        assert manifest["seed"] == c["run_seed"]
        assert manifest["problem"]["table_sha256"] == problem.table.meta["table_sha256"]
        assert {"numpy", "pymoo", "botorch", "torch", "lab"} <= set(manifest["versions"])
        assert manifest["history"]["rows"] == 20 and manifest["wall_time_s"] > 0
        assert manifest["warnings"] == []


def test_algorithms_of_one_seed_share_the_initial_design(reference_sweep):
    _, root = reference_sweep
    frames = {}
    for manifest, history in run_results(root, "sweep").values():
        c = manifest["config"]
        frames[(c["label"], c["seed"])] = history["row"].to_numpy()[: c["n_init"]]
    for seed in range(3):
        np.testing.assert_array_equal(frames["slow_random", seed], frames["random-b3", seed])
    assert not np.array_equal(frames["slow_random", 0], frames["slow_random", 1])


def test_process_pool_matches_in_process_and_rerun_skips(reference_sweep, tmp_path):
    config_path, ref_root = reference_sweep
    config = load_config(config_path)
    report = run_sweep(config, workers=2, results_dir=tmp_path, progress=False)
    assert report.complete and len(report.ok) == 6 and not report.failed
    assert_same_results(ref_root, tmp_path, config.name)
    assert leftovers(tmp_path, config.name) == []
    runs = ResultsStore(tmp_path).runs_dir(config.name)
    stamps = {p.name: p.stat().st_mtime_ns for p in runs.iterdir()}
    again = run_sweep(config, workers=2, results_dir=tmp_path, progress=False)
    assert sorted(again.already_done) == sorted(report.ok) and not again.ok
    assert {p.name: p.stat().st_mtime_ns for p in runs.iterdir()} == stamps


def test_failed_runs_are_recorded_and_do_not_stop_the_sweep(tmp_path):
    config = load_config(write_config(tmp_path, algorithms=["random", "failing"]))
    report = run_sweep(config, workers=1, results_dir=tmp_path / "r", progress=False)
    assert len(report.ok) == 3 and len(report.failed) == 3 and not report.complete
    store = ResultsStore(tmp_path / "r")
    for rid in report.failed:
        manifest = store.read_manifest("sweep", rid)
        assert manifest["status"] == "failed" and manifest["history"] is None
        assert manifest["config"]["algorithm"] == "failing"
        assert manifest["error"]["type"] == "RuntimeError"
        assert manifest["error"]["message"] == "planned failure"
        assert "raise RuntimeError(self.params.message)" in manifest["error"]["traceback"]
        (warned,) = manifest["warnings"]  # recorded in the manifest, once
        assert warned.startswith("RuntimeWarning: about to fail (_plugins.py:")
        assert not store.paths("sweep", rid).history.exists()
    retry = run_sweep(config, workers=1, results_dir=tmp_path / "r", progress=False)
    assert sorted(retry.already_done) == sorted(report.ok)
    assert sorted(retry.failed) == sorted(report.failed)  # failed runs are retried


def test_incomplete_or_tampered_runs_are_redone(reference_sweep, tmp_path):
    config_path, ref_root = reference_sweep
    root = tmp_path / "results"
    shutil.copytree(ref_root, root)
    store = ResultsStore(root)
    ids = sorted(run_results(root, "sweep"))
    truncated, no_manifest, failed, tampered = ids[:4]
    history = store.paths("sweep", truncated).history
    history.write_bytes(history.read_bytes()[:100])
    store.paths("sweep", no_manifest).manifest.unlink()
    m = store.read_manifest("sweep", failed)
    store.paths("sweep", failed).manifest.write_text(
        store.paths("sweep", failed)
        .manifest.read_text()
        .replace('"status": "ok"', '"status": "failed"')
    )
    assert store.read_manifest("sweep", failed)["status"] == "failed"
    m = store.read_manifest("sweep", tampered)
    m["config"]["budget"] = 21
    import json

    store.paths("sweep", tampered).manifest.write_text(json.dumps(m))
    stale = store.runs_dir("sweep") / f".{truncated}.parquet.abc123.tmp"
    stale.write_bytes(b"half a file")
    for rid in ids[4:]:
        assert store.is_complete("sweep", rid)
    for rid in ids[:4]:
        assert not store.is_complete("sweep", rid)
    report = run_sweep(load_config(config_path), workers=1, results_dir=root, progress=False)
    assert sorted(report.ok) == sorted(ids[:4]) and sorted(report.already_done) == ids[4:]
    assert_same_results(ref_root, root, "sweep")
    assert leftovers(root, "sweep") == []


def test_a_run_locked_by_another_sweep_is_waited_for_not_duplicated(reference_sweep, tmp_path):
    config_path, ref_root = reference_sweep
    config = load_config(config_path)
    store = ResultsStore(tmp_path)
    held = expand(config)[0].run_id
    lock = RunLock.try_acquire(store.paths(config.name, held).lock)
    assert lock is not None

    def finish_elsewhere() -> None:
        time.sleep(1.0)  # the sweep meets the lock meanwhile
        src = ResultsStore(ref_root).paths(config.name, held)
        dst = store.paths(config.name, held)
        shutil.copy(src.history, dst.history)
        shutil.copy(src.manifest, dst.manifest)
        lock.release()

    thread = threading.Thread(target=finish_elsewhere)
    thread.start()
    report = run_sweep(config, workers=1, results_dir=tmp_path, progress=False)
    thread.join()
    assert report.done_elsewhere == [held] and len(report.ok) == 5 and report.complete
    assert_same_results(ref_root, tmp_path, config.name)
    assert not os.path.exists(store.paths(config.name, held).lock)


@pytest.mark.slow
def test_a_dying_pool_worker_fails_its_runs_and_the_sweep_goes_on(tmp_path):
    config = load_config(write_config(tmp_path, algorithms=["crashing", "random"], seeds=2))
    report = run_sweep(config, workers=2, results_dir=tmp_path / "r", progress=False)
    store = ResultsStore(tmp_path / "r")
    assert len(report.ok) + len(report.failed) == 4 and len(report.failed) >= 2
    for rid in report.failed:  # the crashing runs, and any random run in flight with them
        error = store.read_manifest("sweep", rid)["error"]
        assert error["type"] == "BrokenProcessPool"
        assert "the worker did not return a result" in error["message"]
    crashing = {r.run_id for r in expand(config) if r.algorithm == "crashing"}
    assert crashing <= set(report.failed)
    assert leftovers(tmp_path / "r", "sweep") == []
    # The same random runs, without the crashing ones: whatever failed as collateral now runs.
    retry = load_config(write_config(tmp_path, algorithms=["random"], seeds=2))
    again = run_sweep(retry, workers=1, results_dir=tmp_path / "r", progress=False)
    assert again.complete and len(again.ok) + len(again.already_done) == 2
