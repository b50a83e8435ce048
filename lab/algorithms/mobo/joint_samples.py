"""Posterior samples of new points jointly with a cached baseline, without recomputing the
baseline's covariance for every candidate.

BoTorch's cached-root acquisitions (``qNEHVI``, ``qNEI`` with ``cache_root``) sample ``f(X)``
jointly with the evaluated baseline ``X_b``: they factor the baseline's posterior covariance once
(``L_b``) and, for each call, need only the ``q`` new rows of the joint covariance. To get them
they ask the model for the posterior of ``[X_b, X]`` for every candidate, and GPyTorch computes
``L^-1 k(X_train, [X_b, X])`` -- the whole baseline block again -- for each of them: at 200
evaluations, ~90 % of the arithmetic of scoring 64 candidates recomputes the same
``n x n_b`` block 64 times (their code carries a TODO saying so).

:class:`BaselineCross` keeps ``V_b = L^-1 k(X_train, X_b)`` of a :class:`GenomeGP` and forms
the new rows, ``k(X, [X_b, X]) - V_X' [V_b, V_X]``, per candidate in ``O(n (n_b + q))``
(``V_X`` and the ``q x q`` block from :meth:`GenomeGP.dense_parts`).
:class:`CachedBaselineRows` plugs it into BoTorch's own ``sample_cached_cholesky`` arithmetic
(the same base samples, the same block-Cholesky update) for qNEHVI (:class:`NEHVIJointRows`)
and for qNEI, qParEGO's acquisition (:class:`NEIJointRows`), so the samples equal BoTorch's up
to rounding; anything it does not cover (another model, uncached pending points, a failed update)
goes through BoTorch's path.
"""

from __future__ import annotations

from typing import Any

import torch
from botorch.utils.low_rank import _reshape_base_samples
from linear_operator.utils.cholesky import psd_safe_cholesky
from linear_operator.utils.errors import NanError, NotPSDError
from torch import Tensor

from lab.algorithms.mobo.gp import GenomeGP, cross_kernel, onehot_torch


class BaselineCross:
    """The posterior of a fitted, unbatched :class:`GenomeGP` at new points jointly with a
    fixed baseline, in the outcomes' original units.

    Args:
        model: the model (``k`` outputs, ``n`` training points).
        X_baseline: ``n_b x d`` baseline genomes.
    """

    def __init__(self, model: GenomeGP, X_baseline: Tensor) -> None:
        self.model = model
        self.X_baseline = X_baseline
        with torch.no_grad():
            L, _ = model._posterior_cache()  # k x n x n (standardized)
            self.form = tuple(t.detach() for t in model.kernel_form())
            self.h_base = onehot_torch(X_baseline, model.cardinalities)  # n_b x D
            K_tb = cross_kernel(model._train_onehot, self.h_base, self.form)  # k x n x n_b
            self.V_base = torch.linalg.solve_triangular(L, K_tb, upper=False)
            self.scale = model.outcome_transform.stdvs.detach().reshape(-1)  # k
            self.shift = model.outcome_transform.means.detach().reshape(-1)  # k

    @torch.no_grad()
    def new_rows(self, X: Tensor) -> tuple[Tensor, Tensor]:
        """Posterior means at ``X`` and the rows of ``X`` in the joint covariance of
        ``[X_baseline, X]``.

        Args:
            X: ``batch x q x d`` genomes (one or more batch dimensions).

        Returns:
            ``batch x q x k`` means and ``batch x k x q x (n_b + q)`` covariance rows.
        """
        *batch, q, _ = X.shape
        parts = self.model.dense_parts(X)
        k, B = parts.mean.shape[:2]
        cov_xb = cross_kernel(parts.onehot, self.h_base, self.form)  # k x N x n_b
        cov_xb = cov_xb - parts.V.transpose(-1, -2) @ self.V_base
        rows = torch.cat([cov_xb.reshape(k, B, q, -1), parts.cov], dim=-1)  # k x B x q x (n_b+q)
        scale2 = self.scale.square().reshape(k, 1, 1, 1)
        rows = (rows * scale2).permute(1, 0, 2, 3).reshape(*batch, k, q, -1)
        mean = self.shift.reshape(k, 1, 1) + self.scale.reshape(k, 1, 1) * parts.mean
        return mean.permute(1, 2, 0).reshape(*batch, q, k), rows


