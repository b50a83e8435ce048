"""Fixtures of the sweep tests: the test plugin algorithms and a reference sweep."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.experiments._plugins  # noqa: F401 - registers slow_random and failing
from lab.experiments import load_config, run_sweep
from tests.experiments._sweeps import write_config


@pytest.fixture(scope="session")
def reference_sweep(tmp_path_factory) -> tuple[Path, Path]:
    """The standard sweep run once, uninterrupted, in this process: ``(config, results root)``."""
    folder = tmp_path_factory.mktemp("reference")
    config = write_config(folder)
    report = run_sweep(load_config(config), workers=1, results_dir=folder / "results",
                       progress=False)  # fmt: skip
    assert report.complete and len(report.ok) == 6
    return config, folder / "results"
