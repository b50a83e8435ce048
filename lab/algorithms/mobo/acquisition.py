"""BoTorch acquisition functions for multi-objective search over a table.

Three families, each in a log variant (BoTorch's numerically robust default) and the plain one:

- ``qehvi``: ``qLogExpectedHypervolumeImprovement`` / ``qExpectedHypervolumeImprovement``
  over a box decomposition of the observed feasible front;
- ``qnehvi``: ``qLogNoisyExpectedHypervolumeImprovement`` /
  ``qNoisyExpectedHypervolumeImprovement``, integrating over the noisy front of the evaluated
  architectures (``cache_root``; the baseline pruned first of surely dominated points
  (:func:`plausible_baseline`), then by BoTorch's rule with a vectorized non-dominance test
  (:func:`~lab.algorithms.mobo.baseline_pruning.prune_baseline`) and fewer samples than its
  default);
- ``qparego``: a random augmented Chebyshev scalarization (BoTorch's
  ``get_chebyshev_scalarization``, weights from ``sample_simplex`` with a given seed) inside
  ``qLogNoisyExpectedImprovement`` / ``qNoisyExpectedImprovement`` — what BoTorch's
  ``qLogNParEGO`` builds, with the scalarization's objective also given the inputs so that
  known objectives can be looked up.

Outcome constraints are BoTorch constraint callables on the model's constraint outputs
(feasibility-weighted improvement); known objectives enter through the adapter's
:class:`~lab.algorithms.mobo.adapter.TableObjective`. Every Monte-Carlo estimate uses a seeded
``SobolQMCNormalSampler``.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import torch
from botorch.acquisition import (
    AcquisitionFunction,
    qLogNoisyExpectedImprovement,
    qNoisyExpectedImprovement,
)
from botorch.acquisition.multi_objective.logei import (
    qLogExpectedHypervolumeImprovement,
    qLogNoisyExpectedHypervolumeImprovement,
)
from botorch.acquisition.multi_objective.monte_carlo import (
    qExpectedHypervolumeImprovement,
    qNoisyExpectedHypervolumeImprovement,
)
from botorch.acquisition.objective import GenericMCObjective
from botorch.acquisition.utils import prune_inferior_points
from botorch.sampling import SobolQMCNormalSampler
from botorch.utils.multi_objective.box_decompositions.non_dominated import (
    FastNondominatedPartitioning,
)
from botorch.utils.multi_objective.scalarization import get_chebyshev_scalarization
from botorch.utils.objective import compute_feasibility_indicator
from botorch.utils.sampling import sample_simplex
from torch import Tensor

from lab.algorithms.mobo.adapter import BoTorchAdapter
from lab.algorithms.mobo.baseline_pruning import prune_baseline
from lab.algorithms.mobo.column_partitioning import ColumnPartitioning
from lab.algorithms.mobo.gp import GenomeGP
from lab.algorithms.mobo.joint_samples import NEHVIJointRows, NEIJointRows
from lab.algorithms.mobo.screening import front_partitioning
from lab.algorithms.mobo.single_candidate_hvi import SingleCandidateHVI
from lab.errors import ConfigError

ACQUISITIONS = ("qehvi", "qnehvi", "qparego")


class _LabNEHVI(NEHVIJointRows):
    """Two exact replacements inside BoTorch's noisy hypervolume acquisitions, each switchable:

    - ``partitioning="columns"``: decompose each sampled baseline front with
      :class:`ColumnPartitioning` (exact, one vectorized pass) instead of BoTorch's
      ``FastNondominatedPartitioning`` (exact, Python loops): the same improvement values at a
      fraction of the cost for three or more objectives (two-objective fronts keep BoTorch's
      batched 2-D algorithm);
    - ``joint_sampling="cached"``: sample the candidates jointly with the baseline from the
      baseline's cross-covariance computed once (:class:`CachedBaselineRows`) instead of a
      joint posterior per candidate (:class:`NEHVIJointRows`).

    ``"botorch"`` for either keeps BoTorch's own computation.
    """

    def __init__(self, *args: Any, partitioning: str = "columns", **kwargs: Any) -> None:
        # Read by the parent's constructor (cell bounds), hence set before it runs.
        object.__setattr__(self, "_partitioning", partitioning)
        super().__init__(*args, **kwargs)

    def _set_cell_bounds(self, num_new_points: int) -> None:
        m = self.ref_point.shape[-1]  # type: ignore[attr-defined]
        if self._partitioning != "columns" or m == 2:
            super()._set_cell_bounds(num_new_points)  # type: ignore[misc]
            return
        self.p_class, self.p_kwargs = ColumnPartitioning, {}
        if m > 3 or self.X_baseline.shape[0] == 0 or not self.incremental_nehvi:  # type: ignore[attr-defined]
            super()._set_cell_bounds(num_new_points)  # type: ignore[misc]
            return
        self._set_batched_column_cells(num_new_points)

    def _set_batched_column_cells(self, num_new_points: int) -> None:
        """BoTorch's ``_set_cell_bounds`` (``NoisyExpectedHypervolumeMixin``) for three
        outcomes with every sampled front decomposed at once (:func:`batched_column_cells`):
        the same samples, sampler state and root decomposition; infeasible baseline points are
        set to the reference point (they dominate nothing) instead of being dropped per
        sample."""
        X_baseline = self.X_baseline  # type: ignore[attr-defined]
        with torch.no_grad():
            posterior = self.model.posterior(X_baseline)  # type: ignore[attr-defined]
        self.q_in = -1
        if self.base_sampler is None:  # type: ignore[has-type]
            samples = self.get_posterior_samples(posterior)  # type: ignore[attr-defined]
            self.base_sampler = deepcopy(self.sampler)  # type: ignore[attr-defined]
        else:
            samples = self.base_sampler(posterior)
        n_w = posterior._extended_shape()[-2] // X_baseline.shape[-2]
        self._set_sampler(q_in=num_new_points * n_w, posterior=posterior)  # type: ignore[attr-defined]
        if self._cache_root:  # type: ignore[attr-defined]
            self._baseline_L = self._compute_root_decomposition(posterior=posterior)  # type: ignore[attr-defined]
        obj = self.objective(samples, X=X_baseline)  # type: ignore[attr-defined]
        self._batch_sample_shape = obj.shape[:-2]
        flat = obj.reshape(-1, *obj.shape[-2:])
        if self.constraints is not None:  # type: ignore[attr-defined]
            feas = compute_feasibility_indicator(constraints=self.constraints, samples=samples)  # type: ignore[attr-defined]
            feas = feas.reshape(flat.shape[:-1])
            flat = torch.where(feas.unsqueeze(-1), flat, self.ref_point)  # type: ignore[attr-defined]
        self.partitioning = ColumnPartitioning(ref_point=self.ref_point, Y=flat)  # type: ignore[attr-defined]
        bounds = self.partitioning.get_hypercell_bounds().to(self.ref_point)  # type: ignore[attr-defined]
        bounds = bounds.view(2, *self._batch_sample_shape, *bounds.shape[-2:])
        self.register_buffer("cell_lower_bounds", bounds[0])  # type: ignore[attr-defined]
        self.register_buffer("cell_upper_bounds", bounds[1])  # type: ignore[attr-defined]


class LogNEHVI(SingleCandidateHVI, _LabNEHVI, qLogNoisyExpectedHypervolumeImprovement):
    """BoTorch's ``qLogNoisyExpectedHypervolumeImprovement`` with the lab's exact shortcuts
    (and its direct value at single candidates, :mod:`.single_candidate_hvi`)."""


class NEHVI(SingleCandidateHVI, _LabNEHVI, qNoisyExpectedHypervolumeImprovement):
    """BoTorch's ``qNoisyExpectedHypervolumeImprovement`` with the lab's exact shortcuts."""


class LogEHVI(SingleCandidateHVI, qLogExpectedHypervolumeImprovement):
    """BoTorch's ``qLogExpectedHypervolumeImprovement``, scored directly at single
    candidates (:mod:`.single_candidate_hvi`)."""


class EHVI(SingleCandidateHVI, qExpectedHypervolumeImprovement):
    """BoTorch's ``qExpectedHypervolumeImprovement``, scored directly at single candidates."""


