"""One ``arch_id`` per space: the official NAS-Bench-201 index, read from the official order
(pinned against known pairs), used by every NAS-Bench-201-space table, and joins on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from lab.benchmarks import nasbench201_index
from lab.benchmarks.join import join_tables
from lab.benchmarks.nasbench201_index import official_index
from lab.benchmarks.store import load_table, recipes
from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, ConfigError, RawFilesMissingError
from lab.spaces.nasbench201 import genome_to_string, string_to_genome
from tests.conftest import needs_nb201

#: Official index -> architecture string, as the official API prints them (``api[i]``).
KNOWN = {
    0: "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
    1: "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
    2: "|avg_pool_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|",
    3: "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|",
    4: "|skip_connect~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|skip_connect~1|nor_conv_1x1~2|",
}
NB201_TABLES = [
    n for n, r in recipes().items() if r.space == "nasbench201" and r.available()
]  # fmt: skip


@needs_nb201
def test_official_order_pinned_by_known_pairs() -> None:
    index = official_index()
    genomes = index.genomes_of_indices(np.asarray(list(KNOWN)))
    assert [genome_to_string(g) for g in genomes] == list(KNOWN.values())
    back = index.indices_of_genomes(np.stack([string_to_genome(s) for s in KNOWN.values()]))
    assert back.tolist() == list(KNOWN)
    # A permutation of the whole space, and not the genomes' own mixed-radix order.
    assert sorted(index.code_of_index.tolist()) == list(range(15625))
    assert (index.code_of_index != np.arange(15625)).mean() > 0.99


@needs_nb201
def test_an_index_outside_the_space_is_an_error() -> None:
    with pytest.raises(Exception, match="index 15625 is outside 0..15624"):
        official_index().genomes_of_indices(np.asarray([3, 15625]), where="t.csv")


@needs_nb201
@pytest.mark.parametrize("name", NB201_TABLES)
def test_every_nasbench201_table_uses_the_official_index(name: str) -> None:
    table = load_table(name)
    index = official_index()
    expected = [genome_to_string(g) for g in index.genomes_of_indices(table.arch_ids)]
    assert table.frame["arch_str"].tolist() == expected
    np.testing.assert_array_equal(index.indices_of_genomes(table.genomes), table.arch_ids)


def test_the_order_is_refused_without_a_source(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(nasbench201_index, "raw_data_dirs", lambda: [tmp_path / "raw"])
    nasbench201_index.clear_cache()
    with pytest.raises(RawFilesMissingError, match="lab bench fetch nasbench201-12ep"):
        official_index(tmp_path / "tables")
    nasbench201_index.clear_cache()


def test_analognas_without_the_order_says_how_to_get_it(monkeypatch, tmp_path) -> None:
    from lab.benchmarks.recipes import analognas

    if analognas.data_path() is None:
        pytest.skip("analog-nasbench is not installed")
    monkeypatch.setattr(analognas, "official_index_available", lambda: False)
    recipe = analognas.AnalogNasBenchRecipe()
    assert not recipe.available()
    assert "official NAS-Bench-201 index" in recipe.unavailable_reason()
    with pytest.raises(RawFilesMissingError, match="official NAS-Bench-201 index"):
        recipe.build()


@needs_nb201
def test_join_of_two_nasbench201_tables_matches_a_join_by_architecture() -> None:
    """AnalogNAS digital accuracy vs 12-epoch CIFAR-10 test accuracy: the join on arch_id
    equals the join on the architecture string, and the rank correlation is the 0.880 that
    pinned AnalogNAS's edge order (see lab/benchmarks/recipes/analognas.py)."""
    if "analognas" not in NB201_TABLES:
        pytest.skip("analog-nasbench is not installed")
    low, analog = load_table("nasbench201-12ep"), load_table("analognas")
    joined = join_tables([low, analog])
    assert len(joined.frame) == 15625 and joined.dropped == {"nasbench201-12ep": 0, "analognas": 0}
    x = joined.values("nasbench201-12ep", "test_acc_cifar10")
    y = joined.values("analognas", "acc_digital")
    by_string = pd.merge(low.frame, analog.frame, on="arch_str")
    rho = spearmanr(by_string["test_acc_cifar10"], by_string["acc_digital"]).statistic
    assert spearmanr(x, y).statistic == pytest.approx(rho, abs=1e-12)
    assert rho == pytest.approx(0.8797, abs=1e-3)


def _tiny(name: str, ids, strings, space: str = "nasbench201") -> BenchmarkTable:
    genomes = np.stack([string_to_genome(s) for s in strings])
    frame = pd.DataFrame({"arch_id": ids, "arch_str": strings})
    for i in range(6):
        frame[f"g{i}"] = genomes[:, i].astype(np.int16)
    frame["acc"] = np.arange(len(ids), dtype=float)
    from lab.benchmarks.metric import MetricInfo

    info = {"acc": MetricInfo("acc", "accuracy", "test", "%", "max", dataset="cifar10")}
    return BenchmarkTable(name, frame, info, (5,) * 6, space)


def test_join_refuses_tables_that_disagree_on_an_id() -> None:
    a = _tiny("a", [0, 1], [KNOWN[0], KNOWN[1]])
    b = _tiny("b", [0, 1], [KNOWN[1], KNOWN[0]])
    with pytest.raises(BenchmarkFileError, match="disagree on arch_id 0"):
        join_tables([a, b])
    joined = join_tables([a, _tiny("c", [1, 2], [KNOWN[1], KNOWN[2]])])
    assert joined.frame["arch_id"].tolist() == [1]
    assert joined.dropped == {"a": 1, "c": 1}


def test_join_refuses_other_spaces() -> None:
    a = _tiny("a", [0], [KNOWN[0]])
    with pytest.raises(ConfigError, match="different search spaces"):
        join_tables([a, _tiny("u", [0], [KNOWN[0]], space="user:u")])
    with pytest.raises(ConfigError, match="space: nasbench201"):
        join_tables([_tiny("u", [0], [KNOWN[0]], "user:u"), _tiny("v", [0], [KNOWN[0]], "user:u")])


def test_build_without_a_name_explains_analognas_when_the_order_is_absent(monkeypatch) -> None:
    """`lab bench build` (no name) calls every unavailable recipe's reason with whether it is
    fetchable; the AnalogNAS recipe once took no such argument and the command crashed."""
    from typer.testing import CliRunner

    from lab.benchmarks.recipes import analognas
    from lab.cli.main import app

    monkeypatch.setattr(analognas, "official_index_available", lambda: False)
    recipe = analognas.AnalogNasBenchRecipe()
    monkeypatch.setattr("lab.cli.bench.recipes", lambda: {"analognas": recipe})
    out = CliRunner().invoke(app, ["bench", "build"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "skipped analognas:" in text
    assert "TypeError" not in text
