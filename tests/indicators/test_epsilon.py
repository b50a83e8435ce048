import numpy as np
import pytest

from lab.indicators.epsilon import epsilon_additive

from .reference_impl import eps_add_brute


def test_moocore_documented_example():
    dat = np.array([[3.5, 5.5], [3.6, 4.1], [4.1, 3.2], [5.5, 1.5]])
    ref = np.array([[1, 6], [2, 5], [3, 4], [4, 3], [5, 2], [6, 1]], dtype=float)
    assert epsilon_additive(dat, ref) == pytest.approx(2.5)


@pytest.mark.parametrize("seed", range(8))
def test_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 5))
    A = rng.normal(size=(int(rng.integers(1, 12)), m))
    Z = rng.normal(size=(int(rng.integers(1, 12)), m))
    assert epsilon_additive(A, Z) == pytest.approx(eps_add_brute(A, Z), rel=1e-12, abs=1e-15)


def test_weakly_dominating_set_has_nonpositive_epsilon():
    Z = np.array([[0.2, 0.8], [0.5, 0.5], [0.8, 0.2]])
    assert epsilon_additive(Z - [0.1, 0.0], Z) == pytest.approx(0.0)
    assert epsilon_additive(Z - 0.1, Z) == pytest.approx(-0.1)
