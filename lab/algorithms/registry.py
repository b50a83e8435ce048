"""Algorithms by name, with their typed hyperparameters.

Entries are ``name -> "module:Class"`` in a :class:`lab.registry.Registry`, imported on first
use, so that heavy dependencies (torch, BoTorch, Optuna) load only when their algorithm is asked
for. An algorithm's hyperparameters are its ``Params`` class (:mod:`lab.algorithms.params`);
unknown names, unknown hyperparameters, wrong types and values out of range are errors that say
what is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lab.algorithms.base import Algorithm
from lab.algorithms.params import DEFAULT_N_INIT, AlgorithmParams
from lab.problems.problem import Problem
from lab.registry import Registry

ALGORITHMS: Registry[type[Algorithm]] = Registry(
    "algorithm",
    {
        "random": "lab.algorithms.random_search:RandomSearch",
        "nsga2": "lab.algorithms.moeas:NSGA2Search",
        "nsga3": "lab.algorithms.moeas:NSGA3Search",
        "moead": "lab.algorithms.moeas:MOEADSearch",
        "smsemoa": "lab.algorithms.moeas:SMSEMOASearch",
        "spea2": "lab.algorithms.moeas:SPEA2Search",
        "agemoea": "lab.algorithms.moeas:AGEMOEASearch",
        "mopso_cd": "lab.algorithms.mopso_cd:MOPSOCDSearch",
        "ibea": "lab.algorithms.ibea:IBEASearch",
        "scalarized_ws": "lab.algorithms.scalarized_search:WeightedSumSearch",
        "scalarized_tcheby": "lab.algorithms.scalarized_search:ChebyshevSearch",
        "eps_constraint": "lab.algorithms.eps_constraint:EpsilonConstraintSearch",
        "pls": "lab.algorithms.pls:ParetoLocalSearch",
        "reinforce": "lab.algorithms.reinforce:ReinforceSearch",
        "tpe": "lab.algorithms.tpe:TPESearch",
        "qnehvi": "lab.algorithms.mobo.qnehvi:QNEHVI",
        "qehvi": "lab.algorithms.mobo.qehvi:QEHVI",
        "qparego": "lab.algorithms.mobo.qparego:QParEGO",
        "nsga2_warm": "lab.algorithms.warm_moeas:WarmNSGA2Search",
        "smsemoa_warm": "lab.algorithms.warm_moeas:WarmSMSEMOASearch",
        "zeroshot": "lab.algorithms.zero_shot:ZeroShotSearch",
        "mtbo_qnehvi": "lab.algorithms.mobo.multitask:MultiTaskQNEHVI",
        "mtbo_qparego": "lab.algorithms.mobo.multitask:MultiTaskQParEGO",
        "progressive": "lab.algorithms.progressive:ProgressiveSearch",
    },
)


def register(name: str, target: str | type[Algorithm]) -> None:
    """Register ``name -> "module:Class"`` (or the class itself); a duplicate is an error."""
    ALGORITHMS.register(name, target)


def algorithm_names() -> list[str]:
    """Every registered algorithm name."""
    return ALGORITHMS.names()


def algorithm_target(name: str) -> str:
    """Where ``name`` lives, as ``"module:Class"`` (without importing it)."""
    return ALGORITHMS.target(name)


def algorithm_class(name: str) -> type[Algorithm]:
    """The class registered as ``name``."""
    return ALGORITHMS.get(name)


def params_class(name: str) -> type[AlgorithmParams]:
    """The hyperparameter class of algorithm ``name``."""
    return algorithm_class(name).Params


def algorithm_params(name: str) -> dict[str, Any]:
    """Hyperparameters of ``name`` and their defaults (``inspect.Parameter.empty`` if none)."""
    return params_class(name).defaults()


def resolve_params(name: str, params: Mapping[str, Any] | None = None) -> AlgorithmParams:
    """The validated hyperparameters of ``name`` with ``params`` overriding the defaults.

    Raises:
        ParameterError: an unknown hyperparameter, a wrong type or a value out of range.
    """
    return params_class(name).resolve(params, algorithm=name)


def make_algorithm(
    name: str,
    problem: Problem,
    *,
    budget: int,
    seed: int,
    batch_size: int = 1,
    n_init: int = DEFAULT_N_INIT,
    init: str = "random",
    params: AlgorithmParams | Mapping[str, Any] | None = None,
) -> Algorithm:
    """Instantiate algorithm ``name`` with hyperparameters ``params`` (validated)."""
    return algorithm_class(name)(
        problem, budget=budget, seed=seed, batch_size=batch_size, n_init=n_init, init=init,
        params=params,
    )  # fmt: skip
