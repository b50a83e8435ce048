"""Warm-started MOEAs: NSGA-II and SMS-EMOA whose first population holds the source's best.

The first population of every lab MOEA is the shared initial design plus ``pop_size - n_init``
further architectures (:mod:`lab.algorithms.pymoo_driver`); a cold start draws them at random,
a warm start takes them from the prior (:mod:`lab.algorithms.warm_start`): the target rows of
the source evaluations, best first by their non-dominated rank on the source (each source's
front spread along its length, :func:`lab.algorithms.warm_start.spread_order`), and random
architectures only where the prior has too few. These members are evaluated on the target and
charged to the budget like any other; the source evaluations themselves are free. Without a
``warm_start`` the algorithms are exactly ``nsga2`` and ``smsemoa`` (same seeds, same histories).
"""

from __future__ import annotations

import numpy as np

from lab.algorithms.moeas import NSGA2Search, SMSEMOASearch
from lab.algorithms.pymoo_driver import GeneticParams
from lab.algorithms.warm_start import WarmStartMixin, WarmStartParams


class WarmGeneticParams(GeneticParams, WarmStartParams):
    """:class:`~lab.algorithms.pymoo_driver.GeneticParams` plus ``warm_start``."""


class _WarmPopulation(WarmStartMixin):
    """The first population's fill from the prior, then at random."""

    def _fill_rows(self, n_fill: int) -> np.ndarray:
        prior = self.prior_rows()[:n_fill]
        rest = super()._fill_rows(n_fill - len(prior)) if n_fill > len(prior) else prior[:0]  # type: ignore[misc]
        if len(prior) and len(rest):
            # The random part must not repeat a prior row (the driver draws from the unevaluated
            # rows, which the prior's rows still are).
            clash = np.isin(rest, prior)
            if clash.any():
                free = np.flatnonzero(
                    ~self._evaluated & self.problem.searchable_all  # type: ignore[attr-defined]
                )
                free = np.setdiff1d(free, np.concatenate([prior, rest[~clash]]))
                extra = self.rng.choice(free, size=min(int(clash.sum()), len(free)), replace=False)  # type: ignore[attr-defined]
                rest = np.concatenate([rest[~clash], extra])
        return np.concatenate([prior, rest]).astype(np.int64)


class WarmNSGA2Search(_WarmPopulation, NSGA2Search):
    """NSGA-II with its first population from the prior (``warm_start``)."""

    name = "nsga2_warm"
    Params = WarmGeneticParams


class WarmSMSEMOASearch(_WarmPopulation, SMSEMOASearch):
    """SMS-EMOA with its first population from the prior (``warm_start``)."""

    name = "smsemoa_warm"
    Params = WarmGeneticParams
