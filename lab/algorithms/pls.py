"""Pareto local search (PLS; Paquete, Chiarandini & Stützle 2004).

The archive holds the non-dominated evaluated architectures (feasibility first under
constraints). PLS takes an unexplored archive member at random, evaluates its whole
neighbourhood (every architecture one gene away, in random order), marks it explored, and
repeats; new non-dominated neighbours enter the archive as they are evaluated, so the search
spreads along the front. When every archive member is explored, the archive is a Pareto local
optimum set and plain PLS would stop; to spend the budget, this one perturbs a random archive
member (the nearest new architecture two or more genes away, by random resampling) and goes on.
"""

from __future__ import annotations

import numpy as np

from lab.algorithms.base import Algorithm
from lab.algorithms.constraints import feasibility_first_front
from lab.algorithms.genome_ops import neighbour_rows, resample_rows
from lab.problems.problem import Evaluation


class ParetoLocalSearch(Algorithm):
    """PLS over one-gene neighbourhoods, restarted by perturbation when it converges."""

    name = "pls"
    references = (
        "L. Paquete, M. Chiarandini, T. Stützle. Pareto local optimum sets in the biobjective traveling salesman problem: an experimental study. Metaheuristics for Multiobjective Optimisation, LNEMS 535, 2004.",
    )

    def _setup(self) -> None:
        self._explored = np.zeros(self.problem.n_architectures, dtype=bool)
        self._queue: list[int] = []
        self.n_perturbations = 0

    def archive_rows(self) -> np.ndarray:
        """Table rows of the current archive."""
        return self.history.rows[feasibility_first_front(self.history.F, self.history.G)]

    def _ask(self, n: int) -> np.ndarray:
        taken = self._evaluated.copy()
        out: list[int] = []
        while len(out) < n:
            self._queue = [r for r in self._queue if not taken[r]]
            if not self._queue:
                self._queue = self._next_neighbourhood(taken)
            row = self._queue.pop(0)
            out.append(row)
            taken[row] = True
        return self.problem.genomes_all[np.asarray(out, dtype=np.int64)]

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        pass  # the archive is read from the history

    def _next_neighbourhood(self, taken: np.ndarray) -> list[int]:
        """Explore unexplored archive members until one has new neighbours; perturb if none."""
        archive = self.archive_rows()
        while True:
            unexplored = archive[~self._explored[archive]]
            if len(unexplored) == 0:
                break
            center = int(unexplored[self.rng.integers(len(unexplored))])
            self._explored[center] = True
            rows = neighbour_rows(self.problem, self.problem.genomes_all[center])
            rows = rows[~taken[rows]]
            if len(rows):
                return [int(r) for r in self.rng.permutation(rows)]
        self.n_perturbations += 1
        base = self.problem.genomes_all[archive[self.rng.integers(len(archive))]]
        return [int(resample_rows(self.problem, base[None, :], self.rng, blocked=taken)[0])]
