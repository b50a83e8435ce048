"""Surrogate laboratory: encodings, predictors, the predictor study, saved surrogates with model
cards, surrogate benchmarks, fidelity checks and interpretability.

Heavy modules (torch, BoTorch) load only when a predictor that needs them is fitted or loaded.
"""

from lab.surrogates.artifact import load_surrogate, save_surrogate, surrogate_names, surrogates_dir
from lab.surrogates.encodings import make_encoding
from lab.surrogates.predictors import load_predictor, make_predictor, predictor_names
from lab.surrogates.surrogate import Surrogate

__all__ = [
    "Surrogate",
    "load_predictor",
    "load_surrogate",
    "make_encoding",
    "make_predictor",
    "predictor_names",
    "save_surrogate",
    "surrogate_names",
    "surrogates_dir",
]
