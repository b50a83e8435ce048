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


class GPPredictor(Predictor):
    """Gaussian-process regressor with a predictive mean and std (observation noise included).

    Args:
        max_train: largest number of training rows used (see the module docstring).
        random_state: seed of the subset draw and of the optimizer's restarts.
    """

    name = "gp"
    supports_std = True

    def __init__(self, max_train: int = 2000, random_state: int = 0) -> None:
        self.max_train = max_train
        self.random_state = random_state

    def _build(self, train_X, train_Y):  # noqa: ANN001, ANN202 - torch tensors / SingleTaskGP
        from botorch.models import SingleTaskGP
        from botorch.models.transforms import Normalize, Standardize

        return SingleTaskGP(
            train_X,
            train_Y,
            input_transform=Normalize(d=train_X.shape[-1]),
            outcome_transform=Standardize(m=train_Y.shape[-1]),
        )

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
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
        with torch_seeded(self.random_state), warnings.catch_warnings():
            # A single row, or a constant target, trips BoTorch's input warnings; the fit is
            # still well defined (the prior and the noise floor keep it proper).
            warnings.simplefilter("ignore")
            model = self._build(train_X, train_Y)
            fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
        model.eval()
        self.model_ = model
        self._train = (train_X, train_Y)

    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, np.ndarray | None]:
        import torch

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            post = self.model_.posterior(
                torch.as_tensor(X, dtype=torch.float64), observation_noise=return_std
            )
            mean = post.mean.numpy().reshape(len(X), -1)
            std = post.variance.clamp_min(0).sqrt().numpy().reshape(len(X), -1) if return_std else None
        return mean, std

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
