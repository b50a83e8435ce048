"""Multi-objective Bayesian optimization (BoTorch) over architecture tables."""

from lab.algorithms.mobo.bayesopt import BayesianOptimization
from lab.algorithms.mobo.qehvi import QEHVI
from lab.algorithms.mobo.qnehvi import QNEHVI
from lab.algorithms.mobo.qparego import QParEGO

__all__ = ["QEHVI", "QNEHVI", "BayesianOptimization", "QParEGO"]
