"""A small stored experiment, run once per session, to render figures from.

Random search, NSGA-II and MOEA/D on NAS-Bench-Graph Cora with 2 objectives (error, latency) and
with 3 (error, latency, parameters), 3 seeds, 30 evaluations each: 18 runs, a few seconds. No
analysis is stored: the first rendering has to compute it from the runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lab.experiments import load_config, run_sweep

EXPERIMENT = "figures-small"
PROBLEMS = ("nbg-cora-err-lat", "nbg-cora-err-lat-params")
LABELS = ("random", "nsga2", "moead")
SEEDS = 3
SWEEP = {
    "name": EXPERIMENT,
    "problems": list(PROBLEMS),
    "algorithms": list(LABELS),
    "seeds": SEEDS,
    "budget": 30,
    "n_init": 10,
    "batch_size": 5,
}
#: The checkout's recipes.
RECIPE_DIR = Path(__file__).resolve().parents[2] / "paper_figures"


@pytest.fixture(scope="session")
def store_root(tmp_path_factory) -> Path:
    """Root of a results store holding the experiment. Tests never change its runs (copy it
    first); the first rendering writes its analysis."""
    folder = tmp_path_factory.mktemp("figures-store")
    config = folder / "sweep.yaml"
    config.write_text(yaml.safe_dump(SWEEP, sort_keys=False))
    report = run_sweep(
        load_config(config), workers=1, results_dir=folder / "results", progress=False
    )
    assert report.complete and len(report.ok) == len(PROBLEMS) * len(LABELS) * SEEDS
    return folder / "results"


@pytest.fixture
def store_copy(store_root: Path, tmp_path: Path) -> Path:
    """A private copy of the store (for tests that write analyses or add files)."""
    target = tmp_path / "results"
    shutil.copytree(store_root, target)
    return target
