"""Evaluations to X % of the cold start's final HV: a hand-computed example, censoring, the
paired test and Holm recomputed independently, and input errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lab.analysis.evaluations_to_target import (
    compare_curves,
    default_pairs,
    evaluations_to_reach,
)
from lab.errors import AnalysisError

CURVES = {
    "t": {
        0: np.array([0.1, 0.5, 0.9, 1.0]),
        1: np.array([0.2, 0.3, 0.8, 0.9]),
        2: np.array([0.5, 0.6, 0.7, 0.7]),
    },
    "c": {
        0: np.array([0.1, 0.2, 0.4, 0.8]),
        1: np.array([0.1, 0.1, 0.5, 1.0]),
        2: np.array([0.0, 0.1, 0.2, 0.6]),
    },
}


def test_first_evaluation_reaching_a_level() -> None:
    hv = np.array([0.1, 0.4, 0.4, 0.7])
    assert evaluations_to_reach(hv, 0.4) == 2  # reaching counts (>=)
    assert evaluations_to_reach(hv, 0.05) == 1
    assert evaluations_to_reach(hv, 0.7) == 4
    assert evaluations_to_reach(hv, 0.71) is None


def test_hand_computed_example() -> None:
    runs, tests = compare_curves(CURVES, {"t": "c"}, problem="p", percents=(50, 100))
    # The cold start's median final HV is median(0.8, 1.0, 0.6) = 0.8: levels 0.4 and 0.8.
    np.testing.assert_allclose(tests["level"], [0.4, 0.8])
    by = runs.set_index(["percent", "seed"])
    # 50 %: t reaches 0.4 after 2, 3, 1 evaluations; c after 3, 3, 4.
    assert by.loc[50].evaluations.tolist() == [2, 3, 1]
    assert by.loc[50].evaluations_other.tolist() == [3, 3, 4]
    # 100 %: seed 2 never reaches 0.8 on either side: censored at n + 1 = 5.
    assert by.loc[100].evaluations.tolist() == [3, 3, 5]
    assert by.loc[100].evaluations_other.tolist() == [4, 4, 5]
    assert by.loc[100].reached.tolist() == [True, True, False]
    assert by.loc[100].reached_other.tolist() == [True, True, False]
    t50, t100 = tests.iloc[0], tests.iloc[1]
    assert (t50.median_algorithm, t50.median_other) == (2.0, 3.0)
    assert (t100.median_algorithm, t100.median_other) == (3.0, 4.0)
    assert t100.share_reached_algorithm == pytest.approx(2 / 3)
    # Independent recomputation: scipy's Wilcoxon on the paired differences, Holm by hand.
    p50 = stats.wilcoxon([2 - 3, 3 - 3, 1 - 4]).pvalue
    p100 = stats.wilcoxon([3 - 4, 3 - 4, 0]).pvalue
    assert t50.p_value == pytest.approx(p50)
    assert t100.p_value == pytest.approx(p100)
    low, high = sorted([p50, p100])
    holm_low = min(1.0, 2 * low)
    holm_high = min(1.0, max(holm_low, high))
    expected = {p50: None, p100: None}
    expected[low], expected[high] = holm_low, holm_high
    assert t50.p_holm == pytest.approx(expected[p50])
    assert t100.p_holm == pytest.approx(expected[p100])
    # Three seeds cannot reach 0.05: no verdict but a tie.
    assert set(tests.verdict) == {"tie"}


def test_verdict_is_better_when_transfer_needs_fewer_evaluations() -> None:
    rng = np.random.default_rng(0)
    cold = {s: np.linspace(0.0, 1.0, 50) + rng.uniform(0, 1e-3) for s in range(12)}
    fast = {s: np.minimum(1.0, 3 * c) for s, c in cold.items()}
    _, tests = compare_curves({"fast": fast, "cold": cold}, {"fast": "cold"}, percents=(50,))
    assert tests.verdict.tolist() == ["better"]
    _, tests = compare_curves({"fast": fast, "cold": cold}, {"cold": "fast"}, percents=(50,))
    assert tests.verdict.tolist() == ["worse"]


def test_errors_name_the_problem() -> None:
    with pytest.raises(AnalysisError, match="no runs labelled 'x'"):
        compare_curves(CURVES, {"x": "c"}, problem="p")
    uneven = {"t": CURVES["t"], "c": {0: CURVES["c"][0]}}
    with pytest.raises(AnalysisError, match="different seeds"):
        compare_curves(uneven, {"t": "c"}, problem="p")
    with pytest.raises(AnalysisError, match="percents"):
        compare_curves(CURVES, {"t": "c"}, percents=(0,))


def test_default_pairs_follow_the_label_convention() -> None:
    labels = ["nsga2", "nsga2-warm", "mtbo-cold", "mtbo-transfer", "random", "zeroshot", "x-warm"]
    assert default_pairs(labels) == {
        "nsga2-warm": "nsga2",
        "mtbo-transfer": "mtbo-cold",
        "zeroshot": "random",
    }
