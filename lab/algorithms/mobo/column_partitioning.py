"""An exact box decomposition of the non-dominated region built from one vectorized pass.

BoTorch's noisy hypervolume acquisitions (``qNEHVI``, ``qLogNEHVI``) decompose the region that
the baseline's sampled front does not dominate once per Monte-Carlo sample. For three or more
objectives BoTorch does this with ``FastNondominatedPartitioning``, whose local-upper-bound
updates are Python loops over the points: about 9 ms per sample of a 20-point front, which at
32 samples is most of the cost of one BO iteration.

:class:`ColumnPartitioning` computes a different, equally exact decomposition with a handful of
tensor operations (about 0.3 ms per sample). With the ``k`` non-dominated points that beat the
reference point ``r`` (maximization, BoTorch's convention), the grid of their coordinates in
outcomes ``1..m-1`` cuts that part of the space into ``(k + 1)^(m - 1)`` columns
``(l, u]`` (the last interval of every outcome open to ``+inf``). Inside one column the set of
points that weakly dominate a vector ``z`` does not depend on ``z_1..z_{m-1}`` -- it is
``{p : p_j >= u_j, j >= 1}``, since the column's bounds are consecutive grid values -- so the
non-dominated part of the column is the single box

    ``z_0 > M = max(r_0, max{p_0 : p_j >= u_j for every j >= 1})``.

The boxes ``[(M, l), (+inf, u)]`` therefore tile the non-dominated region exactly (more cells
than BoTorch's minimal decomposition, each cheap), and the hypervolume dominated by the front is
``sum_columns (M - r_0) * prod_j (u_j - l_j)`` over the bounded columns. Columns that are empty
(an interval of zero width, from tied coordinates) are dropped. Tests check the improvement of
random points against BoTorch's decomposition and the hypervolume against an independent
implementation.
"""

from __future__ import annotations

import torch
from botorch.utils.multi_objective.pareto import is_non_dominated
from torch import Tensor
from torch.nn import Module


def _nondominated_beating(Y: Tensor, ref_point: Tensor) -> Tensor:
    """The distinct rows of ``Y`` (``n x m``) that beat ``ref_point`` in every outcome and that
    no other such row dominates (maximization)."""
    Y = Y[(Y > ref_point).all(dim=-1)]
    return Y[is_non_dominated(Y, deduplicate=True)] if Y.shape[0] > 1 else Y


def column_cells(Y: Tensor, ref_point: Tensor) -> Tensor:
    """Cells of the region that beats ``ref_point`` and that ``Y`` does not dominate.

    Args:
        Y: ``n x m`` outcomes (maximized), ``m >= 2``, ``n >= 0``.
        ref_point: ``m`` reference point.

    Returns:
        ``2 x C x m`` lower and upper cell bounds (BoTorch's hypercell layout); upper bounds are
        ``+inf`` in outcome 0 and in the open last interval of the others.
    """
    m = ref_point.shape[-1]
    P = _nondominated_beating(Y, ref_point)
    inf = torch.full((1,), float("inf"), dtype=ref_point.dtype, device=ref_point.device)
    lows, ups = [], []
    for j in range(1, m):
        v = P[:, j].sort().values
        lows.append(torch.cat([ref_point[j : j + 1], v]))
        ups.append(torch.cat([v, inf]))
    L = torch.stack(torch.meshgrid(*lows, indexing="ij"), dim=-1).reshape(-1, m - 1)
    U = torch.stack(torch.meshgrid(*ups, indexing="ij"), dim=-1).reshape(-1, m - 1)
    # M: the largest outcome 0 among the points that cover the whole column in outcomes 1..m-1.
    covers = (P[:, 1:].unsqueeze(0) >= U.unsqueeze(1)).all(dim=-1)  # C x k
    r0 = ref_point[0].expand(U.shape[0], 1)
    M = torch.cat([torch.where(covers, P[:, 0].unsqueeze(0), r0), r0], dim=-1).amax(dim=-1)
    # Neighbouring columns along the last outcome with the same M are one box: a run of equal
    # M is merged into its first column, extended to the last column's upper bound.
    last = P.shape[0] + 1  # columns per run of the last outcome's grid
    position = torch.arange(M.shape[0], device=M.device) % last
    start = (position == 0) | torch.cat([M.new_ones(1, dtype=torch.bool), M[1:] != M[:-1]])
    end = torch.cat([start[1:], start.new_ones(1)])
    L, M = L[start], M[start]
    U = torch.cat([U[start][:, :-1], U[end][:, -1:]], dim=-1)
    nonempty = (U > L).all(dim=-1)  # tied coordinates leave columns of zero width
    L, U, M = L[nonempty], U[nonempty], M[nonempty]
    lower = torch.cat([M.unsqueeze(-1), L], dim=-1)
    upper = torch.cat([inf.expand(U.shape[0], 1), U], dim=-1)
    return torch.stack([lower, upper])


