"""Random search: distinct architectures drawn uniformly from the table."""

from __future__ import annotations

import numpy as np

from lab.algorithms.base import Algorithm
from lab.problems.problem import Evaluation


class RandomSearch(Algorithm):
    """Uniform sampling over not-yet-evaluated architectures of the search space."""

    name = "random"
    references = (
        "J. Bergstra, Y. Bengio. Random search for hyper-parameter optimization. JMLR 13, 2012.",
    )

    def _ask(self, n: int) -> np.ndarray:
        candidates = np.flatnonzero(~self._evaluated & self.problem.searchable_all)
        rows = self.rng.choice(candidates, size=min(n, len(candidates)), replace=False)
        return self.problem.genomes_all[rows]

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        pass
