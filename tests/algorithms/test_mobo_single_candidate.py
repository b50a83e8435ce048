"""The iteration's exact shortcuts: the batched column grid of sampled fronts, the direct value
of BoTorch's hypervolume acquisitions at single candidates, and the bound-pruned screening."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from botorch.utils.multi_objective.box_decompositions.dominated import DominatedPartitioning
from botorch.utils.multi_objective.box_decompositions.non_dominated import (
    FastNondominatedPartitioning,
)

from lab.algorithms.mobo.acquisition import build_acquisition, evaluate_acquisition
from lab.algorithms.mobo.adapter import BoTorchAdapter
from lab.algorithms.mobo.column_partitioning import (
    ColumnPartitioning,
    batched_column_grid,
    grid_cells,
)
from lab.algorithms.mobo.gp import genome_tensor
from lab.algorithms.mobo.screening import expected_hvi, hypercells
from lab.algorithms.mobo.screening_bound import ehvi_upper_bound, top_k_by_bound
from lab.algorithms.mobo.single_candidate_hvi import _grid_hvi
from lab.problems import get_problem
from tests.algorithms.conformance import CONSTRAINED_PROBLEM, load_problem_or_skip
from tests.algorithms.test_mobo_adapter import CPU, _context
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture

D = torch.float64


def _fronts(b: int, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``b`` random point sets in 3-D with ties, dominated points and points below the
    reference point."""
    gen = torch.Generator().manual_seed(seed)
    Y = torch.rand(b, n, 3, generator=gen, dtype=D)
    Y[:, 1, 1] = Y[:, 0, 1]  # ties
    Y[:, 3, 2] = Y[:, 2, 2]
    Y = torch.round(Y * 20) / 20  # more ties everywhere
    Y[:, -1] = -0.5  # below the reference point in every outcome
    return Y, torch.zeros(3, dtype=D)


def _brute_hvi(y: torch.Tensor, front: torch.Tensor, ref: torch.Tensor) -> float:
    """HV(front + y) - HV(front) by BoTorch's dominated partitioning."""
    keep = front[(front > ref).all(-1)]

    def hv(points: torch.Tensor) -> float:
        pts = points[(points > ref).all(-1)]
        if pts.shape[0] == 0:
            return 0.0
        return float(DominatedPartitioning(ref_point=ref, Y=pts).compute_hypervolume())

    return hv(torch.cat([keep, y[None]])) - hv(keep)


def test_batched_grid_gives_each_fronts_hypervolume_and_improvements() -> None:
    Y, ref = _fronts(b=5, n=13, seed=0)
    grid = batched_column_grid(Y, ref)
    part = ColumnPartitioning(ref, Y)
    assert part.grid is not None
    for i in range(Y.shape[0]):
        inside = Y[i][(Y[i] > ref).all(-1)]
        expected = DominatedPartitioning(ref_point=ref, Y=inside).compute_hypervolume()
        torch.testing.assert_close(part.compute_hypervolume()[i], expected)
    gen = torch.Generator().manual_seed(1)
    points = torch.rand(5, 40, 3, generator=gen, dtype=D) * 1.2 - 0.1
    direct = _grid_hvi(points, *grid)
    # The same improvements from the grid's cells in BoTorch's layout...
    lower, upper = grid_cells(*grid)
    from_cells = (
        (torch.minimum(points.unsqueeze(-2), upper.unsqueeze(1)) - lower.unsqueeze(1))
        .clamp_min(0)
        .prod(-1)
        .sum(-1)
    )
    torch.testing.assert_close(direct, from_cells)
    # ... and from hypervolumes computed independently.
    for i in range(5):
        for j in range(0, 40, 7):
            assert float(direct[i, j]) == pytest.approx(
                _brute_hvi(points[i, j], Y[i], ref), abs=1e-12
            )


def test_batched_grid_of_an_empty_front_is_the_whole_box() -> None:
    ref = torch.zeros(3, dtype=D)
    grid = batched_column_grid(torch.zeros(2, 0, 3, dtype=D), ref)
    y = torch.tensor([[[0.5, 2.0, 1.0]], [[-1.0, 2.0, 1.0]]], dtype=D)
    torch.testing.assert_close(_grid_hvi(y, *grid), torch.tensor([[1.0], [0.0]], dtype=D))


