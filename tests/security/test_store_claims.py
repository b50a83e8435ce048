"""Attack: a results store whose files are intact but whose claims are not.

* C11: two sweep configs under one experiment name made ``analyze`` fail with "10 repeated
  (problem, algorithm, seed) rows", naming no file; ``results check`` said nothing.
* E1: an edited ``final.hv_normalized`` was shown by ``results show`` and the sweep summary.
* E4: a history copied into other runs (sha256 recomputed) was accepted.
* E5: after the table changed, ``lab run`` called the stale runs "already done".
* A lock left by a sweep stopped with SIGTERM was "a sweep is writing this run".
* D2: a symlinked ``analysis/`` folder was written through.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lab.analysis import analyze_experiment
from lab.errors import AnalysisError, ResultsStoreError
from lab.experiments import load_config, run_sweep
from lab.experiments.verify import verified_manifests, verify_runs
from lab.fileio import sha256_file
from lab.results.integrity import check_runs_folder
from lab.results.query import load_manifests
from lab.results.store import ResultsStore
from tests.security._received_store import (
    EXPERIMENT,
    SWEEP,
    cli,
    copy_store,
    flat,
    make_store,
    run_ids,
    runs_dir,
    squash,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("claims"))


@pytest.fixture
def root(pristine, tmp_path) -> Path:
    return copy_store(pristine, tmp_path)


def _edit_manifest(root: Path, run_id: str, edit) -> None:
    path = runs_dir(root) / f"{run_id}.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def test_two_designs_in_one_experiment_are_named(root, tmp_path) -> None:
    config = tmp_path / "edited.yaml"
    config.write_text(yaml.safe_dump({**SWEEP, "budget": 25}))
    run_sweep(load_config(config), workers=1, results_dir=root, progress=False)
    copies = sorted(p.name for p in (root / EXPERIMENT / "sweeps").glob("*.yaml"))
    assert len(copies) == 2
    with pytest.raises(AnalysisError) as info:
        analyze_experiment(EXPERIMENT, root=root, write=False, n_resamples=20)
    message = str(info.value)
    assert all(name in message for name in copies), message
    assert "budget: 20 vs 25" in message and "'name:'" in message
    assert "repeated" not in message
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1 and "two designs" in flat(result.output)


def test_edited_final_value_is_recomputed_and_reported(root) -> None:
    run_id = run_ids(root, "random")[0]
    original = load_manifests(EXPERIMENT, root=root).set_index("run_id")["hv_normalized"]

    def edit(m):
        m["final"]["hv_normalized"] = 0.99

    _edit_manifest(root, run_id, edit)
    store = ResultsStore(root)
    assert store.is_complete(EXPERIMENT, run_id)  # the digests still match: only the claim
    shown, check = verified_manifests(store, EXPERIMENT, load_manifests(EXPERIMENT, root=root))
    assert shown.set_index("run_id")["hv_normalized"][run_id] == pytest.approx(original[run_id])
    assert "final.hv_normalized is 0.99" in check.inconsistent[run_id]
    show = cli("results", "show", EXPERIMENT, "--results-dir", str(root), "--runs")
    assert show.exit_code == 0 and "0.9900" not in show.output
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1 and "inconsistent" in result.output
    assert f"{run_id}.json" in squash(result.output)


def test_history_copied_into_another_seed_is_reported(root) -> None:
    seed0, seed1 = run_ids(root, "random")
    runs = runs_dir(root)
    (runs / f"{seed1}.parquet").write_bytes((runs / f"{seed0}.parquet").read_bytes())
    digest = sha256_file(runs / f"{seed1}.parquet")
    final = json.loads((runs / f"{seed0}.json").read_text())["final"]

    def forge(m):
        m["history"]["sha256"] = digest
        m["final"] = final

    _edit_manifest(root, seed1, forge)
    assert ResultsStore(root).is_complete(EXPERIMENT, seed1)
    check = verify_runs(ResultsStore(root), EXPERIMENT)
    assert "initial design differs" in check.inconsistent[seed1]
    assert "copied" in check.inconsistent[seed1] and seed0 in check.inconsistent[seed1]
    nsga2 = run_ids(root, "nsga2")
    assert not set(nsga2) & set(check.inconsistent)
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1 and f"{seed1}.json" in squash(result.output)


def test_runs_of_a_changed_table_are_stale_and_rerun(root, tmp_path) -> None:
    stale = run_ids(root)[0]

    def other_table(m):
        m["problem"]["table_sha256"] = "0" * 64

    _edit_manifest(root, stale, other_table)
    assert stale in verify_runs(ResultsStore(root), EXPERIMENT).stale
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1 and "stale" in result.output
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump(SWEEP))
    report = run_sweep(load_config(config), workers=1, results_dir=root, progress=False)
    assert report.ok == [stale] and len(report.already_done) == 3
    assert not verify_runs(ResultsStore(root), EXPERIMENT).stale


def test_lock_of_a_sweep_stopped_by_sigterm_is_stale(root) -> None:
    run_id = run_ids(root)[0]
    lock = runs_dir(root) / f"{run_id}.lock"
    code = (
        "import sys, time\nfrom lab.results.lock import RunLock\n"
        f"assert RunLock.try_acquire({str(lock)!r}) is not None\n"
        "print('locked', flush=True)\ntime.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        kinds = {i.path.name: i for i in check_runs_folder(ResultsStore(root), EXPERIMENT)}
        assert kinds[lock.name].kind == "locked" and "pid" in kinds[lock.name].what
    finally:
        holder.send_signal(signal.SIGTERM)
        holder.wait(timeout=60)
    assert lock.exists()  # SIGTERM ran no cleanup
    kinds = {i.path.name: i for i in check_runs_folder(ResultsStore(root), EXPERIMENT)}
    assert kinds[lock.name].kind == "stale lock"
    assert "writing" not in kinds[lock.name].what
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 0 and "stale lock" in result.output
    assert "a sweep is writing this run" not in result.output


def test_symlinked_analysis_folder_is_not_written_through(root, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / EXPERIMENT / "analysis").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ResultsStoreError, match="symbolic link"):
        analyze_experiment(EXPERIMENT, root=root, n_resamples=20)
    assert list(outside.iterdir()) == []
    result = cli("analyze", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 2 and list(outside.iterdir()) == []


def test_symlinked_runs_folder_is_not_written_through(tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "results" / EXPERIMENT).mkdir(parents=True)
    (tmp_path / "results" / EXPERIMENT / "runs").symlink_to(outside, target_is_directory=True)
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump({**SWEEP, "seeds": 1}))
    with pytest.raises(ResultsStoreError, match="symbolic link"):
        run_sweep(load_config(config), workers=1, results_dir=tmp_path / "results",
                  progress=False)  # fmt: skip
    assert list(outside.iterdir()) == []


def test_temporary_of_a_killed_writer_is_removed_by_the_next_write(tmp_path) -> None:
    from lab.fileio import _create_temporary, atomic_write_text, temporaries_of

    target = tmp_path / "table.parquet"
    code = (
        "import time\nfrom lab.fileio import atomic_write\n"
        f"atomic_write({str(target)!r}, lambda tmp: (print('writing', flush=True), "
        "time.sleep(600)))\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    assert writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=60)
    (left,) = temporaries_of(target)
    # A live writer's temporary is never taken, however old it looks.
    live, fd = _create_temporary(target)
    old = left.stat().st_mtime - 3600
    for tmp in (left, live):
        os.utime(tmp, (old, old))
    try:
        atomic_write_text(target, "new")
        assert target.read_text() == "new"
        assert temporaries_of(target) == [live]
    finally:
        os.close(fd)
        live.unlink()
