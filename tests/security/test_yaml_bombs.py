"""Attack: YAML alias bombs in a sweep config.

A ~440-byte "billion laughs" in an algorithm's ``params`` made ``lab run --dry-run`` hang for
minutes, and ~490 bytes wrote a 184 MB manifest. The one YAML loader (:mod:`lab.config_file`)
bounds aliases, nesting and the expanded size; the refusal names the file and the bound.
"""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from lab.cli.main import app
from lab.config_file import DEFAULT_BOUNDS
from lab.errors import ConfigError
from lab.experiments.config import load_config

HEADER = "name: bomb\nproblems: [nbg-cora-err-lat]\nseeds: 1\nbudget: 20\n"


def _laughs(levels: int, width: int) -> str:
    """``levels`` anchors, each a list of ``width`` aliases of the one before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _bomb(tmp_path, levels: int = 9, width: int = 10):
    path = tmp_path / "bomb.yaml"
    body = _laughs(levels, width)
    path.write_text(
        HEADER + body + f"algorithms:\n  - name: random\n    params: {{junk: *a{levels - 1}}}\n"
    )
    return path


def test_alias_bomb_in_params_is_refused_at_once(tmp_path) -> None:
    path = _bomb(tmp_path)  # 10**9 strings once expanded
    assert path.stat().st_size < 700
    start = time.perf_counter()
    with pytest.raises(ConfigError, match=r"bomb\.yaml.*(max_nodes|max_aliases)"):
        load_config(path)
    assert time.perf_counter() - start < 10  # generous: the point is "not minutes"
    result = CliRunner().invoke(app, ["run", str(path), "--dry-run"], env={"COLUMNS": "250"})
    assert result.exit_code == 2 and "max_nodes" in result.output
    assert "Traceback" not in result.output


def test_many_aliases_and_deep_nesting_are_refused(tmp_path) -> None:
    many = tmp_path / "many.yaml"
    many.write_text(
        HEADER + "x: &x 1\nlist: [" + ", ".join(["*x"] * (DEFAULT_BOUNDS.max_aliases + 1)) + "]\n"
    )
    with pytest.raises(ConfigError, match=r"many\.yaml.*max_aliases"):
        load_config(many)
    deep = tmp_path / "deep.yaml"
    deep.write_text(HEADER + "x: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match=r"deep\.yaml.*(max_depth|nested)"):
        load_config(deep)


def test_a_bomb_under_the_bounds_cannot_reach_a_manifest(tmp_path) -> None:
    """10**5 strings from ~500 bytes pass the YAML bounds, but an algorithm's parameters are
    typed: the unknown ``junk`` is refused at load, so nothing of it reaches a manifest."""
    levels = ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 5):
        levels.append(f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text(
        HEADER + "algorithms:\n  - name: random\n    params: {junk: [" + ", ".join(levels) + "]}\n"
    )
    assert path.stat().st_size < 600
    with pytest.raises(ConfigError, match=r"bomb\.yaml(.|\n)*params(.|\n)*junk"):
        load_config(path)
