"""The evaluation history: order, growth past its initial capacity, read-only views, frame."""

from __future__ import annotations

import numpy as np
import pytest

from lab.algorithms.history import History
from lab.problems import get_problem


def test_history_records_batches_in_order() -> None:
    problem = get_problem("nb201-cifar10-err-flops-lat-pixel3-le12")
    history = History(problem.n_var, problem.n_obj, problem.n_constr)
    rng = np.random.default_rng(0)
    batches = [rng.choice(problem.n_architectures, size=k, replace=False) for k in (3, 1, 70, 2)]
    for i, rows in enumerate(batches):
        history.append(
            problem.genomes_all[rows], problem.evaluate_rows(rows), algo_time_s=0.1 * (i + 1)
        )
    rows = np.concatenate(batches)
    assert len(history) == len(rows) == 76
    np.testing.assert_array_equal(history.rows, rows)
    np.testing.assert_array_equal(history.genomes, problem.genomes_all[rows])
    np.testing.assert_array_equal(history.arch_ids, problem.arch_ids_all[rows])
    np.testing.assert_array_equal(history.F, problem.F_all[rows])
    np.testing.assert_array_equal(history.F_report, problem.F_report_all[rows])
    np.testing.assert_array_equal(history.G, problem.G_all[rows])
    np.testing.assert_array_equal(history.feasible, problem.feasible_all[rows])
    np.testing.assert_array_equal(history.batch, np.repeat([0, 1, 2, 3], [3, 1, 70, 2]))
    np.testing.assert_allclose(history.algo_time_s[:4], [0.1 / 3] * 3 + [0.2])
    frame = history.to_frame()
    assert list(frame.columns[:4]) == ["order", "batch", "row", "arch_id"]
    np.testing.assert_array_equal(frame["row"], rows)
    assert {"g0", "f0", "f1", "r0", "r1", "c0", "feasible", "algo_time_s"} <= set(frame.columns)


def test_history_views_are_read_only_and_empty_history_has_shapes() -> None:
    history = History(3, 2, 0)
    assert len(history) == 0
    assert (
        history.F.shape == (0, 2) and history.G.shape == (0, 0) and history.genomes.shape == (0, 3)
    )
    assert len(history.to_frame()) == 0
    problem = get_problem("nbg-cora-err-lat")
    history = History(problem.n_var, problem.n_obj, problem.n_constr)
    history.append(problem.genomes_all[:2], problem.evaluate_rows(np.arange(2)), algo_time_s=0.0)
    with pytest.raises(ValueError, match="read-only"):
        history.F[0, 0] = 1.0
