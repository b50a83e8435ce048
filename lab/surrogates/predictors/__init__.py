"""Surrogate predictors (scikit-learn estimators on encoded architectures)."""

from lab.surrogates.predictors.base import Predictor, load_predictor
from lab.surrogates.predictors.registry import (
    make_predictor,
    predictor_class,
    predictor_names,
    register_predictor,
)

__all__ = [
    "Predictor",
    "load_predictor",
    "make_predictor",
    "predictor_class",
    "predictor_names",
    "register_predictor",
]
