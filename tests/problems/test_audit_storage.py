"""Where ``lab bench audit`` stores an audit: beside the frozen points of the problem, i.e. the
``audit.yaml`` of the spec folder declaring it, or, for a problem of an imported user table,
``<table>.audit.yaml`` beside the table in the data directory (tied to the table's sha256).
Every command ``lab run`` and ``lab bench show`` recommend for a missing audit then works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lab.problems.registry import (
    audit_file,
    audit_hint,
    audit_values,
    audit_warnings,
    auditable_names,
    write_audit,
)

TABLE_SPEC = """
name: aud
file: aud.json
key: {column: arch}
genome:
  - {position: 0, repeat: 2, codes: ["0", "1", "2"]}
metrics:
  - {column: acc, metric: accuracy, split: val, unit: "%", direction: max}
  - {column: lat, metric: latency, split: exact, unit: ms, direction: min}
problems:
  - name: aud-err-lat
    objectives:
      - {name: error, search: acc}
      - {name: latency, search: lat}
"""

LAYER_SPEC = """
benchmark: aud
problems:
  - name: aud-layer-err-lat
    objectives:
      - {name: error, search: acc}
      - {name: latency, search: lat}
"""

#: A stored audit's shape (what lab.analysis.problem_audit computes), with made-up values.
ENTRY = {
    "front_size": 3,
    "hv_share_best": {1: 0.5, 3: 1.0, 10: 1.0},
    "search_front_report_hv": 0.9,
    "random_median": {100: 0.8, 500: 0.85},
    "headroom": 0.05,
    "headroom_interval": [0.04, 0.06],
    "rank_correlation": None,
    "verdict": "saturating",
    "verdict_reason": "made up",
}


def _write_table(folder: Path, *, shift: float = 0.0) -> None:
    rows = [
        {"arch": f"{a}{b}", "acc": 60.0 + a + b + shift, "lat": 1.0 + a * b}
        for a in range(3)
        for b in range(3)
    ]
    (folder / "aud.json").write_text(json.dumps(rows))


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch) -> Path:
    from lab.benchmarks.store import clear_cache
    from lab.problems.user_import import import_user_benchmark

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    monkeypatch.delenv("LAB_BENCHMARKS_DIR", raising=False)
    clear_cache()
    (tmp_path / "benchmarks").mkdir()
    _write_table(tmp_path)
    (tmp_path / "benchmarks" / "aud.yaml").write_text(TABLE_SPEC.replace("aud.json", "../aud.json"))
    import_user_benchmark("aud", tmp_path / "benchmarks" / "aud.yaml")
    yield tmp_path
    clear_cache()


def test_a_table_spec_problem_audit_lives_beside_its_table(workdir: Path) -> None:
    assert "aud-err-lat" in auditable_names()
    assert audit_hint("aud-err-lat") == "run `lab bench audit aud-err-lat`"
    assert "run `lab bench audit aud-err-lat`" in audit_warnings(["aud-err-lat"])[0]
    (written,) = write_audit({"aud-err-lat": ENTRY})
    assert written == workdir / "tables" / "aud.audit.yaml" == audit_file("aud-err-lat")
    assert not (workdir / "benchmarks" / "audit.yaml").exists()
    assert audit_values()["aud-err-lat"]["verdict"] == "saturating"


def test_a_reimported_changed_table_has_no_audit_until_audited_again(workdir: Path) -> None:
    from lab.problems.user_import import import_user_benchmark

    write_audit({"aud-err-lat": ENTRY})
    import_user_benchmark("aud", workdir / "benchmarks" / "aud.yaml")  # the same table: kept
    assert "aud-err-lat" in audit_values()
    _write_table(workdir, shift=1.0)
    import_user_benchmark("aud", workdir / "benchmarks" / "aud.yaml")
    assert "aud-err-lat" not in audit_values()
    write_audit({"aud-err-lat": ENTRY})
    assert "aud-err-lat" in audit_values()


def test_a_spec_folder_problem_audit_lives_beside_its_frozen_points(workdir: Path) -> None:
    from lab.problems.registry import freeze

    (workdir / "benchmarks" / "mine.yaml").write_text(LAYER_SPEC)
    freeze(["aud-layer-err-lat"])
    (written,) = write_audit({"aud-layer-err-lat": ENTRY})
    assert written == workdir / "benchmarks" / "audit.yaml" == audit_file("aud-layer-err-lat")
    assert audit_values()["aud-layer-err-lat"]["verdict"] == "saturating"
    assert "aud-layer-err-lat" not in audit_values().get("aud-err-lat", {})


def test_bench_audit_and_show_of_a_table_spec_problem(workdir: Path, monkeypatch) -> None:
    """The command `lab bench show` recommends stores the audit and exits 0; the computation
    itself is lab.analysis's (tested there), replaced here by a stub to stay fast."""
    from rich.console import Console

    import lab.analysis.problem_audit as problem_audit
    from lab.cli.main import app

    monkeypatch.setattr("lab.cli.bench.console", Console(width=250))
    monkeypatch.setattr(
        problem_audit,
        "audit_problems",
        lambda problems, seeds, progress: {p.name: dict(ENTRY) for p in problems},
    )
    runner = CliRunner()
    shown = runner.invoke(app, ["bench", "show", "aud-err-lat"])
    assert shown.exit_code == 0, shown.output
    assert "run `lab bench audit aud-err-lat`" in shown.output
    result = runner.invoke(app, ["bench", "audit", "aud-err-lat", "--seeds", "10"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "aud.audit.yaml" in result.output
    shown = runner.invoke(app, ["bench", "show", "aud-err-lat"])
    assert "aud.audit.yaml" in shown.output and "none stored" not in shown.output
