"""Closed-form screening values against BoTorch, exact hypervolumes and quadrature."""

from __future__ import annotations

import moocore
import numpy as np
import pytest
import torch
from botorch.acquisition.multi_objective.analytic import ExpectedHypervolumeImprovement
from botorch.models import SingleTaskGP
from botorch.utils.multi_objective.box_decompositions.non_dominated import (
    FastNondominatedPartitioning,
)
from scipy import integrate, stats

from lab.algorithms.mobo.screening import (
    expected_hvi,
    expected_scalarized_improvement,
    feasibility_probability,
    front_partitioning,
    hypercells,
    upper_partial_expectation,
)
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture

D = torch.float64


@pytest.mark.parametrize("m", [2, 3])
def test_expected_hvi_equals_botorch_analytic_ehvi(m: int) -> None:
    gen = torch.Generator().manual_seed(m)
    X = torch.rand(15, 2, generator=gen, dtype=D)
    Y = torch.randn(15, m, generator=gen, dtype=D)
    model = SingleTaskGP(X, Y)
    model.eval()
    ref = torch.full((m,), -1.5, dtype=D)
    acqf = ExpectedHypervolumeImprovement(
        model, ref.tolist(), FastNondominatedPartitioning(ref_point=ref, Y=Y)
    )
    Xt = torch.rand(300, 1, 2, generator=gen, dtype=D)
    with torch.no_grad():
        expected = acqf(Xt)
        post = model.posterior(Xt)
    lower, upper = hypercells(Y, ref)
    ours = expected_hvi(
        post.mean.squeeze(1), post.variance.squeeze(1).sqrt(), lower, upper, chunk_size=64
    )
    torch.testing.assert_close(ours, expected, rtol=1e-9, atol=1e-12)


def test_zero_variance_gives_the_exact_hypervolume_improvement() -> None:
    rng = np.random.default_rng(0)
    front = rng.normal(size=(12, 3))
    ref = np.full(3, -2.0)
    points = rng.normal(size=(50, 3))
    lower, upper = hypercells(torch.as_tensor(front), torch.as_tensor(ref))
    ours = expected_hvi(torch.as_tensor(points), torch.zeros(50, 3, dtype=D), lower, upper)
    # moocore minimizes: negate the maximized outcomes and the reference point.
    base = moocore.hypervolume(-front, ref=-ref)
    exact = [moocore.hypervolume(-np.vstack([front, p]), ref=-ref) - base for p in points]
    np.testing.assert_allclose(ours.numpy(), exact, rtol=1e-10, atol=1e-12)


def test_partial_expectation_by_quadrature_including_the_far_tail() -> None:
    for mean, std, t in [(0.3, 0.7, 1.1), (-2.0, 0.5, 3.0), (0.0, 1.0, -0.4), (-30.0, 1.0, 0.0)]:
        ours = float(
            upper_partial_expectation(
                torch.tensor(mean, dtype=D), torch.tensor(std, dtype=D), torch.tensor(t, dtype=D)
            )
        )
        exact, _ = integrate.quad(
            lambda y, mean=mean, std=std, t=t: (y - t) * stats.norm.pdf(y, mean, std),
            t,
            np.inf,
            epsabs=0,
            epsrel=1e-12,
        )
        if exact > 1e-300:
            assert ours == pytest.approx(exact, rel=1e-6)
        else:
            assert ours >= 0.0
    # far tail: z = -30 is ~1e-199, still resolved relative to the asymptotic phi(z) / z^2
    z = -30.0
    asymptotic = stats.norm.pdf(z) / z**2 * (1 - 3 / z**2)
    ours = float(upper_partial_expectation(torch.tensor(z, dtype=D), torch.ones((), dtype=D),
                                            torch.zeros((), dtype=D)))  # fmt: skip
    assert ours == pytest.approx(asymptotic, rel=1e-5)
    inf = upper_partial_expectation(
        torch.zeros(2, dtype=D), torch.tensor([1.0, 0.0], dtype=D), torch.full((2,), np.inf)
    )
    assert inf.tolist() == [0.0, 0.0]


def test_mixed_known_and_uncertain_outcomes_by_monte_carlo() -> None:
    """One outcome known exactly (std 0): the closed form against a Monte-Carlo mean of exact
    hypervolume improvements (moocore), within three standard errors."""
    front = np.array([[1.0, 3.0, 0.5], [2.0, 2.0, 1.0], [3.0, 1.0, 0.2]])
    ref = np.zeros(3)
    mean = np.array([2.5, 2.5, 0.8])
    std = np.array([0.6, 0.0, 0.3])
    lower, upper = hypercells(torch.as_tensor(front), torch.as_tensor(ref))
    ours = float(
        expected_hvi(torch.as_tensor(mean[None]), torch.as_tensor(std[None]), lower, upper)
    )
    samples = mean + std * np.random.default_rng(0).standard_normal((20_000, 3))
    base = moocore.hypervolume(-front, ref=-ref)
    hvi = np.array([moocore.hypervolume(-np.vstack([front, y]), ref=-ref) - base for y in samples])
    assert abs(ours - hvi.mean()) < 3 * hvi.std() / np.sqrt(len(hvi))


