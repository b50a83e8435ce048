import math

import moocore
import numpy as np
import pytest

from lab.errors import IndicatorInputError
from lab.indicators.distance import gd, igd, igd_plus
from lab.indicators.epsilon import epsilon_additive
from lab.indicators.hypervolume import hypervolume
from lab.scoring import (
    INDICATORS,
    anytime_trace,
    anytime_traces_many,
    evaluation_grid,
)

ALL = tuple(INDICATORS)


def _front(m: int) -> np.ndarray:
    rng = np.random.default_rng(99)
    d = np.abs(rng.standard_normal((60, m)))
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def _run(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """A run drifting towards the front, with infeasible rows (NaN) and re-evaluated points."""
    rng = np.random.default_rng(seed)
    d = np.abs(rng.standard_normal((n, m)))
    u = d / np.linalg.norm(d, axis=1, keepdims=True)
    F = u * (1.0 + 0.6 * np.exp(-np.arange(n)[:, None] / (n / 3)) * rng.random((n, 1)))
    dup = rng.random(n) < 0.1
    F[1:][dup[1:]] = F[:-1][dup[1:]]  # some evaluations repeat the previous point
    feasible = rng.random(n) > 0.2
    F[~feasible] = np.nan
    return F, feasible


def _from_scratch(F, feasible, grid, Z, ref):
    funcs = {
        "hv": lambda A: hypervolume(A, ref),
        "igd": lambda A: igd(A, Z),
        "igd_plus": lambda A: igd_plus(A, Z),
        "gd": lambda A: gd(A, Z),
        "eps_add": lambda A: epsilon_additive(A, Z),
    }
    out = {name: [] for name in [*funcs, "n_returned"]}
    for k in grid:
        pts = F[:k][feasible[:k]]
        # The returned set keeps every point whose vector equals a non-dominated one.
        nd = pts[moocore.is_nondominated(pts, keep_weakly=True)] if len(pts) else pts
        out["n_returned"].append(len(nd))
        for name, f in funcs.items():
            out[name].append(f(nd))
    return {k: np.asarray(v) for k, v in out.items()}


def test_evaluation_grid_is_log_spaced_and_ends_at_n():
    np.testing.assert_array_equal(evaluation_grid(10, points=4), [1, 2, 5, 10])
    g = evaluation_grid(500)
    assert g[0] == 1 and g[-1] == 500 and g.size <= 20
    assert np.all(np.diff(g) > 0) and g.dtype == np.int64
    ratios = g[-6:][1:] / g[-6:][:-1]
    np.testing.assert_allclose(ratios, 500 ** (1 / 19), rtol=0.05)
    np.testing.assert_array_equal(evaluation_grid(1), [1])
    np.testing.assert_array_equal(evaluation_grid(50, points=1), [50])
    np.testing.assert_array_equal(evaluation_grid(100, points=3, start=10), [10, 32, 100])
    with pytest.raises(IndicatorInputError):
        evaluation_grid(0)


@pytest.mark.parametrize("m", [2, 3])
@pytest.mark.parametrize("seed", range(4))
def test_trace_equals_recomputation_from_scratch_at_every_grid_point(m, seed):
    n = 120
    F, feasible = _run(seed, n, m)
    Z = _front(m)
    ref = np.full(m, 1.1)
    for grid in (evaluation_grid(n), np.arange(1, n + 1)):
        got = anytime_trace(F, Z, ref, feasible=feasible, grid=grid, indicators=ALL)
        want = _from_scratch(F, feasible, grid, Z, ref)
        np.testing.assert_array_equal(got["evaluations"], grid)
        np.testing.assert_array_equal(got["n_returned"], want["n_returned"])
        for name in ALL:
            np.testing.assert_allclose(got[name], want[name], rtol=1e-12, atol=1e-15)


def test_before_the_first_feasible_point_the_returned_set_is_empty():
    F = np.array([[0.5, 0.5], [0.2, 0.9], [0.9, 0.2], [0.1, 0.1]])
    feasible = np.array([False, False, True, True])
    Z = np.array([[0.0, 1.0], [1.0, 0.0]])
    out = anytime_trace(F, Z, [1.1, 1.1], feasible=feasible, grid=[1, 2, 3, 4], indicators=ALL)
    np.testing.assert_array_equal(out["n_returned"], [0, 0, 1, 1])
    np.testing.assert_allclose(out["hv"], [0.0, 0.0, 0.2 * 0.9, 1.0])
    assert out["igd"][0] == math.inf and out["igd_plus"][1] == math.inf
    assert math.isfinite(out["igd"][2])


def test_hypervolume_trace_is_monotone_and_igd_plus_antitone():
    F, feasible = _run(7, 200, 3)
    out = anytime_trace(F, _front(3), [1.1] * 3, feasible=feasible)
    assert np.all(np.diff(out["hv"]) >= 0)
    assert np.all(np.diff(out["igd_plus"]) <= 0)
    assert set(out) == {"evaluations", "n_returned", "hv", "igd_plus"}


def test_many_runs_match_single_run_traces():
    Z = _front(2)
    ref = [1.1, 1.1]
    runs, masks = zip(*[_run(s, 80, 2) for s in range(5)], strict=True)
    many = anytime_traces_many(list(runs), Z, ref, feasible=list(masks), indicators=ALL)
    assert many["hv"].shape == (5, many["evaluations"].size)
    for j in range(5):
        one = anytime_trace(runs[j], Z, ref, feasible=masks[j], indicators=ALL)
        for name in (*ALL, "n_returned"):
            np.testing.assert_array_equal(many[name][j], one[name])


def test_empty_indicator_list_traces_only_the_n_returned():
    F, feasible = _run(1, 50, 2)
    out = anytime_trace(F, _front(2), [1.1, 1.1], feasible=feasible, indicators=())
    assert set(out) == {"evaluations", "n_returned"}


def test_invalid_inputs_raise():
    Z = _front(2)
    F, feasible = _run(0, 30, 2)
    with pytest.raises(IndicatorInputError, match="NaN or infinite values in feasible rows"):
        anytime_trace(F, Z, [1.1, 1.1])  # NaN rows are infeasible, but no mask says so
    with pytest.raises(IndicatorInputError, match="boolean vector of length 30"):
        anytime_trace(F, Z, [1.1, 1.1], feasible=feasible.astype(int))
    with pytest.raises(IndicatorInputError, match=r"lie in \[1, 30\]"):
        anytime_trace(F, Z, [1.1, 1.1], feasible=feasible, grid=[1, 31])
    with pytest.raises(IndicatorInputError, match="strictly increasing"):
        anytime_trace(F, Z, [1.1, 1.1], feasible=feasible, grid=[5, 5])
    with pytest.raises(IndicatorInputError, match="unknown indicator"):
        anytime_trace(F, Z, [1.1, 1.1], feasible=feasible, indicators=("hv", "r2"))
    with pytest.raises(IndicatorInputError, match="pass an explicit grid"):
        anytime_traces_many([F, F[:20]], Z, [1.1, 1.1], feasible=[feasible, feasible[:20]])
    with pytest.raises(IndicatorInputError, match="2 masks but there are 1 runs"):
        anytime_traces_many([F], Z, [1.1, 1.1], feasible=[feasible, feasible])


def test_report_metrics_score_the_set_chosen_on_the_search_metrics():
    F = np.array([[0.5, 0.5], [0.4, 0.6], [0.6, 0.6], [0.1, 0.9]])
    report = np.array([[0.9, 0.9], [0.2, 0.2], [0.0, 0.0], [0.5, 0.5]])
    out = anytime_trace(F, [[0.0, 1.0], [1.0, 0.0]], [1.1, 1.1], report=report, grid=[1, 3, 4])
    # Row 2 dominates everything on the report metrics but is dominated on the search metrics.
    np.testing.assert_array_equal(out["n_returned"], [1, 2, 3])
    np.testing.assert_allclose(
        out["hv"],
        [hypervolume(report[[0]], [1.1, 1.1]), hypervolume(report[[0, 1]], [1.1, 1.1]),
         hypervolume(report[[0, 1, 3]], [1.1, 1.1])],
    )  # fmt: skip
