"""BoTorch's hypervolume acquisitions scored at one candidate at a time, computed directly.

The lab scores discrete candidates one by one (``q = 1``). The Monte-Carlo (noisy) expected
hypervolume improvement of one point ``y`` is then, for each posterior sample ``s``, the volume
of the box ``[l, min(y, u)]`` summed over the cells ``[l, u]`` of the region that sample's
front leaves non-dominated (``sum_c prod_j (min(y_j, u_cj) - l_cj)^+``), times the sample's
smoothed feasibility, averaged over the samples -- what BoTorch's plain ``qEHVI`` / ``qNEHVI``
compute, without their machinery for subsets of ``q`` points.

BoTorch's log variants (``qLogEHVI``, ``qLogNEHVI``) replace the ``max`` and the ``ReLU`` of
that formula by smooth approximations so that gradient-based optimizers see a signal where the
improvement is zero; their cost here is most of a BO iteration (log-sum-exp over cells and
samples). A discrete argmax needs no gradient, and the logarithm does not change it: with
``candidate_hvi="direct"`` the log variant's value is the logarithm of the plain value
(``-inf`` where no sample improves, ties then going to the better-screened candidate), the
plain variant's value the plain value. ``candidate_hvi="botorch"`` keeps BoTorch's computation
(the smoothed log value). Batches of more than one new point always use BoTorch's.
"""

from __future__ import annotations

from typing import Any

import torch
from botorch.utils.objective import compute_smoothed_feasibility_indicator
from torch import Tensor

#: How the acquisitions score one candidate: ``direct`` or ``botorch`` (module docstring).
CANDIDATE_HVI = ("direct", "botorch")
#: Elements per chunk of the ``samples x candidates x cells x outcomes`` volume tensor.
_CHUNK_ELEMENTS = 1 << 22


def _grid_hvi(y: Tensor, M: Tensor, low1: Tensor, up1: Tensor, low2: Tensor, up2: Tensor) -> Tensor:
    """``S x N`` improvements of ``y`` (``S x N x 3``) over a column grid
    (:func:`~lab.algorithms.mobo.column_partitioning.batched_column_grid`, ``S`` fronts):
    ``sum_{a1, a2} (y_0 - M[a1, a2])^+ w1[a1] w2[a2]``, the widths of each column's
    overlap with the box below ``y`` separated by axis."""
    S, n = y.shape[:2]
    side = M.shape[-1]
    w1 = (torch.minimum(y[..., 1:2], up1.unsqueeze(1)) - low1.unsqueeze(1)).clamp_min(0.0)
    w2 = (torch.minimum(y[..., 2:3], up2.unsqueeze(1)) - low2.unsqueeze(1)).clamp_min(0.0)
    step = max(1, _CHUNK_ELEMENTS // max(1, S * side * side))
    parts = []
    for start in range(0, n, step):
        sl = slice(start, start + step)
        height = (y[:, sl, 0, None, None] - M.unsqueeze(1)).clamp_min(0.0)  # S x n' x a1 x a2
        parts.append(torch.einsum("snab,sna,snb->sn", height, w1[:, sl], w2[:, sl]))
    return torch.cat(parts, dim=1) if parts else y.new_zeros(S, 0)


class SingleCandidateHVI:
    """Mixin for BoTorch's (log) EHVI and NEHVI classes: the direct value for ``q = 1``."""

    def __init__(self, *args: Any, candidate_hvi: str = "direct", **kwargs: Any) -> None:
        if candidate_hvi not in CANDIDATE_HVI:
            raise ValueError(
                f"candidate_hvi must be one of {list(CANDIDATE_HVI)}, not {candidate_hvi!r}"
            )
        # Plain attribute, set before torch.nn.Module's constructor runs in the parent.
        object.__setattr__(self, "_candidate_hvi", candidate_hvi)
        super().__init__(*args, **kwargs)

    def _direct_applies(self, obj: Tensor) -> bool:
        cells = self.cell_lower_bounds  # type: ignore[attr-defined]
        return self._candidate_hvi == "direct" and obj.shape[-2] == 1 and cells.dim() <= 3  # type: ignore[attr-defined]

    def single_candidate_hvi(self, samples: Tensor, X: Tensor | None, obj: Tensor) -> Tensor:
        """Expected (feasible) improvement of each single candidate.

        Args:
            samples: ``S x batch x 1 x k`` posterior samples of the model's outputs.
            X: ``batch x 1 x d`` candidates.
            obj: ``S x batch x 1 x m`` objectives of ``samples``.

        Returns:
            ``batch`` values, hypervolume units.
        """
        S, m = obj.shape[0], obj.shape[-1]
        batch = obj.shape[1:-2]
        y = obj.reshape(S, -1, m)  # S x N x m
        grid = getattr(getattr(self, "partitioning", None), "grid", None)
        if grid is not None and grid[0].shape[0] == S:
            hvi = _grid_hvi(y, *grid)
        else:
            hvi = self._cell_hvi(y)
        if self.constraints is not None:  # type: ignore[attr-defined]
            # The plain acquisitions' sigmoid weights (BoTorch's default fat=False there).
            weights = compute_smoothed_feasibility_indicator(
                constraints=self.constraints,  # type: ignore[attr-defined]
                samples=samples,
                eta=self.eta,  # type: ignore[attr-defined]
                fat=False,
            )
            hvi = hvi * weights.reshape(S, -1)
        return hvi.mean(dim=0).reshape(batch)

    def _cell_hvi(self, y: Tensor) -> Tensor:
        """``S x N`` improvements of ``y`` (``S x N x m``) summed over the acquisition's
        cells."""
        S, m = y.shape[0], y.shape[-1]
        lower = self.cell_lower_bounds  # type: ignore[attr-defined]
        upper = self.cell_upper_bounds  # type: ignore[attr-defined]
        if lower.dim() == 2:  # one decomposition (qEHVI) for every sample
            lower, upper = lower.expand(S, *lower.shape), upper.expand(S, *upper.shape)
        lower, upper = lower.unsqueeze(1), upper.unsqueeze(1)  # S x 1 x C x m
        n = y.shape[1]
        step = max(1, _CHUNK_ELEMENTS // max(1, S * lower.shape[-2] * m))
        parts = []
        for start in range(0, n, step):
            yc = y[:, start : start + step].unsqueeze(-2)  # S x n' x 1 x m
            lengths = (torch.minimum(yc, upper) - lower).clamp_min(0.0)
            parts.append(lengths.prod(dim=-1).sum(dim=-1))  # S x n'
        return torch.cat(parts, dim=1) if parts else y.new_zeros(S, 0)

    def _compute_log_qehvi(self, samples: Tensor, X: Tensor | None = None) -> Tensor:
        obj = self.objective(samples, X=X)  # type: ignore[attr-defined]
        if not self._direct_applies(obj):
            return super()._compute_log_qehvi(samples=samples, X=X)  # type: ignore[misc]
        return self.single_candidate_hvi(samples, X, obj).log()

    def _compute_qehvi(self, samples: Tensor, X: Tensor | None = None) -> Tensor:
        obj = self.objective(samples, X=X)  # type: ignore[attr-defined]
        if not self._direct_applies(obj):
            return super()._compute_qehvi(samples=samples, X=X)  # type: ignore[misc]
        return self.single_candidate_hvi(samples, X, obj)
