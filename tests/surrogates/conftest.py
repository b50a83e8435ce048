"""Fixtures of the surrogate tests: benchmark tables and an isolated surrogates folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.benchmarks.store import load_table
from lab.benchmarks.table import BenchmarkTable
from lab.errors import LabError


@pytest.fixture(scope="session")
def graph_table() -> BenchmarkTable:
    """NAS-Bench-Graph (always available: it ships in the installed wheel)."""
    return load_table("nasbench-graph")


@pytest.fixture(scope="session")
def proteins_table() -> BenchmarkTable:
    """NAS-Bench-Graph, proteins (2,021 architectures: small enough for quick fits)."""
    return load_table("nasbench-graph-proteins")


@pytest.fixture(scope="session")
def nb201_table() -> BenchmarkTable:
    """The NAS-Bench-201 12-epoch table; the test skips when its raw files are absent."""
    try:
        return load_table("nasbench201-12ep")
    except LabError as exc:
        pytest.skip(
            "NAS-Bench-201 12-epoch table cannot be built (raw files in shared/data/nas-bench-201 "
            f"beside the checkout are needed): {exc}"
        )


@pytest.fixture
def surrogates_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty surrogates folder, set as ``$LAB_SURROGATES_DIR`` for the test."""
    path = tmp_path / "surrogates"
    monkeypatch.setenv("LAB_SURROGATES_DIR", str(path))
    return path
