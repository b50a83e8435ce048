"""A tiny user benchmark (a CSV of 16 architectures, two genome variables) written into a
working folder, for attacks that go through ``lab bench import`` and what follows it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

SPEC = """name: {name}
title: {title!r}
file: {file}
genome:
  - {{column: a, cardinality: 4}}
  - {{column: b, cardinality: 4}}
metrics:
  - {{column: acc, metric: accuracy, split: val, unit: "%", direction: max, dataset: toy}}
  - {{column: size, metric: params, split: exact, unit: M, direction: min}}
  - {{column: energy, metric: energy, split: exact, unit: J, direction: min}}
problems:
  - name: {problem!r}
    description: {description!r}
    objectives:
      - {{name: error, search: acc}}
      - {{name: size, search: size}}
"""


def table_rows(energy: dict[int, str] | None = None) -> str:
    """The CSV text; ``energy`` replaces the energy of some rows (e.g. ``{3: "nan"}``)."""
    lines = ["a,b,acc,size,energy"]
    for i, (a, b) in enumerate(itertools.product(range(4), repeat=2)):
        value = (energy or {}).get(i, f"{1.0 + 0.1 * i:.2f}")
        lines.append(
            f"{a},{b},{60 + 3 * a + 2 * b - 0.1 * a * b:.2f},{0.1 + 0.2 * a + 0.1 * b},{value}"
        )
    return "\n".join(lines) + "\n"


def write_bench(
    folder: Path,
    *,
    name: str = "tiny",
    problem: str = "tiny-err-size",
    title: str = "Tiny table",
    description: str = "error vs size",
    file: str = "tiny.csv",
    rows: str | None = None,
) -> Path:
    """Write the spec (``folder/<name>.yaml``) and, unless ``file`` exists already, the CSV;
    returns the spec's path."""
    data = folder / file
    if not data.exists():
        data.write_text(rows if rows is not None else table_rows())
    spec = folder / f"{name}.yaml"
    spec.write_text(
        SPEC.format(name=name, title=title, file=file, problem=problem, description=description)
    )
    return spec


@pytest.fixture()
def user_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder with its own table cache, surrogates and results."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    monkeypatch.setenv("COLUMNS", "250")
    for var in ("LAB_SURROGATES_DIR", "LAB_RESULTS_DIR", "LAB_BENCHMARKS_DIR"):
        monkeypatch.delenv(var, raising=False)
    from lab.benchmarks.store import clear_cache

    clear_cache()
    yield tmp_path
    clear_cache()
