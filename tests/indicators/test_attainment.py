import itertools

import numpy as np
import pandas as pd
import pytest

from lab.errors import IndicatorInputError
from lab.indicators.attainment import (
    attainment_levels,
    attainment_surface,
    attainment_surfaces,
    eaf_difference,
)

from .reference_impl import attained_count, nondominated_brute


def _runs(seed: int, n_runs: int, m: int, shift: float = 0.0, empty: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    runs = [rng.random((int(rng.integers(1, 8)), m)) + shift for _ in range(n_runs - empty)]
    return runs + [np.empty((0, m))] * empty


def _queries(runs: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Random points plus every combination of the data's coordinates (surface corners)."""
    pts = np.concatenate([r for r in runs if len(r)])
    m = pts.shape[1]
    coords = [np.unique(pts[:, i]) for i in range(m)]
    sub = [c[rng.choice(len(c), size=min(len(c), 8), replace=False)] for c in coords]
    corners = np.array(list(itertools.product(*sub)))
    return np.vstack([corners, rng.uniform(-0.1, 1.6, size=(300, m))])


def test_attainment_levels():
    assert attainment_levels(10) == {"best": 1, "median": 5, "worst": 10}
    assert attainment_levels(5) == {"best": 1, "median": 3, "worst": 5}
    assert attainment_levels(1) == {"best": 1, "median": 1, "worst": 1}


@pytest.mark.parametrize(("m", "empty"), [(2, 0), (2, 2), (3, 0), (3, 1)])
@pytest.mark.parametrize("seed", range(3))
def test_surfaces_separate_points_attained_by_at_least_level_runs(m, empty, seed):
    runs = _runs(seed, 6, m, empty=empty)
    rng = np.random.default_rng(seed)
    queries = _queries(runs, rng)
    counts = np.array([attained_count(runs, q) for q in queries])
    for level in range(1, len(runs) + 1):
        surf = attainment_surface(runs, level)
        assert surf.shape[1] == m
        covered = np.array([bool(len(surf)) and np.any(np.all(surf <= q, axis=1)) for q in queries])
        np.testing.assert_array_equal(covered, counts >= level, err_msg=f"level {level}")
        if level > len(runs) - empty:
            assert surf.shape[0] == 0


def test_best_surface_of_one_run_is_its_nondominated_set():
    F = np.array([[0.1, 0.9], [0.5, 0.5], [0.6, 0.6], [0.9, 0.1], [0.5, 0.5]])
    got = attainment_surface([F], 1)
    np.testing.assert_array_equal(got, nondominated_brute(F))


def test_surfaces_table_layout():
    runs = _runs(4, 5, 2)
    table = attainment_surfaces(runs, objective_names=["err", "lat"])
    assert list(table.columns) == ["surface", "level", "percentile", "err", "lat"]
    assert list(pd.unique(table["surface"])) == ["best", "median", "worst"]
    for name, level in attainment_levels(5).items():
        part = table[table["surface"] == name]
        assert (part["level"] == level).all()
        assert (part["percentile"] == 100.0 * level / 5).all()
        np.testing.assert_array_equal(
            part[["err", "lat"]].to_numpy(), attainment_surface(runs, level)
        )
        assert np.all(np.diff(part["err"].to_numpy()) > 0)
        assert np.all(np.diff(part["lat"].to_numpy()) < 0)
    custom = attainment_surfaces(runs, levels={"q2": 2})
    assert set(custom["surface"]) == {"q2"}


@pytest.mark.parametrize(("empty_a", "empty_b"), [(0, 0), (1, 0), (0, 2)])
@pytest.mark.parametrize("seed", range(3))
def test_eaf_difference_rectangles_match_brute_force(seed, empty_a, empty_b):
    runs_a = _runs(seed, 5, 2, empty=empty_a)
    runs_b = _runs(seed + 100, 5, 2, shift=0.1, empty=empty_b)
    rect = eaf_difference(runs_a, runs_b)
    assert list(rect.columns) == ["f1_lower", "f2_lower", "f1_upper", "f2_upper", "diff"]
    assert (rect["diff"] != 0).all() and rect["diff"].abs().le(1).all()
    lo = rect[["f1_lower", "f2_lower"]].to_numpy()
    hi = rect[["f1_upper", "f2_upper"]].to_numpy()
    rng = np.random.default_rng(seed)
    for q in rng.uniform(-0.1, 1.4, size=(400, 2)):
        inside = np.all((lo <= q) & (q < hi), axis=1)
        assert inside.sum() <= 1
        expected = (attained_count(runs_a, q) - attained_count(runs_b, q)) / 5
        got = rect["diff"].to_numpy()[inside].sum()
        assert got == pytest.approx(expected, abs=1e-12)


def test_eaf_difference_keeps_zero_rectangles_on_request():
    runs = _runs(1, 3, 2)
    assert eaf_difference(runs, runs).empty
    assert (eaf_difference(runs, runs, drop_zero=False)["diff"] == 0).all()


def test_invalid_inputs_raise():
    with pytest.raises(IndicatorInputError, match="equal counts"):
        eaf_difference(_runs(0, 3, 2), _runs(1, 4, 2))
    with pytest.raises(IndicatorInputError, match="expected 2"):
        eaf_difference(_runs(0, 3, 3), _runs(1, 3, 3))
    with pytest.raises(IndicatorInputError, match="2 or 3 objectives"):
        attainment_surface(_runs(0, 3, 4), 1)
    with pytest.raises(IndicatorInputError, match=r"levels must lie in \[1, 3\]"):
        attainment_surface(_runs(0, 3, 2), 4)
    with pytest.raises(IndicatorInputError, match="at least 1 run"):
        attainment_surfaces([])
