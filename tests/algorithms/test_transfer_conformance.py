"""The transfer searches through the shared conformance suite, warm-started (source cora for
target citeseer: the same space, no shared metric) and, for the multi-task Bayesian searches,
cold. The warm-started MOEAs, zero-shot and progressive search also run the suite cold in
``test_conformance.py`` with every other lab algorithm.

A warm start is one source for every problem of a config, so the warm configs run every check
on NAS-Bench-Graph citeseer; the constraint check (a NAS-Bench-201 problem, another space) runs
cold.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.algorithms.conformance import (
    OBJECTIVE_PROBLEMS,
    AlgorithmConformance,
    ConformanceConfig,
    check_constraints,
)
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture

TARGET = "nbg-citeseer-err-lat"
WARM = {"problem": "nbg-cora-err-lat", "evaluations": 30, "selection": "front"}
RANDOM_WARM = {**WARM, "selection": "random"}
FAST_BO = {"mc_samples": 8, "n_candidates": 60, "fit_maxiter": 20}


def _warm(name: str, warm: dict, **config: object) -> ConformanceConfig:
    params = {**config.pop("params", {}), "warm_start": warm}  # type: ignore[dict-item]
    return ConformanceConfig(name, params=params, problem=TARGET, problems=(TARGET,), **config)  # type: ignore[arg-type]


CONFIGS = [
    pytest.param(
        _warm("nsga2_warm", WARM, params={"pop_size": 16}, full_batches=False), id="nsga2_warm"
    ),
    pytest.param(
        _warm("smsemoa_warm", RANDOM_WARM, params={"pop_size": 16}, full_batches=False),
        id="smsemoa_warm-random",
    ),
    pytest.param(_warm("zeroshot", WARM), id="zeroshot"),
    pytest.param(_warm("zeroshot", RANDOM_WARM), id="zeroshot-random"),
    pytest.param(
        _warm("mtbo_qnehvi", WARM, params=FAST_BO, budget=12, n_init=8, batch_size=2),
        id="mtbo_qnehvi-warm",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        _warm("mtbo_qparego", RANDOM_WARM, params=FAST_BO, budget=12, n_init=8, batch_size=2),
        id="mtbo_qparego-warm",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        ConformanceConfig(
            "mtbo_qnehvi", params=FAST_BO, budget=12, n_init=8, batch_size=2,
            problems=OBJECTIVE_PROBLEMS[:2],
        ),
        id="mtbo_qnehvi-cold",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        ConformanceConfig(
            "mtbo_qparego", params=FAST_BO, budget=12, n_init=8, batch_size=2,
            problems=OBJECTIVE_PROBLEMS[:2],
        ),
        id="mtbo_qparego-cold",
        marks=pytest.mark.slow,
    ),
]  # fmt: skip


class TestTransferConformance(AlgorithmConformance):
    @pytest.fixture(params=CONFIGS)
    def conformance_config(self, request: pytest.FixtureRequest) -> ConformanceConfig:
        return request.param

    def test_constraints(self, conformance_config: ConformanceConfig) -> None:
        cold = {k: v for k, v in conformance_config.params.items() if k != "warm_start"}
        check_constraints(replace(conformance_config, params=cold))


def test_multitask_bo_fast_path() -> None:
    """One short warm and cold run of each multi-task search (the suite above is slow)."""
    from lab.algorithms.registry import make_algorithm
    from lab.problems import get_problem

    problem = get_problem(TARGET)
    for name in ("mtbo_qnehvi", "mtbo_qparego"):
        for params in ({**FAST_BO, "warm_start": WARM}, FAST_BO):
            algo = make_algorithm(name, problem, budget=12, seed=1, batch_size=2, n_init=8,
                                  params=params)  # fmt: skip
            history = algo.run()
            assert len(history) == 12 and len(set(history.rows.tolist())) == 12
            assert (algo.prior is None) == ("warm_start" not in params)
