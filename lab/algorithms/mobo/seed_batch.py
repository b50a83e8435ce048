"""Seeds in lockstep: several seeds of one BO configuration advance together, each with its own
arithmetic.

Runs of one (problem, algorithm, hyperparameters, budget, batch size) that differ only in seed
are at the same number of evaluations at every iteration, so one task (one worker) can drive
them together: one process start and table load, one one-hot encoding of the table shared by
every seed's candidate posterior, one progress of the whole group. Each seed keeps:

- its hyperparameter fit (:func:`~lab.algorithms.mobo.batch_fit.fit_seed_batch` on that seed
  alone, on the ``refit_growth`` schedule);
- its candidates' marginal posterior over the whole table, carried between refits by rank-``q``
  updates of its Cholesky factor and cached cross-covariances
  (:class:`~lab.algorithms.mobo.incremental.IncrementalPosterior`);
- its candidate mask, screening and BoTorch acquisition, inside its own torch RNG fork.

Why not one batched computation over a seed dimension: torch rounds a batched matrix product,
solve or reduction differently with the batch's size and memory layout. Measured on
``nbg-cora-err-lat-params`` (3 seeds x 30 evaluations): the candidate means differed by 2e-16
after the first fit, a warm L-BFGS-B refit turned that into 2e-8 in the hyperparameters, and
the seed's history left the lone seed's after 21 evaluations. With per-seed arithmetic, a
seed's history does not depend on which seeds share its task (tests check a seed alone against
the same seed inside batches of 3 and 8), so run ids need not record the batch and resume is
exact.

:class:`SeedBatchEngine` is the iteration (used by every :class:`BayesianOptimization`, a
lone seed being a batch of one); :class:`SeedBatch` drives a list of seeds to their budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from torch import Tensor

from lab.algorithms.history import History
from lab.algorithms.mobo.batch_fit import State, fit_seed_batch
from lab.algorithms.mobo.device import seeded_torch
from lab.algorithms.mobo.gp import GenomeGP, onehot_torch
from lab.algorithms.mobo.incremental import IncrementalPosterior
from lab.errors import ConfigError
from lab.threads import policy_threads

#: A seed's algorithm, a :class:`~lab.algorithms.mobo.bayesopt.BayesianOptimization` (not
#: imported: that module builds its lone-seed engine from this one).
Member = Any


def refit_due(n: int, last_fit_n: int, growth: float) -> bool:
    """Refit the hyperparameters at ``n`` evaluations, the last fit having been at
    ``last_fit_n`` (``0``: never)? Yes when there was none, when ``growth`` is 0, or once
    ``n >= (1 + growth) * last_fit_n``."""
    # Compared on the growth, with a tolerance: 1.1 * 100 is 110.00000000000001.
    return last_fit_n <= 0 or growth <= 0 or n - last_fit_n >= growth * last_fit_n - 1e-9


def _same_configuration(members: Sequence[Member]) -> None:
    first = members[0]
    for m in members[1:]:
        if type(m) is not type(first) or m.problem is not first.problem:
            raise ConfigError(
                "a seed batch needs one algorithm class and one problem object for every seed"
            )
        same = (
            m.budget == first.budget
            and m.batch_size == first.batch_size
            and m.n_init == first.n_init
            and m.hyperparameters() == first.hyperparameters()
        )
        if not same:
            raise ConfigError(
                f"{first.name}: the seeds of a batch must share budget, batch size, initial "
                "design size and hyperparameters"
            )
    seeds = [m.seed for m in members]
    if len(set(seeds)) != len(seeds):
        raise ConfigError(f"{first.name}: a seed batch repeats a seed: {seeds}")


class SeedBatchEngine:
    """One BO iteration for ``B`` seeds at the same number of evaluations.

    Args:
        members: the seeds' algorithms (same class, problem object, sizes, hyperparameters).

    Attributes:
        n_fits: hyperparameter refits so far.
        last_shared_s: wall seconds of the last iteration's shared work (fit and posterior).
    """

    def __init__(self, members: Sequence[Member]) -> None:
        if not members:
            raise ConfigError("a seed batch needs at least one seed")
        _same_configuration(members)
        self.members = list(members)
        first = self.members[0]
        self.problem = first.problem
        self.device = first.device
        self.exact = self.problem.n_architectures <= first.max_exact
        self._states: list[State] | None = None
        self._fit_n = 0
        self._H: Tensor | None = None  # one-hot rows of every allowed architecture
        self._caches: list[IncrementalPosterior] = []
        self._position: np.ndarray | None = None
        self.n_fits = 0
        self.last_shared_s = 0.0

    # ------------------------------------------------------------------------------- public
    def propose(self, k: int) -> list[np.ndarray]:
        """Rows of ``k`` new architectures for every seed (one iteration)."""
        members = self.members
        n = members[0].n_evaluated
        if any(m.n_evaluated != n for m in members):
            raise RuntimeError("the seeds of a batch are not at the same number of evaluations")
        seeds = [int(m.rng.integers(2**31 - 1)) for m in members]
        # Scipy's L-BFGS-B calls BLAS on vectors of a few dozen entries, where threads only
        # cost; torch's own threads follow the thread policy (lab.threads).
        with policy_threads(), threadpool_limits(limits=1, user_api="blas"):
            t0 = time.perf_counter()
            data = [m._training_data() for m in members]
            X = torch.stack([d[0] for d in data])
            Y = torch.stack([d[1] for d in data])
            refit = self._states is None or refit_due(n, self._fit_n, members[0].refit_growth)
            if refit:
                first = members[0]
                maxiter = first.fit_maxiter if self._states is None else first.warm_maxiter
                # One fit per seed: batched arithmetic rounds differently with the batch's
                # size and layout (see the module docstring), and L-BFGS-B amplifies a 1e-16
                # difference into a different history within a few refits.
                self._states = [
                    fit_seed_batch(
                        X[i : i + 1],
                        Y[i : i + 1],
                        cardinalities=self.problem.cardinalities,
                        kernel=first.kernel,
                        states=None if self._states is None else [self._states[i]],
                        maxiter=maxiter,
                        seeds=[seeds[i]],
                        name=first.name,
                    )[0]
                    for i in range(len(members))
                ]
                self._fit_n = n
                self.n_fits += 1
            models = [m._model(s) for m, s in zip(members, self._states, strict=True)]  # type: ignore[arg-type]
            t1 = time.perf_counter()
            candidates = [m._candidates() for m in members]
            margs = self._marginals(models, [c[1] for c in candidates], X, refit)
            t2 = time.perf_counter()
            self.last_shared_s = t2 - t0
            out = []
            for m, model, (allowed, cand, front), marg, seed in zip(
                members, models, candidates, margs, seeds, strict=True
            ):
                m.timings = {
                    "fit_s": (t1 - t0) / len(members),
                    "posterior_s": (t2 - t1) / len(members),
                    "refit": float(refit),
                }
                with seeded_torch(seed, m.device):
                    out.append(m._select(model, cand, marg, allowed, front, k, seed))
        return out

    # ---------------------------------------------------------------------------- posterior
    def _marginals(
        self, models: list[GenomeGP], cands: list[np.ndarray], X: Tensor, refit: bool
    ) -> list[Any]:
        members = self.members
        if not self.exact:  # a pool of candidates per seed: no shared rows to cache
            return [
                m._marginals(model, c) for m, model, c in zip(members, models, cands, strict=True)
            ]
        first = members[0]
        cards = self.problem.cardinalities
        if self._H is None:
            rows = np.flatnonzero(first._allowed)
            self._H = onehot_torch(
                torch.as_tensor(self.problem.genomes_all[rows], dtype=X.dtype, device=X.device),
                cards,
            )
            self._position = np.full(self.problem.n_architectures, -1, dtype=np.int64)
            self._position[rows] = np.arange(len(rows))
            self._caches = [
                IncrementalPosterior(self._H, chunk_size=first.chunk_size) for _ in members
            ]
        k = models[0]._num_outputs
        out = []
        for i, (m, mdl, cand) in enumerate(zip(members, models, cands, strict=True)):
            # One cache per seed (see the fit above): the same arithmetic alone or in a batch.
            cache = self._caches[i]
            h = onehot_torch(X[i : i + 1], cards).repeat_interleave(k, dim=0)  # k x n x D
            if refit or cache.n == 0 or cache.n > h.shape[-2]:
                form = tuple(f.detach() for f in mdl.kernel_form())
                cache.reset(form, mdl.likelihood.noise.detach().reshape(-1), h)
            else:
                cache.append(h[:, cache.n :])
            const = mdl.mean_module.constant.detach().reshape(-1, 1)
            r = (mdl.train_targets.reshape(k, -1) - const).detach()
            mean, var = cache.marginals(r)
            scale = mdl.outcome_transform.stdvs.reshape(-1, 1)
            shift = mdl.outcome_transform.means.reshape(-1, 1)
            idx = torch.as_tensor(self._position[cand], device=X.device)  # type: ignore[index]
            mu = shift + scale * (const + mean[:, idx])
            v = scale.square() * var[:, idx]
            out.append(m._marginals_from(mu.T, v.T, cand))
        return out


class SeedBatch:
    """Drive several seeds of one BO configuration to their budget in lockstep.

    Args:
        members: one algorithm per seed, same class, problem object, sizes and
            hyperparameters (:func:`lab.algorithms.registry.make_algorithm` with different
            ``seed``).

    Each seed's history is what it would be alone; each evaluation's ``algo_time_s`` holds
    the seed's share of the batch's shared work plus its own selection time.
    """

    def __init__(self, members: Sequence[Member]) -> None:
        self.engine = SeedBatchEngine(members)
        self.members = self.engine.members

    def run(self, on_iteration: Callable[[int, int], None] | None = None) -> list[History]:
        """Run every seed to its budget; their histories, in order. ``on_iteration(n, budget)``
        is called after every round (``n``: evaluations each seed has made), for progress."""
        members = self.members
        first = members[0]
        while not first.done:
            if first.n_evaluated < first.n_init:  # the shared initial design, seed by seed
                for m in members:
                    genomes = m.ask()
                    m.tell(genomes, m.problem.evaluate(genomes))
                continue
            k = min(first.batch_size, first.remaining)
            start = time.perf_counter()
            rows = self.engine.propose(k)
            total = time.perf_counter() - start
            own = [m.timings.get("screen_s", 0.0) + m.timings.get("acquisition_s", 0.0)
                   for m in members]  # fmt: skip
            shared = max(0.0, total - sum(own)) / len(members)
            for m, r, t in zip(members, rows, own, strict=True):
                m._prepared = r
                m._clock += shared + t
                genomes = m.ask()
                m.tell(genomes, m.problem.evaluate(genomes))
            if on_iteration is not None:
                on_iteration(first.n_evaluated, first.budget)
        return [m.history for m in members]
