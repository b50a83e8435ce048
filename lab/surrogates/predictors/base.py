"""The predictor abstraction: a scikit-learn regressor on encoded architectures.

Contract (as scikit-learn's): ``__init__`` only stores its arguments, everything learned ends in
``_``, ``fit`` returns ``self``; every predictor passes ``sklearn.utils.estimator_checks``. On top
of that:

* targets may be ``n`` (one output; predictions ``n``) or ``n x k`` (predictions ``n x k``);
  predictors without native multi-output support fit one model per column;
* ``predict(X, return_std=True)`` returns ``(mean, std)`` for predictors with
  ``supports_std = True`` (the std of the predictive distribution of a new observation);
* randomness comes only from the ``random_state`` integer argument;
* ``save(directory)`` / :func:`load_predictor` use safe formats only (JSON, XGBoost JSON, skops
  with an explicit allow-list, torch tensors loaded with ``weights_only=True``).

The public methods validate; subclasses implement ``_fit``, ``_predict``, ``_save_state`` and
``_load_state``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from lab.errors import SurrogateError
from lab.fileio import write_json

PREDICTOR_FILE = "predictor.json"


class Predictor(RegressorMixin, BaseEstimator, ABC):
    """Base class of every surrogate predictor.

    Class attributes:
        name: registry name.
        supports_std: whether ``predict(..., return_std=True)`` is available.
    """

    name: ClassVar[str] = "predictor"
    supports_std: ClassVar[bool] = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    # -------------------------------------------------------------------------------- public
    def fit(self, X: Any, y: Any) -> Predictor:
        """Fit on ``X`` (``n x p``) and ``y`` (``n`` or ``n x k``); returns ``self``."""
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        self.single_output_ = y.ndim == 1
        Y = y.reshape(len(y), -1)
        self.n_outputs_ = Y.shape[1]
        self._fit(X, Y)
        return self

    def predict(
        self, X: Any, return_std: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Predicted mean (``n`` or ``n x k``), and its std if ``return_std``."""
        check_is_fitted(self, "n_outputs_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if return_std and not self.supports_std:
            raise SurrogateError(
                f"predictor {self.name!r} gives no uncertainty; use one of the predictors with "
                "supports_std (gp, random_forest, ensemble)"
            )
        mean, std = self._predict(X, return_std)
        if self.single_output_:
            mean = mean[:, 0]
            std = std[:, 0] if std is not None else None
        return (mean, std) if return_std else mean

    def save(self, directory: Path) -> Path:
        """Write the fitted predictor into ``directory`` (created); returns the directory."""
        check_is_fitted(self, "n_outputs_")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._save_state(directory)
        write_json(
            directory / PREDICTOR_FILE,
            {
                "predictor": self.name,
                "params": self.get_params(deep=False),
                "n_features_in": int(self.n_features_in_),
                "n_outputs": int(self.n_outputs_),
                "single_output": bool(self.single_output_),
            },
        )
        return directory

    # ----------------------------------------------------------------------------- protected
    @abstractmethod
    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        """Learn from float64 ``X`` (``n x p``) and ``Y`` (``n x k``)."""

    @abstractmethod
    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """``n x k`` mean and (if asked and supported) ``n x k`` std."""

    @abstractmethod
    def _save_state(self, directory: Path) -> None:
        """Write the learned state (safe formats only)."""

    @abstractmethod
    def _load_state(self, directory: Path) -> None:
        """Restore the learned state written by :meth:`_save_state`."""


def torch_seeded(seed: int, *, threads: int = 1):
    """Context in which torch's global generator is seeded with ``seed`` and torch uses
    ``threads`` intra-op threads; both are restored on exit.

    GPyTorch and ``torch.nn`` initialisers draw from the global generator; forking it keeps the
    caller's random state untouched while making the fit reproducible. The models here are small
    (hundreds of rows): extra threads only add synchronisation, and on a shared machine they
    oversubscribe the cores (a 10x slowdown was measured for a 200-row GP with 2 threads).
    """
    import torch

    class _Ctx:
        def __enter__(self) -> None:
            self._threads = torch.get_num_threads()
            torch.set_num_threads(int(threads))
            self._fork = torch.random.fork_rng(devices=[])
            self._fork.__enter__()
            torch.manual_seed(int(seed))

        def __exit__(self, *exc: object) -> None:
            self._fork.__exit__(*exc)
            torch.set_num_threads(self._threads)

    return _Ctx()
