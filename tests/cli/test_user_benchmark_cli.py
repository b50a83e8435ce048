"""Every command on a user benchmark, from the user's working folder: bench import / show, run,
analyze and each ``lab surrogate`` command (fit, ls, evaluate, curve, table, importance,
fidelity). Runs in this process (typer's runner) to stay fast."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

SPEC = """
name: ucli
file: ucli.json
key: {column: arch}
key_column: arch
genome:
  - {position: 0, repeat: 4, name: op, codes: [a, b, c, d]}
seeds:
  - {column: acc, count: 3, search: [0], report: [1, 2], metric: accuracy, unit: "%",
     direction: max, dataset: toy}
metrics:
  - {column: size, metric: params, split: exact, unit: M, direction: min}
problems:
  - name: ucli-err-size
    objectives:
      - {name: error, search: acc_search, report: acc_report}
      - {name: size, search: size}
"""


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch) -> Path:
    import itertools

    rng = np.random.default_rng(3)
    w = rng.uniform(0, 3, size=(4, 4))
    data = {}
    for ops in itertools.product("abcd", repeat=4):
        g = ["abcd".index(o) for o in ops]
        q = float(w[np.arange(4), g].sum())
        data["".join(ops)] = {
            "acc": [round(70 + q + float(e), 3) for e in rng.normal(0, 0.3, 3)],
            "size": 0.1 + 0.05 * sum(g) + 0.01 * g[0],
        }
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "ucli.json").write_text(json.dumps(data))
    (tmp_path / "benchmarks" / "ucli.yaml").write_text(
        SPEC.replace("file: ucli.json", "file: ../ucli.json")
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    for var in ("LAB_SURROGATES_DIR", "LAB_RESULTS_DIR", "LAB_BENCHMARKS_DIR"):
        monkeypatch.delenv(var, raising=False)
    from lab.benchmarks.store import clear_cache

    clear_cache()
    return tmp_path


def test_every_command_on_a_user_benchmark(workdir: Path, monkeypatch) -> None:
    from rich.console import Console

    from lab.cli.main import app

    for module in ("bench", "surrogate"):
        monkeypatch.setattr(f"lab.cli.{module}.console", Console(width=250))
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result.output

    out = ok("bench", "import", "ucli", "--from", "benchmarks/ucli.yaml")
    assert "256 rows" in out and "problem ucli-err-size" in out
    assert "ucli-err-size" in ok("bench", "list")
    assert "exact front (report)" in ok("bench", "show", "ucli-err-size")
    assert "acc_seed2" in ok("bench", "show", "ucli")
    (workdir / "sweep.yaml").write_text(
        "name: ustudy\nproblems: [ucli-err-size]\nalgorithms: [random, nsga2]\nseeds: 2\n"
        "budget: 30\nn_init: 10\n"
    )
    ok("run", "sweep.yaml", "--workers", "1")
    assert len(list((workdir / "results" / "ustudy" / "runs").glob("*.json"))) == 4
    ok("analyze", "ustudy")
    fit = ok("surrogate", "fit", "u-rf", "-b", "ucli", "-t", "acc_search", "-t", "acc_report",
             "-p", "random_forest", "--param", "n_estimators=20", "--n-train", "100")  # fmt: skip
    assert "kendall" in fit and (workdir / "surrogates" / "u-rf" / "card.json").is_file()
    assert "u-rf" in ok("surrogate", "ls")
    assert "acc_search" in ok("surrogate", "evaluate", "u-rf")
    ok("surrogate", "curve", "-b", "ucli", "-t", "acc_search", "--predictors", "knn",
       "--sizes", "20,50", "--seeds", "2")  # fmt: skip
    ok("surrogate", "table", "u-rf", "--as", "ucli-sur")
    ok("surrogate", "importance", "u-rf")
    out = ok("surrogate", "fidelity", "ucli-err-size", "--table", "ucli-sur",
             "--algorithms", "random,nsga2", "--budget", "20", "--seeds", "2")  # fmt: skip
    assert "Kendall tau" in out
