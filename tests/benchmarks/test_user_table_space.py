"""A user table in a declared built-in space (``space: nasbench201``): architectures read from
strings or official indices, the space's ids, degenerate rule and cost model, metrics read
from another table of the space."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.recipes.user_table import build_user_table, load_user_spec
from lab.benchmarks.store import load_table
from lab.errors import BenchmarkFileError, ConfigError
from lab.spaces.nasbench201 import NasBench201Space, string_to_genome
from lab.spaces.nasbench201_cost import nasbench201_params_flops
from tests.benchmarks.test_nasbench201_index import KNOWN
from tests.conftest import needs_nb201

SPEC = """
name: cells201
file: cells.csv
space: nasbench201
{naming}
metrics:
  - {{column: acc, metric: accuracy, split: test, unit: "%", direction: max, dataset: cifar10}}
  - {{column: lat, metric: latency, split: exact, unit: ms, direction: min, device: cpu}}
  - {{column: params, compute: params, metric: params, split: exact, unit: M, direction: min,
     dataset: cifar100}}
problems:
  - name: cells201-err-lat
    objectives:
      - {{name: error, search: acc}}
      - {{name: latency, search: lat}}
"""


def _write(folder: Path, frame: pd.DataFrame, naming: str, extra: str = "") -> Path:
    frame.to_csv(folder / "cells.csv", index=False)
    path = folder / "cells201.yaml"
    path.write_text(SPEC.format(naming=naming) + extra)
    return path


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """400 rows of the real 12-epoch table: official index, string, accuracy, a latency."""
    t = load_table("nasbench201-12ep").frame.sample(n=400, random_state=1)
    return pd.DataFrame({
        "index": t["arch_id"].to_numpy(), "cell": t["arch_str"].to_numpy(),
        "acc": t["test_acc_cifar10"].to_numpy(), "lat": t["latency_pixel3"].to_numpy(),
    })  # fmt: skip


@needs_nb201
def test_strings_and_indices_give_the_space_s_table(tmp_path: Path, sample) -> None:
    by_index = build_user_table(_write(tmp_path, sample, "index_column: index"))
    by_string = build_user_table(_write(tmp_path, sample, "architecture_column: cell"))
    pd.testing.assert_frame_equal(by_index.frame, by_string.frame)
    table = by_index
    assert table.space == "nasbench201" and table.cardinalities == (5,) * 6
    expected = sample.sort_values("index")
    assert table.arch_ids.tolist() == expected["index"].tolist()  # the official index
    assert table.frame["arch_str"].tolist() == expected["cell"].tolist()
    genomes = np.stack([string_to_genome(s) for s in expected["cell"]])
    np.testing.assert_array_equal(table.genomes, genomes)
    params, _ = nasbench201_params_flops(tuple(expected["cell"]), "cifar100")
    np.testing.assert_allclose(table.metric_values("params"), params)


@needs_nb201
def test_the_space_s_degenerate_rule_applies_to_its_problems(tmp_path: Path, sample) -> None:
    from lab.problems.user_import import import_user_benchmark

    spec = _write(tmp_path, sample, "index_column: index")
    table, (problem,) = import_user_benchmark("cells201", spec, directory=tmp_path / "tables")
    expected = NasBench201Space().degenerate_mask(table.genomes)
    assert expected.sum() > 10  # the sample holds degenerate cells
    np.testing.assert_array_equal(problem.degenerate_all, expected)
    assert problem.space.name == "nasbench201"
    assert problem.n_searchable == len(table) - int(expected.sum())


@needs_nb201
@pytest.mark.parametrize(
    ("edit", "error", "match"),
    [
        (lambda f: f.assign(index=f["index"].where(f.index != 3, 15625)), BenchmarkFileError,
         r"official NAS-Bench-201 indices 0..15624; 1 row\(s\): 3 hold 15625"),
        (lambda f: f.assign(index=f["index"].where(f.index != 5, f["index"].iloc[0])),
         BenchmarkFileError, r"2 row\(s\): 0, 5 name an architecture another row names too"),
    ],
)  # fmt: skip
def test_bad_indices_are_errors_naming_the_rows(tmp_path, sample, edit, error, match) -> None:
    with pytest.raises(error, match=match):
        build_user_table(_write(tmp_path, edit(sample.copy()), "index_column: index"))


def test_a_bad_string_names_its_row(tmp_path: Path) -> None:
    frame = pd.DataFrame({"cell": [KNOWN[0], "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"],
                          "acc": [1.0, 2.0], "lat": [1.0, 2.0]})  # fmt: skip
    with pytest.raises(BenchmarkFileError, match=r"architecture_column \('cell'\), row 1: .*conv"):
        build_user_table(_write(tmp_path, frame, "architecture_column: cell"))


@pytest.mark.parametrize(
    ("naming", "match"),
    [
        ("index_column: index\ngenome: [{column: a, cardinality: 3}]", r"drop \['genome'\]"),
        ("", "exactly one of 'architecture_column'"),
        ("index_column: index\narchitecture_column: cell", "exactly one of"),
    ],
)
def test_spec_mistakes_with_a_space(tmp_path: Path, naming: str, match: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.format(naming=naming))
    with pytest.raises(ConfigError, match=match):
        load_user_spec(path)


def test_an_undeclarable_space_and_a_join_without_space(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.format(naming="index_column: i").replace("nasbench201", "nasbench-macro"))
    with pytest.raises(ConfigError, match=r"space 'nasbench-macro' cannot be declared"):
        load_user_spec(path)
    path.write_text(
        "name: x\nfile: t.csv\ngenome: [{column: a, cardinality: 2}]\nmetrics:\n"
        "  - {column: acc, table: nasbench201-12ep, source: test_acc_cifar10, metric: accuracy,\n"
        "     split: test, unit: '%', direction: max, dataset: cifar10}\n"
    )
    with pytest.raises(ConfigError, match="space: nasbench201"):
        load_user_spec(path)


@needs_nb201
def test_a_spec_without_a_file_joins_tables_of_the_space(tmp_path: Path) -> None:
    """Metrics read from a built table by arch_id: here the 12-epoch table twice (two columns),
    which must equal that table's own values row by row."""
    path = tmp_path / "j.yaml"
    path.write_text(
        "name: joined\nspace: nasbench201\nmetrics:\n"
        "  - {column: a10, table: nasbench201-12ep, source: test_acc_cifar10, metric: accuracy,\n"
        "     split: test, unit: '%', direction: max, dataset: cifar10}\n"
        "  - {column: lat, table: nasbench201-12ep, source: latency_raspi4, metric: latency,\n"
        "     split: exact, unit: ms, direction: min, device: raspi4}\n"
    )
    table = build_user_table(path, load_table=load_table)
    source = load_table("nasbench201-12ep").frame.sort_values("arch_id")
    assert table.arch_ids.tolist() == source["arch_id"].tolist()
    np.testing.assert_array_equal(table.metric_values("a10"), source["test_acc_cifar10"])
    np.testing.assert_array_equal(table.metric_values("lat"), source["latency_raspi4"])
    assert table.meta["joined_tables"]["nasbench201-12ep"]
    with pytest.raises(ConfigError, match="through the store"):
        build_user_table(path)  # no loader: the tables it names cannot be read


