"""Algorithms by name, with their hyperparameters.

Entries are ``name -> "module:Class"`` and are imported on first use, so that heavy
dependencies (torch, BoTorch, Optuna) load only when their algorithm is asked for. An algorithm's
hyperparameters are the keyword-only arguments of its ``__init__`` after the common ones
(problem, budget, seed, batch_size, n_init, init); unknown names or parameters are an error that
lists the valid ones.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from lab.algorithms.base import Algorithm
from lab.errors import ConfigError, DuplicateNameError, unknown_name
from lab.problems.problem import Problem

COMMON_ARGS = ("problem", "budget", "seed", "batch_size", "n_init", "init")

_REGISTRY: dict[str, str] = {
    "random": "lab.algorithms.random_search:RandomSearch",
    "nsga2": "lab.algorithms.moeas:NSGA2Search",
    "nsga3": "lab.algorithms.moeas:NSGA3Search",
    "moead": "lab.algorithms.moeas:MOEADSearch",
    "smsemoa": "lab.algorithms.moeas:SMSEMOASearch",
    "spea2": "lab.algorithms.moeas:SPEA2Search",
    "agemoea": "lab.algorithms.moeas:AGEMOEASearch",
    "mopso_cd": "lab.algorithms.mopso_cd:MOPSOCDSearch",
    "ibea": "lab.algorithms.ibea:IBEASearch",
    "scalarized_ws": "lab.algorithms.scalarized:WeightedSumSearch",
    "scalarized_tcheby": "lab.algorithms.scalarized:ChebyshevSearch",
    "eps_constraint": "lab.algorithms.eps_constraint:EpsilonConstraintSearch",
    "pls": "lab.algorithms.pls:ParetoLocalSearch",
    "reinforce": "lab.algorithms.reinforce:ReinforceSearch",
    "tpe": "lab.algorithms.tpe:TPESearch",
    "qnehvi": "lab.algorithms.mobo.qnehvi:QNEHVI",
    "qehvi": "lab.algorithms.mobo.qehvi:QEHVI",
    "qparego": "lab.algorithms.mobo.qparego:QParEGO",
}


def register(name: str, target: str) -> None:
    """Register ``name -> "module:Class"``; a duplicate name is an error."""
    if name in _REGISTRY:
        raise DuplicateNameError(f"algorithm {name!r} is already registered as {_REGISTRY[name]}")
    _REGISTRY[name] = target


def algorithm_names() -> list[str]:
    """Every registered algorithm name."""
    return sorted(_REGISTRY)


def algorithm_target(name: str) -> str:
    """Where ``name`` lives, as ``"module:Class"`` (without importing it)."""
    if name not in _REGISTRY:
        raise unknown_name("algorithm", name, list(_REGISTRY))
    return _REGISTRY[name]


def algorithm_class(name: str) -> type[Algorithm]:
    """The class registered as ``name``."""
    if name not in _REGISTRY:
        raise unknown_name("algorithm", name, list(_REGISTRY))
    module, cls = _REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), cls)


def algorithm_params(name: str) -> dict[str, Any]:
    """Hyperparameters of ``name`` and their defaults (``inspect.Parameter.empty`` if none)."""
    sig = inspect.signature(algorithm_class(name).__init__)
    return {
        p.name: p.default
        for p in sig.parameters.values()
        if p.name not in ("self", *COMMON_ARGS) and p.kind is p.KEYWORD_ONLY
    }


def make_algorithm(
    name: str,
    problem: Problem,
    *,
    budget: int,
    seed: int,
    batch_size: int = 1,
    n_init: int = 10,
    init: str = "random",
    params: dict[str, Any] | None = None,
) -> Algorithm:
    """Instantiate algorithm ``name`` with hyperparameters ``params`` (validated)."""
    params = dict(params or {})
    valid = algorithm_params(name)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ConfigError(
            f"algorithm {name!r} has no hyperparameter(s) {unknown}; valid: "
            + (", ".join(f"{k}={v!r}" for k, v in valid.items()) or "(none)")
        )
    return algorithm_class(name)(
        problem, budget=budget, seed=seed, batch_size=batch_size, n_init=n_init, init=init,
        **params,
    )  # fmt: skip
