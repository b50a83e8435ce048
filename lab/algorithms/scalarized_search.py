"""Scalarized local search: ParEGO's random scalarizations without its model.

Each step draws a weight vector uniformly from the simplex, scores every evaluated architecture
by the scalarization of its objectives (normalized by the range observed so far), takes the best
under feasibility first (feasible before infeasible, infeasible by violation) and evaluates a new
one-gene neighbour of it (:mod:`lab.algorithms.neighbour_search`). Without a model the value of
an unevaluated neighbour is unknown, so the step trusts locality: good parents under this
step's weights have good neighbours. Two scalarizations are registered: ``scalarized_ws``
(weighted sum; finds only supported points of the front) and ``scalarized_tcheby`` (augmented
Chebyshev, ``rho = 0.05`` as in ParEGO; reaches every Pareto-optimal point).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from lab.algorithms.constraints import feasibility_first_order
from lab.algorithms.neighbour_search import NeighbourSearch
from lab.algorithms.scalarizing_functions import (
    chebyshev,
    observed_normalize,
    simplex_weights,
    weighted_sum,
)


class ScalarizedSearch(NeighbourSearch):
    """Base of the two scalarized searches (``kind``: ``ws`` or ``tcheby``)."""

    references = (
        "J. Knowles. ParEGO: a hybrid algorithm with on-line landscape approximation for expensive multiobjective optimization problems. IEEE TEVC 10(1), 2006.",
    )

    kind: ClassVar[str] = "tcheby"

    def _rank(self, F: np.ndarray, G: np.ndarray, step: int) -> np.ndarray:
        w = simplex_weights(self.rng, F.shape[1])[0]
        Fn = observed_normalize(F)
        values = weighted_sum(Fn, w) if self.kind == "ws" else chebyshev(Fn, w, rho=0.05)
        return feasibility_first_order(values, G)


class WeightedSumSearch(ScalarizedSearch):
    """Scalarized local search under random weighted sums."""

    name = "scalarized_ws"
    kind = "ws"


class ChebyshevSearch(ScalarizedSearch):
    """Scalarized local search under random augmented Chebyshev scalarizations."""

    name = "scalarized_tcheby"
    kind = "tcheby"
