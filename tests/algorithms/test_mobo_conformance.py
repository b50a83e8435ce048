"""The BoTorch algorithms through the shared algorithm conformance suite, with small budgets
(two BO iterations per run, few Monte-Carlo samples, a small screened set): the suite checks
the bookkeeping, not the search quality. Each algorithm passes it alone and inside a seed
batch (``-batched``; the checked seed shares its GP fits and posteriors with another).

Every check runs on the 2- and 3-objective problems; the objective-count check on the
4-objective problem runs apart (``test_four_objectives``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.algorithms.conformance import (
    OBJECTIVE_PROBLEMS,
    AlgorithmConformance,
    ConformanceConfig,
    check_objective_counts,
)
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture

FAST = {"mc_samples": 8, "n_screen": 8, "warm_maxiter": 5, "fit_maxiter": 30}


def _config(name: str, seed_batch: int = 1, **params: object) -> ConformanceConfig:
    return ConformanceConfig(
        name,
        params={**FAST, **params},
        budget=10,
        n_init=8,
        batch_size=2,
        problems=OBJECTIVE_PROBLEMS[:2],
        seed_batch=seed_batch,
    )


CONFIGS = [
    pytest.param(_config("qnehvi"), id="qnehvi"),
    pytest.param(_config("qehvi", log=False), id="qehvi"),
    pytest.param(_config("qparego", kernel="categorical"), id="qparego"),
    pytest.param(_config("qnehvi", seed_batch=2), id="qnehvi-batched"),
    pytest.param(_config("qehvi", seed_batch=2, log=False), id="qehvi-batched",
                 marks=pytest.mark.slow),
    pytest.param(_config("qparego", seed_batch=2, kernel="categorical"), id="qparego-batched",
                 marks=pytest.mark.slow),
]  # fmt: skip


class TestMoboConformance(AlgorithmConformance):
    @pytest.fixture(params=CONFIGS)
    def conformance_config(self, request: pytest.FixtureRequest) -> ConformanceConfig:
        return request.param


@pytest.mark.parametrize("name", ["qnehvi", "qehvi", "qparego"])
def test_four_objectives(name: str) -> None:
    check_objective_counts(replace(_config(name), problems=OBJECTIVE_PROBLEMS[2:]))
