import math

import numpy as np
import pytest

from lab.errors import IndicatorInputError
from lab.indicators.hypervolume import hypervolume, normalized_hypervolume

from .reference_impl import hv_inclusion_exclusion

REF2 = np.array([1.1, 1.1])


def test_single_point_is_a_box():
    assert hypervolume([[0.2, 0.5]], REF2) == pytest.approx(0.9 * 0.6, abs=1e-15)


def test_two_points_in_2d_is_union_of_two_boxes():
    # Boxes 0.8 x 0.4 and 0.5 x 0.7 overlapping in 0.5 x 0.4.
    F = [[0.2, 0.6], [0.5, 0.3]]
    assert hypervolume(F, [1.0, 1.0]) == pytest.approx(0.32 + 0.35 - 0.20, abs=1e-15)


def test_box_in_3d():
    assert hypervolume([[0.1, 0.2, 0.3]], [1.1, 1.1, 1.1]) == pytest.approx(1.0 * 0.9 * 0.8)


@pytest.mark.parametrize("n", [1, 2, 5, 17, 100])
def test_staircase_closed_form(n):
    # Points (i/n, 1 - (i+1)/n), i = 0..n-1, reference (1, 1): column i has width 1/n and
    # height (i+1)/n, so HV = sum (i+1)/n^2 = (n+1)/(2n).
    i = np.arange(n)
    F = np.column_stack((i / n, 1.0 - (i + 1) / n))
    assert hypervolume(F, [1.0, 1.0]) == pytest.approx((n + 1) / (2 * n), rel=1e-13)


def test_points_not_strictly_dominating_ref_contribute_nothing():
    F = [[0.5, 0.5], [1.1, 0.0], [0.0, 1.1], [2.0, 2.0]]
    assert hypervolume(F, REF2) == pytest.approx(0.36)
    assert hypervolume([[1.1, 0.0], [3.0, -1.0]], REF2) == 0.0


def test_empty_set_is_zero_and_dominated_or_duplicate_points_add_nothing():
    assert hypervolume(np.empty((0, 2)), REF2) == 0.0
    assert hypervolume(np.empty((0, 3)), [1.1, 1.1, 1.1]) == 0.0
    F = np.array([[0.2, 0.7], [0.6, 0.1]])
    extra = np.vstack([F, F, [[0.7, 0.8], [0.2, 0.9]]])
    assert hypervolume(extra, REF2) == pytest.approx(hypervolume(F, REF2), abs=1e-15)


def test_scalar_reference_is_broadcast():
    F = [[0.1, 0.2, 0.3]]
    assert hypervolume(F, 1.1) == hypervolume(F, [1.1, 1.1, 1.1])


@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("seed", range(6))
def test_matches_inclusion_exclusion_on_random_small_sets(m, seed):
    rng = np.random.default_rng(1000 * m + seed)
    n = int(rng.integers(1, 11))
    # Mix points near a front with dominated ones and some beyond the reference point.
    F = rng.uniform(0.0, 1.25, size=(n, m))
    ref = np.full(m, 1.1)
    expected = hv_inclusion_exclusion(F, ref)
    assert hypervolume(F, ref) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_matches_inclusion_exclusion_on_mutually_nondominated_fronts(seed):
    rng = np.random.default_rng(seed)
    for m in (2, 3, 4):
        d = np.abs(rng.standard_normal((9, m)))
        F = d / d.sum(axis=1, keepdims=True)  # on the simplex: mutually non-dominated
        ref = np.full(m, 1.1)
        assert hypervolume(F, ref) == pytest.approx(hv_inclusion_exclusion(F, ref), rel=1e-12)


def test_normalized_hypervolume_is_a_ratio():
    F = [[0.5, 0.5]]
    true_hv = hypervolume([[0.0, 0.0]], REF2)
    assert normalized_hypervolume(F, REF2, true_hv) == pytest.approx(0.36 / 1.21)
    assert normalized_hypervolume(np.empty((0, 2)), REF2, true_hv) == 0.0


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_normalized_hypervolume_rejects_bad_true_front_hv(bad):
    with pytest.raises(IndicatorInputError, match="true_front_hv"):
        normalized_hypervolume([[0.5, 0.5]], REF2, bad)


def test_invalid_inputs_raise():
    with pytest.raises(IndicatorInputError, match="ref must have shape"):
        hypervolume([[0.5, 0.5]], [1.1, 1.1, 1.1])
    with pytest.raises(IndicatorInputError, match="NaN"):
        hypervolume([[np.nan, 0.5]], REF2)
    with pytest.raises(IndicatorInputError, match="n x m"):
        hypervolume(np.ones((2, 2, 2)), REF2)
