"""Metrics, splits and target transforms against closed forms and independent implementations."""

from __future__ import annotations

import numpy as np
import pytest

from lab.benchmarks.metric import MetricInfo
from lab.errors import SurrogateError
from lab.surrogates.metrics import (
    gaussian_nll,
    interval_coverage,
    kendall_tau,
    precision_at_k,
    r2,
    rmse,
    spearman,
)
from lab.surrogates.splits import ood_split, random_split
from lab.surrogates.targets import TargetTransform


def _tau_b_by_pairs(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b from its definition: (concordant - discordant) / sqrt of untied pairs."""
    n = len(x)
    conc = disc = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif dx == dy:
                conc += 1
            else:
                disc += 1
    return (conc - disc) / np.sqrt((conc + disc + ties_x) * (conc + disc + ties_y))


def test_kendall_tau_against_pair_counting_with_ties():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 6, size=60).astype(float)
    y = x + rng.integers(-2, 3, size=60)
    assert kendall_tau(x, y) == pytest.approx(_tau_b_by_pairs(x, y), abs=1e-12)
    assert kendall_tau(x, x) == pytest.approx(1.0)
    assert kendall_tau(np.arange(5), -np.arange(5)) == pytest.approx(-1.0)


def test_spearman_is_pearson_of_average_ranks():
    from scipy.stats import rankdata

    rng = np.random.default_rng(1)
    x, y = rng.normal(size=40), rng.normal(size=40)
    x[:5] = x[0]
    expected = np.corrcoef(rankdata(x), rankdata(y))[0, 1]
    assert spearman(x, y) == pytest.approx(expected, abs=1e-12)


def test_r2_and_rmse_closed_forms():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert r2(y, y) == 1.0
    assert r2(y, np.full(4, y.mean())) == pytest.approx(0.0)
    assert rmse(y, y + 2.0) == pytest.approx(2.0)
    # SS_res = 1 + 0 + 0 + 1 = 2, SS_tot = 5
    assert r2(y, [2.0, 2.0, 3.0, 3.0]) == pytest.approx(1 - 2 / 5)


def test_precision_at_k():
    y = np.array([10, 9, 8, 7, 6, 5.0])
    assert precision_at_k(y, y, 3) == 1.0
    assert precision_at_k(y, -y, 3) == 0.0
    assert precision_at_k(y, [10, 1, 8, 7, 6, 9], 2) == 0.5
    assert precision_at_k(y, -y, 3, larger_is_better=False) == 0.0
    assert precision_at_k(y, y, 3, larger_is_better=False) == 1.0
    assert precision_at_k(y, y, 100) == 1.0  # k capped at n


def test_gaussian_nll_closed_form():
    assert gaussian_nll([0.0, 0.0], [0.0, 0.0], [1.0, 1.0]) == pytest.approx(
        0.5 * np.log(2 * np.pi)
    )
    # one std away, std 2: 0.5 log(2 pi 4) + 0.5
    assert gaussian_nll([2.0], [0.0], [2.0]) == pytest.approx(0.5 * np.log(8 * np.pi) + 0.5)


def test_interval_coverage_of_true_gaussian_is_the_level():
    rng = np.random.default_rng(2)
    mean = rng.normal(size=200_000)
    std = rng.uniform(0.5, 2.0, size=mean.size)
    y = mean + std * rng.normal(size=mean.size)
    assert interval_coverage(y, mean, std, level=0.9) == pytest.approx(0.9, abs=0.005)
    assert interval_coverage(y, mean, std, level=0.5) == pytest.approx(0.5, abs=0.005)
    with pytest.raises(ValueError, match="level"):
        interval_coverage(y, mean, std, level=1.0)


def test_random_split_is_a_partition():
    s = random_split(100, 30, np.random.default_rng(0))
    assert len(s.train) == 30 and len(s.test) == 70
    np.testing.assert_array_equal(np.sort(np.concatenate([s.train, s.test])), np.arange(100))
    again = random_split(100, 30, np.random.default_rng(0))
    np.testing.assert_array_equal(s.train, again.train)
    with pytest.raises(SurrogateError, match="n_train"):
        random_split(100, 100, np.random.default_rng(0))


def test_ood_split_trains_below_and_tests_on_top():
    values = np.random.default_rng(1).permutation(1000).astype(float)
    s = ood_split(values, 200, np.random.default_rng(0), top_fraction=0.1)
    assert len(s.test) == 100 and len(s.train) == 200
    assert values[s.train].max() < values[s.test].min()
    assert set(values[s.test]) == set(range(900, 1000))
    low = ood_split(values, 50, np.random.default_rng(0), top_fraction=0.1, larger_is_top=False)
    assert values[low.train].min() > values[low.test].max()
    with pytest.raises(SurrogateError, match="n_train"):
        ood_split(values, 901, np.random.default_rng(0), top_fraction=0.1)


def _info(unit: str, metric: str = "accuracy", direction: str = "max") -> MetricInfo:
    return MetricInfo("c", metric, "val", unit, direction)


def test_target_transforms_round_trip_and_keep_order():
    y = np.array([10.0, 50.0, 99.9, 100.0])
    t = TargetTransform.for_metric("auto", _info("%"))
    assert t.kind == "log_error" and t.scale == 100.5
    np.testing.assert_allclose(t.inverse(t.forward(y)), y)
    assert np.all(np.diff(t.forward(y)) > 0)
    frac = TargetTransform.for_metric("auto", _info("fraction"))
    assert frac.scale == pytest.approx(1.005)
    lat = TargetTransform.for_metric("auto", _info("ms", "latency", "min"))
    assert lat.kind == "log"
    np.testing.assert_allclose(lat.forward([1.0, np.e]), [0.0, 1.0])
    with pytest.raises(SurrogateError, match="positive"):
        lat.forward([0.0])
    with pytest.raises(SurrogateError, match="log_error"):
        TargetTransform.for_metric("log_error", _info("ms", "latency", "min"))
    with pytest.raises(SurrogateError, match="unknown target transform"):
        TargetTransform("sqrt")
