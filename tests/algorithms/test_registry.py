"""Every algorithm is registered with keyword-only hyperparameters that it reports."""

from __future__ import annotations

import pytest

from lab.algorithms.registry import algorithm_names, algorithm_params, make_algorithm
from lab.errors import ConfigError, ParameterError, UnknownNameError
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
        ("nsga2", {"crossover": "blend"}, "field crossover: Input should be 'uniform'"),
        ("nsga2", {"pop_size": 1}, "pop_size"),
        ("moead", {"decomposition": "pbx"}, "decomposition"),
        ("reinforce", {"learning_rate": 0.0}, "learning_rate"),
        ("mopso_cd", {"archive_size": 0}, "archive_size"),
    ],
)
def test_bad_values_are_refused(name: str, params: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_algorithm(name, get_problem("nbg-cora-err-lat"), budget=20, seed=0, params=params)


@pytest.mark.parametrize(
    ("params", "line"),
    [
        ({"pop_size": "abc"}, "field pop_size: Value error, give a whole number, got 'abc'"),
        ({"pop_size": -3}, "field pop_size: Input should be greater than or equal to 2 (got -3)"),
        ({"pop_size": 4.5}, "field pop_size: Value error, give a whole number, got 4.5"),
        ({"pop_size": True}, "field pop_size: Value error, give a whole number, got True"),
        ({"crossover_prob": 7.5}, "field crossover_prob: Input should be less than or equal to 1"),
        ({"n_neighbors": 1}, "field n_neighbors: Input should be greater than or equal to 2"),
    ],
)
def test_types_and_ranges_are_checked(params: dict, line: str) -> None:
    with pytest.raises(ParameterError) as info:
        make_algorithm("moead", get_problem("nbg-cora-err-lat"), budget=20, seed=0, params=params)
    assert str(info.value).startswith("algorithm 'moead': invalid hyperparameters\n")
    assert line.replace("Value error, ", "") in str(info.value)


def test_parameters_are_inherited_frozen_and_recorded() -> None:
    from pydantic import ValidationError

    from lab.algorithms.ibea import IBEAParams
    from lab.algorithms.moeas import MOEADParams
    from lab.algorithms.pymoo_driver import GeneticParams

    assert issubclass(MOEADParams, GeneticParams) and issubclass(IBEAParams, GeneticParams)
    own = set(MOEADParams.model_fields) - set(GeneticParams.model_fields)
    assert own == {"n_neighbors", "prob_neighbor_mating", "decomposition"}
    assert "pop_size" not in MOEADParams.__annotations__  # inherited, not restated
    problem = get_problem("nbg-cora-err-lat")
    algo = make_algorithm("moead", problem, budget=20, seed=0, params={"pop_size": 8})
    assert isinstance(algo.params, MOEADParams) and algo.params.pop_size == 8
    with pytest.raises(ValidationError, match="frozen"):
        algo.params.pop_size = 9  # type: ignore[misc]
    recorded = algo.hyperparameters()
    assert recorded == {**MOEADParams().model_dump(), "pop_size": 8}
    # keyword overrides and an instance give the same algorithm
    same = make_algorithm("moead", problem, budget=20, seed=0, params=MOEADParams(pop_size=8))
    assert same.params == algo.params


def test_one_default_initial_design_size() -> None:
    import inspect

    from lab.algorithms.base import Algorithm
    from lab.algorithms.params import DEFAULT_N_INIT
    from lab.experiments.config import SweepConfig

    assert inspect.signature(make_algorithm).parameters["n_init"].default == DEFAULT_N_INIT
    assert inspect.signature(Algorithm.__init__).parameters["n_init"].default == DEFAULT_N_INIT
    assert SweepConfig.model_fields["n_init"].default == DEFAULT_N_INIT