@needs_nb201
def test_a_metric_from_a_table_lacking_rows_is_an_error(tmp_path: Path, sample) -> None:
    from lab.benchmarks.store import clear_cache, import_table

    small = sample.iloc[:50]
    spec = _write(tmp_path, small, "index_column: index")
    import_table("cells201", spec)  # into the session's data folder, as a user would
    try:
        big = sample.iloc[:80]
        big.to_csv(tmp_path / "big.csv", index=False)
        (tmp_path / "big.yaml").write_text(
            "name: big\nfile: big.csv\nspace: nasbench201\nindex_column: index\nmetrics:\n"
            "  - {column: acc, table: cells201, metric: accuracy, split: test, unit: '%',\n"
            "     direction: max, dataset: cifar10}\n"
        )
        with pytest.raises(BenchmarkFileError, match=r"table 'cells201' lacks 30 of the spec's 80"):
            build_user_table(tmp_path / "big.yaml", load_table=load_table)
    finally:
        from lab.benchmarks.locations import data_dir

        for suffix in (".parquet", ".json"):
            (data_dir() / f"cells201{suffix}").unlink(missing_ok=True)
        clear_cache()


def test_a_table_name_follows_the_name_rule(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: x\nspace: nasbench201\nmetrics:\n"
        "  - {column: acc, table: ../tables/x, metric: accuracy, split: test, unit: '%',\n"
        "     direction: max, dataset: cifar10}\n"
    )
    with pytest.raises(ConfigError, match=r"invalid name '../tables/x'"):
        load_user_spec(path)
