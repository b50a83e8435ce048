"""Attack: names from a user's file that become file and folder names.

Before: a problem named ``../../../pwn/x`` in a user spec was accepted, and ``lab figures`` /
``lab report`` wrote ``x.png``/``x.pdf`` outside the output folder (C8); the experiment-name
check used ``re.match`` with ``$``, which accepts a trailing newline, so ``name: "nl\\n"``
created ``results/nl⏎/`` (C1/C6); and a problem whose name holds glob characters could never
be selected by its own name in a sweep (C9). Now one name rule (:func:`lab.registry.check_name`,
``fullmatch``) holds for benchmarks, problems, algorithm labels, experiments, figure recipes
and surrogates, applied when they are loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lab.errors import ConfigError, SurrogateError
from tests.security._user_bench import write_bench

BAD_NAMES = ["../../../pwn/x", "nl\n", "a/b", ".hidden", "-flag", "tp-[red]x", "a b", "x" * 101]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_name_rule_refuses_paths_newlines_and_odd_characters(name: str) -> None:
    from lab.registry import check_name, is_valid_name

    assert not is_valid_name(name)
    with pytest.raises(ConfigError, match="letters, digits"):
        check_name(name, what="problem name")


@pytest.mark.parametrize("name", ["nbg-cora-err-lat", "a", "v1.2_x-y", "9" * 100])
def test_the_name_rule_accepts_ordinary_names(name: str) -> None:
    from lab.registry import check_name

    assert check_name(name, what="problem name") == name


def test_a_problem_named_like_a_path_is_refused_at_load(tmp_path: Path) -> None:
    from lab.problems.spec import load_spec_file

    spec = tmp_path / "evil.yaml"
    spec.write_text(
        'benchmark: nasbench-graph\nproblems:\n  - name: "../../../pwn/x"\n    objectives:\n'
        "      - {name: e, search: val_acc_cora}\n      - {name: l, search: latency_cora}\n"
    )
    with pytest.raises(ConfigError, match=r"evil\.yaml(.|\n)*problem name"):
        load_spec_file(spec)


def test_a_user_benchmark_with_a_path_as_problem_name_is_not_imported(user_workdir: Path) -> None:
    from lab.cli.main import app

    spec = write_bench(user_workdir, problem="../../../pwn/x")
    result = CliRunner().invoke(app, ["bench", "import", "tiny", "--from", str(spec)])
    assert result.exit_code == 2, result.output
    assert "problem name" in result.output and "Traceback" not in result.output
    assert not (user_workdir / "tables" / "tiny.parquet").exists()
    assert not any(user_workdir.parent.rglob("pwn"))


def test_a_user_benchmark_name_with_a_newline_is_refused(user_workdir: Path) -> None:
    from lab.benchmarks.recipes.user_table import load_user_spec

    spec = write_bench(user_workdir)
    spec.write_text(spec.read_text().replace("name: tiny\n", 'name: "tiny\\n"\n', 1))
    with pytest.raises(ConfigError, match="benchmark name"):
        load_user_spec(spec)


SWEEP = "problems: [nbg-cora-err-lat]\nalgorithms: [random]\nseeds: 1\nbudget: 20\n"


@pytest.mark.parametrize("name", ['"nl\\n"', '"../up"', '"a/b"'])
def test_an_experiment_name_with_a_newline_or_a_path_is_refused(tmp_path: Path, name) -> None:
    from lab.experiments.config import load_config

    path = tmp_path / "s.yaml"
    path.write_text(f"name: {name}\n{SWEEP}")
    with pytest.raises(ConfigError, match="experiment name"):
        load_config(path)


@pytest.mark.parametrize("label", ['"nl\\n"', '"../x"', '"[link=http://x]y"'])
def test_an_algorithm_label_follows_the_name_rule(tmp_path: Path, label: str) -> None:
    from lab.experiments.config import load_config

    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nproblems: [nbg-cora-err-lat]\nseeds: 1\nbudget: 20\n"
        f"algorithms:\n  - name: random\n    label: {label}\n"
    )
    with pytest.raises(ConfigError, match="algorithm label"):
        load_config(path)


@pytest.mark.parametrize("name", ["s\n", "../s", "a/b"])
def test_a_surrogate_name_follows_the_name_rule(name: str) -> None:
    from lab.surrogates.artifact import check_name as check_surrogate_name

    with pytest.raises(SurrogateError, match="surrogate name"):
        check_surrogate_name(name)


def test_a_figure_recipe_name_with_a_newline_is_refused() -> None:
    from lab.figures import parse_recipe

    raw = {"name": "fig\n", "experiment": "e", "figures": [{"kind": "anytime"}]}
    with pytest.raises(ConfigError, match="letters, digits"):
        parse_recipe(raw, source="recipe.yaml")


def test_an_exact_problem_name_selects_itself_before_it_is_read_as_a_glob(monkeypatch) -> None:
    import lab.problems.registry as registry
    from lab.experiments.config import parse_config

    names = ["tp-[red]x", "tp-rx", "tp-ex"]
    monkeypatch.setattr(registry, "problem_names", lambda available_only=False: names)
    monkeypatch.setattr(registry, "frozen_values", lambda: {})
    raw = {"name": "s", "problems": ["tp-[red]x"], "algorithms": ["random"], "seeds": 1,
           "budget": 20}  # fmt: skip
    assert parse_config(raw).problems == ("tp-[red]x",)
    raw["problems"] = ["tp-[er]x"]  # a pattern that is no name is still a pattern
    assert parse_config(raw).problems == ("tp-rx", "tp-ex")
