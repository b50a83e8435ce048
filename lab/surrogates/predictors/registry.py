"""Predictors by name, and the loader that rebuilds a saved predictor through its name.

The built-in predictors register themselves in :mod:`lab.surrogates.predictors` (the package),
so this module depends on the base class only and a predictor made of other predictors (the
ensemble) can look its members up here without an import cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lab.registry import Registry
from lab.surrogates.predictors.base import PREDICTOR_FILE, Predictor
from lab.surrogates.safe_io import read_json

PREDICTORS: Registry[type[Predictor]] = Registry("predictor")


def register_predictor(cls: type[Predictor]) -> None:
    """Register ``cls`` under ``cls.name``; a duplicate name is an error."""
    PREDICTORS.register(cls.name, cls)


def predictor_names() -> list[str]:
    """Every registered predictor name."""
    return PREDICTORS.names()


def predictor_class(name: str) -> type[Predictor]:
    """The class registered as ``name``."""
    return PREDICTORS.get(name)


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


def load_predictor(directory: Path) -> Predictor:
    """Rebuild a predictor saved by :meth:`Predictor.save` (no pickle involved)."""
    directory = Path(directory)
    info = read_json(directory / PREDICTOR_FILE)
    cls = predictor_class(info["predictor"])
    predictor = cls(**info["params"])
    predictor.n_features_in_ = int(info["n_features_in"])
    predictor.n_outputs_ = int(info["n_outputs"])
    predictor.single_output_ = bool(info["single_output"])
    predictor._load_state(directory)
    return predictor
