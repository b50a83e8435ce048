"""Zero-shot transfer: evaluate the source's best architectures first, then search at random.

After the shared initial design, the search evaluates the target rows of the prior
(:mod:`lab.algorithms.warm_start`) best first: by non-dominated rank on their source, each rank
spread along its front (:func:`lab.algorithms.warm_start.spread_order`), several sources
interleaved rank by rank. This is the zero-shot scheduler of syne-tune (Salinas et al. 2022;
after Wistuba et al. 2015) made multi-objective: the configurations that were best on related
tasks, in order, with no model of the target. Once the prior is spent, it continues as random
search. Without a ``warm_start`` it is random search.
"""

from __future__ import annotations

import numpy as np

from lab.algorithms.random_search import RandomSearch
from lab.algorithms.warm_start import WarmStartMixin, WarmStartParams


class ZeroShotSearch(WarmStartMixin, RandomSearch):
    """The prior's best target rows first, then uniform random search."""

    name = "zeroshot"
    Params = WarmStartParams
    references = (
        "M. Wistuba, N. Schilling, L. Schmidt-Thieme. Learning hyperparameter optimization initializations. DSAA 2015.",
        "D. Salinas, M. Seeger, A. Klein, V. Perrone, M. Wistuba, C. Archambeau. Syne Tune: a library for large scale hyperparameter tuning and reproducible research. AutoML 2022.",
    )

    def _ask(self, n: int) -> np.ndarray:
        rows = self.prior_rows()[:n]
        if len(rows) < n:
            free = np.flatnonzero(~self._evaluated & self.problem.searchable_all)
            free = np.setdiff1d(free, rows)
            more = self.rng.choice(free, size=min(n - len(rows), len(free)), replace=False)
            rows = np.concatenate([rows, more])
        return self.problem.genomes_all[rows]
