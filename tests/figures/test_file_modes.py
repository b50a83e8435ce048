"""Figures, their index and copied tables are written (the report: ``test_report``) with the user's umask, like any
other file (readable by a co-author on a shared machine under the usual umask 022)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lab.figures import parse_recipe, render_recipe
from tests.figures.conftest import EXPERIMENT


@pytest.fixture
def umask():
    """Set the process umask for a test, and restore it."""
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_rendered_files_follow_the_umask(mask, umask, store_copy: Path, tmp_path: Path):
    umask(mask)
    recipe = parse_recipe(
        {
            "name": "modes",
            "experiment": EXPERIMENT,
            "formats": ["png", "pdf"],
            "dpi": 60,
            "figures": [{"kind": "final_distribution"}],
        }
    )
    out = tmp_path / "figs"
    report = render_recipe(recipe, results_dir=store_copy, out_dir=out)
    files = [*report.paths, out / "figures.json"]
    assert len(files) >= 4  # png, pdf, at least one LaTeX table, the index
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path.name
