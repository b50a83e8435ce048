"""``lab figures``: renders recipes, says where the figures are, keeps going with --all."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lab.cli.main import app
from tests.figures.conftest import EXPERIMENT

RECIPE = "figures: [{kind: final_distribution}, {kind: critical_difference}]\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def test_renders_a_recipe_and_says_where(store_root: Path, tmp_path: Path):
    recipe = write(tmp_path / "recipes", "small", f"experiment: {EXPERIMENT}\n{RECIPE}")
    result = CliRunner().invoke(
        app, ["figures", str(recipe), "--results-dir", str(store_root)], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "recipes" / "small"
    assert f"Figures in {out}/" in result.output
    for stem in ("final_hv_normalized", "cd_hv_normalized"):
        assert (out / f"{stem}.pdf").is_file() and (out / f"{stem}.png").is_file()
    assert (out / "table_hv_normalized.tex").is_file()


def test_all_renders_every_recipe_and_reports_the_failures(store_root: Path, tmp_path: Path):
    folder = tmp_path / "paper_figures"
    write(folder, "good", f"experiment: {EXPERIMENT}\n{RECIPE}")
    write(folder, "absent", f"experiment: no-such-experiment\n{RECIPE}")
    write(folder, "table", "figures: [{kind: parity, table: nowhere.parquet}]\n")
    result = CliRunner().invoke(
        app,
        ["figures", "--all", "--recipe-dir", str(folder), "--results-dir", str(store_root),
         "--out", str(tmp_path / "out")],
        terminal_width=200,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "not rendered" in result.output and "no-such-experiment" in result.output
    assert "not drawn" in result.output and "nowhere.parquet" in result.output
    assert (tmp_path / "out" / "good" / "final_hv_normalized.pdf").is_file()


def test_errors(store_root: Path, tmp_path: Path):
    # Errors end in one message and exit status 2 (lab.cli.error_report), never a traceback.
    runner = CliRunner()
    result = runner.invoke(app, ["figures"], env={"COLUMNS": "250"})
    assert result.exit_code == 2 and "error:" in result.output
    result = runner.invoke(app, ["figures", "--all", "--recipe-dir", str(tmp_path)],
                           env={"COLUMNS": "250"})  # fmt: skip
    assert result.exit_code == 2 and "no recipe" in result.output
    recipe = write(tmp_path, "one", f"experiment: nope\n{RECIPE}")
    result = runner.invoke(app, ["figures", str(recipe), "--results-dir", str(store_root)],
                           env={"COLUMNS": "250"})  # fmt: skip
    assert result.exit_code == 2 and "unknown experiment" in result.output
    assert EXPERIMENT in result.output  # the message lists the experiments
    assert "Traceback" not in result.output


@pytest.mark.parametrize("flag", ["--help"])
def test_help_lists_the_options(flag):
    result = CliRunner().invoke(app, ["figures", flag], terminal_width=200)
    assert result.exit_code == 0
    for option in ("--all", "--experiment", "--results-dir", "--out", "--recipe-dir"):
        assert option in result.output
