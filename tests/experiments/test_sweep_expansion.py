"""Expansion of a sweep into runs: counts, labels, seeds and ids that depend only on identity."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import numpy as np

from lab.experiments import derive_run_seed, expand, load_config, parse_config, run_id_of
from tests.experiments._sweeps import PROBLEM, SWEEP, subprocess_env, write_config


def _config(**changes):
    return parse_config({**SWEEP, **changes}, source="test")


def test_counts_order_and_labels():
    config = _config(
        problems=["nbg-cora-*"],
        algorithms=[
            "random",
            {"name": "failing", "grid": {"message": ["a", "b", "c"]}},
            {"name": "failing", "label": "fail", "params": {"message": "z"}},
        ],
        seeds=[5, 9],
    )
    runs = expand(config)
    assert len(config.problems) == 2
    assert len(runs) == 2 * 2 * 5  # problems x seeds x variants (1 + 3 + 1)
    labels = [r.label for r in runs[:5]]
    assert labels == [
        "random", 'failing(message=a)', 'failing(message=b)', 'failing(message=c)', "fail",
    ]  # fmt: skip
    assert [r.params for r in runs[1:4]] == [{"message": m} for m in "abc"]
    assert [(r.problem, r.seed) for r in runs[::5]] == [
        (config.problems[0], 5), (config.problems[0], 9),
        (config.problems[1], 5), (config.problems[1], 9),
    ]  # fmt: skip
    assert len({r.run_id for r in runs}) == len(runs)


def test_run_seed_matches_an_independent_seedsequence():
    key = int.from_bytes(hashlib.sha256(PROBLEM.encode()).digest()[:8], "little")
    for master, seed in ((0, 0), (0, 3), (12345, 1)):
        state = np.random.SeedSequence(master, spawn_key=(key, seed)).generate_state(1, np.uint64)
        assert derive_run_seed(master, PROBLEM, seed) == int(state[0]) // 2
        assert 0 <= derive_run_seed(master, PROBLEM, seed) < 2**63


def test_seed_depends_on_problem_and_index_not_algorithm_or_order():
    runs = expand(_config(problems=["nbg-cora-*"]))
    by_key: dict[tuple[str, int], set[int]] = {}
    for r in runs:
        by_key.setdefault((r.problem, r.seed), set()).add(r.run_seed)
    assert all(len(s) == 1 for s in by_key.values())  # every algorithm shares the seed
    assert len({next(iter(s)) for s in by_key.values()}) == len(by_key)  # distinct otherwise
    reordered = expand(_config(problems=["nbg-cora-*"], seeds=[2, 1, 0],
                               algorithms=list(reversed(SWEEP["algorithms"]))))  # fmt: skip
    assert {r.run_id: r.run_seed for r in reordered} == {r.run_id: r.run_seed for r in runs}


def test_run_id_is_sha256_of_canonical_json():
    run = expand(_config())[0]
    resolved = run.resolved()
    text = json.dumps(resolved, sort_keys=True, separators=(",", ":"))
    assert run.run_id == hashlib.sha256(text.encode()).hexdigest()[:16] == run_id_of(resolved)
    assert resolved["algorithm"] == "slow_random" and resolved["seed"] == 0
    assert resolved["budget"] == 20 and resolved["n_init"] == 5 and resolved["threads"] == 1


def test_growing_a_sweep_keeps_existing_ids():
    small = {r.run_id for r in expand(_config())}
    grown = {r.run_id for r in expand(_config(seeds=5, problems=["nbg-cora-*"]))}
    assert small < grown
    changed = {r.run_id for r in expand(_config(budget=21))}
    assert not small & changed  # a different budget is a different run
    renamed = {r.run_id for r in expand(_config(name="other"))}
    assert renamed == small  # the experiment's name is not part of a run's identity


def test_ids_and_seeds_are_the_same_in_a_fresh_process(tmp_path):
    path = write_config(tmp_path)
    code = (
        "import json; from lab.experiments import load_config, expand\n"
        f"print(json.dumps([[r.run_id, r.run_seed] for r in expand(load_config({str(path)!r}, allow_imports=True))]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=subprocess_env(PYTHONHASHSEED="123"), check=True)  # fmt: skip
    here = [[r.run_id, r.run_seed] for r in expand(load_config(path))]
    assert json.loads(out.stdout) == here
