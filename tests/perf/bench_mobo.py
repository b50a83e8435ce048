"""Benchmark: wall time of one multi-objective BO iteration (model fit + acquisition over every
unevaluated architecture) at ``--n-eval`` evaluated points, the laboratory's ``qnehvi`` versus a
plain BoTorch loop measured in the same run.

The plain loop, as a BoTorch user would write it: a multi-output ``SingleTaskGP`` on one-hot
architecture encodings with BoTorch's default kernel and outcome standardization,
``fit_gpytorch_mll`` with default settings, ``qLogNoisyExpectedHypervolumeImprovement`` with
default settings, maximized by ``optimize_acqf_discrete`` over the one-hot encodings of every
unevaluated architecture (one iteration; it may take minutes, ``--skip-baseline`` skips it).

The laboratory's iteration is timed at steady state: the evaluated set is the shared initial
design of ``n_eval - 1`` random architectures plus one BO proposal (its first, cold fit is
reported apart); then ``--iterations`` further iterations, each warm-started, are timed and
their median is compared with the plain loop, whose training set is the one of the first timed
iteration.

``--check-screening K`` measures what the screening approximates: for ``K`` seeds, the first
proposal at ``n_eval`` evaluated points with screening (the default ``n_screen``) against the
exact maximizer of the same BoTorch acquisition over every unevaluated architecture
(``n_screen=None``, same model and samples): whether they coincide, and the rank and relative
acquisition value of the screened choice among all candidates.

Run as ``python tests/perf/bench_mobo.py`` (``--threads N`` sets ``torch.set_num_threads`` for
both; default: torch's own choice).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lab.algorithms.registry import make_algorithm
from lab.problems import get_problem
from lab.spaces.encoding import one_hot


def plain_loop(problem, rows: np.ndarray, evaluated: np.ndarray, seed: int) -> dict[str, float]:
    """One iteration of the plain BoTorch loop; returns its stage times and choice."""
    from botorch.acquisition.multi_objective.logei import (
        qLogNoisyExpectedHypervolumeImprovement,
    )
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.optim import optimize_acqf_discrete
    from gpytorch.mlls import ExactMarginalLogLikelihood

    genomes = problem.genomes_all
    X = torch.as_tensor(one_hot(genomes[rows], problem.cardinalities), dtype=torch.float64)
    Y = -torch.as_tensor(problem.F_all[rows], dtype=torch.float64)
    free = np.flatnonzero(~evaluated)
    choices = torch.as_tensor(one_hot(genomes[free], problem.cardinalities), dtype=torch.float64)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        model = SingleTaskGP(X, Y)
        fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
        t1 = time.perf_counter()
        acqf = qLogNoisyExpectedHypervolumeImprovement(
            model=model,
            ref_point=(-torch.as_tensor(problem.reference_point)).tolist(),
            X_baseline=X,
        )
        candidate, _ = optimize_acqf_discrete(acqf, q=1, choices=choices)
        t2 = time.perf_counter()
    hit = (choices == candidate).all(dim=-1).nonzero()
    return {"fit_s": t1 - t0, "acquisition_s": t2 - t1, "total_s": t2 - t0,
            "row": float(free[int(hit[0, 0])])}  # fmt: skip


def check_screening(problem, args) -> None:
    """Screened versus exact argmax of the acquisition, first proposal, ``args.check_screening``
    seeds."""
    agree = 0
    for seed in range(args.check_screening):
        picks = {}
        for label, params in (("screened", {}), ("exact", {"n_screen": None})):
            algo = make_algorithm(args.algorithm, problem, budget=args.n_eval + 1, seed=seed,
                                  n_init=args.n_eval, params=params)  # fmt: skip
            while algo.n_evaluated < args.n_eval:
                genomes = algo.ask()
                algo.tell(genomes, problem.evaluate(genomes))
            start = time.perf_counter()
            picks[label] = int(problem.rows(algo.ask())[0])
            picks[label + "_s"] = time.perf_counter() - start
            picks[label + "_scores"] = algo.last_scores
        rows, values = picks["exact_scores"]
        order = np.argsort(-values, kind="stable")
        rank = int(np.flatnonzero(rows[order] == picks["screened"])[0]) + 1
        best, mine = values[order[0]], values[rows == picks["screened"]][0]
        agree += picks["screened"] == picks["exact"]
        print(
            f"  seed {seed}: screened row {picks['screened']} ({picks['screened_s']:.2f} s), "
            f"exact row {picks['exact']} ({picks['exact_s']:.1f} s over {len(rows)} candidates); "
            f"rank of the screened choice {rank}; acquisition value {mine:.4g} vs best {best:.4g}"
            " (log scale for the log variants)"
        )
    print(f"screened choice = exact argmax in {agree}/{args.check_screening} seeds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="nbg-cora-err-lat-params")
    parser.add_argument("--n-eval", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--algorithm", default="qnehvi")
    parser.add_argument("--check-screening", type=int, default=0, metavar="K")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    problem = get_problem(args.problem)
    print(
        f"{args.problem}: {problem.n_architectures} architectures, {problem.n_obj} objectives; "
        f"{args.n_eval} evaluated points; torch threads {torch.get_num_threads()}"
    )
    algo = make_algorithm(
        args.algorithm,
        problem,
        budget=args.n_eval + args.iterations,
        seed=args.seed,
        n_init=args.n_eval - 1,
    )
    while algo.n_evaluated < args.n_eval - 1:
        genomes = algo.ask()
        algo.tell(genomes, problem.evaluate(genomes))
    start = time.perf_counter()
    genomes = algo.ask()
    cold = time.perf_counter() - start
    algo.tell(genomes, problem.evaluate(genomes))
    print(f"first iteration (cold fit, {algo.n_evaluated - 1} points): {cold:.3f} s {algo.timings}")
    baseline_rows = algo.history.rows.copy()
    baseline_evaluated = algo.is_evaluated(np.arange(problem.n_architectures))

    totals, stages = [], []
    while not algo.done:
        start = time.perf_counter()
        genomes = algo.ask()
        totals.append(time.perf_counter() - start)
        stages.append(dict(algo.timings))
        if len(totals) == 1:
            fast_row = int(problem.rows(genomes)[0])
        algo.tell(genomes, problem.evaluate(genomes))
        print(
            f"  iteration at {algo.n_evaluated - 1} points: {totals[-1]:.3f} s "
            + " ".join(f"{k}={v:.3f}" for k, v in stages[-1].items() if k.endswith("_s"))
        )
    median = float(np.median(totals))
    parts = {k: float(np.median([s[k] for s in stages])) for k in stages[0] if k.endswith("_s")}
    print(
        f"laboratory {args.algorithm}: median {median:.3f} s per iteration over {len(totals)} "
        "(" + ", ".join(f"{k} {v:.3f}" for k, v in parts.items()) + ")"
    )
    if args.check_screening:
        check_screening(problem, args)
    if args.skip_baseline:
        return
    print("plain BoTorch loop (one iteration) ...", flush=True)
    base = plain_loop(problem, baseline_rows, baseline_evaluated, args.seed)
    print(
        f"plain loop: {base['total_s']:.1f} s (fit {base['fit_s']:.1f} s, acquisition "
        f"{base['acquisition_s']:.1f} s); proposed row {int(base['row'])}, laboratory proposed "
        f"row {fast_row}"
    )
    print(f"speed-up: {base['total_s'] / median:.0f}x")


if __name__ == "__main__":
    main()
