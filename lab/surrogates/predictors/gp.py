"""Exact Gaussian process (BoTorch ``SingleTaskGP``, one independent GP per output).

Inputs are scaled to the unit cube with bounds learned from the training data, outcomes are
standardized, and the kernel is BoTorch's default: an RBF kernel with one lengthscale per feature
and the dimension-scaled lengthscale prior of Hvarfner et al. (2024), which suits the wide binary
encodings of architectures. Hyperparameters maximize the marginal likelihood (L-BFGS).

An exact GP costs ``O(n^3)``; above ``max_train`` rows it is fitted on a random subset of
``max_train`` rows drawn with ``random_state`` (``n_train_used_`` records how many).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from lab.surrogates.predictors.base import Predictor, torch_seeded
from lab.surrogates.safe_io import load_tensors, save_tensors

STATE_FILE = "gp_state.pt"
PREDICT_CHUNK = 4096


class GPPredictor(Predictor):
    """Gaussian-process regressor with a predictive mean and std (observation noise included).

    Args:
        max_train: largest number of training rows used (see the module docstring).
        lbfgs_iterations: L-BFGS iterations of the marginal-likelihood fit.
        random_state: seed of the subset draw and of the optimizer's restarts.
    """

    name = "gp"
    supports_std = True

    def __init__(
        self, max_train: int = 2000, lbfgs_iterations: int = 100, random_state: int = 0
    ) -> None:
        self.max_train = max_train
        self.lbfgs_iterations = lbfgs_iterations
        self.random_state = random_state

    def _build(self, train_X, train_Y):
        from botorch.models import SingleTaskGP
        from botorch.models.transforms import Normalize, Standardize

        return SingleTaskGP(
            train_X,
            train_Y,
            input_transform=Normalize(d=train_X.shape[-1]),
            outcome_transform=Standardize(m=train_Y.shape[-1]),
        )

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        import gpytorch
        import torch
        from botorch.fit import fit_gpytorch_mll
        from gpytorch.mlls import ExactMarginalLogLikelihood

        if len(X) > self.max_train:
            rng = np.random.default_rng(self.random_state)
            keep = np.sort(rng.choice(len(X), size=self.max_train, replace=False))
            X, Y = X[keep], Y[keep]
        self.n_train_used_ = len(X)
        train_X = torch.as_tensor(X, dtype=torch.float64)
        train_Y = torch.as_tensor(Y, dtype=torch.float64)
        exact = gpytorch.settings.max_cholesky_size(max(self.max_train, 800) + 1)
        with torch_seeded(self.random_state), warnings.catch_warnings(), exact:
            # A single row, or a constant target, trips BoTorch's input warnings; the fit is
            # still well defined (the prior and the noise floor keep it proper).
            warnings.simplefilter("ignore")
            model = self._build(train_X, train_Y)
            fit_gpytorch_mll(
                ExactMarginalLogLikelihood(model.likelihood, model),
                optimizer_kwargs={"options": {"maxiter": int(self.lbfgs_iterations)}},
                # Reaching lbfgs_iterations is a warning that BoTorch would answer by restarting from
                # random hyperparameters (up to 5 times); the capped fit is what is asked for.
                warning_handler=lambda w: True,
                max_attempts=3,
            )
        model.eval()
        self.model_ = model
        self._train = (train_X, train_Y)

    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, np.ndarray | None]:
        import gpytorch
        import torch

        means, stds = [], []
        exact = gpytorch.settings.max_cholesky_size(max(self.max_train, 800) + 1)
        with torch.no_grad(), warnings.catch_warnings(), exact, torch_seeded(self.random_state):
            warnings.simplefilter("ignore")
            # Chunks bound the memory of the test x train cross-covariance.
            for start in range(0, len(X), PREDICT_CHUNK):
                chunk = torch.as_tensor(X[start : start + PREDICT_CHUNK], dtype=torch.float64)
                post = self.model_.posterior(chunk, observation_noise=return_std)
                means.append(post.mean.numpy().reshape(len(chunk), -1))
                if return_std:
                    stds.append(post.variance.clamp_min(0).sqrt().numpy().reshape(len(chunk), -1))
        mean = np.concatenate(means) if means else np.zeros((0, self.n_outputs_))
        return mean, (np.concatenate(stds) if return_std else None)

    def _save_state(self, directory: Path) -> None:
        train_X, train_Y = self._train
        save_tensors(
            {"train_X": train_X, "train_Y": train_Y, "state_dict": self.model_.state_dict()},
            directory / STATE_FILE,
        )

    def _load_state(self, directory: Path) -> None:
        state = load_tensors(directory / STATE_FILE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = self._build(state["train_X"], state["train_Y"])
            model.load_state_dict(state["state_dict"])
        model.eval()
        self.model_ = model
        self._train = (state["train_X"], state["train_Y"])
        self.n_train_used_ = len(state["train_X"])
