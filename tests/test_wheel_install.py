"""The lab as an installed library: build the wheel, install it (not editable) into a fresh
virtual environment, and from an empty folder list the problems, run the quickstart (tiny
budget) and the README's worked example of a user benchmark.

The fresh environment reuses the running environment's dependencies through a ``.pth`` line
(no network needed) but holds its own, non-editable copy of the lab; nothing of the checkout is
on its path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from tests.test_readme_worked_example import ROOT, worked_example

pytestmark = pytest.mark.slow


def run(args, *, cwd: Path, env: dict, timeout: int = 900) -> str:
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{args}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAB_") and k != "PYTHONPATH"}
    run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-w", str(base / "dist"), "-q"],
        cwd=base, env=env,
    )  # fmt: skip
    (wheel,) = (base / "dist").glob("mo_nas_lab-*.whl")
    venv = base / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=base, env=env)
    py = venv / "bin" / "python"
    purelib = run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                  cwd=base, env=env).strip()  # fmt: skip
    # The dependencies of the running environment, after the fresh one's own site-packages.
    Path(purelib, "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        cwd=base, env=env)  # fmt: skip
    env = {
        **env,
        "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
        "LAB_DATA_DIR": str(base / "tables"),
        "LAB_RAW_DATA_DIR": str(base / "no-raw-files"),
        "MPLBACKEND": "Agg",
        "COLUMNS": "200",
    }
    return venv, env


def test_installed_copy_lists_problems_from_an_empty_folder(installed, tmp_path: Path) -> None:
    venv, env = installed
    where = run([str(venv / "bin" / "python"), "-c", "import lab; print(lab.__file__)"],
                cwd=tmp_path, env=env)  # fmt: skip
    assert str(venv) in where and str(ROOT) not in where
    package = Path(where.strip()).parent
    assert (package / "_builtin_benchmarks" / "frozen.yaml").is_file()
    assert not (package / "_builtin_benchmarks").is_symlink()
    out = run(["lab", "bench", "list"], cwd=tmp_path, env=env)
    for name in ("nbg-computers-err-lat", "anb-err-analog-drift", "anb-err-params-drop"):
        assert name in out
    assert list(tmp_path.iterdir()) == []  # listing writes nothing into the working folder


def test_quickstart_runs_from_an_empty_folder(installed, tmp_path: Path) -> None:
    _, env = installed
    sweep = yaml.safe_load((ROOT / "experiments" / "quickstart.yaml").read_text())
    sweep.update(seeds=1, budget=20, n_init=10)
    (tmp_path / "quickstart.yaml").write_text(yaml.safe_dump(sweep))
    out = run(["lab", "run", "quickstart.yaml"], cwd=tmp_path, env=env)
    assert "0 failed" in out
    manifests = list((tmp_path / "results" / "quickstart" / "runs").glob("*.json"))
    assert len(manifests) == len(sweep["algorithms"])
    run(["lab", "analyze", "quickstart"], cwd=tmp_path, env=env)


def test_user_benchmark_worked_example_with_the_wheel(installed, tmp_path: Path) -> None:
    venv, env = installed
    package = Path(
        run(
            [str(venv / "bin" / "python"), "-c", "import lab; print(lab.__file__)"],
            cwd=tmp_path,
            env=env,
        ).strip()
    ).parent
    frozen_before = (package / "_builtin_benchmarks" / "frozen.yaml").read_bytes()
    for _, code, name in worked_example():
        if name is not None:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(code)
            continue
        for line in code.splitlines():
            command = line.split("  #")[0].strip()
            if command:
                out = subprocess.run(
                    command,
                    shell=True,
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
                assert out.returncode == 0, f"{command}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    assert (tmp_path / "surrogates" / "cells-xgb" / "card.json").is_file()
    assert list((tmp_path / "cells-figures").glob("*.pdf"))
    assert (package / "_builtin_benchmarks" / "frozen.yaml").read_bytes() == frozen_before
    assert (
        not (package.parent / "surrogates").exists() and not (package.parent / "results").exists()
    )


def test_quickstart_dry_run_from_a_clone_beside_the_wheel(installed, tmp_path: Path) -> None:
    """Inside a copy of the repository (its own benchmarks/ holding the same specs as the
    installed package's), the built-ins are one set of problems, not a clash; freezing a
    built-in problem from there writes neither into the package nor into the copy."""
    import shutil

    venv, env = installed
    clone = tmp_path / "clone"
    for folder in ("benchmarks", "experiments", "lab"):
        shutil.copytree(ROOT / folder, clone / folder, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    package = Path(
        run(
            [str(venv / "bin" / "python"), "-c", "import lab; print(lab.__file__)"],
            cwd=tmp_path,
            env=env,
        ).strip()
    ).parent
    frozen = [package / "_builtin_benchmarks" / "frozen.yaml", clone / "benchmarks" / "frozen.yaml"]
    before = [p.read_bytes() for p in frozen]
    out = run(["lab", "run", "experiments/quickstart.yaml", "--dry-run"], cwd=clone, env=env)
    assert "declared twice" not in out and "nbg-computers-err-lat" in out
    refused = subprocess.run(
        ["lab", "bench", "freeze", "anb-err-analog-drift"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "built into the installed package" in refused.stdout + refused.stderr
    assert [p.read_bytes() for p in frozen] == before
