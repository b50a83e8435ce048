"""Attacks through the files a spec names, and the messages of operating-system errors.

Before: a named pipe given as a user table's ``file:`` was reported "not found", and a named
pipe given as a YAML config blocked the command forever (opening a FIFO waits for a writer); a
genome code of 2^70 in a table printed numpy's "invalid value encountered in cast" before the
right error (G8); and every operating-system error message ended with a dangling "or the file
named".
"""

from __future__ import annotations

import errno
import os
import threading
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lab.cli.error_report import os_error_message
from lab.config_file import read_yaml
from lab.errors import BenchmarkFileError, ConfigError
from tests.security._user_bench import table_rows, write_bench

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
def test_a_named_pipe_as_a_tables_file_is_not_a_regular_file(user_workdir: Path) -> None:
    from lab.cli.main import app

    os.mkfifo(user_workdir / "tiny.fifo")
    spec = write_bench(user_workdir, file="tiny.fifo")
    result = CliRunner().invoke(app, ["bench", "import", "tiny", "--from", str(spec)])
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert "named pipe" in out and "not a regular file" in out and "not found" not in out


@needs_fifo
def test_a_named_pipe_as_a_config_is_refused_without_waiting_for_a_writer(tmp_path) -> None:
    fifo = tmp_path / "sweep.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            read_yaml(fifo, what="sweep config")
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # release the blocked open before failing
        with open(fifo, "wb"):
            pass
        reader.join(timeout=10)
        pytest.fail("reading a named pipe as a config blocked")
    assert isinstance(outcome[0], ConfigError)
    assert "named pipe" in str(outcome[0]) and "not a regular file" in str(outcome[0])


def test_a_genome_code_too_large_for_int64_is_one_error_without_a_numpy_warning(
    user_workdir: Path,
) -> None:
    from lab.benchmarks.recipes.user_table import build_user_table

    rows = table_rows().splitlines()
    rows[5] = f"{2**70}," + rows[5].split(",", 1)[1]
    spec = write_bench(user_workdir, rows="\n".join(rows) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(BenchmarkFileError, match=r"genome variable 'a' has value"):
            build_user_table(spec)


@pytest.mark.parametrize(
    "exc",
    [
        OSError(errno.EACCES, "Permission denied", "/data/tables"),
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EXDEV, "Invalid cross-device link", "/a", "/b"),
    ],
)
def test_os_error_messages_end_in_a_complete_sentence(exc: OSError) -> None:
    message = os_error_message(exc)
    assert not message.rstrip().endswith(("named", "or the file named", "or"))
    assert message.endswith("$LAB_SURROGATES_DIR")
    if exc.filename:
        assert message.startswith(exc.filename) and "check that path" in message
