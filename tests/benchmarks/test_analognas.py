"""AnalogNAS-Bench from the installed wheel: restricted reading, the pinned code and edge
mapping (with the evidence), naming, joined costs and its problems."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest
from scipy.stats import rankdata

from lab.benchmarks.recipes.analognas import (
    KEY_EDGES,
    OP_OF_CODE,
    AnalogNasBenchRecipe,
    data_path,
    keys_to_genomes,
    read_records,
)
from lab.benchmarks.store import load_table
from lab.spaces.encoding import genome_codes
from lab.spaces.nasbench201 import EDGES, OPS
from tests.conftest import needs_nb201

pytestmark = pytest.mark.skipif(data_path() is None, reason="analog-nasbench is not installed")


@pytest.fixture(scope="module")
def records():
    return read_records(data_path())


def _reaches_output(genomes: np.ndarray) -> np.ndarray:
    """Independent path check: node 3 reachable from node 0 over edges that are not 'none'."""
    none = OPS.index("none")
    out = np.zeros(len(genomes), dtype=bool)
    for i, g in enumerate(genomes):
        reached = {0}
        for node in (1, 2, 3):
            if any(g[e] != none and s in reached for e, (t, s) in enumerate(EDGES) if t == node):
                reached.add(node)
        out[i] = 3 in reached
    return out


def _genomes_under(keys: np.ndarray, ops: tuple[str, ...], key_edges) -> np.ndarray:
    op_index = np.asarray([OPS.index(o) for o in ops])
    g = np.empty_like(keys)
    for j, edge in enumerate(key_edges):
        g[:, EDGES.index(edge)] = op_index[keys[:, j]]
    return g


def test_read_without_importing_the_package(records) -> None:
    keys, fields = records
    assert "analognasbench.data" not in sys.modules and "analognasbench" not in sys.modules
    assert keys.shape == (15_625, 6) and len({tuple(k) for k in keys}) == 15_625
    assert set(fields) >= {"baseline_accuracy", "noisy_accuracy", "analog_drift_2592000_spread"}


def test_codes_of_uniform_cells(records) -> None:
    keys, fields = records
    row = {tuple(k): i for i, k in enumerate(keys)}
    acc = {c: fields["baseline_accuracy"][row[(c,) * 6]] for c in range(5)}
    assert acc == pytest.approx({0: 60.7836, 1: 10.0, 2: 93.2424, 3: 89.532, 4: 50.2876}, abs=1e-3)
    # Code 1 is the only one at chance: it must be 'none'; 2 (best) and 3 are the convolutions.
    assert OP_OF_CODE[1] == "none" and OP_OF_CODE[2] == "nor_conv_3x3"
    assert OP_OF_CODE[3] == "nor_conv_1x1"


def test_chance_cells_are_exactly_the_cells_without_a_path(records) -> None:
    keys, fields = records
    chance = fields["baseline_accuracy"] <= 10.0 + 1e-9
    assert chance.sum() == 341
    assert np.array_equal(~_reaches_output(keys_to_genomes(keys)), chance)
    # The official string order is not the key order: it gets the no-path cells wrong.
    wrong = _genomes_under(keys, OP_OF_CODE, EDGES)
    assert not np.array_equal(~_reaches_output(wrong), chance)


@pytest.mark.usefixtures("shared_data")
def test_rank_correlation_with_the_12_epoch_table_picks_the_mapping(records) -> None:
    from tests.conftest import has_shared

    if not has_shared("nas-bench-201"):
        pytest.skip("NAS-Bench-201 raw files (shared/data/nas-bench-201) are absent")
    keys, fields = records
    t12 = load_table("nasbench201-12ep")
    rank12 = np.empty(5**6)
    rank12[genome_codes(t12.genomes, [5] * 6)] = rankdata(t12.metric_values("test_acc_cifar10"))
    r_anb = rankdata(fields["baseline_accuracy"])

    def spearman(ops, key_edges) -> float:
        r = rank12[genome_codes(_genomes_under(keys, ops, key_edges), [5] * 6)]
        return float(np.corrcoef(r_anb, r)[0, 1])

    scores = {}
    for zero, four in (("skip_connect", "avg_pool_3x3"), ("avg_pool_3x3", "skip_connect")):
        ops = (zero, "none", "nor_conv_3x3", "nor_conv_1x1", four)
        for perm in itertools.permutations(EDGES):
            scores[ops, perm] = spearman(ops, perm)
    best = max(scores, key=scores.get)
    assert best == (OP_OF_CODE, KEY_EDGES)
    assert scores[best] == pytest.approx(0.8797, abs=1e-3)
    # The runner-up, the official order reversed, also gets the no-path cells right.
    assert scores[OP_OF_CODE, tuple(reversed(EDGES))] == pytest.approx(0.8657, abs=1e-3)
    assert scores[OP_OF_CODE, EDGES] == pytest.approx(0.6159, abs=1e-3)
    runner_up = sorted(scores.values())[-2]
    assert scores[best] - runner_up > 0.01


@needs_nb201  # the table's arch_id is the official NAS-Bench-201 index, read from its raw files
def test_table_naming_costs_and_problems() -> None:
    from lab.problems.registry import get_problem
    from lab.spaces.nasbench201_cost import nasbench201_params_flops

    assert AnalogNasBenchRecipe().available()
    table = load_table("analognas")
    frame = table.frame.set_index("arch_str")
    skip_all = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"
    # The upstream CSV's naming: analog_accuracy 10.0, finetuned_accuracy 57.49 for this cell.
    assert frame.loc[skip_all, "acc_analog"] == pytest.approx(10.0)
    assert frame.loc[skip_all, "acc_analog_ft"] == pytest.approx(57.49)
    assert frame.loc[skip_all, "acc_digital"] == pytest.approx(60.7836)
    sample = list(table.frame["arch_str"].iloc[::997])
    params, flops = nasbench201_params_flops(sample, "cifar10")
    assert np.allclose(frame.loc[sample, "params"], params)
    assert np.allclose(frame.loc[sample, "flops"], flops)
    drop = frame["acc_digital"] - frame["acc_analog_ft_drift_30d"]
    assert np.allclose(frame["drop_analog_30d"], drop)
    for name in ("anb-err-analog-drift", "anb-err-params-drop"):
        problem = get_problem(name)  # checked against its frozen points
        assert problem.table.name == "analognas" and len(problem.true_front_rows()) >= 5
