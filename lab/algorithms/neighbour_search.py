"""Model-free search that, at each step, ranks the evaluated architectures by some criterion
and evaluates a new neighbour of the best one.

A *neighbour* is an architecture one gene away (:func:`lab.algorithms.genome_ops.neighbour_rows`).
The child of a step is drawn uniformly among the parent's neighbours that are neither evaluated
nor already in the batch; a parent without such neighbours hands the step to the next in rank.
If every evaluated architecture's neighbourhood is exhausted, the child is the nearest new
architecture that random resampling around the best parent finds.
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from lab.algorithms.base import Algorithm
from lab.algorithms.genome_ops import neighbour_rows, resample_rows
from lab.problems.problem import Evaluation


class NeighbourSearch(Algorithm):
    """Base class: subclasses implement :meth:`_rank` (one criterion per step)."""

    def _setup(self) -> None:
        self._neighbours: dict[int, np.ndarray] = {}
        self._exhausted = np.zeros(self.problem.n_architectures, dtype=bool)

    @abstractmethod
    def _rank(self, F: np.ndarray, G: np.ndarray, step: int) -> np.ndarray:
        """Order (best first) of the evaluated architectures, given their search objectives
        ``F`` (``n x m``) and constraints ``G`` (``n x c``), for the ``step``-th child."""

    def _ask(self, n: int) -> np.ndarray:
        F, G, rows = self.history.F, self.history.G, self.history.rows
        taken = self._evaluated.copy()
        out = np.empty(n, dtype=np.int64)
        for k in range(n):
            out[k] = self._child(rows[self._rank(F, G, self.n_evaluated + k)], taken)
            taken[out[k]] = True
        return self.problem.genomes_all[out]

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        pass  # the ranking reads the history

    def _child(self, ranked_rows: np.ndarray, taken: np.ndarray) -> int:
        for parent in ranked_rows[~self._exhausted[ranked_rows]]:
            parent = int(parent)
            if parent not in self._neighbours:
                self._neighbours[parent] = neighbour_rows(
                    self.problem, self.problem.genomes_all[parent]
                )
            neighbours = self._neighbours[parent]
            free = neighbours[~taken[neighbours]]
            if len(free):
                return int(free[self.rng.integers(len(free))])
            # evaluated stays evaluated: skip this parent for good (unlike one merely in the batch)
            self._exhausted[parent] = self._evaluated[neighbours].all()
        best = self.problem.genomes_all[ranked_rows[:1]]
        return int(resample_rows(self.problem, best, self.rng, blocked=taken)[0])
