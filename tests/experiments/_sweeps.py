"""Helpers shared by the sweep tests: config files, and comparing two stores' results."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import yaml

from lab.results.store import ResultsStore

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = "nbg-cora-err-lat"
PLUGINS = "tests.experiments._plugins"

#: A small sweep: 2 algorithm variants x 3 seeds on NAS-Bench-Graph (Cora), ~0.05 s per run
#: once the process is warm. ``slow_random`` slows down only where $LAB_TEST_ASK_DELAY_S is set.
SWEEP = {
    "name": "sweep",
    "problems": [PROBLEM],
    "algorithms": ["slow_random", {"name": "random", "label": "random-b3", "batch_size": 3}],
    "seeds": 3,
    "budget": 20,
    "n_init": 5,
    "imports": [PLUGINS],
}


def write_config(folder: Path, filename: str = "sweep.yaml", **changes) -> Path:
    """Write ``SWEEP`` updated with ``changes`` (a ``None`` value drops the field)."""
    data = {**SWEEP, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    path = Path(folder) / filename
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a child Python that imports the lab and the test plugins."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def sweep_script(config: Path, results: Path, workers: int) -> list[str]:
    """Command running a sweep in a child process; prints the report's run-id lists as JSON."""
    code = (
        "import json, sys\n"
        "from lab.experiments import load_config, run_sweep\n"
        f"r = run_sweep(load_config({str(config)!r}, allow_imports=True), workers={workers}, "
        f"results_dir={str(results)!r}, progress=False)\n"
        "print(json.dumps({'ok': r.ok, 'failed': r.failed, 'already_done': r.already_done, "
        "'done_elsewhere': r.done_elsewhere}))\n"
    )
    return [sys.executable, "-c", code]


def run_results(root: Path, experiment: str) -> dict[str, tuple[dict, pd.DataFrame | None]]:
    """run_id -> (manifest, history) of every manifest in the store."""
    store = ResultsStore(root)
    out = {}
    for manifest in store.manifests(experiment):
        rid = manifest["run_id"]
        history = store.read_history(experiment, rid) if manifest["status"] == "ok" else None
        out[rid] = (manifest, history)
    return out


def assert_same_results(root_a: Path, root_b: Path, experiment: str) -> None:
    """Both stores hold the same runs with identical histories (timings aside), configs and
    final hypervolumes."""
    a, b = run_results(root_a, experiment), run_results(root_b, experiment)
    assert sorted(a) == sorted(b)
    for rid in a:
        (ma, ha), (mb, hb) = a[rid], b[rid]
        assert ma["status"] == mb["status"] == "ok"
        assert ma["config"] == mb["config"]
        assert ma["final"] == mb["final"]
        pd.testing.assert_frame_equal(
            ha.drop(columns="algo_time_s"), hb.drop(columns="algo_time_s"), check_exact=True
        )


def leftovers(root: Path, experiment: str) -> list[str]:
    """Temporary or lock files left in the experiment's runs folder."""
    runs = ResultsStore(root).runs_dir(experiment)
    return sorted(p.name for p in runs.iterdir() if p.name.startswith(".") or p.suffix == ".lock")
