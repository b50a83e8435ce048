"""REINFORCE (Williams 1992) over the genome: a policy of independent categorical distributions,
one per variable (``softmax`` of its logits), trained by policy gradient.

Reward of an evaluation: minus the augmented Chebyshev scalarization (random simplex weights,
drawn per evaluation) of its objectives normalized by the range observed so far, so it lies in
about ``[-1, 0]``; an infeasible evaluation gets ``-2 - v / (1 + v)`` (``v``: total violation),
below every feasible one. Update per evaluation, with a moving-average baseline ``b``::

    logits_j += learning_rate * (R - b) * (onehot(g_j) - softmax(logits_j));  b <- d b + (1-d) R

The initial design updates the policy too. Sampled genomes that denote no architecture, an
evaluated one or one already in the batch are redrawn from the policy (``max_resamples`` draws);
after that, the nearest new architecture found by random resampling is evaluated instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from lab.algorithms.base import Algorithm
from lab.algorithms.constraints import violation
from lab.algorithms.genome_ops import resample_rows
from lab.algorithms.params import AlgorithmParams, Int, Real
from lab.algorithms.scalarizing_functions import observed_normalize, simplex_weights
from lab.problems.problem import Evaluation, Problem


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities of one categorical variable (numerically stable)."""
    z = np.exp(logits - logits.max())
    return z / z.sum()


def rewards(F_normalized: np.ndarray, G: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Reward of each evaluation: ``-chebyshev(f, w)`` (one weight vector per row) if feasible,
    else ``-2 - v / (1 + v)`` with ``v`` the total violation. Shapes: ``n x m``, ``n x c``,
    ``n x m`` -> ``n``."""
    WF = np.asarray(F_normalized, dtype=np.float64) * np.asarray(weights, dtype=np.float64)
    scalar = WF.max(axis=1) + 0.05 * WF.sum(axis=1)  # augmented Chebyshev, rho = 0.05
    v = violation(G)
    return np.where(v > 0, -2.0 - v / (1.0 + v), -scalar)


class ReinforceParams(AlgorithmParams):
    """REINFORCE's hyperparameters."""

    learning_rate: Real = Field(default=0.5, gt=0.0, description="step size of the logit updates")
    baseline_decay: Real = Field(
        default=0.9, ge=0.0, lt=1.0, description="decay d of the moving-average baseline"
    )
    max_resamples: Int = Field(
        default=100, ge=1, description="policy draws per proposal before falling back to resampling"
    )


class ReinforceSearch(Algorithm):
    """Policy-gradient controller with independent categorical logits per variable;
    hyperparameters: :class:`ReinforceParams`."""

    name = "reinforce"
    references = (
        "R. J. Williams. Simple statistical gradient-following algorithms for connectionist reinforcement learning. Machine Learning 8, 1992.",
        "B. Zoph, Q. V. Le. Neural architecture search with reinforcement learning. ICLR 2017.",
    )
    Params = ReinforceParams

    def __init__(self, problem: Problem, **kwargs: Any) -> None:
        super().__init__(problem, **kwargs)
        self.logits = [np.zeros(int(c)) for c in problem.cardinalities]
        self.baseline: float | None = None

    def probabilities(self) -> list[np.ndarray]:
        """The policy: one probability vector per variable."""
        return [softmax(z) for z in self.logits]

    def _sample(self, k: int) -> np.ndarray:
        """``k`` genomes drawn from the policy (inverse-CDF per variable)."""
        cols = []
        for p in self.probabilities():
            cdf = np.cumsum(p)
            cols.append(np.minimum(np.searchsorted(cdf, self.rng.random(k) * cdf[-1]), len(p) - 1))
        return np.stack(cols, axis=1).astype(np.int64)

    def _ask(self, n: int) -> np.ndarray:
        taken = self._evaluated.copy()
        out = []
        for _ in range(n):
            draws = self._sample(self.params.max_resamples)
            rows = self.problem.rows(draws)
            ok = rows >= 0
            ok[ok] = ~taken[rows[ok]]
            if ok.any():
                row = int(rows[np.argmax(ok)])
            else:
                row = int(resample_rows(self.problem, draws[:1], self.rng, blocked=taken)[0])
            out.append(row)
            taken[row] = True
        return self.problem.genomes_all[np.asarray(out, dtype=np.int64)]

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        seen = np.vstack([self.history.F, evaluation.F])
        Fn = observed_normalize(evaluation.F, reference=seen)
        weights = simplex_weights(self.rng, self.problem.n_obj, len(genomes))
        for g, r in zip(genomes, rewards(Fn, evaluation.G, weights), strict=True):
            if self.baseline is None:
                self.baseline = float(r)
            advantage = r - self.baseline
            for j, value in enumerate(g):
                grad = -softmax(self.logits[j])
                grad[value] += 1.0
                self.logits[j] += self.params.learning_rate * advantage * grad
            self.baseline = (
                self.params.baseline_decay * self.baseline + (1 - self.params.baseline_decay) * r
            )