class CachedBaselineRows:
    """Mixin for BoTorch's cached-root acquisitions: the samples at the candidates come from
    :class:`BaselineCross` rows and BoTorch's block-Cholesky update, not from a full joint
    posterior per candidate. ``joint_sampling="botorch"`` keeps BoTorch's path.

    The subclasses below plug it into the method each acquisition family samples through.
    """

    _baseline_cross: BaselineCross | None = None
    _joint_base: tuple[Any, int, Tensor] | None = None

    def __init__(self, *args: Any, joint_sampling: str = "cached", **kwargs: Any) -> None:
        if joint_sampling not in ("cached", "botorch"):
            raise ValueError(
                f"joint_sampling must be 'cached' or 'botorch', not {joint_sampling!r}"
            )
        # Plain attribute, set before torch.nn.Module's constructor runs in the parent.
        object.__setattr__(self, "_joint_sampling", joint_sampling)
        super().__init__(*args, **kwargs)

    def _fast_path_applies(self) -> bool:
        if self._joint_sampling != "cached":  # type: ignore[attr-defined]
            return False
        model = self.model  # type: ignore[attr-defined]
        if not (isinstance(model, GenomeGP) and len(model._input_batch_shape) == 0):
            return False
        if getattr(self, "posterior_transform", None) is not None:
            return False
        return bool(self._cache_root) and hasattr(self, "_baseline_L")  # type: ignore[attr-defined]

    def _cross(self) -> BaselineCross:
        Xb = self.X_baseline  # type: ignore[attr-defined]
        cached = self._baseline_cross
        if cached is None or cached.model is not self.model or cached.X_baseline is not Xb:  # type: ignore[attr-defined]
            cached = self._baseline_cross = BaselineCross(self.model, Xb)  # type: ignore[attr-defined]
        return cached

    def _base_samples_for(self, X: Tensor, q: int) -> Tensor:
        """The sampler's base samples in the layout of ``sample_cached_cholesky``, for ``q``
        new points (``k x (n_b + q) x samples``, broadcast over the batch)."""
        base = self.sampler.base_samples  # type: ignore[attr-defined]
        cached = self._joint_base
        if cached is not None and cached[0] is base and cached[1] == q:
            return cached[2]
        X_one = X.reshape(-1, q, X.shape[-1])[:1]  # one batch element: base samples are shared
        X_full = torch.cat([self.X_baseline.unsqueeze(0), X_one], dim=-2)  # type: ignore[attr-defined]
        posterior = self.model.posterior(X_full)  # type: ignore[attr-defined]
        self._set_sampler(q_in=q, posterior=posterior)  # type: ignore[attr-defined]
        base = self.sampler.base_samples  # type: ignore[attr-defined]
        shaped = _reshape_base_samples(
            base_samples=base,
            sample_shape=self.sampler.sample_shape,  # type: ignore[attr-defined]
            posterior=posterior,
        )
        shaped = shaped.reshape(-1, *shaped.shape[-2:])  # k x (n_b + q) x samples
        self._joint_base = (base, q, shaped)
        return shaped

    def _cached_joint_samples(self, X: Tensor) -> Tensor | None:
        """``samples x batch x q x k`` samples at ``X`` (``batch x q x d``) jointly with the
        cached baseline samples, or ``None`` where BoTorch's path must be taken."""
        q = X.shape[-2]
        base = self._base_samples_for(X, q)
        mean, rows = self._cross().new_rows(X)  # batch x q x k, batch x k x q x (n_b + q)
        bl, br = rows.split([rows.shape[-1] - q, q], dim=-1)
        # BoTorch's sample_cached_cholesky from here on: the new rows of the joint factor.
        bl_chol = torch.linalg.solve_triangular(
            self._baseline_L,  # type: ignore[attr-defined]
            bl.transpose(-2, -1),
            upper=False,
        ).transpose(-2, -1)
        try:
            br_chol = psd_safe_cholesky(br - bl_chol @ bl_chol.transpose(-2, -1), max_tries=6)
        except (NanError, NotPSDError):
            return None
        new_Lq = torch.cat([bl_chol, br_chol], dim=-1)  # batch x k x q x (n_b + q)
        samples = new_Lq.matmul(base) + mean.transpose(-1, -2).unsqueeze(-1)  # batch x k x q x s
        if not bool(torch.isfinite(samples).all()):
            return None
        nb = samples.dim() - 3
        return samples.permute(-1, *range(nb), -2, -3).contiguous()


class NEHVIJointRows(CachedBaselineRows):
    """:class:`CachedBaselineRows` for ``q(Log)NoisyExpectedHypervolumeImprovement``."""

    def _fast_path_applies(self) -> bool:
        if not super()._fast_path_applies():
            return False
        pending = self.X_pending  # type: ignore[attr-defined]
        if pending is None:
            return True
        # Pending points cached into the baseline are fine; uncached ones go to BoTorch.
        n_base_and_cached = self.X_baseline.shape[-2]  # type: ignore[attr-defined]
        n_base = self._X_baseline.shape[-2]  # type: ignore[attr-defined]
        uncached = pending.shape[-2] + n_base - n_base_and_cached
        return bool(self.cache_pending) and uncached == 0  # type: ignore[attr-defined]

    def _compute_posterior_samples_and_concat_pending(self, X: Tensor) -> tuple[Tensor, Tensor]:
        samples = self._cached_joint_samples(X) if self._fast_path_applies() else None
        if samples is None:
            return super()._compute_posterior_samples_and_concat_pending(X)  # type: ignore[misc]
        return samples, X


class NEIJointRows(CachedBaselineRows):
    """:class:`CachedBaselineRows` for ``q(Log)NoisyExpectedImprovement`` (pending points
    arrive concatenated to ``X``)."""

    def _get_samples_and_objectives(self, X: Tensor) -> tuple[Tensor, Tensor]:
        samples = self._cached_joint_samples(X) if self._fast_path_applies() else None
        if samples is None:
            return super()._get_samples_and_objectives(X)  # type: ignore[misc]
        return samples, self.objective(samples, X=X)  # type: ignore[attr-defined]
