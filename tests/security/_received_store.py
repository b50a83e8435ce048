"""A small results store, as someone else would send it, for the attacks on the store.

One sweep (random search and NSGA-II, two seeds, 20 evaluations) runs once per test module;
each test edits its own copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from lab.cli.main import app
from lab.experiments import load_config, run_sweep
from lab.results.query import load_manifests

EXPERIMENT = "received"
SWEEP = {
    "name": EXPERIMENT,
    "problems": ["nbg-cora-err-lat"],
    "algorithms": ["random", "nsga2"],
    "seeds": 2,
    "budget": 20,
    "n_init": 5,
    "batch_size": 5,
}


def make_store(folder: Path, **changes) -> Path:
    """Run the sweep (``SWEEP`` updated with ``changes``) into ``folder/results``."""
    config = folder / "sweep.yaml"
    config.write_text(yaml.safe_dump({**SWEEP, **changes}, sort_keys=False))
    run_sweep(load_config(config), workers=1, results_dir=folder / "results", progress=False)
    return folder / "results"


def copy_store(pristine: Path, folder: Path) -> Path:
    """A copy of the store ``pristine`` under ``folder``."""
    shutil.copytree(pristine, folder / "results")
    return folder / "results"


def runs_dir(root: Path) -> Path:
    return root / EXPERIMENT / "runs"


def sweeps_dir(root: Path) -> Path:
    return root / EXPERIMENT / "sweeps"


def run_ids(root: Path, label: str | None = None) -> list[str]:
    """Run ids of the experiment (of one label), ordered by problem, label, seed."""
    manifests = load_manifests(EXPERIMENT, root=root)
    if label is not None:
        manifests = manifests[manifests["label"] == label]
    return list(manifests["run_id"])


def cli(*args: str):
    """Invoke the CLI in this process (wide terminal, so that messages are not wrapped)."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})


def flat(text: str) -> str:
    """``text`` with its whitespace (and table borders' line breaks) collapsed."""
    return " ".join(text.replace("│", " ").split())


def squash(text: str) -> str:
    """``text`` without whitespace or table borders: a name wrapped across table lines is found
    whole."""
    return "".join(text.replace("│", "").split())
