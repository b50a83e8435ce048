"""Search algorithms behind one ask/tell interface.

Build one by name with :func:`make_algorithm`; :func:`algorithm_names` lists them and
:func:`algorithm_params` gives an algorithm's hyperparameters and defaults.
"""

from lab.algorithms.base import Algorithm
from lab.algorithms.history import History
from lab.algorithms.random_search import RandomSearch
from lab.algorithms.registry import algorithm_names, algorithm_params, make_algorithm, register

__all__ = [
    "Algorithm",
    "History",
    "RandomSearch",
    "algorithm_names",
    "algorithm_params",
    "make_algorithm",
    "register",
]
