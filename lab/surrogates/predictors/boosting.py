"""Gradient-boosted trees (XGBoost, ``hist`` method); multi-output natively; stored as JSON.

JSON rather than UBJSON so that the lab can parse the model and check every tree's structure
(:func:`~lab.surrogates.model_checks.check_xgboost_model`) before XGBoost walks it: XGBoost
trusts node indices and crashes on a damaged file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lab.errors import SurrogateFileError
from lab.fileio import atomic_write
from lab.surrogates.model_checks import check_xgboost_model
from lab.surrogates.predictors.base import Predictor
from lab.surrogates.safe_io import read_model_bytes

MODEL_FILE = "xgboost_model.json"


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
        raw = bytes(self.model_.get_booster().save_raw(raw_format="json"))
        atomic_write(directory / MODEL_FILE, lambda tmp: Path(tmp).write_bytes(raw))

    def _load_state(self, directory: Path) -> None:
        import xgboost

        path = directory / MODEL_FILE
        raw = read_model_bytes(path)
        try:
            doc = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SurrogateFileError(f"{path}: not a JSON XGBoost model ({exc})") from exc
        check_xgboost_model(doc, path)
        self.model_ = self._make()
        try:
            self.model_.load_model(bytearray(raw))
        except xgboost.core.XGBoostError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise SurrogateFileError(f"{path}: XGBoost cannot read the model ({first})") from exc

    @property
    def feature_importances_(self) -> np.ndarray:
        """Gain-based importance of each input feature (length ``n_features_in_``)."""
        return np.asarray(self.model_.feature_importances_, dtype=np.float64)
