"""What ``lab bench`` says: one wording of front sizes ("N distinct objective vectors (M
architectures)") at import and in ``show``; ``build`` without a name says what it skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from lab.benchmarks.recipe import Recipe
from lab.cli.main import app
from tests.problems.test_audit_storage import TABLE_SPEC, _write_table


@pytest.fixture()
def runner(monkeypatch) -> CliRunner:
    monkeypatch.setattr("lab.cli.bench.console", Console(width=250))
    return CliRunner()


def test_front_sizes_read_the_same_at_import_and_in_show(
    tmp_path: Path, monkeypatch, runner: CliRunner
) -> None:
    from lab.benchmarks.store import clear_cache

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    clear_cache()
    _write_table(tmp_path)
    (tmp_path / "s.yaml").write_text(TABLE_SPEC)
    out = runner.invoke(app, ["bench", "import", "aud", "--from", "s.yaml"])
    assert out.exit_code == 0, out.output
    from lab.problems.registry import get_problem

    frozen = get_problem("aud-err-lat").frozen()
    wording = (
        f"{frozen['true_front_size']} distinct objective vectors "
        f"({frozen['true_front_architectures']} architectures)"
    )
    assert f"exact front (report): {wording}" in out.output
    assert "architectures (report)" not in out.output
    shown = runner.invoke(app, ["bench", "show", "aud-err-lat"])
    assert f"exact front (report): {wording}" in shown.output
    clear_cache()


class _Missing:
    """A recipe whose raw files are nowhere."""

    name = "missing-bench"
    raw_subdir = "missing-raw"
    unavailable_reason = Recipe.unavailable_reason
    how_to_get = Recipe.how_to_get

    def available(self) -> bool:
        return False


def test_build_without_a_name_reports_what_it_skipped(monkeypatch, runner: CliRunner) -> None:
    monkeypatch.setattr("lab.cli.bench.recipes", lambda: {"missing-bench": _Missing()})
    monkeypatch.setattr("lab.benchmarks.fetch.sources", lambda: {})
    out = runner.invoke(app, ["bench", "build"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "skipped missing-bench: its raw files (missing-raw/)" in text
    assert "`lab bench import missing-bench --from PATH`" in text
