"""``lab algorithms``: every registered algorithm, its typed hyperparameters and references."""

from __future__ import annotations

from lab.algorithms.registry import algorithm_class, algorithm_names, algorithm_target
from tests.cli.test_bench_cli import lab


def test_lists_every_algorithm_with_its_defaults() -> None:
    out = lab("algorithms")
    assert out.returncode == 0, out.stderr
    for name in algorithm_names():
        if algorithm_target(name).startswith("lab."):  # not the test suite's own plugins
            assert f"│ {name} " in out.stdout
    assert "kappa=0.05" in out.stdout and "decomposition='tchebicheff'" in out.stdout


def test_one_algorithm_shows_types_ranges_and_references() -> None:
    out = lab("algorithms", "moead")
    assert out.returncode == 0, out.stderr
    rows = {line.split("│")[1].strip(): line for line in out.stdout.splitlines() if "│" in line}
    assert "int" in rows["pop_size"] and ">= 2" in rows["pop_size"] and "20" in rows["pop_size"]
    assert "[0, 1]" in rows["crossover_prob"]
    assert "one of tchebicheff, pbi" in rows["decomposition"]
    assert "Zhang, H. Li. MOEA/D" in out.stdout


def test_every_shipped_algorithm_cites_its_source() -> None:
    for name in algorithm_names():
        if algorithm_target(name).startswith("lab."):
            assert algorithm_class(name).references, name


def test_unknown_name_lists_the_valid_ones() -> None:
    out = lab("algorithms", "nsga-2")
    assert out.returncode == 2
    assert "unknown algorithm 'nsga-2'; valid:" in out.stderr and "nsga2" in out.stderr
