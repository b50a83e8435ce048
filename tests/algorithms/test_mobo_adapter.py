"""The BoTorch adapter: sign convention, known outcomes, table look-ups, acquisitions built on
it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
from botorch.acquisition.multi_objective.monte_carlo import qExpectedHypervolumeImprovement

from lab.algorithms.mobo.acquisition import (
    AcquisitionContext,
    build_acquisition,
    chebyshev_weights,
    evaluate_acquisition,
)
from lab.algorithms.mobo.adapter import BoTorchAdapter
from lab.algorithms.mobo.gp import GenomeGP, genome_tensor
from lab.algorithms.mobo.reference_point import search_reference_point
from lab.algorithms.mobo.screening import expected_hvi, hypercells
from lab.errors import ConfigError
from lab.problems import get_problem
from tests.algorithms.conformance import CONSTRAINED_PROBLEM, load_problem_or_skip
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def problem():
    return get_problem("nbg-cora-err-lat-params")


def test_signs_targets_and_reference_point(problem) -> None:
    adapter = BoTorchAdapter(problem, device=CPU)
    rows = np.array([5, 17, 300])
    np.testing.assert_array_equal(adapter.train_targets(rows).numpy(), -problem.F_all[rows])
    with pytest.raises(RuntimeError, match="no reference point"):
        adapter.ref_point()
    point = search_reference_point(problem, problem.F_all[rows])
    adapter.set_reference_point(point)
    np.testing.assert_array_equal(adapter.ref_point().numpy(), -point)
    assert adapter.n_outputs == 3 and adapter.constraints() == []


def test_known_objectives_are_looked_up_in_problem_order(problem) -> None:
    adapter = BoTorchAdapter(problem, known_objectives=("params",), device=CPU)
    assert adapter.modeled_obj == [0, 1] and adapter.known_obj == [2]
    rows = np.array([3, 99, 2500, 7])
    X = genome_tensor(problem.genomes_all[rows], CPU)
    np.testing.assert_array_equal(adapter.rows_of(X).numpy(), rows)
    np.testing.assert_array_equal(adapter.train_targets(rows).numpy(), -problem.F_all[rows][:, :2])
    samples = torch.randn(5, 4, 2, dtype=torch.float64)  # sample x q x modelled outputs
    out = adapter.objective()(samples, X=X)
    assert out.shape == (5, 4, 3)
    torch.testing.assert_close(out[..., :2], samples)
    expected = torch.as_tensor(-problem.F_all[rows, 2]).expand(5, 4)
    torch.testing.assert_close(out[..., 2], expected)
    with pytest.raises(ValueError, match="not a canonical genome"):
        adapter.rows_of(torch.full((1, problem.n_var), 0.0, dtype=torch.float64) - 5)


def test_bad_names_fail_loudly(problem) -> None:
    with pytest.raises(ConfigError, match="valid"):
        BoTorchAdapter(problem, known_objectives=("flops",), device=CPU)
    with pytest.raises(ConfigError, match="at least one"):
        BoTorchAdapter(problem, known_objectives=("error", "latency", "params"), device=CPU)
    with pytest.raises(ConfigError, match="known_constraints"):
        BoTorchAdapter(problem, known_constraints=("latency_cora",), device=CPU)


def _context(problem, adapter: BoTorchAdapter, n: int = 40, mc: int = 64) -> AcquisitionContext:
    rows = np.random.default_rng(0).choice(problem.n_architectures, n, replace=False)
    X = genome_tensor(problem.genomes_all[rows], CPU)
    model = GenomeGP(X, adapter.train_targets(rows), cardinalities=problem.cardinalities)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model.fit(maxiter=50)
    adapter.set_reference_point(search_reference_point(problem, problem.F_all[rows]))
    return AcquisitionContext(
        model=model,
        adapter=adapter,
        X_baseline=X,
        front=adapter.objectives_max(rows),
        mc_samples=mc,
        seed=3,
    )


def test_known_objective_acquisition_matches_closed_form_ehvi(problem) -> None:
    """Plain qEHVI (q = 1, many QMC samples) with one objective read from the table converges to
    the closed-form EHVI with that objective's standard deviation set to zero."""
    adapter = BoTorchAdapter(problem, known_objectives=("latency",), device=CPU)
    ctx = _context(problem, adapter, mc=4096)
    acqf = build_acquisition("qehvi", ctx, log=False)
    assert isinstance(acqf, qExpectedHypervolumeImprovement)
    cand = np.arange(0, problem.n_architectures, 997)
    Xc = genome_tensor(problem.genomes_all[cand], CPU)
    mc = evaluate_acquisition(acqf, Xc)
    mean, var = ctx.model.marginals(Xc)
    known = -torch.as_tensor(problem.F_all[cand][:, [1]])
    obj_mean = adapter.merge(mean, known)
    obj_std = adapter.merge(var.sqrt(), torch.zeros_like(known))
    lower, upper = hypercells(ctx.front, adapter.ref_point())
    closed = expected_hvi(obj_mean, obj_std, lower, upper)
    big = closed > 1e-3 * closed.max()
    assert big.sum() >= 3
    torch.testing.assert_close(mc[big], closed[big], rtol=0.03, atol=0.0)


