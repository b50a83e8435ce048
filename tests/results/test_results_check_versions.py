"""``lab results check`` warns where the runs' recorded library versions differ from the
running ones (a warning: the store is intact, the exit status stays 0)."""

from __future__ import annotations

import json

from rich.console import Console
from typer.testing import CliRunner

from lab.cli.main import app
from lab.experiments.verify import version_differences
from lab.results import provenance
from lab.results.store import ResultsStore

runner = CliRunner()


def _recorded(store_root) -> list[dict]:
    return [
        json.loads(p.read_text()) for p in sorted((store_root / "demo" / "runs").glob("*.json"))
    ]


def test_same_versions_no_warning(store_root, monkeypatch) -> None:
    monkeypatch.setattr("lab.cli.results.console", Console(width=250))
    assert version_differences(ResultsStore(store_root).manifests("demo")) == {}
    out = runner.invoke(app, ["results", "check", "demo", "--results-dir", str(store_root)])
    assert "warning" not in out.output


def test_a_different_running_version_is_a_warning(store_root, monkeypatch) -> None:
    monkeypatch.setattr("lab.cli.results.console", Console(width=250))
    args = ["results", "check", "demo", "--results-dir", str(store_root)]
    baseline = runner.invoke(app, args).exit_code
    running = dict(provenance.library_versions())
    recorded = [m["versions"]["botorch"] for m in _recorded(store_root) if "versions" in m]
    assert recorded and len(set(recorded)) == 1
    monkeypatch.setattr(provenance, "library_versions", lambda: {**running, "botorch": "9.9"})
    differences = version_differences(ResultsStore(store_root).manifests("demo"))
    assert differences == {
        "botorch": f"{len(recorded)} run(s) recorded {recorded[0]} ({len(recorded)}), this "
        "installation has 9.9"
    }
    out = runner.invoke(app, args)
    text = " ".join(out.output.split())
    assert f"warning: botorch: {len(recorded)} run(s) recorded {recorded[0]}" in text
    assert "may not give the same history" in text
    assert out.exit_code == baseline  # a warning is not a problem of the store


def test_untrusted_version_fields_are_bounded_and_typed() -> None:
    running = provenance.library_versions()
    manifests = [
        {"versions": {"numpy": "x" * 500}},
        {"versions": {"numpy": {"nested": 1}, "unknown-lib": "1"}},
        {"versions": "not a mapping"},
    ]
    (what,) = version_differences(manifests).values()
    assert f"1 run(s) recorded {'x' * 64} (1), this installation has {running['numpy']}" == what
