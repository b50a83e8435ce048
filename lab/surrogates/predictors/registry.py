"""Predictors by name."""

from __future__ import annotations

from typing import Any

from lab.errors import DuplicateNameError, unknown_name
from lab.surrogates.predictors.base import Predictor
from lab.surrogates.predictors.boosting import XGBoostPredictor
from lab.surrogates.predictors.ensemble import EnsemblePredictor
from lab.surrogates.predictors.gp import GPPredictor
from lab.surrogates.predictors.mlp import MLPPredictor
from lab.surrogates.predictors.sklearn_models import (
    KNNPredictor,
    LinearPredictor,
    RandomForestPredictor,
)

_PREDICTORS: dict[str, type[Predictor]] = {}


def register_predictor(cls: type[Predictor]) -> None:
    """Register ``cls`` under ``cls.name``; a duplicate name is an error."""
    if cls.name in _PREDICTORS:
        raise DuplicateNameError(f"predictor {cls.name!r} is already registered")
    _PREDICTORS[cls.name] = cls


for _cls in (
    XGBoostPredictor,
    RandomForestPredictor,
    GPPredictor,
    MLPPredictor,
    KNNPredictor,
    LinearPredictor,
    EnsemblePredictor,
):
    register_predictor(_cls)


def predictor_names() -> list[str]:
    """Every registered predictor name."""
    return sorted(_PREDICTORS)


def predictor_class(name: str) -> type[Predictor]:
    """The class registered as ``name``."""
    if name not in _PREDICTORS:
        raise unknown_name("predictor", name, list(_PREDICTORS))
    return _PREDICTORS[name]


def make_predictor(name: str, **params: Any) -> Predictor:
    """A new predictor ``name``; unknown hyperparameters are an error listing the valid ones."""
    cls = predictor_class(name)
    valid = cls().get_params(deep=False)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        from lab.errors import ConfigError

        raise ConfigError(
            f"predictor {name!r} has no hyperparameter(s) {unknown}; valid: "
            + ", ".join(f"{k}={v!r}" for k, v in valid.items())
        )
    return cls(**params)