class LogNEI(NEIJointRows, qLogNoisyExpectedImprovement):
    """BoTorch's ``qLogNoisyExpectedImprovement`` sampling candidates from cached baseline
    rows (``joint_sampling``)."""


class NEI(NEIJointRows, qNoisyExpectedImprovement):
    """BoTorch's ``qNoisyExpectedImprovement`` sampling candidates from cached baseline rows
    (``joint_sampling``)."""


@dataclass
class AcquisitionContext:
    """What every acquisition of one iteration shares.

    Attributes:
        model: the fitted model (``k`` outputs).
        adapter: the problem's BoTorch adapter.
        X_baseline: ``n x d`` evaluated genomes (those satisfying the known constraints).
        front: ``p x m`` maximized objectives of the feasible evaluated architectures.
        mc_samples: Monte-Carlo samples per estimate.
        seed: seed of the samplers and of the scalarization weights.
        prune_samples: posterior samples of BoTorch's baseline pruning (its default, 2048,
            costs more than the rest of the acquisition at a few hundred evaluations).
        max_baseline: keep at most this many baseline points, those most often Pareto optimal
            (best) in the pruning samples (BoTorch's ``max_frac``); ``None``: all with a
            non-zero frequency.
        partitioning: ``columns`` (:class:`ColumnPartitioning`) or ``botorch``
            (``FastNondominatedPartitioning``), for ``qnehvi``'s sampled fronts and, with 3+
            objectives, the observed front of ``qehvi`` and the screening.
        candidate_hvi: ``direct`` or ``botorch``: how ``qehvi`` and ``qnehvi`` score one
            candidate (:mod:`~lab.algorithms.mobo.single_candidate_hvi`).
        joint_sampling: ``cached`` (:mod:`~lab.algorithms.mobo.joint_samples`) or
            ``botorch`` (a joint posterior per candidate), for the samples of ``qnehvi`` and
            ``qparego`` at the candidates.
    """

    model: GenomeGP
    adapter: BoTorchAdapter
    X_baseline: Tensor
    front: Tensor
    mc_samples: int
    seed: int
    prune_samples: int = 128
    max_baseline: int | None = None
    partitioning: str = "columns"
    joint_sampling: str = "cached"
    candidate_hvi: str = "direct"
    _partitioning: FastNondominatedPartitioning | ColumnPartitioning | None = field(
        default=None, repr=False
    )


