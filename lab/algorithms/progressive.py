"""Progressive search: search a subset of the space, then expand it, and repeat.

The space is restricted per genome position to a subset of its choices (operations). After the
shared initial design, every position keeps its ``initial_choices`` most promising choices; each
stage spends ``stage_evaluations`` evaluations inside the restricted space, and then every
position gains ``expand_by`` more choices, until the whole space is open (the last stage runs to
the end of the budget). Promise is read from the data seen so far: a choice's score is the mean
non-dominated rank (on the search metrics, feasible first; ties in a position's ranking broken
by the choice index) of the evaluated architectures that use it, so choices seen on the
current front rank first; a choice not yet seen ranks after every seen one.

Inside a stage, a proposal mutates a parent drawn uniformly from the current non-dominated
set: each position is redrawn, with probability ``mutation_prob`` (``None``: ``1 / d``), from
its allowed choices, at least one position changes; a proposal outside the restricted space,
already evaluated or not an architecture of the table is retried, and after ``max_tries``
failures a uniform unevaluated architecture of the restricted space (or, failing that, of the
whole space) is taken. The progressive idea follows PNAS (Liu et al. 2018) and the survey's
"search a subset of the space, then expand it" family; this is the lab's table-driven form.
"""

from __future__ import annotations

from typing import Annotated

import moocore
import numpy as np
from pydantic import Field

from lab.algorithms.base import Algorithm
from lab.algorithms.params import AlgorithmParams, Int, Real
from lab.problems.problem import Evaluation


class ProgressiveParams(AlgorithmParams):
    """The schedule of a progressive search (see the module docstring)."""

    initial_choices: Int = Field(default=2, ge=1, description="choices per position at first")
    expand_by: Int = Field(default=1, ge=1, description="choices added per position per stage")
    stage_evaluations: Int = Field(
        default=15, ge=1, description="evaluations per stage before the space expands"
    )
    mutation_prob: Annotated[Real, Field(gt=0.0, le=1.0)] | None = Field(
        default=None, description="per-position mutation probability (None: 1 / n_var)"
    )
    max_tries: Int = Field(default=200, ge=1, description="mutation attempts per proposal")


class ProgressiveSearch(Algorithm):
    """Restrict each position to its most promising choices, search, expand, repeat."""

    name = "progressive"
    Params = ProgressiveParams
    references = (
        "C. Liu, B. Zoph, M. Neumann, J. Shlens, W. Hua, L.-J. Li, L. Fei-Fei, A. Yuille, J. Huang, K. Murphy. Progressive neural architecture search. ECCV 2018.",
    )

    def _setup(self) -> None:
        self._stage = 0
        self._stage_start = self.n_evaluated
        self._allowed = self._restrict(self.params.initial_choices)

    # ------------------------------------------------------------------------------ schedule
    def n_allowed(self) -> int:
        """Choices per position in the current stage (capped per position by its cardinality)."""
        return self.params.initial_choices + self._stage * self.params.expand_by

    def choice_scores(self) -> list[np.ndarray]:
        """Per position, the mean non-dominated rank of the evaluations using each choice
        (``inf`` for a choice not seen yet): lower is more promising."""
        h = self.history
        rank = np.asarray(moocore.pareto_rank(h.F), dtype=np.float64)
        rank = rank + np.where(h.feasible, 0.0, rank.max() + 1.0)
        out = []
        for j, card in enumerate(self.problem.cardinalities):
            total = np.bincount(h.genomes[:, j], weights=rank, minlength=card)
            count = np.bincount(h.genomes[:, j], minlength=card)
            with np.errstate(invalid="ignore", divide="ignore"):
                out.append(np.where(count > 0, total / np.maximum(count, 1), np.inf))
        return out

    def _restrict(self, k: int) -> list[np.ndarray]:
        """Per position, a boolean mask of its ``k`` most promising choices."""
        masks = []
        for scores in self.choice_scores():
            order = np.lexsort((np.arange(len(scores)), scores))
            mask = np.zeros(len(scores), dtype=bool)
            mask[order[: min(k, len(scores))]] = True
            masks.append(mask)
        return masks

    def allowed_choices(self) -> list[np.ndarray]:
        """The current stage's allowed choices per position (masks over the cardinalities)."""
        return [m.copy() for m in self._allowed]

    def _advance(self) -> None:
        """Expand the space once the stage's evaluations are spent."""
        full = all(m.all() for m in self._allowed)
        if not full and self.n_evaluated - self._stage_start >= self.params.stage_evaluations:
            self._stage += 1
            self._stage_start = self.n_evaluated
            self._allowed = self._restrict(self.n_allowed())

    # ----------------------------------------------------------------------------- proposals
    def _in_space(self, genomes: np.ndarray) -> np.ndarray:
        ok = np.ones(len(genomes), dtype=bool)
        for j, mask in enumerate(self._allowed):
            ok &= mask[genomes[:, j]]
        return ok

    def _ask(self, n: int) -> np.ndarray:
        self._advance()
        h = self.history
        rank = np.asarray(moocore.pareto_rank(h.F), dtype=np.int64)
        if h.feasible.any():
            front = np.flatnonzero((rank == rank[h.feasible].min()) & h.feasible)
        else:
            front = np.flatnonzero(rank == rank.min())
        d = self.problem.n_var
        p = self.params.mutation_prob or 1.0 / d
        taken = self._evaluated.copy()
        rows_out: list[int] = []
        allowed_idx = [np.flatnonzero(m) for m in self._allowed]
        for _ in range(n):
            row = -1
            for _ in range(self.params.max_tries):
                child = h.genomes[self.rng.choice(front)].copy()
                flip = self.rng.random(d) < p
                flip[self.rng.integers(d)] = True
                for j in np.flatnonzero(flip):
                    child[j] = self.rng.choice(allowed_idx[j])
                # A parent outside the current space (an earlier, wider stage) is pulled in.
                for j in np.flatnonzero(~self._allowed_mask(child)):
                    child[j] = self.rng.choice(allowed_idx[j])
                r = int(self.problem.rows(child[None])[0])
                if r >= 0 and not taken[r]:
                    row = r
                    break
            if row < 0:
                row = self._uniform(taken)
            if row < 0:
                break
            taken[row] = True
            rows_out.append(row)
        return self.problem.genomes_all[np.asarray(rows_out, dtype=np.int64)]

    def _allowed_mask(self, genome: np.ndarray) -> np.ndarray:
        return np.array([m[g] for m, g in zip(self._allowed, genome, strict=True)])

    def _uniform(self, taken: np.ndarray) -> int:
        """A uniform untaken searchable row, of the restricted space when it has one."""
        free = np.flatnonzero(~taken & self.problem.searchable_all)
        if not len(free):
            return -1
        inside = free[self._in_space(self.problem.genomes_all[free])]
        pool = inside if len(inside) else free
        return int(self.rng.choice(pool))

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        pass
