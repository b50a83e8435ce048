"""qParEGO: noisy expected improvement of a random augmented Chebyshev scalarization,
fresh weights for every proposed point (log variant by default)."""

from __future__ import annotations

from typing import ClassVar

from lab.algorithms.mobo.bayesopt import BayesianOptimization


class QParEGO(BayesianOptimization):
    """Multi-objective BO with BoTorch's ``qparego``; see :class:`BayesianOptimization`."""

    name: ClassVar[str] = "qparego"
    acquisition: ClassVar[str] = "qparego"
    references = (
        "J. Knowles. ParEGO: a hybrid algorithm with on-line landscape approximation for expensive multiobjective optimization problems. IEEE TEVC 10(1), 2006.",
        "S. Daulton, M. Balandat, E. Bakshy. Differentiable expected hypervolume improvement for parallel multi-objective Bayesian optimization. NeurIPS 2020.",
    )
