"""Optuna's multi-objective TPE (``optuna.samplers.TPESampler``) through Optuna's ask/tell API.

Each variable is a categorical parameter ``g<j>`` with choices ``0..card_j - 1``. The initial
design enters the study as completed trials (with their constraint values, which Optuna's TPE
uses to rank infeasible trials after feasible ones). A suggested genome that denotes no
architecture, an evaluated one, or one already in the batch is told to the study as failed
(Optuna's TPE ignores failed trials, so no value is invented) and a new trial is asked; after
``max_retries`` such trials, the nearest new architecture that random resampling finds is
enqueued as the next trial, so that every evaluation is a real trial and the budget is exact.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import Field

from lab.algorithms.base import Algorithm
from lab.algorithms.genome_ops import resample_rows
from lab.algorithms.params import AlgorithmParams, Bool, Int
from lab.problems.problem import Evaluation, Problem

_SEED_BOUND = 2**31 - 1


@contextlib.contextmanager
def _quiet_optuna() -> Iterator[None]:
    """Optuna logs every trial at INFO; silence it for the call, then restore the level."""
    import optuna

    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=optuna.exceptions.ExperimentalWarning)
            yield
    finally:
        optuna.logging.set_verbosity(level)


class TPEParams(AlgorithmParams):
    """Multi-objective TPE's hyperparameters (Optuna's ``TPESampler``)."""

    n_startup_trials: Int = Field(
        default=10,
        ge=0,
        description="trials drawn at random before TPE takes over (the initial design counts)",
    )
    n_ei_candidates: Int = Field(default=24, ge=1, description="candidates scored per suggestion")
    multivariate: Bool = Field(
        default=True, description="multivariate TPE (a joint density over the variables)"
    )
    constant_liar: Bool = Field(
        default=True, description="treat running trials as bad, so a batch spreads out"
    )
    max_retries: Int = Field(
        default=5, ge=1, description="failed suggestions per proposal before resampling takes over"
    )


class TPESearch(Algorithm):
    """Multi-objective TPE (Optuna); hyperparameters: :class:`TPEParams`."""

    name = "tpe"
    references = (
        "J. Bergstra, R. Bardenet, Y. Bengio, B. Kégl. Algorithms for hyper-parameter optimization. NeurIPS 2011.",
        "Y. Ozaki, Y. Tanigaki, S. Watanabe, M. Onishi. Multiobjective tree-structured Parzen estimator for computationally expensive optimization problems. GECCO 2020.",
    )
    Params = TPEParams

    def __init__(self, problem: Problem, **kwargs: Any) -> None:
        super().__init__(problem, **kwargs)
        self.n_failed_suggestions = 0

    def _params(self, genome: np.ndarray) -> dict[str, int]:
        return {f"g{j}": int(v) for j, v in enumerate(genome)}

    def _setup(self) -> None:
        import optuna
        from optuna.distributions import CategoricalDistribution

        self._distributions = {
            f"g{j}": CategoricalDistribution(list(range(int(c))))
            for j, c in enumerate(self.problem.cardinalities)
        }
        with _quiet_optuna():
            sampler = optuna.samplers.TPESampler(
                seed=int(self.rng.integers(_SEED_BOUND)),
                n_startup_trials=self.params.n_startup_trials,
                n_ei_candidates=self.params.n_ei_candidates,
                multivariate=self.params.multivariate,
                constant_liar=self.params.constant_liar,
            )
            self.study = optuna.create_study(
                directions=["minimize"] * self.problem.n_obj, sampler=sampler
            )
            for g, f, c in zip(self.history.genomes, self.history.F, self.history.G, strict=True):
                self.study.add_trial(
                    optuna.trial.create_trial(
                        params=self._params(g),
                        distributions=self._distributions,
                        values=[float(x) for x in f],
                        constraints={f"c{j}": float(x) for j, x in enumerate(c)} or None,
                    )
                )
        self._trials: list[Any] = []

    def _ask(self, n: int) -> np.ndarray:
        from optuna.trial import TrialState

        taken = self._evaluated.copy()
        genomes = []
        with _quiet_optuna():
            for _ in range(n):
                for _attempt in range(self.params.max_retries):
                    trial = self.study.ask(self._distributions)
                    genome = np.array([trial.params[k] for k in self._distributions])
                    row = int(self.problem.rows(genome[None, :])[0])
                    if row >= 0 and not taken[row]:
                        break
                    self.study.tell(trial, state=TrialState.FAIL)
                    self.n_failed_suggestions += 1
                else:
                    row = int(
                        resample_rows(self.problem, genome[None, :], self.rng, blocked=taken)[0]
                    )
                    genome = self.problem.genomes_all[row]
                    self.study.enqueue_trial(self._params(genome))
                    trial = self.study.ask(self._distributions)
                taken[row] = True
                genomes.append(genome)
                self._trials.append(trial)
        return np.asarray(genomes, dtype=np.int64)

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        if initial:
            return  # the design enters the study in _setup
        with _quiet_optuna():
            for trial, f, c in zip(self._trials, evaluation.F, evaluation.G, strict=True):
                for j, x in enumerate(c):
                    trial.set_constraint(f"c{j}", float(x))
                self.study.tell(trial, values=[float(x) for x in f])
        self._trials = []
