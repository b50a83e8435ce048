"""Algorithms for the sweep tests, registered on import (list this module under a sweep's
``imports`` so that pool and subprocess workers register them too).

``slow_random`` is random search that sleeps ``$LAB_TEST_ASK_DELAY_S`` seconds per ask: the same
history as ``random`` for the same seed, but slow enough to be killed mid-sweep. ``failing``
warns, then raises in its first ask after the initial design; ``crashing`` kills its process there (never
run it in the test process).
"""

from __future__ import annotations

import os
import time
import warnings

import numpy as np

from lab.algorithms.params import AlgorithmParams
from lab.algorithms.random_search import RandomSearch
from lab.algorithms.registry import algorithm_names, register

DELAY_ENV = "LAB_TEST_ASK_DELAY_S"


class SlowRandomSearch(RandomSearch):
    name = "slow_random"

    def _ask(self, n: int) -> np.ndarray:
        time.sleep(float(os.environ.get(DELAY_ENV, "0")))
        return super()._ask(n)


class FailingParams(AlgorithmParams):
    message: str = "planned failure"


class FailingSearch(RandomSearch):
    name = "failing"
    Params = FailingParams

    def _ask(self, n: int) -> np.ndarray:
        warnings.warn("about to fail", RuntimeWarning, stacklevel=1)
        raise RuntimeError(self.params.message)


class CrashingSearch(RandomSearch):
    """Kills its process in its first ask after the initial design (a worker that dies)."""

    name = "crashing"

    def _ask(self, n: int) -> np.ndarray:
        os._exit(3)


for _name, _cls in (
    ("slow_random", SlowRandomSearch),
    ("failing", FailingSearch),
    ("crashing", CrashingSearch),
):
    if _name not in algorithm_names():
        register(_name, f"{__name__}:{_cls.__name__}")