def test_acquisitions_are_seeded_and_finite(problem) -> None:
    adapter = BoTorchAdapter(problem, device=CPU)
    ctx = _context(problem, adapter, n=25, mc=8)
    Xc = genome_tensor(problem.genomes_all[:20], CPU)
    for kind in ("qehvi", "qnehvi", "qparego"):
        w = chebyshev_weights(3, 11, device=CPU)
        assert w.shape == (3,) and float(w.sum()) == pytest.approx(1.0) and (w >= 0).all()
        torch.testing.assert_close(w, chebyshev_weights(3, 11, device=CPU))
        values = []
        for _ in range(2):
            with torch.random.fork_rng():
                torch.manual_seed(0)  # only BoTorch's baseline pruning draws from it
                acqf = build_acquisition(kind, ctx, log=True, weights=w)
                values.append(evaluate_acquisition(acqf, Xc))
        # The direct log value is -inf where no sample improves (never NaN, never +inf).
        assert not torch.isnan(values[0]).any() and (values[0] < float("inf")).all()
        torch.testing.assert_close(values[0], values[1], rtol=0, atol=0)
    for kind in ("qehvi", "qnehvi"):  # BoTorch's smoothed log value is finite everywhere
        ctx.candidate_hvi = "botorch"
        with torch.random.fork_rng():
            torch.manual_seed(0)
            smoothed = evaluate_acquisition(build_acquisition(kind, ctx, log=True), Xc)
        ctx.candidate_hvi = "direct"
        assert torch.isfinite(smoothed).all()
    acqf = build_acquisition("qnehvi", ctx)
    assert isinstance(acqf, qLogNoisyExpectedHypervolumeImprovement)


def test_constraints_keep_their_sign_and_select_their_output() -> None:
    constrained = load_problem_or_skip(CONSTRAINED_PROBLEM)
    adapter = BoTorchAdapter(constrained, device=CPU)
    assert adapter.n_outputs == constrained.n_obj + constrained.n_constr
    rows = np.array([0, 10, 200])
    targets = adapter.train_targets(rows).numpy()
    np.testing.assert_array_equal(targets[:, : constrained.n_obj], -constrained.F_all[rows])
    np.testing.assert_array_equal(targets[:, constrained.n_obj :], constrained.G_all[rows])
    samples = torch.randn(4, 2, adapter.n_outputs, dtype=torch.float64)
    (constraint,) = adapter.constraints()
    torch.testing.assert_close(constraint(samples), samples[..., constrained.n_obj])
    metric = constrained.spec.constraints[0].metric
    known = BoTorchAdapter(constrained, known_constraints=(metric,), device=CPU)
    assert known.n_outputs == constrained.n_obj and known.constraints() == []
    np.testing.assert_array_equal(
        known.known_feasible(np.arange(constrained.n_architectures)), constrained.feasible_all
    )
