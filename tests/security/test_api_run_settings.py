"""Attack: run settings of the wrong type through the Python API.

Before: ``lab.run(..., budget=2.5)`` silently ran 2 evaluations and ``budget=True`` one;
``seed=1.5`` ran seed 1; ``seed="a"`` failed with a bare builtin error; and
``make_algorithm(budget=5, n_init=20)`` was accepted (I2-I5). A sweep config refuses all of
these; the API now validates them the same way (:class:`lab.algorithms.params.RunSettings`)
and raises :class:`~lab.errors.ParameterError` naming the field.
"""

from __future__ import annotations

import numpy as np
import pytest

import lab
from lab.errors import ParameterError

PROBLEM = "nbg-cora-err-lat"


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"budget": 2.5}, "budget"),
        ({"budget": True}, "budget"),
        ({"budget": "5"}, "budget"),
        ({"budget": 0}, "budget"),
        ({"budget": 5, "seed": 1.5}, "seed"),
        ({"budget": 5, "seed": "a"}, "seed"),
        ({"budget": 5, "seed": False}, "seed"),
        ({"budget": 5, "seed": -1}, "seed"),
        ({"budget": 5, "batch_size": 1.0}, "batch_size"),
        ({"budget": 5, "n_init": 20}, "n_init"),
    ],
)
def test_make_algorithm_refuses_what_a_sweep_config_refuses(settings, field) -> None:
    with pytest.raises(ParameterError, match=rf"(field {field}|{field} \()"):
        lab.make_algorithm("random", PROBLEM, **settings)


def test_run_refuses_a_fractional_budget_instead_of_rounding_it() -> None:
    with pytest.raises(ParameterError, match="field budget: give a whole number, got 2.5"):
        lab.run(PROBLEM, "random", budget=2.5)


def test_whole_numbers_of_numpy_types_are_accepted() -> None:
    algo = lab.make_algorithm("random", PROBLEM, budget=np.int64(6), seed=np.int32(3), n_init=6)
    assert (algo.budget, algo.seed, algo.n_init) == (6, 3, 6)
    assert isinstance(algo.budget, int) and isinstance(algo.seed, int)
