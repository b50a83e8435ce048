"""A user's own table from CSV + YAML: no code needed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.store import import_table, load_table
from lab.errors import BenchmarkFileError, ConfigError

SPEC = """
name: toy-bench
file: toy.csv
architecture_column: arch
genome:
  - {column: a, cardinality: 3}
  - {column: b, cardinality: 2, labels: [small, big]}
metrics:
  - {column: acc, metric: accuracy, split: val, unit: "%", direction: max, dataset: toy}
  - {column: lat, metric: latency, split: exact, unit: ms, direction: min, device: cpu}
licence: CC0
"""


def write_toy(folder: Path, spec: str = SPEC) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        [
            (f"{a}-{b}", a, b, rng.uniform(50, 90), rng.uniform(1, 5))
            for a in range(3)
            for b in range(2)
        ],
        columns=["arch", "a", "b", "acc", "lat"],
    )
    frame.to_csv(folder / "toy.csv", index=False)
    (folder / "toy.yaml").write_text(spec)
    return folder / "toy.yaml"


def test_import_and_use_in_a_problem(tmp_path: Path) -> None:
    from lab.problems.problem import Problem
    from lab.problems.registry import _space_for
    from lab.problems.spec import ProblemSpec

    spec = write_toy(tmp_path)
    table = import_table("toy-bench", spec, directory=tmp_path / "tables")
    assert len(table) == 6
    assert table.metrics["lat"].unit == "ms"
    loaded = load_table("toy-bench", directory=tmp_path / "tables")
    assert loaded.meta["licence"] == "CC0"
    problem = Problem(
        ProblemSpec(name="toy", benchmark="toy-bench",
                    objectives=[{"name": "err", "search": "acc"}, {"name": "lat", "search": "lat"}]),
        loaded, _space_for(loaded),
    )  # fmt: skip
    ev = problem.evaluate(np.array([[2, 1]]))
    csv = pd.read_csv(tmp_path / "toy.csv").set_index("arch")
    assert ev.F[0, 0] == pytest.approx(100 - csv.loc["2-1", "acc"])
    assert ev.F[0, 1] == pytest.approx(csv.loc["2-1", "lat"])
    assert problem.space.describe([2, 1]) == {"a": "2", "b": "big"}


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC.replace("column: lat,", "column: latency_ms,"))
    with pytest.raises(BenchmarkFileError, match=r"toy\.csv.*toy\.yaml.*'latency_ms'.*file lacks"):
        import_table("toy-bench", spec, directory=tmp_path / "t")


def test_unknown_spec_field_is_an_error(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC + "colour: blue\n")
    with pytest.raises(ConfigError, match=r"(?s)toy\.yaml.*colour"):
        import_table("toy-bench", spec, directory=tmp_path / "t")


def test_genome_out_of_cardinality(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC.replace("cardinality: 3", "cardinality: 2"))
    with pytest.raises(
        BenchmarkFileError, match=r"genome variable 'a' has value 2 .*outside 0\.\.1"
    ):
        import_table("toy-bench", spec, directory=tmp_path / "t")


def test_bad_direction(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC.replace("direction: min", "direction: lower"))
    with pytest.raises(ConfigError, match="metrics.1.direction"):
        import_table("toy-bench", spec, directory=tmp_path / "t")
