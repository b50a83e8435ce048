"""The exact top ``k`` of the screening's expected hypervolume improvement without computing it
for every candidate.

The screening (:func:`~lab.algorithms.mobo.screening.expected_hvi`) keeps only the ``k`` best
of tens of thousands of candidates, and most candidates lie far behind the observed front. A
cheap upper bound of each candidate's value lets the exact value be computed only for the
candidates whose bound can still reach the ``k``-th best exact value: the selected set and its
order are those of the full computation (tested), at a fraction of its cost.

The bound (maximization, BoTorch's convention). Let ``Y`` have independent outcomes, ``r`` be
the reference point and ``f`` any observed front point. A vector ``x`` of the improvement
region of ``Y`` (``r <= x <= Y``, dominated by no front point) is in particular not dominated
by ``f``, so ``x_j > f_j`` for some outcome ``j``; the region therefore lies in the union over
``j`` of the slabs ``{r <= x <= Y, x_j > f_j}``, whose volumes are
``(Y_j - f_j)^+ prod_{l != j} (Y_l - r_l)^+``. With independent outcomes,

    ``EHVI <= sum_j E[(Y_j - f_j)^+] prod_{l != j} E[(Y_l - r_l)^+]``

for every ``f``. Each candidate uses the front point that dominates its mean by the most
standard deviations (the tightest of the slab bounds is hard to find exactly; any ``f`` is
valid), and the bound is multiplied by the same probability of feasibility as the value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor

from lab.algorithms.mobo.screening import upper_partial_expectation

#: Relative slack on the bound, far above the rounding of either computation, so that a value
#: and its bound computed in floating point keep their order.
_SLACK = 1e-9


@torch.no_grad()
def ehvi_upper_bound(mean: Tensor, std: Tensor, front: Tensor, ref_point: Tensor) -> Tensor:
    """An upper bound of each candidate's expected hypervolume improvement (module docstring).

    Args:
        mean: ``N x m`` outcome means (maximized); std: ``N x m`` standard deviations (``0``
            for outcomes known exactly).
        front: ``p x m`` observed front (points not better than ``ref_point`` are ignored).
        ref_point: ``m``.

    Returns:
        ``N`` bounds (``+inf`` for every candidate when no front point beats ``ref_point``).
    """
    front = front[(front > ref_point).all(dim=-1)]
    if front.shape[0] == 0:
        return torch.full(mean.shape[:1], float("inf"), dtype=mean.dtype, device=mean.device)
    scale = std.clamp_min(1e-12 * (1.0 + mean.abs()))
    # margin[i, f]: by how many standard deviations front point f dominates candidate i (its
    # worst outcome); the point with the largest margin gives the tightest slab bounds.
    margin = ((front.unsqueeze(0) - mean.unsqueeze(1)) / scale.unsqueeze(1)).amin(dim=-1)
    f = front[margin.argmax(dim=-1)]  # N x m
    beyond_front = upper_partial_expectation(mean, std, f)  # E[(Y_j - f_j)^+]
    above_ref = upper_partial_expectation(mean, std, ref_point.expand_as(mean))
    m = mean.shape[-1]
    total = torch.zeros_like(mean[:, 0])
    for j in range(m):
        others = torch.cat([above_ref[:, :j], above_ref[:, j + 1 :]], dim=-1).prod(dim=-1)
        total = total + beyond_front[:, j] * others
    return total


def top_k_by_bound(
    score: Callable[[np.ndarray], np.ndarray],
    bound: np.ndarray,
    k: int,
    *,
    chunk: int = 512,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` positions of the largest ``score`` among ``len(bound)`` candidates, best first
    (ties in position order, as a stable sort of every score would give), computing the score
    only where the bound can still reach the ``k``-th best value.

    Args:
        score: positions (``int64``, any order) -> their exact scores.
        bound: ``N`` upper bounds, ``bound[i] >= score(i)``.
        k: how many to keep (``k >= N``: every candidate is scored).
        chunk: candidates scored in the first round, in decreasing order of bound (each
            later round twice as many).

    Returns:
        The kept positions and their scores, best first.
    """
    n = len(bound)
    bound = np.where(np.isnan(bound), np.inf, bound)
    if k >= n:
        positions = np.arange(n, dtype=np.int64)
        values = np.asarray(score(positions), dtype=np.float64)
    else:
        order = np.argsort(-bound, kind="stable")
        slack = bound[order] * (1.0 + _SLACK) + 1e-300
        done, parts_pos, parts_val = 0, [], []
        kth = -np.inf
        step = max(chunk, k)
        while done < n:
            take = order[done : done + step]
            step *= 2  # geometric rounds: a loose bound costs at most ~2x one full pass
            parts_pos.append(take)
            parts_val.append(np.asarray(score(take), dtype=np.float64))
            done += len(take)
            values = np.concatenate(parts_val)
            if len(values) >= k:
                kth = float(np.partition(values, len(values) - k)[len(values) - k])
            # Stop once no unscored candidate can reach the k-th best (ties are scored too).
            if done < n and len(values) >= k and slack[done] < kth:
                break
        positions = np.concatenate(parts_pos)
        values = np.concatenate(parts_val)
    # Best first; ties in position order (the full computation's stable sort).
    best = np.lexsort((positions, -values))[:k]
    return positions[best], values[best]
