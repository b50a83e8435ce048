"""Epsilon-constraint search with lexicographic tie-breaking, model-free.

Step ``t`` optimizes objective ``k = t mod m`` subject to ``f_j <= eps_j`` for the others, with
each ``eps_j`` drawn uniformly between the smallest and largest ``f_j`` of the current best set
(feasibility-first non-dominated set, objectives normalized by the observed range), so that the
bounds sweep the front. Evaluated architectures are ranked by problem feasibility, then by how
much they exceed the epsilon bounds (0 inside), then lexicographically: ``f_k`` first and the
other objectives in order after it. The step evaluates a new one-gene neighbour of the best
(:mod:`lab.algorithms.neighbour_search`).
"""

from __future__ import annotations

import numpy as np

from lab.algorithms.constraints import feasibility_first_front, violation
from lab.algorithms.neighbour_search import NeighbourSearch
from lab.algorithms.scalarizing_functions import observed_normalize


class EpsilonConstraintSearch(NeighbourSearch):
    """Epsilon-constraint / lexicographic-ordering local search."""

    name = "eps_constraint"
    references = (
        "Y. Y. Haimes, L. S. Lasdon, D. A. Wismer. On a bicriterion formulation of the problems of integrated system identification and system optimization. IEEE SMC 1(3), 1971.",
    )

    def _rank(self, F: np.ndarray, G: np.ndarray, step: int) -> np.ndarray:
        m = F.shape[1]
        k = step % m
        Fn = observed_normalize(F)
        front = Fn[feasibility_first_front(F, G)]
        lo, hi = front.min(axis=0), front.max(axis=0)
        eps = lo + self.rng.random(m) * (hi - lo)
        others = [j for j in range(m) if j != k]
        excess = np.clip(Fn[:, others] - eps[others], 0.0, None).sum(axis=1)
        # np.lexsort sorts by the last key first
        keys = [Fn[:, j] for j in reversed(others)] + [Fn[:, k], excess, violation(G)]
        return np.lexsort(keys)
