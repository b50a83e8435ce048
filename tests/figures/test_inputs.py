"""Recipes that know their inputs: the commands that make what a recipe draws from run when
their outputs are missing (in a child process), are listed with ``--no-build``, and are named
but not run when marked ``automatic: false``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lab.cli.main import app
from lab.errors import ConfigError, FigureError
from lab.figures import parse_recipe
from lab.figures.inputs import InputsNotBuilt, build_inputs, missing_inputs
from tests.figures.conftest import EXPERIMENT


def _recipe(root: Path, **entry) -> dict:
    analysis = root / EXPERIMENT / "analysis" / "analysis.json"
    item = {
        "command": f"lab analyze {EXPERIMENT} --results-dir {root}",
        "files": [str(analysis)],
        **entry,
    }
    return {
        "name": "r",
        "experiment": EXPERIMENT,
        "results_dir": str(root),
        "formats": ["png"],
        "dpi": 50,
        "inputs": [item],
        "figures": [{"kind": "generalization"}],
    }


def test_missing_inputs_are_built_by_their_command(store_copy: Path):
    shutil.rmtree(store_copy / EXPERIMENT / "analysis", ignore_errors=True)
    recipe = parse_recipe(_recipe(store_copy))
    missing = missing_inputs(recipe)
    assert [m.missing for m in missing] == [
        (f"file {store_copy / EXPERIMENT / 'analysis' / 'analysis.json'}",)
    ]
    seen = []
    built = build_inputs(recipe, announce=seen.append)
    assert len(built) == 1 and seen == built
    assert (store_copy / EXPERIMENT / "analysis" / "analysis.json").is_file()
    assert missing_inputs(recipe) == []
    assert build_inputs(recipe) == []  # nothing left to make: nothing runs


def test_experiment_and_surrogate_outputs_are_checked(store_copy: Path, tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_SURROGATES_DIR", str(tmp_path / "none"))
    raw = _recipe(store_copy, files=[], experiments=[EXPERIMENT, "never-run"],
                  surrogates=["no-such-surrogate"])  # fmt: skip
    (m,) = missing_inputs(parse_recipe(raw))
    assert m.missing == ("surrogate no-such-surrogate", "experiment never-run")


def test_a_failing_command_names_the_recipe_entry(store_copy: Path):
    shutil.rmtree(store_copy / EXPERIMENT / "analysis", ignore_errors=True)
    raw = _recipe(store_copy, command=f"lab analyze never-run --results-dir {store_copy}")
    with pytest.raises(FigureError, match=r"inputs\[0\]: `lab analyze never-run .*` failed"):
        build_inputs(parse_recipe(raw))


def test_costly_inputs_are_named_not_run(store_copy: Path):
    shutil.rmtree(store_copy / EXPERIMENT / "analysis", ignore_errors=True)
    raw = _recipe(store_copy, automatic=False, cost="hours of BO")
    with pytest.raises(InputsNotBuilt, match=r"made by `lab analyze .*` \(hours of BO\)"):
        build_inputs(parse_recipe(raw))
    assert not (store_copy / EXPERIMENT / "analysis").exists()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"command": "rm -rf /"}, "must be a command of the lab"),
        ({"files": []}, "say what the command makes"),
        ({"command": "lab run 'unclosed"}, "cannot split the command"),
    ],
)
def test_bad_inputs_are_config_errors(entry, message, tmp_path):
    with pytest.raises(ConfigError, match=message):
        parse_recipe(_recipe(tmp_path, **entry))


def test_cli_no_build_lists_the_commands(store_copy: Path, tmp_path: Path):
    shutil.rmtree(store_copy / EXPERIMENT / "analysis", ignore_errors=True)
    path = tmp_path / "r.yaml"
    import yaml

    raw = _recipe(store_copy)
    raw["figures"] = [{"kind": "learning_curve", "table": str(tmp_path / "absent.csv")}]
    raw.pop("experiment")
    path.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(app, ["figures", str(path), "--no-build", "--out", str(tmp_path)])
    assert "missing" in result.output and "lab analyze" in result.output
    assert "not run: --no-build" in result.output
    assert not (store_copy / EXPERIMENT / "analysis").exists()
    # Only a list: nothing rendered, and a missing input is no defect (exit status 0).
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "figures.json").exists()


def test_drawing_another_experiment_does_not_make_the_recipes_own(store_copy: Path, tmp_path):
    """``--experiment`` draws a stored experiment with a recipe written for another one: the
    input that would run the recipe's own experiment (here marked too costly) is not needed."""
    import yaml

    raw = _recipe(store_copy, files=[], experiments=["never-run"], automatic=False)
    raw["experiment"] = "never-run"
    raw["inputs"][0]["command"] = "lab run experiments/paper.yaml"
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(raw))
    args = ["figures", str(path), "--out", str(tmp_path / "out")]
    skipped = CliRunner().invoke(app, args)
    assert "skipped" in skipped.output and not (tmp_path / "out").exists()
    drawn = CliRunner().invoke(app, [*args, "--experiment", EXPERIMENT])
    assert drawn.exit_code == 0, drawn.output
    assert "skipped" not in drawn.output
    assert list((tmp_path / "out").glob("generalization*.png"))
