"""Closed-form and cheap acquisition values over every candidate, from marginal posteriors.

These rank tens of thousands of candidates in milliseconds so that BoTorch's Monte-Carlo
acquisition functions need only score the best few hundred (see
:mod:`lab.algorithms.mobo.search`). All values are in BoTorch's maximizing convention.

- :func:`expected_hvi`: the expected hypervolume improvement of one point whose outcomes are
  independent Gaussians (standard deviation ``0`` allowed, for objectives known exactly),
  summed over the hyper-rectangles of the non-dominated region
  (``EHVI = sum_cells prod_j E[(min(Y_j, u_j) - l_j)^+]``). It is what BoTorch's analytic
  ``ExpectedHypervolumeImprovement`` computes for an independent-output posterior, evaluated
  once per distinct cell bound instead of once per cell, with a tail formula that stays
  accurate far from the front.
- :func:`feasibility_probability`: ``prod_c P(G_c <= 0)`` under independent Gaussians.
- :func:`expected_scalarized_improvement`: Monte-Carlo expected improvement of a
  scalarization (ParEGO's Chebyshev) over a best value, with fixed base samples drawn
  independently per outcome (posterior correlations between candidates are ignored).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from botorch.utils.multi_objective.box_decompositions.non_dominated import (
    FastNondominatedPartitioning,
)
from torch import Tensor

_SQRT_HALF_PI = math.sqrt(math.pi / 2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def front_partitioning(front: Tensor, ref_point: Tensor) -> FastNondominatedPartitioning:
    """BoTorch's ``FastNondominatedPartitioning`` of the region that dominates ``ref_point``
    and is not dominated by ``front`` (maximization; ``p x m`` outcomes, ``p >= 0``; the
    points not better than ``ref_point`` left out)."""
    front = front[(front > ref_point).all(dim=-1)]
    return FastNondominatedPartitioning(ref_point=ref_point, Y=front)


def hypercells(front: Tensor, ref_point: Tensor) -> tuple[Tensor, Tensor]:
    """Cells of :func:`front_partitioning`.

    Args:
        front: ``p x m`` observed (feasible) outcomes, ``p >= 0``.
        ref_point: ``m``.

    Returns:
        Lower and upper cell bounds, each ``C x m`` (upper bounds may be ``inf``).
    """
    bounds = front_partitioning(front, ref_point).get_hypercell_bounds()
    return bounds[0], bounds[1]


def upper_partial_expectation(mean: Tensor, std: Tensor, t: Tensor) -> Tensor:
    """``E[(Y - t)^+]`` for ``Y ~ N(mean, std^2)``, broadcast; ``std == 0`` and ``t == inf``
    allowed.

    ``std * h(z)`` with ``z = (mean - t) / std`` and ``h(z) = phi(z) + z Phi(z)``; for
    ``z < 0``, ``h(z) = phi(z) (1 + z sqrt(pi/2) erfcx(-z / sqrt 2))`` keeps its relative
    accuracy in the far tail, where the direct formula cancels to zero.
    """
    finite = torch.isfinite(t)
    diff = torch.where(finite, mean - t, torch.full_like(mean - t, -1.0))
    positive = std > 0
    safe_std = torch.where(positive, std, torch.ones_like(std))
    z = diff / safe_std
    phi = torch.exp(-0.5 * z * z) * _INV_SQRT_2PI
    tail = phi * (1.0 + z * _SQRT_HALF_PI * torch.special.erfcx(-z / math.sqrt(2.0)))
    head = phi + z * torch.special.ndtr(z)
    h = torch.where(z < 0, tail, head).clamp_min(0.0)
    value = torch.where(positive, safe_std * h, diff.clamp_min(0.0))
    return torch.where(finite, value, torch.zeros_like(value))


def expected_hvi(
    mean: Tensor, std: Tensor, lower: Tensor, upper: Tensor, *, chunk_size: int = 2048
) -> Tensor:
    """Expected hypervolume improvement of each of ``N`` points with independent Gaussian
    outcomes.

    Args:
        mean: ``N x m`` outcome means (maximized).
        std: ``N x m`` standard deviations (``0`` for outcomes known exactly).
        lower: ``C x m`` lower cell bounds (:func:`hypercells`).
        upper: ``C x m`` upper cell bounds.
        chunk_size: points per chunk (memory ``~ chunk_size x C`` floats).

    Returns:
        ``N`` expected improvements (hypervolume units of the outcomes).
    """
    m = mean.shape[-1]
    # Cell bounds take few distinct values per outcome: the partial expectations are computed
    # once per distinct value and gathered into the cells.
    values, lower_idx, upper_idx = [], [], []
    for j in range(m):
        distinct, inverse = torch.unique(torch.cat([lower[:, j], upper[:, j]]), return_inverse=True)
        values.append(distinct)
        lower_idx.append(inverse[: len(lower)])
        upper_idx.append(inverse[len(lower) :])
    out = []
    for start in range(0, mean.shape[0], chunk_size):
        mu = mean[start : start + chunk_size]
        sd = std[start : start + chunk_size]
        total = None
        for j in range(m):
            psi = upper_partial_expectation(mu[:, j : j + 1], sd[:, j : j + 1], values[j][None])
            factor = (psi[:, lower_idx[j]] - psi[:, upper_idx[j]]).clamp_min(0.0)
            total = factor if total is None else total * factor
        out.append(total.sum(-1))  # type: ignore[union-attr]
    return torch.cat(out) if out else mean.new_zeros(0)


def feasibility_probability(mean: Tensor, std: Tensor) -> Tensor:
    """``prod_c P(G_c <= 0)`` for ``N x c`` independent Gaussian constraint values (``std``
    ``0`` allowed); ``N`` ones when ``c == 0``."""
    if mean.shape[-1] == 0:
        return mean.new_ones(mean.shape[:-1])
    positive = std > 0
    z = -mean / torch.where(positive, std, torch.ones_like(std))
    p = torch.where(positive, torch.special.ndtr(z), (mean <= 0).to(mean))
    return p.prod(-1)


def expected_scalarized_improvement(
    mean: Tensor,
    std: Tensor,
    base_samples: Tensor,
    scalarize: Callable[[Tensor], Tensor],
    best: float,
    *,
    chunk_size: int = 2048,
    monotone: bool = False,
) -> Tensor:
    """``E[(s(Y) - best)^+]`` by Monte Carlo with shared base samples.

    Args:
        mean: ``N x m`` means; std: ``N x m`` standard deviations.
        base_samples: ``S x m`` standard-normal base samples (the same for every point).
        scalarize: ``... x m`` -> ``...`` scalarization (e.g. Chebyshev).
        best: the incumbent's scalarized value.
        monotone: ``scalarize`` is non-decreasing in every objective (a Chebyshev
            scalarization with non-negative weights). Then no sample of a point exceeds
            ``s(mean + std * z_max)`` (``z_max`` the largest base sample per objective), and
            the points whose bound is ``<= best`` get their estimate, exactly 0, without
            sampling: most points, once the incumbent is good.

    Returns:
        ``N`` estimated expected improvements.
    """
    if monotone and mean.shape[0]:
        bound = scalarize(mean + std * base_samples.max(dim=0).values)
        live = torch.nonzero(bound > best).view(-1)
        out = mean.new_zeros(mean.shape[0])
        if live.numel():
            out[live] = expected_scalarized_improvement(
                mean[live], std[live], base_samples, scalarize, best, chunk_size=chunk_size
            )
        return out
    out = []
    for start in range(0, mean.shape[0], chunk_size):
        mu = mean[start : start + chunk_size, None, :]
        sd = std[start : start + chunk_size, None, :]
        values = scalarize(mu + sd * base_samples[None])  # c x S
        out.append((values - best).clamp_min(0.0).mean(-1))
    return torch.cat(out) if out else mean.new_zeros(0)
