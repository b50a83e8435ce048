import math

import numpy as np
import pytest

from lab.errors import IndicatorInputError
from lab.indicators.distance import gd, igd, igd_plus
from lab.indicators.epsilon import epsilon_additive

from .reference_impl import eps_add_brute, gd_brute, igd_brute, igd_plus_brute


def _sets(seed: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d = np.abs(rng.standard_normal((40, m)))
    Z = d / np.linalg.norm(d, axis=1, keepdims=True)
    A = rng.uniform(0.0, 1.3, size=(int(rng.integers(1, 15)), m))
    return A, Z


@pytest.mark.parametrize("m", [2, 3, 5])
@pytest.mark.parametrize("seed", range(5))
def test_distance_indicators_match_brute_force(m, seed):
    A, Z = _sets(seed, m)
    assert igd(A, Z) == pytest.approx(igd_brute(A, Z), rel=1e-12)
    assert igd_plus(A, Z) == pytest.approx(igd_plus_brute(A, Z), rel=1e-12)
    assert gd(A, Z) == pytest.approx(gd_brute(A, Z), rel=1e-12)
    assert epsilon_additive(A, Z) == pytest.approx(eps_add_brute(A, Z), rel=1e-12)


def test_ishibuchi_example_4_igd_plus_is_pareto_compliant():
    # Ishibuchi et al. (2015), example 4: A dominates B, IGD prefers B, IGD+ prefers A.
    Z = np.array([[10, 0], [6, 1], [2, 2], [1, 6], [0, 10]], dtype=float)
    A = np.array([[4, 2], [3, 3], [2, 4]], dtype=float)
    B = np.array([[8, 2], [4, 4], [2, 8]], dtype=float)
    assert igd(A, Z) == pytest.approx(3.707092031609239, rel=1e-12)
    assert igd(B, Z) == pytest.approx(2.59148346584763, rel=1e-12)
    assert igd_plus(A, Z) == pytest.approx(1.482842712474619, rel=1e-12)
    assert igd_plus(B, Z) == pytest.approx(2.260112615949154, rel=1e-12)


def test_hand_computed_values():
    Z = np.array([[0.0, 1.0], [1.0, 0.0]])
    A = np.array([[0.0, 2.0]])
    # IGD: distances from (0,1) and (1,0) to (0,2): 1 and sqrt(5).
    assert igd(A, Z) == pytest.approx((1 + math.sqrt(5)) / 2)
    # IGD+: max(a - z, 0) = (0, 1) and (0, 2) -> lengths 1 and 2.
    assert igd_plus(A, Z) == pytest.approx(1.5)
    # GD: nearest front point to (0,2) is (0,1), distance 1.
    assert gd(A, Z) == pytest.approx(1.0)
    # eps+: max over z of min over a of max_i (a_i - z_i) = max(1, 2) = 2.
    assert epsilon_additive(A, Z) == pytest.approx(2.0)


def test_front_against_itself_and_subsets():
    Z = np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    assert igd(Z, Z) == 0.0 and igd_plus(Z, Z) == 0.0 and gd(Z, Z) == 0.0
    assert epsilon_additive(Z, Z) == 0.0
    assert gd(Z[:1], Z) == 0.0  # every point of A lies on the front
    assert igd(Z[:1], Z) > 0.0


def test_epsilon_of_a_translated_front_is_the_translation():
    rng = np.random.default_rng(3)
    Z = rng.random((12, 3))
    assert epsilon_additive(Z + 0.125, Z) == pytest.approx(0.125)
    assert epsilon_additive(Z - 0.25, Z) == pytest.approx(-0.25)


def test_empty_approximation_set_gives_inf():
    Z = np.array([[0.0, 1.0], [1.0, 0.0]])
    empty = np.empty((0, 2))
    for f in (igd, igd_plus, gd, epsilon_additive):
        assert f(empty, Z) == math.inf


def test_invalid_inputs_raise():
    Z = np.array([[0.0, 1.0], [1.0, 0.0]])
    for f in (igd, igd_plus, gd, epsilon_additive):
        with pytest.raises(IndicatorInputError, match="empty"):
            f([[0.5, 0.5]], np.empty((0, 2)))
        with pytest.raises(IndicatorInputError, match="expected 2"):
            f([[0.5, 0.5, 0.5]], Z)
        with pytest.raises(IndicatorInputError, match="NaN"):
            f([[0.5, np.inf]], Z)
