"""qNEHVI: noisy expected hypervolume improvement (log variant by default)."""

from __future__ import annotations

from typing import ClassVar

from lab.algorithms.mobo.bayesopt import BayesianOptimization


class QNEHVI(BayesianOptimization):
    """Multi-objective BO with BoTorch's ``qnehvi``; see :class:`BayesianOptimization`."""

    name: ClassVar[str] = "qnehvi"
    acquisition: ClassVar[str] = "qnehvi"