def observed_partitioning(
    ctx: AcquisitionContext,
) -> FastNondominatedPartitioning | ColumnPartitioning:
    """A box decomposition of the region not dominated by the observed front (points better
    than the reference point), computed once per context: qEHVI's acquisition and the
    screening share it. With 3+ objectives and ``partitioning="columns"``,
    :class:`ColumnPartitioning` (exact, ~1 ms); otherwise BoTorch's
    ``FastNondominatedPartitioning`` (for 3 objectives and a few dozen front points ~50 ms,
    Python loops)."""
    ref_point = ctx.adapter.ref_point()
    cached = ctx._partitioning
    if cached is None or not torch.equal(cached.ref_point, ref_point):
        if ctx.partitioning == "columns" and ref_point.shape[-1] > 2:
            cached = ColumnPartitioning(ref_point, ctx.front)
        else:
            cached = front_partitioning(ctx.front, ref_point)
        ctx._partitioning = cached
    return cached


def _max_frac(ctx: AcquisitionContext, n: int) -> float:
    return 1.0 if ctx.max_baseline is None or n <= ctx.max_baseline else ctx.max_baseline / n


def chebyshev_weights(m: int, seed: int, *, device: torch.device) -> Tensor:
    """ParEGO's random weights: one uniform draw from the ``m``-simplex (``m``)."""
    return sample_simplex(d=m, n=1, seed=seed, device=device, dtype=torch.float64).view(-1)


