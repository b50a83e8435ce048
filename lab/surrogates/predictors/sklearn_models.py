"""Predictors that wrap scikit-learn regressors: random forest, k-nearest neighbours, ridge.

Their learned state is stored with skops and reloaded with an explicit allow-list of types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lab.surrogates.predictors.base import Predictor
from lab.surrogates.safe_io import load_skops, save_skops

MODEL_FILE = "model.skops"


class _SklearnPredictor(Predictor):
    """Common storage and prediction of the wrapped estimator ``model_``."""

    def _make(self) -> Any:
        raise NotImplementedError

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        self.model_ = self._make().fit(X, Y if Y.shape[1] > 1 else Y[:, 0])

    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, np.ndarray | None]:
        return np.asarray(self.model_.predict(X), dtype=np.float64).reshape(len(X), -1), None

    def _save_state(self, directory: Path) -> None:
        save_skops(self.model_, directory / MODEL_FILE)

    def _load_state(self, directory: Path) -> None:
        self.model_ = load_skops(directory / MODEL_FILE)


class RandomForestPredictor(_SklearnPredictor):
    """Random forest; the std is the spread of the trees' predictions (not calibrated noise).

    Args:
        n_estimators: number of trees.
        max_features: fraction of features tried per split.
        min_samples_leaf: minimum rows in a leaf.
        random_state: seed of bootstrap and feature sampling.
        n_jobs: threads.
    """

    name = "random_forest"
    supports_std = True

    def __init__(
        self,
        n_estimators: int = 300,
        max_features: float = 0.5,
        min_samples_leaf: int = 1,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _make(self) -> Any:
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(
            n_estimators=self.n_estimators,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        )

    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, np.ndarray | None]:
        mean, _ = super()._predict(X, False)
        if not return_std:
            return mean, None
        per_tree = np.stack([t.predict(X).reshape(len(X), -1) for t in self.model_.estimators_])
        return mean, per_tree.std(axis=0)

    @property
    def feature_importances_(self) -> np.ndarray:
        """Mean decrease in impurity of each input feature."""
        return np.asarray(self.model_.feature_importances_, dtype=np.float64)


class KNNPredictor(_SklearnPredictor):
    """k-nearest neighbours (Euclidean on the encoding), distance-weighted by default.

    Args:
        n_neighbors: number of neighbours (capped by the training size).
        weights: ``uniform`` or ``distance``.
    """

    name = "knn"

    def __init__(self, n_neighbors: int = 10, weights: str = "distance") -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        from sklearn.neighbors import KNeighborsRegressor

        k = min(self.n_neighbors, len(X))
        self.model_ = KNeighborsRegressor(n_neighbors=k, weights=self.weights).fit(
            X, Y if Y.shape[1] > 1 else Y[:, 0]
        )


class LinearPredictor(_SklearnPredictor):
    """Ridge regression: the linear baseline.

    Args:
        alpha: L2 penalty.
    """

    name = "linear"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def _make(self) -> Any:
        from sklearn.linear_model import Ridge

        return Ridge(alpha=self.alpha)

    @property
    def coef_(self) -> np.ndarray:
        """``k x p`` (or ``p``) coefficients."""
        return self.model_.coef_
