"""The conformance suite itself: it must reject algorithms that break its rules."""

from __future__ import annotations

import numpy as np
import pytest

from lab.algorithms import registry
from lab.algorithms.base import Algorithm
from lab.problems.problem import Evaluation
from tests.algorithms.conformance import (
    ConformanceConfig,
    check_batches,
    check_initial_design,
    check_same_seed_reproducible,
)


class _Unseeded(Algorithm):
    """Draws from a fresh, unseeded generator: not reproducible."""

    name = "unseeded"

    def _ask(self, n: int) -> np.ndarray:
        free = np.flatnonzero(~self._evaluated)
        return self.problem.genomes_all[np.random.default_rng().choice(free, n, replace=False)]

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        pass


class _OneAtATime(_Unseeded):
    """Seeded, but always proposes a single genome whatever the batch size."""

    name = "one_at_a_time"

    def _ask(self, n: int) -> np.ndarray:
        free = np.flatnonzero(~self._evaluated)
        return self.problem.genomes_all[self.rng.choice(free, 1)]


class _OwnDesign(_OneAtATime):
    """Replaces the shared initial design by its own."""

    name = "own_design"

    def __init__(self, problem, **kwargs) -> None:
        super().__init__(problem, **kwargs)
        self.initial_rows = np.arange(self.n_init)


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    for cls in (_Unseeded, _OneAtATime, _OwnDesign):
        monkeypatch.setitem(registry.ALGORITHMS._entries, cls.name, f"{__name__}:{cls.__name__}")


def test_suite_rejects_unseeded_randomness(fake_registry: None) -> None:
    with pytest.raises(AssertionError):
        check_same_seed_reproducible(ConformanceConfig("unseeded", budget=20))


def test_suite_rejects_short_batches(fake_registry: None) -> None:
    with pytest.raises(AssertionError):
        check_batches(ConformanceConfig("one_at_a_time", budget=20))
    check_batches(ConformanceConfig("one_at_a_time", budget=20, full_batches=False))


def test_suite_rejects_a_private_initial_design(fake_registry: None) -> None:
    with pytest.raises(AssertionError):
        check_initial_design(ConformanceConfig("own_design", budget=20))


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="exceed n_init"):
        ConformanceConfig("random", budget=10, n_init=10)
    with pytest.raises(ValueError, match="batch_size"):
        ConformanceConfig("random", batch_size=1)
