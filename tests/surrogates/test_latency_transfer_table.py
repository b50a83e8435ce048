"""The meta-learned latency model as a surrogate objective (a predicted latency column)."""

from __future__ import annotations

import numpy as np
import pytest

from lab.benchmarks.store import load_table
from lab.errors import SurrogateError
from lab.surrogates.benchmark import save_surrogate_table
from lab.surrogates.latency_transfer_protocol import index_split, spearman, trim_to_quantiles
from lab.surrogates.latency_transfer_table import (
    latency_transfer_problem,
    predicted_column,
    predicted_latency_table,
)
from tests.surrogates.test_latency_transfer import _synthetic_table


def test_predicted_column_is_added_beside_the_unchanged_table(tmp_path):
    source = _synthetic_table()
    table = predicted_latency_table(source, "eyeriss", "syn-eyeriss-10shot", seed=4)
    column = predicted_column("eyeriss")
    assert column == "latency_eyeriss_predicted"
    assert table.metrics[column].split == "predicted"
    for c in source.metrics:  # every source column carried unchanged, row for row
        np.testing.assert_array_equal(table.frame[c].to_numpy(), source.frame[c].to_numpy())
    info = table.meta["latency_transfer"]
    assert len(info["measured_arch_ids"]) == 10
    # The draw comes from the eyeriss-trimmed pool, with the seed given.
    by_id = source.frame.set_index("arch_id")["latency_eyeriss"].sort_index().to_numpy()
    pool = trim_to_quantiles(by_id, index_split(len(by_id)).pool)
    expected = np.random.default_rng(4).choice(pool, 10, replace=False)
    assert info["measured_arch_ids"] == sorted(expected.tolist())
    again = predicted_latency_table(source, "eyeriss", "syn-eyeriss-10shot", seed=4)
    np.testing.assert_array_equal(again.frame[column], table.frame[column])
    # Predictions rank the measured column far better than chance (devices like the sources).
    assert spearman(table.frame[column].to_numpy(), table.frame["latency_eyeriss"].to_numpy()) > 0.6
    save_surrogate_table(table, tmp_path)
    loaded = load_table("syn-eyeriss-10shot", directory=tmp_path)
    np.testing.assert_allclose(loaded.frame[column], table.frame[column])


def test_a_source_device_or_a_builtin_name_is_refused():
    source = _synthetic_table()
    with pytest.raises(SurrogateError, match="is a source of the prior"):
        predicted_latency_table(source, "pixel3", "syn-pixel3")
    with pytest.raises(SurrogateError, match="built-in benchmark"):
        predicted_latency_table(source, "eyeriss", "nasbench201-12ep")


def test_problem_searches_on_the_prediction_and_is_judged_on_the_measurement(nb201_table):
    from lab.problems.registry import get_problem

    table = predicted_latency_table(nb201_table, "eyeriss", "nb201-eyeriss-test", seed=0)
    problem = latency_transfer_problem(table, get_problem("nb201-cifar10-err-lat-eyeriss"))
    latency = problem.spec.objectives[1]
    assert (latency.search, latency.report) == ("latency_eyeriss_predicted", "latency_eyeriss")
    assert latency.threshold == 8.5  # the built-in problem's region of interest, kept
    rows = problem.sample_rows(20, np.random.default_rng(0))
    ev = problem.evaluate_rows(rows)
    frame = table.frame.iloc[rows]
    np.testing.assert_allclose(ev.F[:, 1], frame["latency_eyeriss_predicted"])
    np.testing.assert_allclose(ev.F_report[:, 1], frame["latency_eyeriss"])
    with pytest.raises(SurrogateError, match="not on 'latency_eyeriss'"):
        latency_transfer_problem(table, get_problem("nb201-cifar10-err-lat-fpga"))
