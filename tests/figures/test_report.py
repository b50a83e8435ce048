"""``lab report``: one self-contained HTML page (figures embedded, tables with verdicts and effect
sizes, failed and missing runs, the sweep config, versions and checksums), checked as HTML and
loaded in a real headless browser (Chromium) without console errors."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from typer.testing import CliRunner

from lab.analysis.display_names import display_label
from lab.analysis.problem_audit import verdict, verdict_reason
from lab.cli.main import app
from lab.figures.report import report_html, write_report
from lab.problems.registry import audit_values
from tests.figures.conftest import EXPERIMENT, LABELS, PROBLEMS

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def damaged_store(store_root: Path, tmp_path_factory) -> Path:
    """A copy of the small experiment with one run marked failed and one run's files gone."""
    root = tmp_path_factory.mktemp("report-store") / "results"
    shutil.copytree(store_root, root)
    runs = sorted((root / EXPERIMENT / "runs").glob("*.json"))
    failed = json.loads(runs[0].read_text())
    failed["status"] = "failed"
    failed["error"] = {"type": "RuntimeError", "message": "the GPU went away"}
    runs[0].write_text(json.dumps(failed))
    gone = json.loads(runs[1].read_text())
    runs[1].unlink()
    runs[1].with_suffix(".parquet").unlink(missing_ok=True)
    shutil.rmtree(root / EXPERIMENT / "analysis", ignore_errors=True)
    return root, failed["run_id"], gone["run_id"]


@pytest.fixture(scope="module")
def page(damaged_store) -> str:
    root, _, _ = damaged_store
    return report_html(EXPERIMENT, root=root, width="single")


