"""A small finished experiment (4 ok runs, 2 failed) in a temporary results store."""

from __future__ import annotations

from pathlib import Path

import pytest

# The test algorithms the sweeps list under `imports`: a config's imports never run by
# themselves, so this process imports them (as a notebook registering its algorithm would).
import tests.experiments._plugins  # noqa: F401
from lab.experiments import load_config, run_sweep
from tests.experiments._sweeps import write_config


@pytest.fixture(scope="session")
def store_root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    config = write_config(
        folder, "demo.yaml", name="demo", seeds=2,
        algorithms=["random", {"name": "random", "label": "random-b4", "batch_size": 4},
                    "failing"],
    )  # fmt: skip
    report = run_sweep(load_config(config), workers=1, results_dir=folder / "results",
                       progress=False)  # fmt: skip
    assert len(report.ok) == 4 and len(report.failed) == 2
    return folder / "results"
