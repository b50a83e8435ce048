"""The search-algorithm abstraction: set up with a problem, a budget and a seed; driven by
ask/tell in batches.

The public methods validate and keep the books (budget, initial design, duplicate checks,
history, timing); subclasses implement the protected hooks :meth:`Algorithm._setup`,
:meth:`Algorithm._ask` and :meth:`Algorithm._tell`.

Seeding: ``SeedSequence(seed)`` spawns two children. The first draws the initial design, so every
algorithm of one (problem, seed) starts from the same architectures; the second is the
algorithm's own generator (``self.rng``). No global random state is touched.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from lab.algorithms.history import History
from lab.algorithms.initial_design import initial_design
from lab.algorithms.params import DEFAULT_N_INIT, AlgorithmParams
from lab.errors import ParameterError
from lab.problems.problem import Evaluation, Problem
from lab.scoring import SetScores, returned_set, score_run


class Algorithm(ABC):
    """Base class of every search algorithm.

    Args:
        problem: the problem to search.
        budget: number of architecture evaluations (the initial design included).
        seed: the run's seed.
        batch_size: maximum number of genomes per :meth:`ask`.
        n_init: size of the initial design (evaluated first, shared across algorithms).
        init: ``random`` or ``lhs``.
        params: the algorithm's hyperparameters: an instance of its :attr:`Params` class or a
            mapping of overrides of its defaults (``None``: the defaults).
        **hyperparameters: more overrides, by keyword (``pop_size=20``); they win over
            ``params``.

    Class attributes:
        name: registry name.
        Params: the class of the algorithm's hyperparameters (see
            :mod:`lab.algorithms.params`); subclasses that add hyperparameters subclass their
            parent's ``Params``.
        references: publications to cite for the algorithm.
        allows_repeats: whether the algorithm may evaluate an architecture twice.

    Raises:
        ParameterError: an unknown hyperparameter, a wrong type, or a value out of range.
    """

    name: ClassVar[str] = "algorithm"
    Params: ClassVar[type[AlgorithmParams]] = AlgorithmParams
    #: Publications to cite for the algorithm (shown by ``lab algorithms``).
    references: ClassVar[tuple[str, ...]] = ()
    allows_repeats: ClassVar[bool] = False

    def __init__(
        self,
        problem: Problem,
        *,
        budget: int,
        seed: int,
        batch_size: int = 1,
        n_init: int = DEFAULT_N_INIT,
        init: str = "random",
        params: AlgorithmParams | Mapping[str, Any] | None = None,
        **hyperparameters: Any,
    ) -> None:
        if hyperparameters:
            base = params.model_dump() if isinstance(params, AlgorithmParams) else params
            params = {**(base or {}), **hyperparameters}
        self.params = self.Params.resolve(params, algorithm=self.name)
        if budget < 1:
            raise ParameterError(f"budget must be >= 1, got {budget}")
        if batch_size < 1:
            raise ParameterError(f"batch_size must be >= 1, got {batch_size}")
        if n_init < 1:
            raise ParameterError(f"n_init must be >= 1, got {n_init}")
        if budget > problem.n_searchable and not self.allows_repeats:
            raise ParameterError(
                f"budget {budget} exceeds the {problem.n_searchable} distinct evaluations of "
                f"{problem.name}'s search space"
            )
        self.problem = problem
        self.budget = int(budget)
        self.seed = int(seed)
        self.batch_size = int(batch_size)
        self.n_init = min(int(n_init), self.budget)
        self.init = init
        design_ss, algo_ss = np.random.SeedSequence(self.seed).spawn(2)
        self.rng = np.random.default_rng(algo_ss)
        self.initial_rows = initial_design(
            problem, self.n_init, np.random.default_rng(design_ss), method=init
        )
        self.history = History(problem.n_var, problem.n_obj, problem.n_constr)
        self._evaluated = np.zeros(problem.n_architectures, dtype=bool)
        self._pending: np.ndarray | None = None
        self._clock = 0.0
        self._is_setup = False

    # ------------------------------------------------------------------------------- public
    @property
    def n_evaluated(self) -> int:
        return len(self.history)

    @property
    def remaining(self) -> int:
        return self.budget - self.n_evaluated

    @property
    def done(self) -> bool:
        return self.remaining <= 0

    def is_evaluated(self, rows: np.ndarray) -> np.ndarray:
        """Mask: has each table row been evaluated already?"""
        return self._evaluated[np.asarray(rows, dtype=np.int64)]

    def ask(self) -> np.ndarray:
        """Next genomes to evaluate, ``k x d`` with ``1 <= k <= min(batch_size, remaining)``."""
        if self.done:
            raise RuntimeError(f"{self.name}: budget of {self.budget} evaluations is spent")
        if self._pending is not None:
            raise RuntimeError(f"{self.name}: tell() the previous batch before asking again")
        start = time.perf_counter()
        k = min(self.batch_size, self.remaining)
        if self.n_evaluated < self.n_init:
            rows = self.initial_rows[self.n_evaluated : self.n_evaluated + k]
            genomes = self.problem.genomes_all[rows]
        else:
            if not self._is_setup:
                self._setup()
                self._is_setup = True
            genomes = np.asarray(self._ask(k), dtype=np.int64).reshape(-1, self.problem.n_var)
        self._check_batch(genomes, k)
        self._pending = genomes
        self._clock += time.perf_counter() - start
        return genomes

    def tell(self, genomes: np.ndarray, evaluation: Evaluation) -> None:
        """Report the evaluation of the genomes returned by the last :meth:`ask`."""
        if self._pending is None or not np.array_equal(np.asarray(genomes), self._pending):
            raise RuntimeError(f"{self.name}: tell() must receive the genomes of the last ask()")
        start = time.perf_counter()
        self._pending = None
        in_init = self.n_evaluated < self.n_init
        self._evaluated[evaluation.rows] = True
        self._tell(genomes, evaluation, initial=in_init)
        self._clock += time.perf_counter() - start
        self.history.append(genomes, evaluation, algo_time_s=self._clock)
        self._clock = 0.0

    def run(self) -> History:
        """Drive ask/tell against the problem until the budget is spent; return the history."""
        while not self.done:
            genomes = self.ask()
            self.tell(genomes, self.problem.evaluate(genomes))
        return self.history

    def result_rows(self) -> np.ndarray:
        """Indices into the history of the returned set (:func:`lab.scoring.returned_set`):
        the feasible evaluations that are non-dominated on the normalized search metrics, equal
        search vectors all kept; empty when no evaluation is feasible."""
        h = self.history
        returnable = self.problem.returnable_mask(h.rows, h.feasible)
        return returned_set(self.problem.normalize(h.F, "search"), returnable)

    def scores(self) -> SetScores:
        """Scores of the returned set so far (:func:`lab.scoring.score_run`): normalized
        hypervolume, IGD, IGD+, ... on the report metrics and hypervolume on the search
        metrics, against the problem's exact fronts and frozen normalization."""
        h = self.history
        return score_run(
            self.problem, h.F, h.F_report, self.problem.returnable_mask(h.rows, h.feasible)
        )

    def hyperparameters(self) -> dict[str, Any]:
        """The algorithm's resolved hyperparameters as plain JSON values (for manifests)."""
        return self.params.model_dump(mode="json")

    # ---------------------------------------------------------------------------- protected
    def _setup(self) -> None:  # noqa: B027 - optional hook
        """Called once, after the initial design has been told, before the first :meth:`_ask`."""

    @abstractmethod
    def _ask(self, n: int) -> np.ndarray:
        """Return between 1 and ``n`` genomes (``k x d``) to evaluate next."""

    @abstractmethod
    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        """Absorb an evaluated batch (``initial``: it belongs to the shared initial design)."""

    # ------------------------------------------------------------------------------ helpers
    def _check_batch(self, genomes: np.ndarray, k: int) -> None:
        if not 1 <= len(genomes) <= k:
            raise RuntimeError(f"{self.name}: asked for {len(genomes)} genomes, allowed 1..{k}")
        rows = self.problem.rows(genomes)
        if (rows < 0).any():
            bad = genomes[np.argmax(rows < 0)].tolist()
            raise RuntimeError(f"{self.name}: proposed genome {bad} is not an architecture")
        if not self.allows_repeats:
            if self._evaluated[rows].any() or len(np.unique(rows)) != len(rows):
                raise RuntimeError(f"{self.name}: proposed an architecture twice")
