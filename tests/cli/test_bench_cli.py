"""``lab bench`` commands, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.test_user_table import write_toy


def lab(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from lab.cli.main import run; run()", *args],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200", **(env or {})},
    )  # fmt: skip


def test_list_shows_nasbench_graph_without_raw_files(tmp_path: Path) -> None:
    out = lab(
        "bench", "list", env={"LAB_RAW_DATA_DIR": str(tmp_path / "none"), "HOME": str(tmp_path)}
    )
    assert out.returncode == 0, out.stderr
    assert "nasbench-graph" in out.stdout and "8: arxiv" in out.stdout
    assert "1: proteins" in out.stdout
    assert "nbg-cora-err-lat" in out.stdout


def test_show_problem_and_benchmark() -> None:
    out = lab("bench", "show", "nbg-cora-err-lat")
    assert out.returncode == 0, out.stderr
    assert "exact front (report): 10 distinct objective vectors" in out.stdout
    assert "verdict" in out.stdout and "saturating" in out.stdout
    out = lab("bench", "show", "nasbench-graph-proteins")
    assert out.returncode == 0, out.stderr
    assert "rows: 2021" in out.stdout and "licence: MIT" in out.stdout


def test_unknown_name_is_one_clear_line() -> None:
    out = lab("bench", "show", "nope")
    assert out.returncode == 2
    assert "error: unknown benchmark 'nope'; valid:" in out.stderr
    assert "Traceback" not in out.stderr


def test_import_user_table(tmp_path: Path) -> None:
    spec = write_toy(tmp_path)
    env = {"LAB_DATA_DIR": str(tmp_path / "tables")}
    out = lab("bench", "import", "toy-bench", "--from", str(spec), env=env)
    assert out.returncode == 0, out.stderr
    assert "imported toy-bench: 6 rows" in out.stdout
    out = lab("bench", "list", env=env)
    assert "toy-bench" in out.stdout
