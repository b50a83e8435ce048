"""Every algorithm is registered with keyword-only hyperparameters that it reports."""

from __future__ import annotations

import pytest

from lab.algorithms.registry import algorithm_names, algorithm_params, make_algorithm
from lab.errors import ConfigError, UnknownNameError
from lab.problems import get_problem

NAMES = [
    "nsga2", "nsga3", "moead", "smsemoa", "spea2", "agemoea", "mopso_cd", "ibea", "random",
    "scalarized_ws", "scalarized_tcheby", "eps_constraint", "pls", "reinforce", "tpe",
]  # fmt: skip


def test_all_registered() -> None:
    assert set(NAMES) <= set(algorithm_names())


@pytest.mark.parametrize("name", NAMES)
def test_hyperparameters_are_reported(name: str) -> None:
    problem = get_problem("nbg-cora-err-lat")
    algo = make_algorithm(name, problem, budget=20, seed=0)
    assert algo.name == name
    assert set(algo.hyperparameters()) == set(algorithm_params(name))


def test_unknown_parameter_lists_the_valid_ones() -> None:
    problem = get_problem("nbg-cora-err-lat")
    with pytest.raises(ConfigError, match=r"no hyperparameter\(s\) \['popsize'\].*pop_size=20"):
        make_algorithm("nsga2", problem, budget=20, seed=0, params={"popsize": 10})
    with pytest.raises(ConfigError, match=r"kappa=0.05"):
        make_algorithm("ibea", problem, budget=20, seed=0, params={"k": 1})


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="nsga2"):
        make_algorithm("nsga-2", get_problem("nbg-cora-err-lat"), budget=20, seed=0)


@pytest.mark.parametrize(
    ("name", "params", "match"),
    [
        ("nsga2", {"crossover": "blend"}, "unknown crossover"),
        ("nsga2", {"pop_size": 1}, "pop_size"),
        ("moead", {"decomposition": "pbx"}, "decomposition"),
        ("reinforce", {"learning_rate": 0.0}, "learning_rate"),
        ("mopso_cd", {"archive_size": 0}, "archive_size"),
    ],
)
def test_bad_values_are_refused(name: str, params: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_algorithm(name, get_problem("nbg-cora-err-lat"), budget=20, seed=0, params=params)
