"""The comparison report: normalized hypervolume and the summary table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lab.algorithms.compare import format_table, normalized_hypervolume, run_one, summarize
from lab.problems import get_problem


@pytest.mark.parametrize("name", ["nbg-cora-err-lat", "nb201-cifar10-err-params-flops"])
def test_exact_front_scores_one_and_subsets_less(name: str) -> None:
    problem = get_problem(name)
    front = problem.true_front("report")
    assert normalized_hypervolume(name, front) == pytest.approx(1.0)
    assert normalized_hypervolume(name, front[:1]) < 1.0
    # dominated extra points change nothing; points beyond the reference add nothing
    worse = np.vstack([front, problem.nadir + 10.0 * (problem.nadir - problem.ideal)])
    assert normalized_hypervolume(name, worse) == pytest.approx(1.0)
    assert normalized_hypervolume(name, np.zeros((0, problem.n_obj))) == 0.0
    search_front = problem.true_front("search")
    assert normalized_hypervolume(name, search_front, "search") == pytest.approx(1.0)


def test_run_one_spends_the_budget() -> None:
    row = run_one("nbg-cora-err-lat", "nsga2", 0, 60, 10, 2)
    assert row["evaluations"] == 60
    assert 0.0 < row["hv"] <= 1.0
    assert 0.0 < row["hv_search"] <= 1.0


def test_summary_median_iqr_and_test_against_random() -> None:
    runs = pd.DataFrame(
        {
            "problem": ["p"] * 10,
            "algorithm": ["random"] * 5 + ["good"] * 5,
            "seed": list(range(5)) * 2,
            "hv": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
            "hv_search": [0.5] * 10,
            "wall_s": [1.0] * 10,
        }
    )
    table = summarize(runs)
    good = table[table["algorithm"] == "good"].iloc[0]
    assert good["hv_median"] == pytest.approx(0.8)
    assert good["hv_iqr"] == pytest.approx(0.9 - 0.7)
    assert good["p_vs_random"] < 0.01
    assert np.isnan(table[table["algorithm"] == "random"].iloc[0]["p_vs_random"])
    assert list(table["algorithm"]) == ["good", "random"]
    assert "good" in format_table(table)


def test_default_algorithms_leave_out_model_based_ones() -> None:
    from lab.algorithms.compare import default_algorithms
    from lab.algorithms.registry import algorithm_target

    names = default_algorithms()
    assert {"random", "nsga2", "smsemoa", "pls", "tpe"} <= set(names)
    assert not any(algorithm_target(n).startswith("lab.algorithms.mobo") for n in names)
