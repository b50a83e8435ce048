"""``lab bench join``: rows matched on arch_id and rank correlations of the chosen metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from scipy.stats import spearmanr
from typer.testing import CliRunner

from lab.cli.main import app
from tests.benchmarks.test_nasbench201_index import KNOWN, _tiny


def test_join_prints_rows_and_correlations(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr("lab.cli.bench.console", Console(width=250))
    a = _tiny("a", [0, 1, 2, 3], [KNOWN[i] for i in range(4)])
    b = _tiny("b", [1, 2, 3, 4], [KNOWN[i] for i in range(1, 5)])
    b.frame["acc"] = [5.0, 1.0, 3.0, 2.0]  # ids 1, 2, 3 -> 5, 1, 3 against a's 1, 2, 3
    tables = {"a": a, "b": b}
    monkeypatch.setattr("lab.cli.bench.load_table", lambda name: tables[name])
    out = CliRunner().invoke(
        app,
        ["bench", "join", "a", "b", "-m", "a:acc", "-m", "b:acc", "--out", str(tmp_path / "j.csv")],
    )
    assert out.exit_code == 0, out.output
    assert "3 rows; rows without a partner: {'a': 1, 'b': 1}" in out.output
    rho = spearmanr([1.0, 2.0, 3.0], [5.0, 1.0, 3.0]).statistic
    assert f"{rho:+.3f}" in out.output
    written = pd.read_csv(tmp_path / "j.csv")
    assert written["arch_id"].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(written["b:acc"], [5.0, 1.0, 3.0])


def test_join_names_a_bad_metric(monkeypatch) -> None:
    tables = {n: _tiny(n, [0], [KNOWN[0]]) for n in ("a", "b")}
    monkeypatch.setattr("lab.cli.bench.load_table", lambda name: tables[name])
    out = CliRunner().invoke(app, ["bench", "join", "a", "b", "-m", "acc"])
    assert out.exit_code != 0
    assert "TABLE:METRIC" in out.output


@pytest.mark.parametrize("spaces", [("nasbench201", "user:b")])
def test_join_refuses_different_spaces(monkeypatch, spaces) -> None:
    tables = {n: _tiny(n, [0], [KNOWN[0]], space=s) for n, s in zip("ab", spaces, strict=True)}
    monkeypatch.setattr("lab.cli.bench.load_table", lambda name: tables[name])
    out = CliRunner().invoke(app, ["bench", "join", "a", "b"])
    assert out.exit_code != 0
    assert "different search spaces" in out.output
