"""Seed batches in the sweep runner: grouping, batched ≡ unbatched results with one history and
manifest per seed, resume after SIGKILL and Ray ≡ local for batched BO runs."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from lab.experiments import expand, load_config, run_sweep
from lab.experiments.runner import group_runs
from lab.results.store import ResultsStore
from tests.experiments._sweeps import (
    ROOT,
    assert_same_results,
    leftovers,
    subprocess_env,
    sweep_script,
    write_config,
)

#: Four seeds of a small qNEHVI (three BO iterations each) and a random search.
BO_SWEEP = {
    "name": "bo",
    "algorithms": [
        {
            "name": "qnehvi",
            "params": {
                "mc_samples": 8,
                "n_screen": 8,
                "warm_maxiter": 5,
                "fit_maxiter": 30,
                "refit_growth": 0.2,
            },
        },
        "random",
    ],
    "seeds": 4,
    "budget": 11,
    "n_init": 8,
    "imports": None,
}


def _ok(root, experiment) -> set[str]:
    return {m["run_id"] for m in ResultsStore(root).manifests(experiment) if m["status"] == "ok"}


@pytest.fixture(scope="module")
def unbatched(tmp_path_factory):
    """The BO sweep with every seed alone (``seed_batch: 1``): ``(folder, results root)``."""
    folder = tmp_path_factory.mktemp("unbatched")
    config = load_config(write_config(folder, **BO_SWEEP, seed_batch=1))
    report = run_sweep(config, workers=1, results_dir=folder / "results", progress=False)
    assert report.complete and len(report.ok) == 8
    return folder, folder / "results"


def test_grouping_batches_bo_seeds_only(tmp_path) -> None:
    config = load_config(write_config(tmp_path, **BO_SWEEP, seed_batch=3))
    groups = group_runs(expand(config), config.seed_batch)
    sizes = sorted((g[0].algorithm, len(g)) for g in groups)
    assert sizes == [("qnehvi", 2), ("qnehvi", 2)] + [("random", 1)] * 4  # balanced
    for group in groups:
        assert len({(s.problem, s.label, s.budget) for s in group}) == 1
        assert len({s.seed for s in group}) == len(group)
    assert all(len(g) == 1 for g in group_runs(expand(config), 1))


def test_batched_sweep_reproduces_the_unbatched_one(unbatched, tmp_path) -> None:
    _, ref_root = unbatched
    config = load_config(write_config(tmp_path, **BO_SWEEP, seed_batch=4))
    report = run_sweep(config, workers=1, results_dir=tmp_path / "results", progress=False)
    assert report.complete and len(report.ok) == 8
    assert_same_results(ref_root, tmp_path / "results", config.name)
    for manifest in ResultsStore(tmp_path / "results").manifests(config.name):
        threads = manifest["threads"]
        assert threads["threads_per_run"] == 1 and threads["workers"] == 1
        assert threads["workers"] * threads["threads_per_run"] <= threads["cores"]
        if manifest["config"]["algorithm"] == "qnehvi":
            assert manifest["seed_batch"]["size"] == 4
            assert manifest["run_id"] in manifest["seed_batch"]["run_ids"]
            assert threads["torch_threads"] == 1
        else:
            assert "seed_batch" not in manifest


@pytest.mark.slow
def test_sigkill_of_a_batched_sweep_then_rerun_reproduces_it(unbatched, tmp_path) -> None:
    """Killed while a seed batch runs; the rerun batches the remaining seeds differently
    and still ends with exactly the unbatched results."""
    _, ref_root = unbatched
    config_path = write_config(tmp_path, **BO_SWEEP, seed_batch=2)
    config = load_config(config_path)
    ids = {r.run_id for r in expand(config)}
    root = tmp_path / "results"
    proc = subprocess.Popen(
        sweep_script(config_path, root, workers=2), cwd=ROOT, start_new_session=True,
        env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    try:
        # The random runs finish in milliseconds; wait for the first BO seed batch.
        while len(_ok(root, config.name)) < 6:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done_before = _ok(root, config.name)
    assert 6 <= len(done_before) < len(ids)
    rerun = load_config(write_config(tmp_path, "rerun.yaml", **BO_SWEEP, seed_batch=3))
    report = run_sweep(rerun, workers=1, results_dir=root, progress=False)
    assert set(report.already_done) == done_before
    assert set(report.ok) == ids - done_before and not report.failed
    assert_same_results(ref_root, root, config.name)
    assert leftovers(root, config.name) == []


@pytest.mark.slow
def test_ray_batched_matches_local_unbatched(unbatched, tmp_path, monkeypatch) -> None:
    ray = pytest.importorskip("ray")
    _, ref_root = unbatched
    config = load_config(write_config(tmp_path, **BO_SWEEP, seed_batch=2))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    report = run_sweep(config, executor="ray", workers=2, results_dir=tmp_path / "r",
                       progress=False)  # fmt: skip
    assert not ray.is_initialized()
    assert report.complete and len(report.ok) == 8
    assert_same_results(ref_root, tmp_path / "r", config.name)
    sizes = {
        m["seed_batch"]["size"]
        for m in ResultsStore(tmp_path / "r").manifests(config.name)
        if "seed_batch" in m
    }
    assert sizes == {2}


def test_a_batch_in_this_process_shows_its_rounds(tmp_path, monkeypatch) -> None:
    """With ``--workers 1`` the seed batch runs inside the sweep's loop; its rounds still reach
    the sweep's bar (a watcher thread reads the batch's progress file), and the bar is gone
    when the batch ends."""
    import io

    from rich.console import Console

    from lab.experiments import execute, progress

    monkeypatch.setattr(execute, "PROGRESS_EVERY_S", 0.0)  # write every round
    monkeypatch.setattr(progress, "WATCH_EVERY_S", 0.01)
    shown: list[dict] = []
    finished: list[str] = []
    real_show, real_finish = (
        progress.SweepProgress.batch_progress,
        progress.SweepProgress.batch_finished,
    )

    def show(self, key, seen):
        shown.append(dict(seen))
        real_show(self, key, seen)

    def finish(self, key):
        finished.append(key)
        real_finish(self, key)

    monkeypatch.setattr(progress.SweepProgress, "batch_progress", show)
    monkeypatch.setattr(progress.SweepProgress, "batch_finished", finish)
    config = load_config(write_config(tmp_path, **{**BO_SWEEP, "budget": 14}, seed_batch=4))
    console = Console(file=io.StringIO(), width=120)
    report = run_sweep(config, workers=1, results_dir=tmp_path / "results", console=console)
    assert report.complete and len(report.ok) == 8
    mid = [s for s in shown if s["done"] < s["budget"]]
    assert mid, f"no round was shown before the batch ended: {shown}"
    assert all(s["seeds"] == 4 and s["budget"] == 14 and "qnehvi" in s["what"] for s in shown)
    assert [s["done"] for s in shown] == sorted(s["done"] for s in shown)
    assert len(finished) == 1
