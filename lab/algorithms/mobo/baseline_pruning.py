"""qNEHVI's baseline pruning: BoTorch's ``prune_inferior_points_multi_objective`` with
moocore's non-dominance test.

BoTorch keeps the evaluated points that are Pareto optimal in at least one joint posterior
sample. Its non-dominance test compares all pairs at once only while ``samples x n^2`` stays
under 5 MB; above that (128 samples of 200 points already) it loops over the ``n`` points in
Python, and that loop cost as much as the rest of a qNEHVI iteration at a few hundred
evaluations. :func:`prune_baseline` draws the same samples from torch's RNG (same sampler, same
order of draws) and applies the same rule with :func:`first_non_dominated` (moocore's
dimension sweep, one sample at a time: ~5x faster than comparing all pairs). The two can
differ only on exactly equal samples of two points (BoTorch's two branches treat them
differently too; the first is kept here), which continuous posterior samples of distinct
architectures do not produce.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import moocore
import numpy as np
import torch
from botorch.acquisition.multi_objective.objective import MCMultiOutputObjective
from botorch.models.model import Model
from botorch.sampling.get_sampler import get_sampler
from botorch.utils.objective import compute_feasibility_indicator
from torch import Tensor


def first_non_dominated(Y: Tensor) -> Tensor:
    """Which points no other point weakly dominates, keeping the first of equal points
    (maximization; BoTorch's ``is_non_dominated(Y, deduplicate=True)``), by moocore's
    ``O(n log n)`` dimension sweep (``m <= 3``) per batch element.

    Args:
        Y: ``batch x n x m`` outcomes (any number of leading batch dimensions).

    Returns:
        ``batch x n`` booleans, on ``Y``'s device.
    """
    *batch, n, m = Y.shape
    if Y.numel() == 0:
        return torch.zeros(*batch, n, dtype=torch.bool, device=Y.device)
    flat = Y.detach().reshape(-1, n, m).cpu().numpy()
    mask = np.stack([moocore.is_nondominated(y, maximise=True, keep_weakly=False) for y in flat])
    return torch.from_numpy(mask).to(Y.device).reshape(*batch, n)


def prune_baseline(
    model: Model,
    X: Tensor,
    ref_point: Tensor,
    *,
    objective: MCMultiOutputObjective | None = None,
    constraints: list[Callable[[Tensor], Tensor]] | None = None,
    num_samples: int = 2048,
    max_frac: float = 1.0,
) -> Tensor:
    """The points of ``X`` that are feasible, better than ``ref_point`` and Pareto optimal in
    at least one of ``num_samples`` joint posterior samples; at most ``ceil(max_frac * n)`` of
    them, those most often optimal. What BoTorch's ``prune_inferior_points_multi_objective``
    returns for an unbatched model, from the same draws of torch's RNG.

    Args:
        model: a fitted, unbatched model.
        X: ``n x d`` inputs.
        ref_point: ``m`` reference point (maximization).
        objective: maps posterior samples to the ``m`` maximized objectives.
        constraints: BoTorch constraint callables (feasible where ``<= 0``).
        num_samples: posterior samples.
        max_frac: the largest fraction of points kept, in ``(0, 1]``.

    Returns:
        ``n' x d``, in the order of ``X``.
    """
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be n x d with n >= 1, got shape {tuple(X.shape)}")
    if not 0.0 < max_frac <= 1.0:
        raise ValueError(f"max_frac must be in (0, 1], got {max_frac}")
    max_points = math.ceil(max_frac * X.shape[0])
    with torch.no_grad():
        posterior = model.posterior(X=X)
        sampler = get_sampler(posterior=posterior, sample_shape=torch.Size([num_samples]))
        samples = sampler(posterior)
        obj = samples if objective is None else objective(samples=samples, X=X)
        infeasible = ~compute_feasibility_indicator(constraints=constraints, samples=samples)
        if infeasible.any():
            obj[infeasible] = ref_point
        pareto = first_non_dominated(obj) & (obj > ref_point).all(dim=-1)
        probs = pareto.to(dtype=X.dtype).mean(dim=0)
    idcs = probs.nonzero().view(-1)
    if idcs.shape[0] > max_points:
        _, order = torch.sort(probs, stable=True, descending=True)
        idcs = order[:max_points]
    return X[idcs.unique()]
