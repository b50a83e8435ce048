"""The README's worked example of a user benchmark runs as written, from an empty folder:
JSON table with per-seed accuracies -> spec with problems -> import -> sweep -> analysis ->
figures -> surrogate."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def worked_example() -> list[tuple[str, str, str | None]]:
    """``(language, code, file name)`` of each fenced block between the README's markers."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split("<!-- worked-example:start -->")[1].split("<!-- worked-example:end -->")[0]
    blocks = []
    for match in re.finditer(r"(?:`([^`\n]+)`:\n\n)?```(\w+)\n(.*?)```", body, re.S):
        name, lang, code = match.group(1), match.group(2), match.group(3)
        if lang == "python" and name is None:
            name = re.match(r"# (\S+\.py)", code).group(1)
        blocks.append((lang, code, name))
    return blocks


def shims(folder: Path) -> Path:
    """``lab`` and ``python`` on PATH, both this interpreter with this checkout's package."""
    folder.mkdir()
    for name, target in (
        (
            "lab",
            f'exec {shlex.quote(sys.executable)} -c "from lab.cli.main import run; run()" "$@"',
        ),
        ("python", f'exec {shlex.quote(sys.executable)} "$@"'),
    ):
        path = folder / name
        path.write_text(f"#!/bin/sh\n{target}\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


def _write_files(work: Path) -> list[tuple[str, str, str | None]]:
    blocks = worked_example()
    for _, code, name in blocks:
        if name is not None:
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(code)
    return blocks


def test_worked_example_spec_imports(tmp_path: Path, monkeypatch) -> None:
    """Fast check (in this process) that the README's table script and spec import."""
    from lab.problems.user_import import import_user_benchmark

    monkeypatch.chdir(tmp_path)
    _write_files(tmp_path)
    subprocess.run([sys.executable, "make_table.py"], check=True, cwd=tmp_path, timeout=120)
    table, (problem,) = import_user_benchmark(
        "cells", tmp_path / "benchmarks" / "cells.yaml", directory=tmp_path / "tables"
    )
    assert len(table) == 1024 and table.cardinalities == (4,) * 5
    assert problem.name == "cells-err-params" and len(problem.true_front_rows()) >= 5
    assert table.metrics["acc_report"].split == "seed1+2"


@pytest.mark.slow
def test_worked_example_runs_as_written(tmp_path: Path) -> None:
    work = tmp_path / "study"
    work.mkdir()
    env = {
        **os.environ,
        "PATH": f"{shims(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "LAB_DATA_DIR": str(tmp_path / "tables"),
        "MPLBACKEND": "Agg",
        "COLUMNS": "160",
    }
    for var in ("LAB_BENCHMARKS_DIR", "LAB_SURROGATES_DIR", "LAB_RESULTS_DIR"):
        env.pop(var, None)
    blocks = _write_files(work)
    assert [b[0] for b in blocks] == ["python", "yaml", "yaml", "yaml", "bash"]
    outputs = []
    for _, code, name in blocks:
        if name is not None:
            continue
        for line in code.splitlines():
            command = line.split("  #")[0].strip()
            if not command:
                continue
            out = subprocess.run(
                command, shell=True, cwd=work, env=env, capture_output=True, text=True,
                timeout=600,
            )  # fmt: skip
            assert out.returncode == 0, f"{command}\n{out.stdout}\n{out.stderr}"
            outputs.append(out.stdout)
    assert "problem cells-err-params" in outputs[1] and "frozen" in outputs[1]
    assert (
        "exact front (report)" in outputs[2] and "hypervolume in the normalized box" in outputs[2]
    )
    manifests = list((work / "results" / "cells-study" / "runs").glob("*.json"))
    assert len(manifests) == 10  # 2 algorithms x 5 seeds
    assert list((work / "cells-figures").glob("*.png"))
    assert (work / "surrogates" / "cells-xgb" / "card.json").is_file()
    assert "kendall" in outputs[-1].lower() or "tau" in outputs[-1].lower()
    # Nothing was written beside the installed package or the checkout.
    assert not (ROOT / "surrogates" / "cells-xgb").exists()
    assert not (ROOT / "results" / "cells-study").exists()
