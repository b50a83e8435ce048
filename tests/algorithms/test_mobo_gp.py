"""The genome GP: its fast loss and posterior equal GPyTorch's, and warm starts carry only the
hyperparameters."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from botorch.models import SingleTaskGP
from botorch.optim.closures.model_closures import get_loss_closure
from gpytorch.distributions import MultitaskMultivariateNormal
from gpytorch.mlls import ExactMarginalLogLikelihood

from lab.algorithms.mobo.gp import GaussianLogLikelihood, GenomeGP, genome_tensor, onehot_torch
from lab.spaces.encoding import one_hot
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture

CARDS = (4, 3, 5, 2)


def _data(n: int, k: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    genomes = np.stack([rng.integers(0, c, n) for c in CARDS], axis=1)
    genomes = np.unique(genomes, axis=0)
    X = genome_tensor(genomes, torch.device("cpu"))
    h = torch.as_tensor(one_hot(genomes, CARDS), dtype=torch.float64)
    w = torch.as_tensor(rng.normal(size=(h.shape[1], k)))
    Y = torch.sin(h @ w) + 0.05 * torch.as_tensor(rng.normal(size=(len(genomes), k)))
    return X, Y


def _perturb(model: GenomeGP, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.rand(p.shape, generator=gen, dtype=p.dtype))


def test_onehot_matches_the_space_encoding() -> None:
    X, _ = _data(30, 1)
    expected = one_hot(X.numpy().astype(np.int64), CARDS)
    np.testing.assert_array_equal(onehot_torch(X, CARDS).numpy(), expected)


@pytest.mark.parametrize("kernel", ["categorical", "onehot"])
@pytest.mark.parametrize("k", [1, 3])
def test_custom_loss_equals_gpytorch_exact_mll(kernel: str, k: int) -> None:
    X, Y = _data(40, k)
    model = GenomeGP(X, Y, cardinalities=CARDS, kernel=kernel)
    _perturb(model, 1)
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    mll.train()
    # GPyTorch's own value: the MLL module on the model's prior (train-mode) output.
    reference = -mll(model(*model.train_inputs), model.train_targets)
    ours = get_loss_closure(mll)()  # BoTorch picks the model's compute_custom_loss hook
    assert ours.shape == reference.shape
    torch.testing.assert_close(ours, reference, rtol=1e-10, atol=1e-10)
    params = [p for p in model.parameters() if p.requires_grad]
    g_ref = torch.autograd.grad(reference.sum(), params)
    g_ours = torch.autograd.grad(ours.sum(), params)
    for a, b in zip(g_ref, g_ours, strict=True):
        torch.testing.assert_close(b, a, rtol=1e-8, atol=1e-10)


def test_gaussian_log_likelihood_gradcheck() -> None:
    gen = torch.Generator().manual_seed(0)
    A = torch.rand(2, 5, 5, generator=gen, dtype=torch.float64)
    K = (A @ A.mT + 5 * torch.eye(5, dtype=torch.float64)).requires_grad_(True)
    r = torch.rand(2, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    # A symmetric parametrization keeps the finite differences on symmetric matrices.
    assert torch.autograd.gradcheck(
        lambda K, r: GaussianLogLikelihood.apply(0.5 * (K + K.mT), r), (K, r)
    )
    value = GaussianLogLikelihood.apply(K, r)
    dist = torch.distributions.MultivariateNormal(torch.zeros(5, dtype=torch.float64), K)
    torch.testing.assert_close(value, dist.log_prob(r))


@pytest.mark.parametrize("kernel", ["categorical", "onehot"])
def test_marginals_equal_botorch_posterior(kernel: str) -> None:
    X, Y = _data(50, 3, seed=2)
    model = GenomeGP(X, Y, cardinalities=CARDS, kernel=kernel)
    _perturb(model, 3)
    model.eval()
    Xc, _ = _data(200, 1, seed=5)
    mean, var = model.marginals(Xc, chunk_size=37)
    post = SingleTaskGP.posterior(model, Xc.unsqueeze(-2))  # GPyTorch's prediction
    torch.testing.assert_close(mean, post.mean.squeeze(-2).detach(), rtol=1e-9, atol=1e-9)
    torch.testing.assert_close(var, post.variance.squeeze(-2).detach(), rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("kernel", ["categorical", "onehot"])
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("shape", [(7, 1), (2, 3, 4), (9,)])
def test_posterior_equals_gpytorch_prediction(kernel: str, k: int, shape: tuple) -> None:
    """The closed-form posterior: GPyTorch's means, covariances and samples from the same base
    samples, for batches of ``q`` points (and an unbatched ``q``)."""
    X, Y = _data(45, k, seed=4)
    model = GenomeGP(X, Y, cardinalities=CARDS, kernel=kernel)
    _perturb(model, 5)
    model.eval()
    Xc, _ = _data(200, 1, seed=6)
    Xq = Xc[: int(np.prod(shape))].reshape(*shape, -1)
    ours = model.posterior(Xq)
    ref = SingleTaskGP.posterior(model, Xq)
    assert type(ours.distribution) is type(ref.distribution)
    assert isinstance(ours.distribution, MultitaskMultivariateNormal) is (k > 1)
    assert ours.mean.shape == ref.mean.shape == (*shape, k)
    torch.testing.assert_close(ours.mean, ref.mean, rtol=1e-9, atol=1e-10)
    cov, cov_ref = (p.distribution.covariance_matrix for p in (ours, ref))
    torch.testing.assert_close(cov, cov_ref, rtol=1e-8, atol=1e-10)
    base = torch.randn(5, *ref.base_sample_shape, generator=torch.Generator().manual_seed(0),
                       dtype=torch.float64)  # fmt: skip
    samples = ours.rsample_from_base_samples(torch.Size([5]), base)
    torch.testing.assert_close(
        samples, ref.rsample_from_base_samples(torch.Size([5]), base), rtol=1e-7, atol=1e-8
    )


def test_posterior_of_many_points_or_with_noise_is_gpytorchs() -> None:
    X, Y = _data(30, 2, seed=7)
    model = GenomeGP(X, Y, cardinalities=CARDS)
    model.eval()
    Xc, _ = _data(200, 1, seed=8)
    model.DENSE_POSTERIOR_MAX_Q = 10
    big = model.posterior(Xc[:20])  # GPyTorch's lazy covariance, not a dense one
    torch.testing.assert_close(big.mean, SingleTaskGP.posterior(model, Xc[:20]).mean)
    noisy = model.posterior(Xc[:5], observation_noise=True)
    latent = model.posterior(Xc[:5])
    assert bool((noisy.variance > latent.variance).all())


def test_fit_improves_the_likelihood_and_warm_start_carries_hyperparameters() -> None:
    X, Y = _data(60, 2, seed=4)
    model = GenomeGP(X, Y, cardinalities=CARDS, kernel="onehot")
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    mll.train()
    before = float(get_loss_closure(mll)().sum().detach())
    model.fit(maxiter=100)
    mll.train()
    after = float(get_loss_closure(mll)().sum().detach())
    assert after < before
    state = model.hyperparameter_state()
    assert not any(k.startswith(("outcome_transform", "train_")) for k in state)
    # A model of other data (other scale) started from the state has the same hyperparameters
    # and its own standardization.
    X2, Y2 = _data(70, 2, seed=9)
    warm = GenomeGP(X2, 10.0 * Y2 + 3.0, cardinalities=CARDS, kernel="onehot")
    warm.load_state_dict(state, strict=False)
    torch.testing.assert_close(warm.covar_module.lengthscale, model.covar_module.lengthscale)
    torch.testing.assert_close(warm.outcome_transform.means.squeeze(), (10.0 * Y2 + 3.0).mean(0))
