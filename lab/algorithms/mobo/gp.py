"""Independent Gaussian processes on architecture genomes, one per modelled outcome.

:class:`GenomeGP` is BoTorch's multi-output ``SingleTaskGP`` (a batch of independent GPs, one
per output, with standardized outcomes) whose inputs are integer genomes stored as floats. Two
kernels, both stationary functions of the one-hot encoding:

- ``categorical``: BoTorch's ``CategoricalKernel`` (a Hamming-type kernel,
  ``exp(-mean_j [x_j != x'_j] / l_j)``, one lengthscale per variable) inside a ``ScaleKernel``,
  as BoTorch's ``MixedSingleTaskGP`` builds it for purely categorical inputs;
- ``onehot``: BoTorch's default ``SingleTaskGP`` kernel (RBF, one lengthscale per input,
  dimension-scaled lengthscale prior) on the one-hot encoding (an input transform).

Both have the closed form ``k(x, x') = s exp(-(c + a.h(x) + a.h(x') - h(x)' diag(v) h(x')))``
with ``h`` the one-hot encoding (``kernel_form``). Two computations use it instead of going
through GPyTorch's lazy tensors, because at a few hundred points the bookkeeping, not the
arithmetic, dominates there:

- the training loss (:meth:`GenomeGP.compute_custom_loss`, BoTorch's hook for a custom loss):
  exactly GPyTorch's ``ExactMarginalLogLikelihood`` per output, priors included, with the
  closed-form gradient in the kernel matrix (:class:`GaussianLogLikelihood`), so BoTorch's
  ``fit_gpytorch_mll`` (batched independent L-BFGS-B) reaches the same optimum faster;
- the marginal posterior over tens of thousands of candidates (:meth:`GenomeGP.marginals`):
  one cached Cholesky factor and, per chunk of candidates, one matmul and one triangular
  solve.

BoTorch's acquisition functions use the model through its ordinary ``posterior``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from botorch.models.kernels.categorical import CategoricalKernel
from botorch.models.transforms.input import InputTransform
from botorch.models.transforms.outcome import Standardize
from botorch.models.utils.gpytorch_modules import get_covar_module_with_dim_scaled_prior
from botorch.posteriors.gpytorch import GPyTorchPosterior
from gpytorch.constraints import GreaterThan
from gpytorch.distributions import MultitaskMultivariateNormal, MultivariateNormal
from gpytorch.kernels import RBFKernel, ScaleKernel
from gpytorch.mlls import ExactMarginalLogLikelihood
from linear_operator.utils.cholesky import psd_safe_cholesky
from linear_operator.utils.errors import NotPSDError
from torch import Tensor

from lab.errors import ConfigError

KERNELS = ("categorical", "onehot")

#: State-dict entries that belong to the data, not to the hyperparameters (never warm-started).
_DATA_KEYS = ("outcome_transform.", "train_inputs", "train_targets", "_train_onehot")


def onehot_torch(genomes: Tensor, cardinalities: Sequence[int]) -> Tensor:
    """``... x d`` integer-valued genomes -> ``... x sum(cardinalities)`` one-hot (same dtype)."""
    g = genomes.long()
    parts = [torch.nn.functional.one_hot(g[..., j], int(c)) for j, c in enumerate(cardinalities)]
    return torch.cat(parts, dim=-1).to(genomes.dtype)


class GaussianLogLikelihood(torch.autograd.Function):
    """``log N(r; 0, K)`` per batch element with the closed-form gradients
    ``d/dK = (alpha alpha' - K^-1) / 2`` and ``d/dr = -alpha`` (``alpha = K^-1 r``), cheaper
    than differentiating through the Cholesky factorization.

    Inputs: ``K`` ``b x n x n`` (symmetric positive definite), ``r`` ``b x n``; output ``b``.
    """

    @staticmethod
    def forward(ctx: Any, K: Tensor, r: Tensor) -> Tensor:
        L, info = torch.linalg.cholesky_ex(K)
        if bool(info.any()):
            raise NotPSDError("the kernel matrix is not positive definite")
        alpha = torch.cholesky_solve(r.unsqueeze(-1), L).squeeze(-1).contiguous()
        logdet = 2.0 * torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
        n = r.shape[-1]
        ctx.save_for_backward(L, alpha)
        return -0.5 * (r * alpha).sum(-1) - 0.5 * logdet - 0.5 * n * math.log(2.0 * math.pi)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        L, alpha = ctx.saved_tensors
        g = grad[:, None, None]
        grad_K = None
        if ctx.needs_input_grad[0]:
            outer = alpha.unsqueeze(-1) * alpha.unsqueeze(-2)
            grad_K = 0.5 * g * (outer - torch.cholesky_inverse(L))
        grad_r = -grad[:, None] * alpha if ctx.needs_input_grad[1] else None
        return grad_K, grad_r


class GenomeOneHot(InputTransform, torch.nn.Module):
    """BoTorch input transform: integer genomes (``... x d``) -> one-hot (``... x D``), so that
    the model's inputs stay genomes (the acquisition functions and table look-ups see the
    same ``X``) while an RBF kernel works on the encoding."""

    def __init__(self, cardinalities: Sequence[int]) -> None:
        super().__init__()
        self.cardinalities = tuple(int(c) for c in cardinalities)
        self.transform_on_train = True
        self.transform_on_eval = True
        self.transform_on_fantasize = True

    def transform(self, X: Tensor) -> Tensor:
        return onehot_torch(X, self.cardinalities)


def make_kernel(
    kind: str, cardinalities: Sequence[int], batch_shape: torch.Size
) -> ScaleKernel | RBFKernel:
    """The covariance module of ``kind`` (see :data:`KERNELS`) for a batch of outputs; the
    ``onehot`` kernel expects one-hot inputs (:class:`GenomeOneHot`)."""
    if kind == "categorical":
        return ScaleKernel(
            CategoricalKernel(
                batch_shape=batch_shape,
                ard_num_dims=len(cardinalities),
                lengthscale_constraint=GreaterThan(1e-06),
            ),
            batch_shape=batch_shape,
        )
    if kind == "onehot":
        return get_covar_module_with_dim_scaled_prior(
            ard_num_dims=int(sum(cardinalities)), batch_shape=batch_shape
        )
    raise ConfigError(f"kernel {kind!r} is not one of {list(KERNELS)}")


@dataclass
class DenseParts:
    """The closed-form latent posterior of a :class:`GenomeGP` at ``B`` batch elements of
    ``q`` points each (``N = B q``), in the standardized units.

    Attributes:
        mean: ``k x B x q`` means.
        cov: ``k x B x q x q`` covariances within each batch element.
        V: ``k x n x N`` ``L^-1 k(X_train, X)`` (``L`` the training factor), from which the
            covariance with any other points ``Z`` is ``k(X, Z) - V' (L^-1 k(X_train, Z))``.
        onehot: ``N x D`` one-hot rows of the points.
    """

    mean: Tensor
    cov: Tensor
    V: Tensor
    onehot: Tensor


class GenomeGP(SingleTaskGP):
    """Independent GPs (one per output, batched) on genomes with a one-hot product kernel.

    Args:
        train_X: ``n x d`` genomes (integer values, float dtype), or ``B x n x d`` for a
            batch of ``B`` seeds (independent GPs per seed; see
            :mod:`lab.algorithms.mobo.seed_batch`).
        train_Y: ``n x k`` outcomes in BoTorch's convention (maximized objectives, then
            constraint values feasible iff ``<= 0``), or ``B x n x k``.
        cardinalities: ``d`` variable cardinalities.
        kernel: ``categorical`` or ``onehot``.
    """

    def __init__(
        self,
        train_X: Tensor,
        train_Y: Tensor,
        *,
        cardinalities: Sequence[int],
        kernel: str = "categorical",
    ) -> None:
        k = train_Y.shape[-1]
        # One GP per (seed of a batch, output): SingleTaskGP's ``_aug_batch_shape``.
        batch_shape = train_X.shape[:-2] + (torch.Size([k]) if k > 1 else torch.Size([]))
        if kernel not in KERNELS:
            raise ConfigError(f"kernel {kernel!r} is not one of {list(KERNELS)}")
        self.kernel_kind = kernel
        self.cardinalities = tuple(int(c) for c in cardinalities)
        super().__init__(
            train_X,
            train_Y,
            covar_module=make_kernel(kernel, self.cardinalities, batch_shape),
            outcome_transform=Standardize(m=k, batch_shape=train_X.shape[:-2]),
            input_transform=GenomeOneHot(self.cardinalities) if kernel == "onehot" else None,
        )
        self.register_buffer("_train_onehot", onehot_torch(train_X, self.cardinalities))
        self._cache: tuple[Tensor, Tensor] | None = None

    # ----------------------------------------------------------------------------- kernel form
    def kernel_form(self) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """Coefficients of ``k(x, x') = s exp(-(c + a.h(x) + a.h(x') - h(x)' diag(v) h(x')))``.

        Returns:
            ``s`` (``b``), ``c`` (``b``), ``a`` (``b x D``), ``v`` (``b x D``) with ``b`` the
            number of GPs (outputs, times seeds for a batched model, seed-major) and ``D``
            the one-hot width; differentiable in the hyperparameters.
        """
        cards = torch.tensor(self.cardinalities, device=self._train_onehot.device)
        if self.kernel_kind == "categorical":
            scale = self.covar_module.outputscale.reshape(-1)
            ls = self.covar_module.base_kernel.lengthscale
            w = 1.0 / (ls.reshape(len(scale), -1) * len(self.cardinalities))  # b x d
            c = w.sum(-1)
            v = torch.repeat_interleave(w, cards, dim=-1)
            return scale, c, torch.zeros_like(v), v
        ls = self.covar_module.lengthscale
        w = 0.5 / ls.reshape(-1, ls.shape[-1]) ** 2  # b x D
        ones = torch.ones(w.shape[0], dtype=w.dtype, device=w.device)
        return ones, torch.zeros_like(ones), w, 2.0 * w

    def _cross_kernel(self, h1: Tensor, h2: Tensor, form: tuple[Tensor, ...]) -> Tensor:
        """``b x n1 x n2`` kernel between one-hot rows ``h1`` and ``h2``.

        ``h1`` is ``n1 x D`` or ``b x n1 x D``, ``h2`` is ``n2 x D`` or ``b x n2 x D``.
        """
        return cross_kernel(h1, h2, form)

    def _train_onehot_per_gp(self) -> Tensor:
        """The training one-hot rows of every GP: ``n x D``, or ``b x n x D`` for a batched
        model (each seed's rows repeated for its outputs)."""
        h = self._train_onehot
        if h.dim() == 2:
            return h
        k = self._num_outputs
        if k == 1:
            return h
        return h.unsqueeze(-3).expand(h.shape[0], k, *h.shape[-2:]).reshape(-1, *h.shape[-2:])

    def _train_covariance(self) -> tuple[Tensor, Tensor]:
        """``K + noise I`` (``b x n x n``) and the targets minus the prior mean (``b x n``)."""
        h = self._train_onehot_per_gp()
        n = h.shape[-2]
        K = self._cross_kernel(h, h, self.kernel_form())
        noise = self.likelihood.noise.reshape(-1)
        K = K + noise[:, None, None] * torch.eye(n, dtype=K.dtype, device=K.device)
        # Contiguous: a lone model's targets come as a strided view, and a reduction over a
        # strided row sums in another order than over a contiguous one, which made a seed's
        # likelihood (hence its fit) differ in the last bits from the same seed in a batch.
        y = self.train_targets.reshape(-1, n).contiguous()
        return K, y - self.mean_module.constant.reshape(-1, 1)

    # ------------------------------------------------------------------------------- fitting
    def compute_custom_loss(self, mll: ExactMarginalLogLikelihood, **_: Any) -> Tensor:
        """Negative exact marginal log likelihood per output, divided by ``n``, with the log
        prior densities of the hyperparameters added per output — the value GPyTorch's
        ``ExactMarginalLogLikelihood`` gives (BoTorch calls this hook to build the loss)."""
        K, r = self._train_covariance()
        n = r.shape[-1]
        res = GaussianLogLikelihood.apply(K, r)
        for _, module, prior, closure, _ in mll.model.named_priors():
            term = prior.log_prob(closure(module))
            res = res + term.reshape(res.shape[0], -1).sum(-1)
        return (-res / n).reshape(self._aug_batch_shape)

    def fit(self, *, maxiter: int, state: dict[str, Tensor] | None = None) -> None:
        """Fit the hyperparameters by BoTorch's ``fit_gpytorch_mll`` (L-BFGS-B, one problem
        per output), starting from ``state`` (a previous :meth:`hyperparameter_state`) when
        given, for at most ``maxiter`` iterations. Call inside :func:`seeded_torch`: a failed
        attempt is retried from hyperparameters drawn from the priors."""
        if state is not None:
            self.load_state_dict(state, strict=False)
        mll = ExactMarginalLogLikelihood(self.likelihood, self)
        fit_gpytorch_mll(mll, optimizer_kwargs={"options": {"maxiter": int(maxiter)}})
        self.eval()
        self._cache = None

    def hyperparameter_state(self) -> dict[str, Tensor]:
        """The fitted hyperparameters (no data, no outcome scaling), to warm-start a model of
        the next iteration."""
        return {
            k: v.detach().clone()
            for k, v in self.state_dict().items()
            if not any(k.startswith(p) for p in _DATA_KEYS)
        }

    # ----------------------------------------------------------------------------- prediction
    def _posterior_cache(self) -> tuple[Tensor, Tensor]:
        if self._cache is None:
            with torch.no_grad():
                K, r = self._train_covariance()
                L = psd_safe_cholesky(K)  # adds jitter if needed, as GPyTorch's prediction does
                alpha = torch.cholesky_solve(r.unsqueeze(-1), L).squeeze(-1).contiguous()
            self._cache = (L, alpha)
        return self._cache

    #: Largest ``q`` whose joint posterior :meth:`posterior` forms densely in closed form.
    DENSE_POSTERIOR_MAX_Q = 1024

    def posterior(  # type: ignore[override]
        self,
        X: Tensor,
        output_indices: list[int] | None = None,
        observation_noise: bool | Tensor = False,
        posterior_transform: Any = None,
        **kwargs: Any,
    ) -> Any:
        """BoTorch's posterior (a ``GPyTorchPosterior`` over ``batch x q`` points, outcome
        transform undone), formed from the closed-form kernel and the cached factor.

        GPyTorch broadcasts its cached ``n x n`` factor over every batch element of ``X``
        (a copy per candidate when BoTorch scores 64 candidates as a batch of ``q = 1``),
        which cost more than the rest of a qEHVI iteration. Here the batch is flattened
        into one product with the factor. Means and covariances equal GPyTorch's to
        rounding (tested); larger ``q``, a batched model, output subsets and observation
        noise take GPyTorch's path.
        """
        if (
            output_indices is not None
            or observation_noise is not False
            or kwargs
            or len(self._input_batch_shape) > 0
            or X.dim() < 2
            or X.shape[-2] > self.DENSE_POSTERIOR_MAX_Q
        ):
            return super().posterior(
                X,
                output_indices=output_indices,
                observation_noise=observation_noise,
                posterior_transform=posterior_transform,
                **kwargs,
            )
        self.eval()
        mean, cov = self._dense_posterior(X)  # batch x k x q, batch x k x q x q
        k = self._num_outputs
        if k > 1:
            mvn = MultitaskMultivariateNormal.from_independent_mvns(
                mvns=[MultivariateNormal(mean[..., t, :], cov[..., t, :, :]) for t in range(k)]
            )
        else:
            mvn = MultivariateNormal(mean[..., 0, :], cov[..., 0, :, :])
        posterior = self.outcome_transform.untransform_posterior(GPyTorchPosterior(mvn), X=X)
        if posterior_transform is not None:
            return posterior_transform(posterior=posterior, X=X)
        return posterior

    def _dense_posterior(self, X: Tensor) -> tuple[Tensor, Tensor]:
        """Latent posterior means (``batch x k x q``) and covariances (``batch x k x q x q``)
        at ``X`` (``batch x q x d`` genomes), in the standardized units."""
        *batch, q, _ = X.shape
        parts = self.dense_parts(X)
        k = parts.mean.shape[0]
        mean = parts.mean.transpose(0, 1).reshape(*batch, k, q)
        cov = parts.cov.transpose(0, 1).reshape(*batch, k, q, q)
        return mean, cov

    def dense_parts(self, X: Tensor) -> DenseParts:
        """The closed-form posterior at ``X`` (``batch x q x d`` genomes, flattened into
        ``B`` batch elements), in the standardized units, with what a caller needs to extend
        it: see :class:`DenseParts`."""
        q, d = X.shape[-2:]
        L, alpha = self._posterior_cache()  # k x n x n, k x n
        form = self.kernel_form()
        k = L.shape[0]
        h = onehot_torch(X.reshape(-1, d), self.cardinalities)  # N x D, N = B q
        K_xt = self._cross_kernel(h, self._train_onehot, form)  # k x N x n
        mean = self.mean_module.constant.reshape(-1, 1) + (K_xt @ alpha.unsqueeze(-1)).squeeze(-1)
        V = torch.linalg.solve_triangular(L, K_xt.transpose(-1, -2), upper=False)  # k x n x N
        B = h.shape[0] // q
        hq = h.reshape(1, B, q, -1)
        form_b = tuple(t.reshape(k, 1, *t.shape[1:]) for t in form)  # broadcast over B
        Vq = V.reshape(k, -1, B, q).permute(0, 2, 1, 3)  # k x B x n x q
        cov = cross_kernel(hq, hq, form_b) - Vq.transpose(-1, -2) @ Vq  # k x B x q x q
        return DenseParts(mean=mean.reshape(k, B, q), cov=cov, V=V, onehot=h)

    @torch.no_grad()
    def marginals(self, X: Tensor, *, chunk_size: int = 4096) -> tuple[Tensor, Tensor]:
        """Exact marginal posterior of the latent functions at ``N`` genomes.

        Args:
            X: ``N x d`` genomes.
            chunk_size: candidates per chunk (memory ``~ b x chunk_size x n`` floats).

        Returns:
            Means and variances, each ``N x b``, in the outcomes' original units (the
            values ``self.posterior(X[:, None]).mean`` / ``.variance`` give).
        """
        L, alpha = self._posterior_cache()
        form = self.kernel_form()
        const = self.mean_module.constant.reshape(-1)
        h_train = self._train_onehot
        means, variances = [], []
        for start in range(0, X.shape[0], chunk_size):
            h = onehot_torch(X[start : start + chunk_size], self.cardinalities)
            Ks = self._cross_kernel(h, h_train, form)  # b x c x n
            mu = const[:, None] + (Ks @ alpha.unsqueeze(-1)).squeeze(-1)
            V = torch.linalg.solve_triangular(L, Ks.transpose(-1, -2), upper=False)
            var = (form[0][:, None] - (V * V).sum(-2)).clamp_min(0.0)
            means.append(mu.T)
            variances.append(var.T)
        mean = torch.cat(means, dim=0)
        var = torch.cat(variances, dim=0)
        scale = self.outcome_transform.stdvs.reshape(1, -1)
        shift = self.outcome_transform.means.reshape(1, -1)
        return shift + scale * mean, scale.square() * var


def cross_kernel(h1: Tensor, h2: Tensor, form: tuple[Tensor, ...]) -> Tensor:
    """``b x n1 x n2`` kernel of the closed form of :meth:`GenomeGP.kernel_form` between
    one-hot rows ``h1`` (``n1 x D`` or ``b x n1 x D``) and ``h2`` (``n2 x D`` or
    ``b x n2 x D``).

    The whole log-kernel, ``(log s - c - a.h1) + (v h1 - a).h2`` (``h2`` is one-hot), is one
    matmul of ``[v h1 - a, log s - c - a.h1]`` (``b x n1 x (D+1)``) with ``[h2, 1]'``; when
    ``h2`` is shared by the ``b`` GPs (many candidates, few training points) that is one
    matrix product with ``h2`` and no ``b x D x n2`` intermediate. One in-place ``exp``
    follows.
    """
    s, c, a, v = form
    left = v.unsqueeze(-2) * h1 - a.unsqueeze(-2)  # b x n1 x D
    offset = (torch.log(s) - c).unsqueeze(-1) - (a.unsqueeze(-2) * h1).sum(-1)  # b x n1
    left = torch.cat([left, offset.unsqueeze(-1)], dim=-1)
    ones = torch.ones(*h2.shape[:-1], 1, dtype=h2.dtype, device=h2.device)
    right = torch.cat([h2, ones], dim=-1).transpose(-1, -2)  # (b x) (D+1) x n2
    out = torch.matmul(left, right)
    return out.exp_() if not out.requires_grad else out.exp()


def genome_tensor(genomes: np.ndarray, device: torch.device) -> Tensor:
    """``n x d`` integer genomes as the float64 model input on ``device``."""
    return torch.as_tensor(np.asarray(genomes, dtype=np.float64), device=device)
