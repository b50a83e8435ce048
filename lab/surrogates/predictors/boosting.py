"""Gradient-boosted trees (XGBoost, ``hist`` method); multi-output natively; stored as UBJSON."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lab.atomic_io import atomic_write
from lab.surrogates.predictors.base import Predictor

MODEL_FILE = "model.ubj"


class XGBoostPredictor(Predictor):
    """XGBoost regressor with squared loss.

    Args:
        n_estimators: number of boosting rounds.
        learning_rate: shrinkage per round.
        max_depth: maximum tree depth.
        min_child_weight: minimum hessian (here: rows) in a leaf.
        subsample: fraction of rows per tree.
        colsample_bytree: fraction of features per tree.
        reg_lambda: L2 penalty on leaf weights.
        random_state: seed of the row and column subsampling.
        n_jobs: threads.
    """

    name = "xgboost"

    def __init__(
        self,
        n_estimators: int = 400,
        learning_rate: float = 0.04,
        max_depth: int = 8,
        min_child_weight: float = 3.0,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _make(self):
        import xgboost as xgb

        return xgb.XGBRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            max_depth=self.max_depth,
            min_child_weight=self.min_child_weight,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            tree_method="hist",
        )

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        self.model_ = self._make().fit(X, Y if Y.shape[1] > 1 else Y[:, 0])

    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, None]:
        return np.asarray(self.model_.predict(X), dtype=np.float64).reshape(len(X), -1), None

    def _save_state(self, directory: Path) -> None:
        raw = bytes(self.model_.get_booster().save_raw(raw_format="ubj"))
        atomic_write(directory / MODEL_FILE, lambda tmp: Path(tmp).write_bytes(raw))

    def _load_state(self, directory: Path) -> None:
        self.model_ = self._make()
        self.model_.load_model(str(directory / MODEL_FILE))

    @property
    def feature_importances_(self) -> np.ndarray:
        """Gain-based importance of each input feature (length ``n_features_in_``)."""
        return np.asarray(self.model_.feature_importances_, dtype=np.float64)
