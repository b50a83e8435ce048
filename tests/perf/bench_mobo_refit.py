"""Benchmark: what a warm-started GP refit costs at n = 200-800 evaluated points, and what a
smaller L-BFGS-B cap (``warm_maxiter``) saves and loses, against the default cap of 20
measured in the same run.

For each ``n``, the evaluated set is ``n`` random architectures of the problem. The
hyperparameters of the last refit are those of a cold fit (``fit_maxiter`` 200) on the first
``n / (1 + refit_growth)`` of them, as the ``refit_growth`` schedule leaves them; the refit on
all ``n`` then starts from there with each cap in ``--caps``. Printed per cap: the refit's wall
time, its ratio to the default cap's, and how far its training loss (the negative marginal log
likelihood per point, the quantity L-BFGS-B minimizes) stays above the one a 500-iteration
refit from the same start reaches. The schedule's cost follows: ``refits(budget)`` refits over a
run from ``n_init`` to ``budget`` evaluations.

Run as ``python tests/perf/bench_mobo_refit.py`` (``--sizes``, ``--caps``, ``--problem``;
``LAB_PERF_SIZE=small`` runs n = 100, 200).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from threadpoolctl import threadpool_limits

from lab.algorithms.mobo.batch_fit import fit_seed_batch
from lab.algorithms.mobo.gp import GenomeGP, genome_tensor
from lab.algorithms.registry import make_algorithm
from lab.problems import get_problem
from tests.perf.perf_size import perf_size

#: The reference refit: long enough that L-BFGS-B has converged from the warm start.
CONVERGED_MAXITER = 500


def training_loss(X: torch.Tensor, Y: torch.Tensor, state: dict, cardinalities, kernel) -> float:
    """The fit's loss (negative marginal log likelihood per point, summed over outputs) of the
    GP on ``X``, ``Y`` with hyperparameters ``state``."""
    from botorch.optim.closures import get_loss_closure
    from gpytorch.mlls import ExactMarginalLogLikelihood

    model = GenomeGP(X, Y, cardinalities=cardinalities, kernel=kernel)
    model.load_state_dict(state, strict=False)
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    mll.train()
    with torch.no_grad():
        return float(get_loss_closure(mll)().sum())


def refits_over_run(n_init: int, budget: int, growth: float) -> int:
    """Refits of a run from ``n_init`` to ``budget`` evaluations on the ``growth`` schedule
    (the first, cold fit included)."""
    from lab.algorithms.mobo.seed_batch import refit_due

    count, last = 1, n_init
    for n in range(n_init + 1, budget):
        if refit_due(n, last, growth):
            count, last = count + 1, n
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="nbg-arxiv-err-lat-params")
    small = perf_size() == "small"
    parser.add_argument("--sizes", default="100,200" if small else "200,400,800")
    parser.add_argument("--caps", default="20,10,5")
    parser.add_argument("--repeats", type=int, default=1 if small else 3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    caps = [int(c) for c in args.caps.split(",")]
    problem = get_problem(args.problem)
    algo = make_algorithm("qnehvi", problem, budget=max(sizes) + 1, seed=args.seed,
                          n_init=max(sizes))  # fmt: skip
    while algo.n_evaluated < max(sizes):  # the random initial design only: no GP yet
        genomes = algo.ask()
        algo.tell(genomes, problem.evaluate(genomes))
    rows = algo.history.rows
    growth, kernel, card = algo.refit_growth, algo.kernel, problem.cardinalities
    print(
        f"{args.problem}: {problem.n_obj} objectives; caps {caps} (default "
        f"{algo.warm_maxiter}); refit_growth {growth}; torch threads {torch.get_num_threads()}"
    )
    print(f"{'n':>5} {'cap':>4} {'refit s':>8} {'ratio':>6} {'loss above converged':>21}")
    with threadpool_limits(limits=1, user_api="blas"):
        for n in sizes:
            n_prev = max(2, math.ceil(n / (1.0 + growth)))
            data = {}
            for m in (n_prev, n):
                X = genome_tensor(problem.genomes_all[rows[:m]], algo.device)
                data[m] = (X[None], algo.adapter.train_targets(rows[:m])[None])
            start = fit_seed_batch(*data[n_prev], cardinalities=card, kernel=kernel,
                                   states=None, maxiter=200, seeds=[args.seed])  # fmt: skip
            X, Y = data[n]

            def refit(cap: int, start=start, X=X, Y=Y) -> tuple[float, dict]:
                t0 = time.perf_counter()
                state = fit_seed_batch(X, Y, cardinalities=card, kernel=kernel, states=start,
                                       maxiter=cap, seeds=[args.seed])[0]  # fmt: skip
                return time.perf_counter() - t0, state

            _, converged = refit(CONVERGED_MAXITER)
            best = training_loss(X[0], Y[0], converged, card, kernel)
            base = None
            for cap in caps:
                times, state = [], None
                for _ in range(args.repeats):
                    t, state = refit(cap)
                    times.append(t)
                wall = float(np.median(times))
                base = wall if base is None else base
                gap = training_loss(X[0], Y[0], state, card, kernel) - best
                print(f"{n:>5} {cap:>4} {wall:>8.3f} {wall / base:>6.2f} {gap:>21.2e}")
    budget = max(sizes)
    print(
        f"refits of a run from 10 to {budget} evaluations at refit_growth {growth}: "
        f"{refits_over_run(10, budget, growth)}; from 10 to 200: {refits_over_run(10, 200, growth)}"
    )


if __name__ == "__main__":
    main()
