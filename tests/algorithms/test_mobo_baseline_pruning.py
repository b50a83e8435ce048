"""qNEHVI's baseline pruning: the non-dominance test against BoTorch's two branches, and the
pruning against BoTorch's ``prune_inferior_points_multi_objective`` from the same RNG draws."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from botorch.acquisition.multi_objective.utils import prune_inferior_points_multi_objective
from botorch.utils.multi_objective.pareto import _is_non_dominated_loop, is_non_dominated

from lab.algorithms.mobo.acquisition import plausible_baseline
from lab.algorithms.mobo.adapter import BoTorchAdapter
from lab.algorithms.mobo.baseline_pruning import first_non_dominated, prune_baseline
from tests.algorithms.conformance import CONSTRAINED_PROBLEM, load_problem_or_skip
from tests.algorithms.test_mobo_adapter import (
    CPU,
    _context,
    problem,  # noqa: F401 - fixture
)
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture


def _samples(b: int, n: int, m: int, *, ties: bool, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    mean = torch.randn(n, m, generator=g, dtype=torch.float64)
    Y = mean + 0.3 * torch.randn(b, n, m, generator=g, dtype=torch.float64)
    if ties:  # coarse values: shared coordinates and whole duplicate points
        Y = torch.round(Y * 4) / 4
        Y[:, n // 2] = Y[:, 1]
    return Y


@pytest.mark.parametrize("m", [2, 3, 4])
def test_ties_and_duplicates_follow_botorch_deduplicated_rule(m: int) -> None:
    Y = _samples(6, 25, m, ties=True)
    expected = is_non_dominated(Y, deduplicate=True)
    assert bool(expected.any()) and not bool(expected.all())
    assert torch.equal(first_non_dominated(Y), expected)


@pytest.mark.parametrize(("m", "n"), [(2, 150), (3, 187), (4, 90)])
def test_continuous_samples_equal_botorch_looped_branch(m: int, n: int) -> None:
    """The branch BoTorch takes for ``128 x 187`` samples (a Python loop over the points)."""
    Y = _samples(128, n, m, ties=False, seed=m)
    expected = _is_non_dominated_loop(Y, deduplicate=False)
    assert torch.equal(first_non_dominated(Y), expected)
    assert first_non_dominated(Y.reshape(16, 8, n, m)).shape == (16, 8, n)


def test_a_point_alone_and_empty_inputs() -> None:
    assert first_non_dominated(torch.zeros(3, 1, 2)).tolist() == [[True]] * 3
    assert first_non_dominated(torch.zeros(0, 4, 2)).shape == (0, 4)
    assert first_non_dominated(torch.zeros(2, 0, 2)).shape == (2, 0)


def _prune_both(ctx, X: torch.Tensor, **kw) -> tuple[torch.Tensor, torch.Tensor]:
    a = ctx.adapter
    args = dict(objective=a.objective(), constraints=a.constraints() or None, **kw)
    out = []
    for fn in (prune_inferior_points_multi_objective, prune_baseline):
        with torch.random.fork_rng():
            torch.manual_seed(7)
            out.append(fn(ctx.model, X, a.ref_point(), **args))
    return out[0], out[1]


@pytest.mark.parametrize("num_samples", [16, 128])
def test_pruning_equals_botorch_on_a_fitted_three_objective_model(
    problem,  # noqa: F811
    num_samples: int,
) -> None:
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=120, mc=8)
    X = plausible_baseline(ctx)
    expected, got = _prune_both(ctx, X, num_samples=num_samples)
    assert 5 < expected.shape[0] < X.shape[0]
    assert torch.equal(got, expected)
    expected, got = _prune_both(ctx, X, num_samples=num_samples, max_frac=0.1)
    assert got.shape[0] == expected.shape[0] == int(np.ceil(0.1 * X.shape[0]))
    assert torch.equal(got, expected)


def test_pruning_equals_botorch_with_modelled_constraints() -> None:
    constrained = load_problem_or_skip(CONSTRAINED_PROBLEM)
    ctx = _context(constrained, BoTorchAdapter(constrained, device=CPU), n=60, mc=8)
    assert ctx.adapter.constraints()
    expected, got = _prune_both(ctx, ctx.X_baseline, num_samples=64)
    assert expected.shape[0] > 0
    assert torch.equal(got, expected)


def test_bad_inputs_are_refused(problem) -> None:  # noqa: F811
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=20, mc=8)
    ref = ctx.adapter.ref_point()
    with pytest.raises(ValueError, match="n x d"):
        prune_baseline(ctx.model, ctx.X_baseline[:0], ref)
    with pytest.raises(ValueError, match="max_frac"):
        prune_baseline(ctx.model, ctx.X_baseline, ref, max_frac=0.0)