def test_feasibility_probability() -> None:
    mean = torch.tensor([[0.5, -1.0], [-0.2, 2.0], [1.0, -1.0]], dtype=D)
    std = torch.tensor([[1.0, 2.0], [0.5, 0.0], [0.0, 0.0]], dtype=D)
    expected = [
        stats.norm.cdf(-0.5) * stats.norm.cdf(0.5),
        stats.norm.cdf(0.4) * 0.0,
        0.0,
    ]
    np.testing.assert_allclose(feasibility_probability(mean, std).numpy(), expected, rtol=1e-12)
    assert feasibility_probability(mean[:, :0], std[:, :0]).tolist() == [1.0, 1.0, 1.0]


def test_scalarized_improvement_without_variance_is_the_plain_improvement() -> None:
    mean = torch.tensor([[0.2, 0.9], [0.6, 0.5], [0.1, 0.1]], dtype=D)
    base = torch.randn(64, 2, generator=torch.Generator().manual_seed(0), dtype=D)

    def scalarize(Y: torch.Tensor) -> torch.Tensor:
        return Y.min(dim=-1).values

    out = expected_scalarized_improvement(mean, torch.zeros_like(mean), base, scalarize, 0.15)
    np.testing.assert_allclose(out.numpy(), [0.05, 0.35, 0.0], atol=1e-15)


@pytest.mark.parametrize("m", [2, 3])
def test_monotone_bound_skips_only_points_that_cannot_improve(m: int) -> None:
    """With BoTorch's Chebyshev scalarization (non-decreasing in every objective), the points
    skipped by the bound are those whose estimate is exactly 0; the others are unchanged."""
    from botorch.utils.multi_objective.scalarization import get_chebyshev_scalarization

    gen = torch.Generator().manual_seed(m)
    mean = torch.randn(3000, m, generator=gen, dtype=D)
    std = 0.2 * torch.rand(3000, m, generator=gen, dtype=D)
    base = torch.randn(64, m, generator=gen, dtype=D)
    weights = torch.rand(m, generator=gen, dtype=D)
    scal = get_chebyshev_scalarization(weights=weights / weights.sum(), Y=mean[:200])
    best = float(torch.quantile(scal(mean), 0.97))
    full = expected_scalarized_improvement(mean, std, base, scal, best, chunk_size=512)
    fast = expected_scalarized_improvement(mean, std, base, scal, best, chunk_size=512, monotone=True)  # fmt: skip
    assert 20 < int((full > 0).sum()) < 1500
    torch.testing.assert_close(fast, full, rtol=0, atol=0)


def test_qehvi_and_screening_share_the_observed_decomposition() -> None:
    from botorch.utils.multi_objective.box_decompositions.dominated import (
        DominatedPartitioning,
    )

    from lab.algorithms.mobo.acquisition import build_acquisition, observed_partitioning
    from lab.algorithms.mobo.adapter import BoTorchAdapter
    from lab.algorithms.mobo.column_partitioning import ColumnPartitioning
    from lab.problems import get_problem
    from tests.algorithms.test_mobo_adapter import CPU, _context

    problem = get_problem("nbg-cora-err-lat-params")
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=40, mc=8)
    shared = observed_partitioning(ctx)
    assert observed_partitioning(ctx) is shared
    # Three objectives: the column decomposition, exact -- the same dominated hypervolume as
    # BoTorch's minimal decomposition and the same expected improvement of any point.
    assert isinstance(shared, ColumnPartitioning)
    ref = ctx.adapter.ref_point()
    botorch_cells = front_partitioning(ctx.front, ref)
    hv = DominatedPartitioning(ref_point=ref, Y=ctx.front[(ctx.front > ref).all(-1)])
    torch.testing.assert_close(shared.compute_hypervolume(), hv.compute_hypervolume())
    lower, upper = shared.get_hypercell_bounds()
    b_lower, b_upper = botorch_cells.get_hypercell_bounds()
    assert b_lower.shape[0] > 3
    gen = torch.Generator().manual_seed(3)
    scale = ctx.front.std(dim=0)
    mean = ctx.front[torch.randint(len(ctx.front), (200,), generator=gen)]
    mean = mean + scale * torch.randn(mean.shape, generator=gen, dtype=mean.dtype)
    std = scale * torch.rand(mean.shape, generator=gen, dtype=mean.dtype)
    torch.testing.assert_close(
        expected_hvi(mean, std, lower, upper), expected_hvi(mean, std, b_lower, b_upper)
    )
    acqf = build_acquisition("qehvi", ctx)
    torch.testing.assert_close(acqf.cell_lower_bounds, lower)
    ctx_botorch = _context(problem, BoTorchAdapter(problem, device=CPU), n=40, mc=8)
    ctx_botorch.partitioning = "botorch"
    assert isinstance(observed_partitioning(ctx_botorch), FastNondominatedPartitioning)
