"""Attack: files of a received results store that are not what their names say.

``ln -s /dev/urandom results/E/sweeps/aaaaaaaaaaaa.yaml`` made ``lab report E`` hash forever; a
3 GB sparse sweep copy or manifest ended in MemoryError; an 8 GB sparse history was hashed for
37 s on every check. Every file the store reads is now a regular file (no link, device or
pipe), size-bounded before it is read (:mod:`lab.file_bounds`, adjustable by environment
variables), and named when refused.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from lab.errors import LabError, ResultsStoreError
from lab.experiments.design import check_design
from lab.figures.report import _configs
from lab.fileio import sha256_file
from lab.results.integrity import check_runs_folder
from lab.results.query import load_manifests
from lab.results.store import ResultsStore
from tests.security._received_store import (
    EXPERIMENT,
    cli,
    copy_store,
    make_store,
    run_ids,
    runs_dir,
    squash,
    sweeps_dir,
)

#: Sizes of the sparse files (bytes): they take no disk space.
GB = 1 << 30


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("bounds"))


@pytest.fixture
def root(pristine, tmp_path) -> Path:
    return copy_store(pristine, tmp_path)


@pytest.fixture
def no_hang():
    """Fail (instead of hanging the suite) if the test blocks for a minute."""

    def alarm(*_):
        raise TimeoutError("the read did not end: it blocked on a device or pipe")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _sparse(path: Path, size: int) -> Path:
    path.unlink(missing_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def test_sha256_file_refuses_a_device(tmp_path, no_hang) -> None:
    link = tmp_path / "aaaaaaaaaaaa.yaml"
    link.symlink_to("/dev/urandom")
    with pytest.raises(LabError, match="character device"):
        sha256_file(link)
    with pytest.raises(LabError, match="not a regular file|a folder"):
        sha256_file(tmp_path)


def test_urandom_as_a_sweep_copy_is_named_not_read(root, no_hang) -> None:
    copy = sweeps_dir(root) / "aaaaaaaaaaaa.yaml"
    copy.symlink_to("/dev/urandom")
    store = ResultsStore(root)
    design = check_design(store, EXPERIMENT)
    assert "symbolic link" in design.unreadable[str(copy)]
    assert len(design.expected) == 4
    assert "symbolic link" in _configs(store, EXPERIMENT)
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1 and "aaaaaaaaaaaa.yaml" in squash(result.output)


def test_a_pipe_as_a_manifest_never_blocks(root, no_hang) -> None:
    run_id = run_ids(root)[0]
    manifest = runs_dir(root) / f"{run_id}.json"
    manifest.unlink()
    os.mkfifo(manifest)
    problem = ResultsStore(root).run_problem(EXPERIMENT, run_id)
    assert problem is not None and "named pipe" in problem
    assert len(load_manifests(EXPERIMENT, root=root)) == 3


def test_sparse_sweep_copy_is_refused_by_name(root) -> None:
    copy = _sparse(sweeps_dir(root) / "bbbbbbbbbbbb.yaml", 3 * GB)
    design = check_design(ResultsStore(root), EXPERIMENT)
    assert "more than the bound" in design.unreadable[str(copy)]
    report = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert report.exit_code == 1 and "bbbbbbbbbbbb.yaml" in squash(report.output)
    assert "MemoryError" not in report.output


def test_sparse_manifest_is_damaged_not_a_memory_error(root) -> None:
    run_id = run_ids(root)[0]
    _sparse(runs_dir(root) / f"{run_id}.json", 3 * GB)
    issues = {i.path.name: i for i in check_runs_folder(ResultsStore(root), EXPERIMENT)}
    assert issues[f"{run_id}.json"].kind == "damaged"
    assert "LAB_MAX_JSON_BYTES" in issues[f"{run_id}.json"].what
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 1, result.output
    assert f"{run_id}.json" in squash(result.output) and "MemoryError" not in result.output
    assert len(load_manifests(EXPERIMENT, root=root)) == 3


def test_history_is_bounded_before_it_is_hashed(root, monkeypatch) -> None:
    run_id = run_ids(root)[0]
    history = runs_dir(root) / f"{run_id}.parquet"
    size = history.stat().st_size
    monkeypatch.setenv("LAB_MAX_HISTORY_BYTES", str(size - 1))
    problem = ResultsStore(root).run_problem(EXPERIMENT, run_id)
    assert problem is not None and "LAB_MAX_HISTORY_BYTES" in problem
    with pytest.raises(ResultsStoreError, match="more than the bound"):
        ResultsStore(root).read_history(EXPERIMENT, run_id)
    monkeypatch.setenv("LAB_MAX_HISTORY_BYTES", str(size))
    assert ResultsStore(root).is_complete(EXPERIMENT, run_id)
    monkeypatch.delenv("LAB_MAX_HISTORY_BYTES")
    _sparse(history, 8 * GB)
    assert "more than the bound" in ResultsStore(root).run_problem(EXPERIMENT, run_id)


def test_bad_bound_setting_is_one_message(root, monkeypatch) -> None:
    monkeypatch.setenv("LAB_MAX_JSON_BYTES", "lots")
    result = cli("results", "check", EXPERIMENT, "--results-dir", str(root))
    assert result.exit_code == 2 and "LAB_MAX_JSON_BYTES" in result.output


def test_links_out_of_the_store_are_not_followed(root, tmp_path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    run_id = run_ids(root)[0]
    manifest = runs_dir(root) / f"{run_id}.json"
    (outside / manifest.name).write_bytes(manifest.read_bytes())
    manifest.unlink()
    manifest.symlink_to(outside / manifest.name)
    problem = ResultsStore(root).run_problem(EXPERIMENT, run_id)
    assert problem is not None and "symbolic link" in problem
    issues = {i.path.name: i.kind for i in check_runs_folder(ResultsStore(root), EXPERIMENT)}
    assert issues[manifest.name] == "foreign"

    # A whole experiment that is a link to a folder elsewhere is not part of the store.
    (root / "linked").symlink_to(root / EXPERIMENT)
    other = tmp_path / "other"
    other.mkdir()
    (other / "linked").symlink_to(root / EXPERIMENT, target_is_directory=True)
    assert "linked" not in ResultsStore(other).experiments()
    with pytest.raises(ResultsStoreError, match="leads out of the results store"):
        ResultsStore(other).require_experiment("linked")
