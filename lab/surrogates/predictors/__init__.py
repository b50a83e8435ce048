"""Surrogate predictors (scikit-learn estimators on encoded architectures).

Importing the package registers the built-in predictors.
"""

from lab.surrogates.predictors.base import Predictor
from lab.surrogates.predictors.boosting import XGBoostPredictor
from lab.surrogates.predictors.ensemble import EnsemblePredictor
from lab.surrogates.predictors.gp import GPPredictor
from lab.surrogates.predictors.mlp import MLPPredictor
from lab.surrogates.predictors.registry import (
    load_predictor,
    make_predictor,
    predictor_class,
    predictor_names,
    register_predictor,
)
from lab.surrogates.predictors.sklearn_models import (
    KNNPredictor,
    LinearPredictor,
    RandomForestPredictor,
)

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

__all__ = [
    "Predictor",
    "load_predictor",
    "make_predictor",
    "predictor_class",
    "predictor_names",
    "register_predictor",
]