@pytest.mark.parametrize("kind", ["qehvi", "qnehvi"])
def test_direct_value_is_botorchs_plain_value(kind: str) -> None:
    problem = get_problem("nbg-cora-err-lat-params")
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=30, mc=16)
    Xc = genome_tensor(problem.genomes_all[np.arange(0, problem.n_architectures, 211)], CPU)
    values = {}
    for candidate_hvi in ("direct", "botorch"):
        for log in (False, True):
            ctx.candidate_hvi = candidate_hvi
            ctx._partitioning = None
            with torch.random.fork_rng():
                torch.manual_seed(0)
                acqf = build_acquisition(kind, ctx, log=log)
                values[candidate_hvi, log] = evaluate_acquisition(acqf, Xc)
    plain = values["botorch", False]
    assert int((plain > 0).sum()) >= 5
    torch.testing.assert_close(values["direct", False], plain, rtol=1e-10, atol=1e-14)
    torch.testing.assert_close(values["direct", True].exp(), plain, rtol=1e-10, atol=1e-14)
    # BoTorch's smoothed log value ranks the improving candidates as the plain value does.
    smooth = values["botorch", True]
    improving = plain > 1e-6 * float(plain.max())
    assert torch.equal(
        torch.argsort(smooth[improving], descending=True),
        torch.argsort(plain[improving], descending=True),
    )


def test_direct_value_with_a_modelled_constraint() -> None:
    problem = load_problem_or_skip(CONSTRAINED_PROBLEM)
    ctx = _context(problem, BoTorchAdapter(problem, device=CPU), n=30, mc=16)
    Xc = genome_tensor(problem.genomes_all[np.arange(0, problem.n_architectures, 97)], CPU)
    out = {}
    for candidate_hvi in ("direct", "botorch"):
        ctx.candidate_hvi = candidate_hvi
        with torch.random.fork_rng():
            torch.manual_seed(0)
            out[candidate_hvi] = evaluate_acquisition(
                build_acquisition("qnehvi", ctx, log=False), Xc
            )
    assert int((out["botorch"] > 0).sum()) >= 3
    torch.testing.assert_close(out["direct"], out["botorch"], rtol=1e-10, atol=1e-14)


def test_screening_bound_holds_and_top_k_equals_the_full_ranking() -> None:
    gen = torch.Generator().manual_seed(5)
    front = torch.rand(25, 3, generator=gen, dtype=D)
    ref = torch.zeros(3, dtype=D)
    mean = torch.rand(3000, 3, generator=gen, dtype=D) * 1.1 - 0.2
    std = torch.rand(3000, 3, generator=gen, dtype=D) * 0.2
    std[:200, 1] = 0.0  # an objective known exactly for some candidates
    mean[300:310] = mean[0]  # tied candidates
    std[300:310] = std[0]
    lower, upper = hypercells(front, ref)
    exact = expected_hvi(mean, std, lower, upper).numpy()
    bound = ehvi_upper_bound(mean, std, front, ref).numpy()
    assert (bound * (1 + 1e-12) >= exact).all()  # tight slabs: equal up to rounding
    assert np.median(bound / np.maximum(exact, 1e-300)) < 1e6  # informative, not infinite
    calls = []

    def score(pos: np.ndarray) -> np.ndarray:
        calls.append(len(pos))
        return exact[pos]

    for k in (1, 10, 64):
        calls.clear()
        top, values = top_k_by_bound(score, bound, k, chunk=128)
        full = np.argsort(-exact, kind="stable")[:k]
        np.testing.assert_array_equal(top, full)
        np.testing.assert_array_equal(values, exact[full])
        assert sum(calls) < len(exact)  # the bound spared work
    assert (ehvi_upper_bound(mean, std, front[:0], ref) == float("inf")).all()


def test_bo_histories_do_not_depend_on_the_screening_shortcut() -> None:
    """The bound-pruned screening selects what scoring every candidate selects: a run with it
    equals a run whose screening scores every candidate (same seed)."""
    from lab.algorithms.mobo import bayesopt
    from lab.algorithms.registry import make_algorithm

    problem = get_problem("nbg-cora-err-lat-params")
    runs = []
    original = bayesopt.top_k_by_bound

    def full(score, bound, k, **kw):
        return original(score, np.full_like(bound, np.inf), k, **kw)

    for prune in (True, False):
        if not prune:
            bayesopt.top_k_by_bound = full
        try:
            algo = make_algorithm("qnehvi", problem, budget=24, seed=4, n_init=10)
            runs.append(algo.run().rows.copy())
        finally:
            bayesopt.top_k_by_bound = original
    np.testing.assert_array_equal(runs[0], runs[1])


def test_fast_nondominated_and_column_cells_agree_on_the_observed_front() -> None:
    Y, ref = _fronts(b=1, n=20, seed=9)
    front = Y[0][(Y[0] > ref).all(-1)]
    botorch_cells = FastNondominatedPartitioning(ref_point=ref, Y=front).get_hypercell_bounds()
    column = ColumnPartitioning(ref, front).get_hypercell_bounds()
    gen = torch.Generator().manual_seed(2)
    mean = torch.rand(300, 3, generator=gen, dtype=D)
    std = torch.rand(300, 3, generator=gen, dtype=D) * 0.1
    torch.testing.assert_close(
        expected_hvi(mean, std, column[0], column[1]),
        expected_hvi(mean, std, botorch_cells[0], botorch_cells[1]),
    )