def batched_column_grid(Y: Tensor, ref_point: Tensor) -> tuple[Tensor, ...]:
    """The column decomposition (:func:`column_cells`) of ``b`` fronts of three outcomes at
    once, as a grid, without merging runs: every front gets the same ``(n + 1)^2`` columns, so
    the whole batch is a few tensor operations instead of ``b`` decompositions.

    No point needs dropping first: outcomes are raised to the reference point (a point that
    does not beat it in an outcome dominates nothing above it, and raised to it still
    dominates nothing there), and a dominated point only adds grid lines (columns of the same
    ``M``). Infeasible points must be set to the reference point by the caller.

    Args:
        Y: ``b x n x 3`` outcomes (maximized), ``n >= 0``.
        ref_point: ``3``.

    Returns:
        ``M`` (``b x (n + 1) x (n + 1)``: column ``(a1, a2)`` is the box
        ``z_0 > M[a1, a2]``, ``low1[a1] < z_1 <= up1[a1]``, ``low2[a2] < z_2 <= up2[a2]``),
        then ``low1``, ``up1``, ``low2``, ``up2`` (each ``b x (n + 1)``; the last upper bound
        ``+inf``). Columns of zero width (ties, raised points) contribute nothing.
    """
    b, n, m = Y.shape
    if m != 3:
        raise ValueError(f"batched_column_grid takes three outcomes, got {m}")
    Y = torch.maximum(Y, ref_point)
    inf = torch.full((b, 1), float("inf"), dtype=Y.dtype, device=Y.device)
    v1, v2 = Y[..., 1].sort(dim=-1).values, Y[..., 2].sort(dim=-1).values  # b x n
    low1 = torch.cat([ref_point[1].expand(b, 1), v1], dim=-1)  # b x (n + 1)
    low2 = torch.cat([ref_point[2].expand(b, 1), v2], dim=-1)
    up1, up2 = torch.cat([v1, inf], dim=-1), torch.cat([v2, inf], dim=-1)
    # A point covers column (a1, a2) -- up1[a1] <= p_1 and up2[a2] <= p_2 -- iff a1 <= rank1
    # and a2 <= rank2, its last positions among the sorted coordinates. M is then a suffix
    # maximum, along both grid axes, of the points' outcome 0 placed at their ranks.
    r1 = torch.searchsorted(v1, Y[..., 1].contiguous(), right=True) - 1  # b x n
    r2 = torch.searchsorted(v2, Y[..., 2].contiguous(), right=True) - 1
    side = n + 1
    grid = ref_point[0].expand(b, side * side).clone()
    if n:
        grid.scatter_reduce_(1, r1 * side + r2, Y[..., 0], reduce="amax", include_self=True)
    grid = grid.view(b, side, side).flip(1).cummax(dim=1).values.flip(1)
    M = grid.flip(2).cummax(dim=2).values.flip(2)
    return M, low1, up1, low2, up2


def grid_cells(M: Tensor, low1: Tensor, up1: Tensor, low2: Tensor, up2: Tensor) -> Tensor:
    """The cells of a :func:`batched_column_grid`: ``2 x b x (n + 1)^2 x 3`` lower and upper
    bounds in BoTorch's layout (upper bound ``+inf`` in outcome 0)."""
    b, side, _ = M.shape
    L1 = low1.unsqueeze(-1).expand(b, side, side).reshape(b, -1)
    U1 = up1.unsqueeze(-1).expand(b, side, side).reshape(b, -1)
    L2 = low2.unsqueeze(-2).expand(b, side, side).reshape(b, -1)
    U2 = up2.unsqueeze(-2).expand(b, side, side).reshape(b, -1)
    inf = torch.full_like(L1, float("inf"))
    lower = torch.stack([M.reshape(b, -1), L1, L2], dim=-1)
    upper = torch.stack([inf, U1, U2], dim=-1)
    return torch.stack([lower, upper])


