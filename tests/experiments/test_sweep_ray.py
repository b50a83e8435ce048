"""The Ray executor gives exactly the results of the in-process one (a local Ray instance)."""

from __future__ import annotations

import pytest

from lab.experiments import load_config, run_sweep
from lab.results.store import ResultsStore
from tests.experiments._sweeps import ROOT, assert_same_results, leftovers

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_ray_matches_in_process(reference_sweep, tmp_path, monkeypatch):
    config_path, ref_root = reference_sweep
    config = load_config(config_path)
    # Ray's workers inherit the environment of the raylet started here: they find the test
    # plugins (tests.experiments._plugins) and the benchmark tables ($LAB_DATA_DIR).
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    assert not ray.is_initialized()
    # Starts a local instance, ray.init(num_cpus=2, include_dashboard=False), and stops it.
    report = run_sweep(config, executor="ray", workers=2, results_dir=tmp_path, progress=False)
    assert not ray.is_initialized()
    assert report.complete and len(report.ok) == 6
    assert_same_results(ref_root, tmp_path, config.name)
    assert leftovers(tmp_path, config.name) == []
    for manifest in ResultsStore(tmp_path).manifests(config.name):
        assert manifest["sweep"]["executor"] == {"kind": "ray", "workers": 2, "address": None}
