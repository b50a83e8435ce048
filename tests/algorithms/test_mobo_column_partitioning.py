"""The column box decomposition: the same improvement and hypervolume as BoTorch's exact
decomposition and an independent hypervolume, and the same qNEHVI inside BoTorch."""

from __future__ import annotations

import dataclasses

import moocore
import numpy as np
import pytest
import torch
from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
from botorch.utils.multi_objective.box_decompositions.non_dominated import (
    FastNondominatedPartitioning,
)

from lab.algorithms.mobo.acquisition import LogNEHVI, build_acquisition, evaluate_acquisition
from lab.algorithms.mobo.adapter import BoTorchAdapter
from lab.algorithms.mobo.column_partitioning import ColumnPartitioning, column_cells
from lab.algorithms.mobo.gp import genome_tensor
from tests.algorithms.test_mobo_adapter import (
    CPU,
    _context,
    problem,  # noqa: F401 - fixture
)
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture


def _improvement(bounds: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Hypervolume improvement of each point of ``y`` (``N x m``) summed over cells."""
    lower, upper = bounds[0], bounds[1]
    return (torch.minimum(y[:, None], upper[None]) - lower[None]).clamp_min(0).prod(-1).sum(-1)


def _front(rng: np.random.Generator, n: int, m: int) -> torch.Tensor:
    Y = rng.random((n, m))
    Y[: n // 3] = Y[: n // 3].round(1)  # ties in every coordinate
    if n > 2:
        Y[1] = Y[0]  # a duplicated point
    return torch.as_tensor(Y)


@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 25, 60])
def test_improvement_equals_botorch_decomposition(m: int, n: int) -> None:
    rng = np.random.default_rng(100 * m + n)
    Y = _front(rng, n, m)
    ref = torch.full((m,), 0.15, dtype=torch.float64)  # some points do not beat it
    y = torch.as_tensor(rng.random((500, m)) * 1.3)
    ours = column_cells(Y, ref)
    theirs = FastNondominatedPartitioning(ref_point=ref, Y=Y).get_hypercell_bounds()
    torch.testing.assert_close(_improvement(ours, y), _improvement(theirs, y), rtol=0, atol=1e-12)
    assert ours.shape[0] == 2 and ours.shape[-1] == m
    assert bool((ours[1] >= ours[0]).all())  # every cell is a proper box


@pytest.mark.parametrize("m", [2, 3, 4])
def test_hypervolume_equals_an_independent_implementation(m: int) -> None:
    rng = np.random.default_rng(m)
    for n in (1, 5, 30):
        Y = _front(rng, n, m)
        ref = torch.full((m,), 0.1, dtype=torch.float64)
        hv = ColumnPartitioning(ref, Y).compute_hypervolume().item()
        beats = Y[(Y > ref).all(-1)].numpy()
        # moocore minimizes: negate the points and the reference point.
        expected = moocore.hypervolume(-beats, ref=-ref.numpy()) if len(beats) else 0.0
        assert hv == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_a_batch_of_fronts_is_each_front_padded_with_empty_cells() -> None:
    rng = np.random.default_rng(7)
    Y = torch.as_tensor(rng.random((4, 12, 3)))
    Y[2, :, 0] = -1.0  # no point of front 2 beats the reference point
    ref = torch.zeros(3, dtype=torch.float64)
    batch = ColumnPartitioning(ref, Y)
    bounds = batch.get_hypercell_bounds()
    assert bounds.shape[:2] == (2, 4)
    y = torch.as_tensor(rng.random((50, 3)))
    for i in range(4):
        alone = column_cells(Y[i], ref)
        torch.testing.assert_close(_improvement(bounds[:, i], y), _improvement(alone, y))
    hv = batch.compute_hypervolume()
    assert hv.shape == (4,) and hv[2].item() == 0.0
    # update = the same decomposition of the grown fronts
    extra = torch.as_tensor(rng.random((4, 3, 3)))
    batch.update(extra)
    grown = ColumnPartitioning(ref, torch.cat([Y, extra], dim=-2))
    torch.testing.assert_close(batch.compute_hypervolume(), grown.compute_hypervolume())


def test_one_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 outcomes"):
        ColumnPartitioning(torch.zeros(1, dtype=torch.float64), torch.ones(3, 1))


def test_qnehvi_with_columns_equals_botorch_partitioning(problem) -> None:  # noqa: F811
    """The plain BoTorch qNEHVI on a fitted 3-objective model is the same with either
    decomposition (an exact identity, up to rounding); the log variant with columns is the log of
    that value up to its smoothing, with the same maximizer."""
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=40, mc=32)
    botorch_ctx = dataclasses.replace(ctx, partitioning="botorch")
    rows = np.arange(0, problem.n_architectures, 211)
    X = genome_tensor(problem.genomes_all[rows], CPU)

    def build(context, log):  # the baseline pruning draws from torch's RNG: seed it alike
        with torch.random.fork_rng():
            torch.manual_seed(0)
            return build_acquisition("qnehvi", context, log=log)

    plain = evaluate_acquisition(build(ctx, False), X)
    plain_botorch = evaluate_acquisition(build(botorch_ctx, False), X)
    assert float(plain_botorch.max()) > 0
    torch.testing.assert_close(plain, plain_botorch, rtol=1e-9, atol=1e-12)
    acqf = build(ctx, True)
    assert isinstance(acqf, LogNEHVI) and isinstance(acqf, qLogNoisyExpectedHypervolumeImprovement)
    log = evaluate_acquisition(acqf, X)
    improving = plain > 0
    assert int(improving.sum()) >= 10
    torch.testing.assert_close(log[improving], plain[improving].log(), rtol=0, atol=1e-3)
    assert float(log[~improving].max()) < float(plain[improving].log().min())
    assert int(torch.argmax(log)) == int(torch.argmax(plain))