class ColumnPartitioning(Module):
    """Drop-in for BoTorch's ``FastNondominatedPartitioning`` inside its noisy hypervolume
    acquisitions: the same constructor call (``ref_point``, ``Y``) and the methods those
    acquisitions use (:meth:`get_hypercell_bounds`, :meth:`compute_hypervolume`,
    :meth:`update`).

    Args:
        ref_point: ``m`` reference point (maximization).
        Y: ``n x m`` outcomes, or ``b x n x m`` for a batch of fronts (three outcomes: all at
            once, :func:`batched_column_grid`, infeasible points set to the reference point by
            the caller; more: one by one, padded with empty cells to a common count, as
            BoTorch's ``BoxDecompositionList`` does).
    """

    def __init__(self, ref_point: Tensor, Y: Tensor | None = None) -> None:
        super().__init__()
        self.grid: tuple[Tensor, ...] | None = None
        m = ref_point.shape[-1]
        if m < 2:
            raise ValueError(f"a box decomposition needs at least 2 outcomes, got {m}")
        self.register_buffer("_ref", ref_point.detach().clone())
        empty = ref_point.new_zeros(0, m)
        self.register_buffer("Y", empty if Y is None else Y.detach())
        self._compute()

    @property
    def ref_point(self) -> Tensor:
        """The reference point (maximization)."""
        return self._ref

    @property
    def num_outcomes(self) -> int:
        return int(self._ref.shape[-1])

    def _compute(self) -> None:
        ref = self._ref
        if self.Y.dim() == 2:
            self.hypercell_bounds = column_cells(self.Y, ref)
            return
        if self.num_outcomes == 3:  # every front of the batch at once
            flat = self.Y.reshape(-1, *self.Y.shape[-2:])
            #: The decomposition as a grid (:func:`batched_column_grid`), for direct scoring.
            self.grid = batched_column_grid(flat, ref)
            bounds = grid_cells(*self.grid)
            self.hypercell_bounds = bounds.reshape(2, *self.Y.shape[:-2], *bounds.shape[-2:])
            return
        parts = [column_cells(y, ref) for y in self.Y.reshape(-1, *self.Y.shape[-2:])]
        size = max(p.shape[-2] for p in parts)
        # Empty padding cells (lower == upper == 0) contribute nothing to any improvement.
        padded = [
            torch.cat([p, p.new_zeros(2, size - p.shape[-2], p.shape[-1])], -2) for p in parts
        ]
        bounds = torch.stack(padded, dim=1)
        self.hypercell_bounds = bounds.reshape(2, *self.Y.shape[:-2], size, self.num_outcomes)

    @property
    def pareto_Y(self) -> Tensor:
        """The non-dominated outcomes that beat the reference point (one front; BoTorch's
        attribute of the same name, read by its acquisitions for dtype and device)."""
        if self.Y.dim() != 2:
            raise ValueError("pareto_Y is defined for one front, not a batch")
        return _nondominated_beating(self.Y, self._ref)

    def update(self, Y: Tensor) -> None:
        """Add outcomes ``Y`` (same batch layout) and recompute."""
        self.Y = torch.cat([self.Y, Y.detach()], dim=-2)
        self._compute()

    def get_hypercell_bounds(self) -> Tensor:
        """``2 x (batch) x C x m`` lower and upper bounds of the non-dominated cells."""
        return self.hypercell_bounds

    def compute_hypervolume(self) -> Tensor:
        """Hypervolume dominated by ``Y`` above the reference point (``batch`` shape): each
        bounded column's dominated height ``M - r_0`` times its cross-section."""
        lower, upper = self.hypercell_bounds[0], self.hypercell_bounds[1]
        width = (upper[..., 1:] - lower[..., 1:]).prod(dim=-1)
        height = lower[..., 0] - self._ref[0]
        bounded = torch.isfinite(width) & (width > 0)
        return torch.where(bounded, height * width, torch.zeros_like(width)).sum(dim=-1)
