import math

import numpy as np
import pytest

from lab.errors import IndicatorInputError
from lab.indicators.spread import (
    deb_spread,
    front_extremes,
    generalized_spread,
    spacing,
    spread,
)

LINE = np.column_stack((np.linspace(0, 1, 11), np.linspace(1, 0, 11)))  # f1 + f2 = 1
SIMPLEX = np.eye(3)


def test_spacing_hand_computed_example():
    # Manhattan nearest-neighbour distances: 0.75, 0.75, 1.25; mean 11/12;
    # sum of squared deviations 1/6; / (n - 1) = 1/12.
    F = np.array([[0.0, 1.0], [0.25, 0.5], [1.0, 0.0]])
    assert spacing(F) == pytest.approx(math.sqrt(1.0 / 12.0), rel=1e-12)


def test_spacing_of_evenly_spaced_front_is_zero_and_ignores_dominated_points():
    assert spacing(LINE) == pytest.approx(0.0, abs=1e-12)
    assert spacing(np.vstack([LINE, LINE[3] + 0.2, LINE[5]])) == pytest.approx(0.0, abs=1e-12)


def test_spacing_needs_two_points():
    assert math.isnan(spacing([[0.5, 0.5]]))
    assert math.isnan(spacing(np.empty((0, 2))))


def test_front_extremes_take_the_largest_value_of_each_objective():
    ext = front_extremes(LINE)
    np.testing.assert_array_equal(ext, [[1.0, 0.0], [0.0, 1.0]])
    # Ties on the maximized objective are broken towards the non-dominated point.
    Z = np.array([[1.0, 0.5], [1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(front_extremes(Z)[0], [1.0, 0.0])
    np.testing.assert_array_equal(front_extremes(SIMPLEX), SIMPLEX)


def test_deb_spread_hand_computed_example():
    # First point sits on the (0, 1) extreme (d_f = 0); the last is sqrt(1/2) from (1, 0);
    # one gap of sqrt(1/2): (0 + s + 0) / (0 + s + s) = 1/2.
    F = np.array([[0.0, 1.0], [0.5, 0.5]])
    assert deb_spread(F, LINE) == pytest.approx(0.5)


def test_deb_spread_of_uniform_front_covering_extremes_is_zero():
    assert deb_spread(LINE, LINE) == pytest.approx(0.0, abs=1e-12)
    # Order of rows and dominated extras do not matter.
    shuffled = np.vstack([LINE[::-1], LINE[4] + 0.3])
    assert deb_spread(shuffled, LINE) == pytest.approx(0.0, abs=1e-12)


def test_deb_spread_uneven_gaps():
    # Points (0,1), (0.1,0.9), (1,0) on the line: gaps s*0.1 and s*0.9 (s = sqrt 2), mean s/2,
    # extremes covered: (0.4 s + 0.4 s) / (2 * s/2) = 0.8.
    F = np.array([[0.0, 1.0], [0.1, 0.9], [1.0, 0.0]])
    assert deb_spread(F, LINE) == pytest.approx(0.8)


def test_deb_spread_edge_cases():
    assert deb_spread([[0.5, 0.5]], LINE) == 1.0
    assert math.isnan(deb_spread(np.empty((0, 2)), LINE))
    with pytest.raises(IndicatorInputError, match="2 objectives"):
        deb_spread(SIMPLEX, SIMPLEX)


def test_generalized_spread_hand_computed_examples():
    # 2-D: extremes (1,0) at distance s = sqrt(1/2) and (0,1) at 0; both nearest-neighbour
    # distances equal s: s / (s + 2 s) = 1/3.
    F = np.array([[0.0, 1.0], [0.5, 0.5]])
    assert generalized_spread(F, LINE) == pytest.approx(1.0 / 3.0)
    # 3-D: the simplex vertices reach every extreme and are equidistant.
    assert generalized_spread(SIMPLEX, SIMPLEX) == pytest.approx(0.0, abs=1e-12)
    # Two vertices: the third extreme is sqrt(2) away, both neighbour distances sqrt(2).
    assert generalized_spread(SIMPLEX[:2], SIMPLEX) == pytest.approx(1.0 / 3.0)


def test_generalized_spread_edge_cases():
    assert generalized_spread([[0.2, 0.2, 0.2]], SIMPLEX) == 1.0
    assert math.isnan(generalized_spread(np.empty((0, 3)), SIMPLEX))


def test_spread_dispatches_on_number_of_objectives():
    F = np.array([[0.0, 1.0], [0.1, 0.9], [1.0, 0.0]])
    assert spread(F, LINE) == deb_spread(F, LINE)
    assert spread(SIMPLEX[:2], SIMPLEX) == generalized_spread(SIMPLEX[:2], SIMPLEX)
