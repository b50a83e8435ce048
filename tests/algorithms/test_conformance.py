"""Every registered algorithm through the conformance suite."""

from __future__ import annotations

import pytest

from tests.algorithms.conformance import AlgorithmConformance, ConformanceConfig

CONFIGS = [
    ConformanceConfig("random"),
]


class TestConformance(AlgorithmConformance):
    @pytest.fixture(params=CONFIGS, ids=lambda c: c.algorithm)
    def conformance_config(self, request: pytest.FixtureRequest) -> ConformanceConfig:
        return request.param
