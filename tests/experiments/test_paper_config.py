"""The shipped paper-size sweep (experiments/paper.yaml) asks for what a paper comparison
needs: problems the audit calls discriminative over several benchmarks, 2 and 3 objectives, a
constrained one, every applicable algorithm, enough seeds for the paired tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from lab.algorithms.registry import algorithm_names, algorithm_target, params_class
from lab.problems.registry import problem_specs

ROOT = Path(__file__).resolve().parents[2]


def _raw(name: str) -> dict:
    return yaml.safe_load((ROOT / "experiments" / name).read_text())


def test_paper_sweep_covers_problems_algorithms_and_seeds() -> None:
    raw = _raw("paper.yaml")
    specs = problem_specs()
    problems = raw["problems"]
    assert len(problems) >= 5 and set(problems) <= set(specs)
    assert len({specs[p].benchmark for p in problems}) >= 3
    assert {len(specs[p].objectives) for p in problems} >= {2, 3}
    assert any(specs[p].constraints for p in problems)
    audit = yaml.safe_load((ROOT / "benchmarks" / "audit.yaml").read_text())
    for p in problems:
        assert audit[p]["verdict"] == "discriminative", p
    names = [a if isinstance(a, str) else a["name"] for a in raw["algorithms"]]
    built_in = {n for n in algorithm_names() if algorithm_target(n).startswith("lab.")}
    # Transfer searches need a source problem: they run in experiments/transfer*.yaml.
    built_in -= {n for n in built_in if "warm_start" in params_class(n).model_fields}
    assert set(names) == built_in  # every built-in search algorithm
    assert raw["seeds"] == 30 and raw["budget"] == 200 and raw["batch_size"] == 1


def test_quickstart_uses_enough_seeds_for_a_paired_test() -> None:
    # With n paired seeds the smallest two-sided Wilcoxon p is 2 / 2^n: below 0.05 from n = 6.
    assert _raw("quickstart.yaml")["seeds"] >= 10
