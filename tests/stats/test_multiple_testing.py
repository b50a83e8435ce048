import numpy as np
import pytest
from scipy import stats

from lab.errors import StatsInputError
from lab.stats.multiple_testing import holm, holm_reject


def test_hand_computed_example():
    # Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> running max 0.06.
    p = [0.01, 0.04, 0.03, 0.005]
    np.testing.assert_allclose(holm(p), [0.03, 0.06, 0.06, 0.02], rtol=1e-12)
    np.testing.assert_array_equal(holm_reject(p, alpha=0.05), [True, False, False, True])


def test_second_hand_computed_example_with_clipping():
    # 0.01*5, 0.02*4, 0.03*3, 0.04*2, 0.05*1 = 0.05, 0.08, 0.09, 0.08, 0.05 -> running max.
    np.testing.assert_allclose(
        holm([0.01, 0.02, 0.03, 0.04, 0.05]), [0.05, 0.08, 0.09, 0.09, 0.09], rtol=1e-12
    )
    np.testing.assert_allclose(holm([0.6, 0.5]), [1.0, 1.0])
    np.testing.assert_allclose(holm([0.3]), [0.3])


def test_nan_entries_pass_through_and_do_not_count():
    out = holm([0.01, np.nan, 0.04])
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], [0.02, 0.04])
    assert holm([]).shape == (0,)


@pytest.mark.parametrize("seed", range(5))
def test_bounds_bonferroni_and_benjamini_hochberg(seed):
    p = np.random.default_rng(seed).uniform(0, 0.2, size=12)
    adj = holm(p)
    assert np.all(adj >= p)
    assert np.all(adj <= np.minimum(1, p.size * p) + 1e-15)  # never worse than Bonferroni
    # Holm controls the FWER, so it is at least as conservative as BH's FDR adjustment.
    assert np.all(adj >= stats.false_discovery_control(p) - 1e-15)
    order = np.argsort(p)
    assert np.all(np.diff(adj[order]) >= 0)


@pytest.mark.parametrize("seed", range(5))
def test_matches_statsmodels_when_installed(seed):
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    p = np.random.default_rng(seed).uniform(0, 0.3, size=9)
    reject, adjusted, *_ = multitest.multipletests(p, alpha=0.05, method="holm")
    np.testing.assert_allclose(holm(p), adjusted, rtol=1e-12)
    np.testing.assert_array_equal(holm_reject(p, 0.05), reject)


def test_invalid_inputs_raise():
    with pytest.raises(StatsInputError, match=r"\[0, 1\]"):
        holm([0.5, 1.5])
    with pytest.raises(StatsInputError, match="1-D"):
        holm([[0.1, 0.2]])
    with pytest.raises(StatsInputError, match="alpha"):
        holm_reject([0.1], alpha=0.0)