def build_acquisition(
    kind: str,
    ctx: AcquisitionContext,
    *,
    log: bool = True,
    X_pending: Tensor | None = None,
    weights: Tensor | None = None,
) -> AcquisitionFunction:
    """The BoTorch acquisition function ``kind`` (see :data:`ACQUISITIONS`).

    Args:
        kind: ``qehvi``, ``qnehvi`` or ``qparego``.
        ctx: the iteration's model and data.
        log: the log variant (default) or the plain one.
        X_pending: ``r x d`` genomes already chosen for this batch (sequential greedy).
        weights: ``m`` Chebyshev weights (``qparego`` only; required there).
    """
    adapter = ctx.adapter
    sampler = SobolQMCNormalSampler(sample_shape=torch.Size([ctx.mc_samples]), seed=ctx.seed)
    objective = adapter.objective()
    constraints = adapter.constraints() or None
    ref_point = adapter.ref_point()
    if kind == "qehvi":
        partitioning = observed_partitioning(ctx)
        cls = LogEHVI if log else EHVI
        return cls(
            candidate_hvi=ctx.candidate_hvi,
            model=ctx.model,
            ref_point=ref_point,
            partitioning=partitioning,
            sampler=sampler,
            objective=objective,
            constraints=constraints,
            X_pending=X_pending,
        )
    if kind == "qnehvi":
        plausible = plausible_baseline(ctx)
        X_baseline = prune_baseline(
            ctx.model,
            plausible,
            ref_point,
            objective=objective,
            constraints=constraints,
            num_samples=ctx.prune_samples,
            max_frac=_max_frac(ctx, plausible.shape[0]),
        )
        return (LogNEHVI if log else NEHVI)(
            candidate_hvi=ctx.candidate_hvi,
            partitioning=ctx.partitioning,
            joint_sampling=ctx.joint_sampling,
            model=ctx.model,
            ref_point=ref_point,
            X_baseline=X_baseline,
            sampler=sampler,
            objective=objective,
            constraints=constraints,
            X_pending=X_pending,
            prune_baseline=False,
            cache_root=True,
        )
    if kind == "qparego":
        if weights is None:
            raise ValueError("qparego needs scalarization weights")
        with torch.no_grad():
            mean = ctx.model.posterior(ctx.X_baseline).mean
            Y_baseline = objective(mean, X=ctx.X_baseline)
        scalarization = get_chebyshev_scalarization(weights=weights, Y=Y_baseline)
        composite = GenericMCObjective(
            lambda samples, X=None: scalarization(objective(samples, X=X), X)
        )
        plausible = plausible_baseline(ctx, lambda Y: scalarization(Y, None))
        X_baseline = prune_inferior_points(
            model=ctx.model,
            X=plausible,
            objective=composite,
            constraints=constraints,
            num_samples=ctx.prune_samples,
            max_frac=_max_frac(ctx, plausible.shape[0]),
        )
        return (LogNEI if log else NEI)(
            joint_sampling=ctx.joint_sampling,
            model=ctx.model,
            X_baseline=X_baseline,
            sampler=sampler,
            objective=composite,
            constraints=constraints,
            X_pending=X_pending,
            prune_baseline=False,
            cache_root=True,
        )
    raise ConfigError(f"acquisition {kind!r} is not one of {list(ACQUISITIONS)}")


#: Half-width, in posterior standard deviations, of the boxes of :func:`plausible_baseline`.
PRUNE_Z = 5.0


@torch.no_grad()
def plausible_baseline(
    ctx: AcquisitionContext, scalarize: Callable[[Tensor], Tensor] | None = None
) -> Tensor:
    """The evaluated genomes that are not surely dominated, a cheap first pass before BoTorch's
    sampling-based baseline pruning (which costs ``O(samples x n^2)``).

    Each point's objectives lie, up to :data:`PRUNE_Z` marginal standard deviations, in a box
    ``[lo, hi]``; a point is dropped when another point that is surely feasible (every
    modelled constraint's ``mean + PRUNE_Z std <= 0``) has ``lo >= hi`` in every objective,
    strictly in one (with ``scalarize``: a larger scalarized ``lo`` than the point's
    scalarized ``hi``). Such a point is Pareto optimal (or best) in a posterior sample with
    probability of the order of the Gaussian tail beyond ``PRUNE_Z`` standard deviations
    (3e-7 per outcome).

    Returns:
        ``n' x d`` genomes, in their original order.
    """
    X = ctx.X_baseline
    if X.shape[0] < 2:
        return X
    a = ctx.adapter
    mean, var = ctx.model.marginals(X)
    std = var.sqrt()
    n_mod = len(a.modeled_obj)
    objective = a.objective()
    hi = objective(mean + PRUNE_Z * std, X=X)
    lo = objective(mean - PRUNE_Z * std, X=X)
    con_hi = (mean + PRUNE_Z * std)[:, n_mod:]
    sure = (con_hi <= 0).all(dim=-1)
    if scalarize is not None:
        s_hi, s_lo = scalarize(hi), scalarize(lo)
        best = s_lo[sure].max() if bool(sure.any()) else None
        keep = torch.ones_like(sure) if best is None else s_hi >= best
        return X[keep]
    lo_j = lo[sure].unsqueeze(0)  # 1 x s x m
    hi_i = hi.unsqueeze(1)  # n x 1 x m
    dominated = ((lo_j >= hi_i).all(-1) & (lo_j > hi_i).any(-1)).any(-1)
    return X[~dominated]


@torch.no_grad()
def evaluate_acquisition(acqf: AcquisitionFunction, X: Tensor, *, chunk_size: int = 256) -> Tensor:
    """Acquisition values of ``N`` single candidates (``N x d`` genomes) -> ``N``."""
    out = [acqf(X[s : s + chunk_size].unsqueeze(-2)) for s in range(0, X.shape[0], chunk_size)]
    return torch.cat(out) if out else X.new_zeros(0)
