"""qEHVI: expected hypervolume improvement over the observed front (log variant by default)."""

from __future__ import annotations

from typing import ClassVar

from lab.algorithms.mobo.bayesopt import BayesianOptimization


class QEHVI(BayesianOptimization):
    """Multi-objective BO with BoTorch's ``qehvi``; see :class:`BayesianOptimization`."""

    name: ClassVar[str] = "qehvi"
    acquisition: ClassVar[str] = "qehvi"
    references = (
        "S. Daulton, M. Balandat, E. Bakshy. Differentiable expected hypervolume improvement for parallel multi-objective Bayesian optimization. NeurIPS 2020.",
        "S. Ament, S. Daulton, D. Eriksson, M. Balandat, E. Bakshy. Unexpected improvements to expected improvement for Bayesian optimization. NeurIPS 2023.",
    )
