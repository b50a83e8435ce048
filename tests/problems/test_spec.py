"""Problem spec files: templating and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.errors import ConfigError
from lab.problems.spec import TITLE_MAX_CHARS, load_spec_file


def test_for_each_expands(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "benchmark: b\nproblems:\n  - name: 'x-{d}'\n    for_each: {d: [a, b]}\n"
        "    objectives:\n      - {name: e, search: 'v_{d}', report: 't_{d}'}\n"
        "      - {name: l, search: 'l_{d}'}\n"
    )
    specs = load_spec_file(path)
    assert [s.name for s in specs] == ["x-a", "x-b"]
    assert specs[1].objectives[0].report_metric == "t_b"
    assert specs[1].objectives[1].report_metric == "l_b"


def test_errors_name_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "benchmark: b\nproblems:\n  - name: x\n    objectives:\n      - {name: e, serch: v}\n"
    )
    with pytest.raises(ConfigError, match=r"(?s)bad\.yaml.*serch"):
        load_spec_file(path)
    path.write_text(
        "benchmark: b\nproblems:\n  - name: 'x-{q}'\n    objectives:\n"
        "      - {name: e, search: v}\n      - {name: f, search: w}\n"
    )
    with pytest.raises(ConfigError, match="placeholder 'q'"):
        load_spec_file(path)
    path.write_text(
        "benchmark: b\nproblems:\n  - name: x\n    objectives:\n"
        "      - {name: e, search: v}\n      - {name: f, search: w}\n"
        "    constraints:\n      - {metric: w, le: 1, ge: 0}\n"
    )
    with pytest.raises(ConfigError, match="exactly one of 'le' or 'ge'"):
        load_spec_file(path)


def test_title_is_filled_and_bounded(tmp_path: Path) -> None:
    """A template's ``title`` gets its placeholders like the description; one longer than a
    paper panel holds is refused with the file, the entry and the field."""
    path = tmp_path / "t.yaml"
    head = "benchmark: b\nproblems:\n  - name: 'x-{d}'\n    for_each: {d: [a, b]}\n"
    objectives = (
        "    objectives:\n      - {name: e, search: 'v_{d}'}\n      - {name: l, search: 'l_{d}'}\n"
    )
    path.write_text(head + "    title: 'Error vs latency, {d}'\n" + objectives)
    assert [s.title for s in load_spec_file(path)] == ["Error vs latency, a", "Error vs latency, b"]
    path.write_text(head + f"    title: '{'y' * (TITLE_MAX_CHARS + 1)}'\n" + objectives)
    with pytest.raises(ConfigError, match=r"(?s)t\.yaml: problems\[0\].*field title.*56"):
        load_spec_file(path)


def test_every_builtin_problem_has_a_panel_title() -> None:
    """No built-in problem falls back to its id as a panel title: its ``title`` or its
    shortened description fits a panel."""
    from lab.figures.units import spec_panel_titles
    from lab.problems import problem_specs

    specs = problem_specs()
    titled = spec_panel_titles(specs)
    assert set(titled) == set(specs)
    assert max(len(t) for t in titled.values()) <= TITLE_MAX_CHARS
