"""``--help`` lists on/off flags as flags (no ``<bool>`` value type), options that take values
with their types."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from lab.cli.main import app


def _option_rows(output: str) -> dict[str, str]:
    rows = {}
    for line in output.splitlines():
        m = re.match(r"^[│|]\s+(--[\w-]+)(.*)$", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def test_flags_show_no_value_type():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    rows = _option_rows(result.output)
    assert "<bool>" not in result.output
    assert "<path>" in rows["--data-dir"]  # an option with a value keeps its type
    assert rows["--debug"].split()[0] == "Show"


def test_negatable_flags_and_typed_options_of_a_command():
    result = CliRunner().invoke(app, ["analyze", "--help"], env={"COLUMNS": "140"})
    assert result.exit_code == 0
    rows = _option_rows(result.output)
    assert "<bool>" not in result.output
    assert "--no-transfer" in rows["--transfer"]
    assert "<int" in rows["--seed"] and "<path>" in rows["--results-dir"]