def test_page_is_self_contained(page: str):
    assert page.startswith("<!DOCTYPE html>")
    # Nothing to fetch: every src is a data: URI, every link an anchor of the page.
    srcs = re.findall(r'src="([^"]*)"', page)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
    assert "<script" not in page.lower() and "http://" not in page and "https://" not in page
    for s in srcs:
        assert base64.b64decode(s.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_holds_what_a_reviewer_asks_for(page: str, damaged_store):
    _, failed_id, missing_id = damaged_store
    for problem in PROBLEMS:
        assert f"<h3>{problem}</h3>" in page
    for label in LABELS:  # display names, as the figures show them
        assert f">{display_label(label)}</td>" in page
    # Verdicts against the baseline with effect sizes and intervals, search and report metric.
    assert "vs baseline: HV (report)" in page and "vs baseline: HV (search)" in page
    assert "vs baseline: IGD<sup>+</sup> (report)" in page
    # Each problem's audit verdict with what it measured (the built-in problems have one).
    for problem in PROBLEMS:
        entry = audit_values()[problem]
        assert "Audit: <span" in page and verdict_reason(entry).split(" ")[0] in page
        assert f">{verdict(entry)}</span>" in page
    # The run diagnostics, and the lab's version once (import and distribution name are one).
    assert "Run diagnostics" in page and "outside region" in page
    assert ">lab</td>" not in page
    assert re.search(r"A12 = \d\.\d\d \[\d\.\d\d, \d\.\d\d\]", page)
    assert "p<sub>Holm</sub>" in page
    # Failed and missing runs, by id, with the error.
    assert failed_id in page and "the GPU went away" in page
    assert missing_id in page and "Missing runs" in page
    # The sweep config as run, versions and checksums from the manifests.
    assert f"name: {EXPERIMENT}" in page
    assert "Library versions" in page and ">numpy</td>" in page
    assert re.search(r"[0-9a-f]{64}", page)
    # Captions, including why a report-metric trace can fall.
    assert "search metrics but worse on the report metrics" in page


def test_cli_writes_the_report(damaged_store, tmp_path: Path):
    root, _, _ = damaged_store
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["report", EXPERIMENT, "--results-dir", str(root), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # Written with the user's umask, like any file (not private to the writer).
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    assert "Report" in result.output
    bad = CliRunner().invoke(app, ["report", "no-such-experiment", "--results-dir", str(root)])
    assert bad.exit_code != 0


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


@pytest.mark.skipif(
    _chromium() is None,
    reason="no Chromium on PATH (Debian: apt-get install chromium; .ci/run installs it when "
    "apt-get is available)",
)
def test_page_loads_in_a_headless_browser_without_console_errors(damaged_store, tmp_path):
    root, _, _ = damaged_store
    path = write_report(EXPERIMENT, tmp_path / "report.html", root=root, width="single")
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",  # containers and CI run as root
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,2400",
            f"--screenshot={shot}",
            path.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Chromium logs every console message (errors, uncaught exceptions) as INFO:CONSOLE.
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, "\n".join(console)
    image = mpimg.imread(shot)
    assert image.shape[:2] == (2400, 1200)
    # Not a blank page: text and figures make many distinct colours.
    assert len(np.unique(image.reshape(-1, image.shape[-1])[::97], axis=0)) > 50


def _chromium_load(path: Path, shot: Path) -> list[str]:
    """Console messages of ``path`` loaded in headless Chromium (a screenshot to ``shot``)."""
    done = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         "--v=0", "--window-size=1200,2400", f"--screenshot={shot}", path.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def test_report_draws_the_experiments_recipe(damaged_store, tmp_path):
    """A recipe naming the experiment decides the report's figures: its entries (names,
    options, selection) and its problem names; without one, the default figures."""
    root, _, _ = damaged_store
    folder = tmp_path / "recipes"
    folder.mkdir()
    (folder / "other.yaml").write_text(
        "name: other\nexperiment: another-experiment\nfigures:\n  - kind: anytime\n"
    )
    (folder / "broken.yaml").write_text("name: [\n")
    (folder / "mine.yaml").write_text(
        f"name: mine\nexperiment: {EXPERIMENT}\n"
        f"problem_names: {{{PROBLEMS[0]}: Cora with two objectives}}\n"
        "figures:\n"
        "  - kind: anytime\n    name: my-anytime\n    metric: igd_plus\n"
        f"    problems: [{PROBLEMS[0]}]\n    algorithms: [nsga2, random]\n"
        "  - kind: final_distribution\n    name: my-boxes\n"
    )
    page = report_html(EXPERIMENT, root=root, width="single", recipe_dirs=[folder])
    figures = re.findall(r'<figure id="fig-([^"]+)"', page)
    assert figures == ["my-anytime", "my-boxes"]
    assert "Figures of the experiment&#x27;s recipe" in page and "mine.yaml" in page
    default = report_html(EXPERIMENT, root=root, width="single", recipe_dirs=[tmp_path / "no"])
    assert "anytime_hv_normalized" in re.findall(r'<figure id="fig-([^"]+)"', default)
    assert "Default figures" in default
    if _chromium() is not None:
        path = tmp_path / "report.html"
        path.write_text(page, encoding="utf-8")
        assert _chromium_load(path, tmp_path / "shot.png") == []


def test_browser_check_sees_console_errors(tmp_path):
    """The check above can fail: a page with a script error is caught."""
    if _chromium() is None:
        pytest.skip("no Chromium on PATH")
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>nosuch();</script></body></html>")
    done = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         "--v=0", f"--screenshot={tmp_path / 'b.png'}", bad.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert any(":CONSOLE" in line and "nosuch" in line for line in done.stderr.splitlines())


def test_cli_report_takes_the_recipe_folder(damaged_store, tmp_path: Path):
    root, _, _ = damaged_store
    folder = tmp_path / "recipes"
    folder.mkdir()
    (folder / "mine.yaml").write_text(
        f"name: mine\nexperiment: {EXPERIMENT}\nfigures:\n  - kind: anytime\n    name: only-one\n"
    )
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app,
        ["report", EXPERIMENT, "--results-dir", str(root), "--out", str(out),
         "--recipe-dir", str(folder), "--width", "single"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert re.findall(r'<figure id="fig-([^"]+)"', out.read_text()) == ["only-one"]
