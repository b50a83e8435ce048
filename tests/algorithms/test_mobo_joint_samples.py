"""Candidates sampled jointly with a cached baseline: the rows against the model's own joint
posterior, and qNEHVI's values against BoTorch's sampling path."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from linear_operator.operators import to_dense

from lab.algorithms.mobo.acquisition import (
    build_acquisition,
    chebyshev_weights,
    evaluate_acquisition,
)
from lab.algorithms.mobo.adapter import BoTorchAdapter
from lab.algorithms.mobo.gp import genome_tensor
from lab.algorithms.mobo.joint_samples import BaselineCross
from tests.algorithms.conformance import CONSTRAINED_PROBLEM, load_problem_or_skip
from tests.algorithms.test_mobo_adapter import (
    CPU,
    _context,
    problem,  # noqa: F401 - fixture
)
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture


def _candidates(prob, count: int = 50) -> torch.Tensor:
    rows = np.arange(7, prob.n_architectures, prob.n_architectures // count)[:count]
    return genome_tensor(prob.genomes_all[rows], CPU)


@pytest.mark.parametrize("q", [1, 3])
@pytest.mark.parametrize("known", [(), ("latency", "params")])
def test_rows_equal_the_models_joint_posterior(problem, q: int, known: tuple) -> None:  # noqa: F811
    """Means and the ``q`` new covariance rows of ``[X_b, X]``, for 3 modelled outputs and for
    1 (GPyTorch's multitask and plain posteriors)."""
    adapter = BoTorchAdapter(problem, known_objectives=known, device=CPU)
    ctx = _context(problem, adapter, n=30, mc=8)
    Xb = ctx.X_baseline[::3]
    X = _candidates(problem, 8 * q).reshape(2, 4, q, -1)
    mean, rows = BaselineCross(ctx.model, Xb).new_rows(X)
    k = ctx.model.num_outputs
    assert mean.shape == (2, 4, q, k) and rows.shape == (2, 4, k, q, Xb.shape[0] + q)
    full = torch.cat([Xb.expand(2, 4, *Xb.shape), X], dim=-2)
    with torch.no_grad():
        post = ctx.model.posterior(full)
    torch.testing.assert_close(mean, post.mean[..., -q:, :], rtol=1e-9, atol=1e-10)
    cov = to_dense(post.distribution.lazy_covariance_matrix)
    if k > 1:  # GPyTorch's multitask covariance is output-major in blocks of n points
        n_all = full.shape[-2]
        cov = torch.stack([cov[..., j * n_all : (j + 1) * n_all, j * n_all : (j + 1) * n_all] for j in range(k)], -3)  # fmt: skip
    else:
        cov = cov.unsqueeze(-3)
    torch.testing.assert_close(rows, cov[..., -q:, :], rtol=1e-8, atol=1e-10)


def _both(ctx, X: torch.Tensor, *, log: bool, pending: torch.Tensor | None = None):
    values = []
    for sampling in ("cached", "botorch"):
        with torch.random.fork_rng():  # the baseline pruning draws from torch's RNG
            torch.manual_seed(0)
            acqf = build_acquisition(
                "qnehvi", dataclasses.replace(ctx, joint_sampling=sampling), log=log
            )
        if pending is not None:
            acqf.set_X_pending(pending)
        assert acqf._fast_path_applies() is (sampling == "cached")
        values.append(evaluate_acquisition(acqf, X))
    return values


@pytest.mark.parametrize("log", [False, True])
def test_qnehvi_values_equal_botorch_sampling(problem, log: bool) -> None:  # noqa: F811
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=60, mc=16)
    X = _candidates(problem)
    cached, botorch = _both(ctx, X, log=log)
    if log:
        assert float(botorch.max()) > -30
        torch.testing.assert_close(cached, botorch, rtol=0, atol=1e-8)
    else:
        assert int((botorch > 0).sum()) >= 5
        torch.testing.assert_close(cached, botorch, rtol=1e-9, atol=1e-14)
    assert int(torch.argmax(cached)) == int(torch.argmax(botorch))


def test_pending_points_cached_into_the_baseline(problem) -> None:  # noqa: F811
    """Sequential greedy batches: BoTorch caches the pending points into the baseline, and the
    cached rows follow."""
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=40, mc=16)
    X = _candidates(problem)
    cached, botorch = _both(ctx, X[5:], log=False, pending=X[:2])
    assert int((botorch > 0).sum()) >= 3
    torch.testing.assert_close(cached, botorch, rtol=1e-9, atol=1e-14)


def test_qnehvi_values_equal_botorch_sampling_with_constraints() -> None:
    constrained = load_problem_or_skip(CONSTRAINED_PROBLEM)
    ctx = _context(constrained, BoTorchAdapter(constrained, device=CPU), n=40, mc=16)
    assert ctx.adapter.constraints()
    cached, botorch = _both(ctx, _candidates(constrained), log=False)
    assert float(botorch.max()) > 0
    # One output's kernel matrix has a condition number ~1e8 here (noise at its 1e-4 floor):
    # two float64 routes to the same posterior agree to ~cond x 1e-16 relative, not 1e-12.
    K, _ = ctx.model._train_covariance()
    assert float(torch.linalg.cond(K.detach()).max()) > 1e7
    torch.testing.assert_close(cached, botorch, rtol=1e-5, atol=1e-12)
    assert int(torch.argmax(cached)) == int(torch.argmax(botorch))


@pytest.mark.parametrize("log", [False, True])
def test_qparego_values_equal_botorch_sampling(problem, log: bool) -> None:  # noqa: F811
    """qParEGO's qNEI samples through the same cached rows."""
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=60, mc=16)
    weights = chebyshev_weights(problem.n_obj, 5, device=CPU)
    X = _candidates(problem)
    values = []
    for sampling in ("cached", "botorch"):
        with torch.random.fork_rng():
            torch.manual_seed(0)
            acqf = build_acquisition(
                "qparego",
                dataclasses.replace(ctx, joint_sampling=sampling),
                log=log,
                weights=weights,
            )
        assert acqf._fast_path_applies() is (sampling == "cached")
        values.append(evaluate_acquisition(acqf, X))
    cached, botorch = values
    assert float(botorch.std()) > 0
    torch.testing.assert_close(cached, botorch, rtol=1e-9, atol=1e-12)
    assert int(torch.argmax(cached)) == int(torch.argmax(botorch))


def test_an_unknown_sampling_is_refused(problem) -> None:  # noqa: F811
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=20, mc=8)
    with pytest.raises(ValueError, match="joint_sampling"):
        build_acquisition("qnehvi", dataclasses.replace(ctx, joint_sampling="fast"))
