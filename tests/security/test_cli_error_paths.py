"""Every CLI error path ends in one message and a non-zero exit, never a traceback.

Before: a non-directory or read-only ``LAB_DATA_DIR``/``--results-dir`` raised an ``OSError``
traceback from deep inside a writer, and ``lab bench import nasbench-graph --from /nonexistent``
ignored ``--from`` and said "imported".
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lab.cli.main import app

ENV = {"COLUMNS": "250"}
SWEEP = {
    "name": "paths",
    "problems": ["nbg-cora-err-lat"],
    "algorithms": ["random"],
    "seeds": 1,
    "budget": 10,
    "n_init": 5,
}


def _invoke(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env={**ENV, **env})


def _assert_one_message(result, *fragments: str, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.output.count("error:") == 1, result.output
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)


@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    return path


def test_data_dir_that_is_a_file(a_file, monkeypatch) -> None:
    # --data-dir sets $LAB_DATA_DIR for the process: monkeypatch puts it back afterwards.
    monkeypatch.setenv("LAB_DATA_DIR", os.environ.get("LAB_DATA_DIR", ""))
    result = _invoke("bench", "build", "nasbench-graph-proteins", LAB_DATA_DIR=str(a_file / "x"))
    _assert_one_message(result, f"{a_file} is a file, not a folder", "$LAB_DATA_DIR")
    result = _invoke("--data-dir", str(a_file), "bench", "build", "nasbench-graph-proteins")
    _assert_one_message(result, "--data-dir")


def test_results_dir_that_is_a_file(a_file, tmp_path) -> None:
    config = tmp_path / "paths.yaml"
    config.write_text(yaml.safe_dump(SWEEP))
    result = _invoke("run", str(config), "--results-dir", str(a_file))
    _assert_one_message(result, "is a file, not a folder", "--results-dir")


def test_read_only_file_system_is_named(tmp_path, monkeypatch) -> None:
    import lab.writable_folder as module

    def refuse(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(module.tempfile, "mkstemp", refuse)
    result = _invoke("bench", "build", "nasbench-graph-proteins", LAB_DATA_DIR=str(tmp_path / "t"))
    _assert_one_message(result, "not writable (read-only file system)", "$LAB_DATA_DIR")


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind the root user")
def test_read_only_results_dir(tmp_path) -> None:
    config = tmp_path / "paths.yaml"
    config.write_text(yaml.safe_dump(SWEEP))
    root = tmp_path / "ro"
    (root / "paths").mkdir(parents=True)
    (root / "paths").chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = _invoke("run", str(config), "--results-dir", str(root))
    finally:
        (root / "paths").chmod(stat.S_IRWXU)
    _assert_one_message(result, "not writable", "--results-dir")


def test_bench_import_honours_from(tmp_path) -> None:
    result = _invoke("bench", "import", "nasbench-graph", "--from", "/nonexistent",
                     LAB_DATA_DIR=str(tmp_path))  # fmt: skip
    _assert_one_message(result, "/nonexistent: not found")
    assert "imported" not in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _invoke("bench", "import", "nasbench-graph-proteins", "--from", str(empty),
                     LAB_DATA_DIR=str(tmp_path))  # fmt: skip
    _assert_one_message(result, "no proteins.bench")


def test_pth_that_is_not_a_torch_file(tmp_path) -> None:
    bad = tmp_path / "NAS-Bench-201-v1_1-096897.pth"
    bad.write_bytes(b"\x80\x04K\x07.")  # a pickle of 7: neither a zip nor torch's legacy format
    result = _invoke("bench", "import", "nasbench201-200ep", "--from", str(bad),
                     LAB_DATA_DIR=str(tmp_path / "t"))  # fmt: skip
    _assert_one_message(result, "not a PyTorch file")


def test_unexpected_error_is_one_message_and_debug_shows_it(monkeypatch) -> None:
    import lab.results.query as query

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(query, "list_experiments", broken)
    monkeypatch.setenv("LAB_DEBUG", "0")  # --debug sets it for the process; restored afterwards
    result = _invoke("results", "ls")
    _assert_one_message(result, "unexpected RuntimeError: boom", "--debug", code=1)
    debug = _invoke("--debug", "results", "ls")
    assert isinstance(debug.exception, RuntimeError)
