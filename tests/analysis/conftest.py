"""A small real experiment, run once per session, and its analysis.

Random search, NSGA-II and MOEA/D on NAS-Bench-Graph cora and citeseer (error vs latency; each is
the other's transfer target), 3 seeds, 40 evaluations each: 18 runs, a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lab.analysis import AnalysisResult, analyze_experiment
from lab.experiments import load_config, run_sweep

EXPERIMENT = "analysis-small"
PROBLEMS = ("nbg-cora-err-lat", "nbg-citeseer-err-lat")
SWEEP = {
    "name": EXPERIMENT,
    "problems": list(PROBLEMS),
    "algorithms": ["random", "nsga2", "moead"],
    "seeds": 3,
    "budget": 40,
    "n_init": 10,
    "batch_size": 5,
}


@pytest.fixture(scope="session")
def store_root(tmp_path_factory) -> Path:
    """Root of a results store holding the experiment (do not modify: copy it first)."""
    folder = tmp_path_factory.mktemp("analysis")
    config = folder / "sweep.yaml"
    config.write_text(yaml.safe_dump(SWEEP, sort_keys=False))
    report = run_sweep(load_config(config), workers=1, results_dir=folder / "results",
                       progress=False)  # fmt: skip
    assert report.complete and len(report.ok) == 18
    return folder / "results"


@pytest.fixture(scope="session")
def analysis(store_root: Path) -> AnalysisResult:
    return analyze_experiment(EXPERIMENT, root=store_root)
