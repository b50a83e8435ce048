"""Attack: a tiny sweep config that expands into an enormous design.

Before: ``seeds: 1000000000`` in a 90-byte config made ``lab run --dry-run`` grow to 23 GB
until the kernel killed it (H7), and a 2.5 KB grid of 100 values for each of 4 parameters
(10^8 variants) ran 80 s and then raised MemoryError (H8). Now the number of runs (problems x
seeds x algorithm variants) is computed arithmetically when the config is loaded, before
anything is expanded, and a design over the bound (``$LAB_MAX_RUNS``, default
:data:`lab.experiments.config.DEFAULT_MAX_RUNS`) is one error with the count and the bound.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lab.errors import ConfigError
from lab.experiments.config import load_config

MAX_RUNS_ENV = "LAB_MAX_RUNS"

HEADER = "name: big\nproblems: [nbg-cora-err-lat]\nbudget: 20\n"


def _grid_config(path: Path, values: int, keys: int) -> Path:
    names = ["mutation_prob", "crossover_prob", "eta_c", "eta_m"][:keys]
    grid = ", ".join(
        f"{k}: [{', '.join(str((i + 1) / 1000) for i in range(values))}]" for k in names
    )
    path.write_text(HEADER + f"seeds: 1\nalgorithms:\n  - name: nsga2\n    grid: {{{grid}}}\n")
    return path


def test_a_billion_seeds_is_refused_before_the_seed_list_is_built(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(HEADER + "algorithms: [random]\nseeds: 1000000000\n")
    assert path.stat().st_size < 100
    with pytest.raises(ConfigError, match=r"1,000,000,000(.|\n)*bound(.|\n)*LAB_MAX_RUNS"):
        load_config(path)


def test_a_grid_of_ten_to_the_eight_variants_is_refused_without_expanding_it(tmp_path) -> None:
    from lab.experiments.config import DEFAULT_MAX_RUNS

    path = _grid_config(tmp_path / "grid.yaml", values=100, keys=4)
    assert path.stat().st_size < 3000
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "100,000,000 runs" in message and f"{DEFAULT_MAX_RUNS:,}" in message
    assert "grid.yaml" in message and MAX_RUNS_ENV in message


def test_the_bound_counts_problems_seeds_and_variants_and_can_be_raised(
    tmp_path: Path, monkeypatch
) -> None:
    path = _grid_config(tmp_path / "grid.yaml", values=3, keys=2)  # 9 variants, 1 seed
    monkeypatch.setenv(MAX_RUNS_ENV, "8")
    with pytest.raises(ConfigError, match=r"9 runs, more than the bound of 8"):
        load_config(path)
    monkeypatch.setenv(MAX_RUNS_ENV, "9")
    assert load_config(path).run_count() == 9
    monkeypatch.setenv(MAX_RUNS_ENV, "many")
    with pytest.raises(ConfigError, match=r"LAB_MAX_RUNS='many' is not a whole number"):
        load_config(path)


def test_dry_run_of_a_huge_design_is_one_message(tmp_path: Path) -> None:
    from lab.cli.main import app

    path = tmp_path / "big.yaml"
    path.write_text(HEADER + "algorithms: [random]\nseeds: 1000000000\n")
    result = CliRunner().invoke(app, ["run", str(path), "--dry-run"], env={"COLUMNS": "250"})
    assert result.exit_code == 2, result.output
    assert "1,000,000,000" in result.output and "Traceback" not in result.output
