import numpy as np
import pytest

from lab.errors import IndicatorInputError, LabError
from lab.indicators.normalization import denormalize, normalize

IDEAL = np.array([0.0, 10.0, -1.0])
NADIR = np.array([100.0, 20.0, 1.0])


def test_ideal_maps_to_zero_nadir_to_one_and_midpoint_to_half():
    F = np.vstack([IDEAL, NADIR, (IDEAL + NADIR) / 2, [25.0, 12.0, 2.0]])
    out = normalize(F, IDEAL, NADIR)
    np.testing.assert_allclose(
        out,
        [[0, 0, 0], [1, 1, 1], [0.5, 0.5, 0.5], [0.25, 0.2, 1.5]],
        rtol=0,
        atol=1e-15,
    )
    assert out.shape == F.shape


def test_denormalize_inverts_normalize():
    rng = np.random.default_rng(0)
    F = rng.uniform(-5, 50, size=(7, 3))
    np.testing.assert_allclose(denormalize(normalize(F, IDEAL, NADIR), IDEAL, NADIR), F)


def test_nan_rows_pass_through_and_empty_input_keeps_shape():
    out = normalize([[np.nan, 15.0, 0.0]], IDEAL, NADIR)
    assert np.isnan(out[0, 0]) and out[0, 1] == 0.5 and out[0, 2] == 0.5
    assert normalize(np.empty((0, 3)), IDEAL, NADIR).shape == (0, 3)


@pytest.mark.parametrize(
    ("F", "ideal", "nadir", "message"),
    [
        (np.ones((2, 2)), IDEAL, NADIR, "F has 2 objectives"),
        (np.ones((2, 3)), IDEAL[:2], NADIR, "ideal has 2 objectives but nadir has 3"),
        (np.ones((2, 3)), IDEAL, [100.0, 10.0, 1.0], r"objective\(s\) \[1\]"),
        (np.ones((2, 3)), IDEAL, [-1.0, 5.0, 1.0], r"objective\(s\) \[0, 1\]"),
        (np.ones((2, 3)), [0.0, np.nan, 0.0], NADIR, "finite"),
        (np.ones(3), IDEAL, NADIR, "n x m"),
        (np.ones((2, 3)), [IDEAL], [NADIR], "1-D"),
    ],
)
def test_invalid_inputs_raise_clear_errors(F, ideal, nadir, message):
    with pytest.raises(IndicatorInputError, match=message) as info:
        normalize(F, ideal, nadir)
    assert isinstance(info.value, ValueError) and isinstance(info.value, LabError)
