import numpy as np
import pytest
from scipy import stats

from lab.errors import StatsInputError
from lab.stats.effect_size import a12, a12_magnitude


def _brute(x, y) -> float:
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in x for b in y)
    return wins / (len(x) * len(y))


@pytest.mark.parametrize("seed", range(10))
def test_matches_brute_force_pairwise_count_with_ties(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, size=int(rng.integers(1, 20)))
    y = rng.integers(0, 6, size=int(rng.integers(1, 20)))
    assert a12(x, y) == pytest.approx(_brute(x, y), abs=1e-12)
    assert a12(x, y) + a12(y, x) == pytest.approx(1.0)


def test_textbook_values():
    assert a12([3, 4, 5], [1, 2, 3]) == pytest.approx(8.5 / 9)
    assert a12([1, 2, 3, 4], [2, 3]) == pytest.approx(0.5)
    assert a12([1, 2, 3], [1, 2, 3]) == 0.5
    assert a12([5, 6], [1, 2, 3]) == 1.0 and a12([1, 2, 3], [5, 6]) == 0.0
    assert a12([np.inf], [1.0, np.inf]) == 0.75


def test_equals_mann_whitney_u_over_nm():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=13), rng.normal(0.4, size=9)
    u = stats.mannwhitneyu(x, y).statistic
    assert a12(x, y) == pytest.approx(u / (13 * 9))


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0.5, "negligible"),
        (0.555, "negligible"),
        (0.56, "small"),
        (0.44, "small"),
        (0.64, "medium"),
        (0.70, "medium"),
        (0.71, "large"),
        (0.0, "large"),
    ],
)
def test_magnitude_thresholds(value, label):
    assert a12_magnitude(value) == label


def test_invalid_inputs_raise():
    with pytest.raises(StatsInputError, match="empty"):
        a12([], [1.0])
    with pytest.raises(StatsInputError, match="NaN"):
        a12([np.nan], [1.0])
    with pytest.raises(StatsInputError):
        a12_magnitude(1.2)
