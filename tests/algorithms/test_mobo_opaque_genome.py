"""BO refuses a genome it cannot model: one variable naming every architecture (an opaque id)
or a variable of very many choices; the error names the problem, the variable and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.algorithms.registry import make_algorithm
from lab.errors import ConfigError

SPEC = """
name: {name}
file: t.json
genome:
{genome}
metrics:
  - {{column: acc, metric: accuracy, split: val, unit: "%", direction: max}}
  - {{column: lat, metric: latency, split: exact, unit: ms, direction: min}}
problems:
  - name: {name}-err-lat
    objectives:
      - {{name: error, search: acc}}
      - {{name: latency, search: lat}}
"""


def _problem(tmp_path: Path, name: str, genome: str, rows: list[dict]):
    from lab.benchmarks.store import load_table, space_of_table
    from lab.problems.problem import Problem
    from lab.problems.user_import import import_user_benchmark

    (tmp_path / "t.json").write_text(json.dumps(rows))
    (tmp_path / "s.yaml").write_text(SPEC.format(name=name, genome=genome))
    _, (problem,) = import_user_benchmark(name, tmp_path / "s.yaml", directory=tmp_path / "tb")
    table = load_table(name, directory=tmp_path / "tb")
    return Problem(problem.spec, table, space_of_table(table))


@pytest.mark.parametrize("algorithm", ["qnehvi", "qparego", "qehvi"])
def test_an_opaque_id_genome_is_refused_with_the_fix(tmp_path: Path, algorithm: str) -> None:
    rows = [{"id": i, "acc": 50.0 + (i * 37) % 41, "lat": 1.0 + (i * 11) % 13} for i in range(200)]
    problem = _problem(tmp_path, "opaque", "  - {column: id, cardinality: 200}", rows)
    with pytest.raises(ConfigError) as info:
        make_algorithm(algorithm, problem, budget=20, seed=0)
    message = str(info.value)
    assert "opaque-err-lat" in message and "'id'" in message and "200 choices" in message
    assert "opaque architecture id" in message
    assert "'genome'" in message and "random" in message  # the two ways out
    make_algorithm("random", problem, budget=20, seed=0)  # a model-free algorithm runs


def test_a_variable_of_very_many_choices_is_refused(tmp_path: Path) -> None:
    rows = [
        {"id": i, "b": i % 2, "acc": 50.0 + (i * 37) % 41, "lat": 1.0 + (i * 11) % 13}
        for i in range(1200)
    ]
    genome = "  - {column: id, cardinality: 1200}\n  - {column: b, cardinality: 2}"
    problem = _problem(tmp_path, "wide", genome, rows)
    with pytest.raises(ConfigError, match=r"variable 'id' has 1200 choices; a Gaussian"):
        make_algorithm("qnehvi", problem, budget=20, seed=0)


def test_a_small_single_variable_is_allowed(tmp_path: Path) -> None:
    rows = [{"id": i, "acc": 50.0 + (i * 37) % 41, "lat": 1.0 + (i * 11) % 13} for i in range(64)]
    problem = _problem(tmp_path, "small", "  - {column: id, cardinality: 64}", rows)
    make_algorithm("qnehvi", problem, budget=20, seed=0)
