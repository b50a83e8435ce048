"""qNEHVI: noisy expected hypervolume improvement (log variant by default)."""

from __future__ import annotations

from typing import ClassVar

from lab.algorithms.mobo.bayesopt import BayesianOptimization


class QNEHVI(BayesianOptimization):
    """Multi-objective BO with BoTorch's ``qnehvi``; see :class:`BayesianOptimization`."""

    name: ClassVar[str] = "qnehvi"
    acquisition: ClassVar[str] = "qnehvi"
    references = (
        "S. Daulton, M. Balandat, E. Bakshy. Parallel Bayesian optimization of multiple noisy objectives with expected hypervolume improvement. NeurIPS 2021.",
        "S. Ament, S. Daulton, D. Eriksson, M. Balandat, E. Bakshy. Unexpected improvements to expected improvement for Bayesian optimization. NeurIPS 2023.",
    )
