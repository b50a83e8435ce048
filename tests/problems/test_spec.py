"""Problem spec files: templating and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.errors import ConfigError
from lab.problems.spec import load_spec_file


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
