"""Benchmark: search quality of multi-objective Bayesian optimization against MOEAs and random
search on NAS-Bench-Graph problems.

For each problem, algorithm and seed: ``budget`` evaluations after a shared ``n_init``-point
initial design; the score is the normalized hypervolume of the returned set judged on the report
metrics, ``moocore.hypervolume(problem.normalize(F_report[result_rows]), ref=[1.1]*m) /
problem.true_front_hv()``. Prints every run and a table of medians (and the check that
qNEHVI's median is >= NSGA-II's and > random search's).

Run as ``python tests/perf/bench_mobo_quality.py`` (defaults: ``nbg-cora-err-lat`` and
``nbg-cora-err-lat-params``, 5 seeds, budget 100, ``n_init`` 10, algorithms ``qnehvi nsga2
random``). ``--params ALGO=JSON`` passes hyperparameters, e.g.
``--params 'qnehvi={"kernel": "onehot"}'``; ``--label`` names a variant in the table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import moocore
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lab.algorithms.registry import make_algorithm
from lab.problems import NORMALIZED_REFERENCE, get_problem

PROBLEMS = ("nbg-cora-err-lat", "nbg-cora-err-lat-params")
ALGORITHMS = ("qnehvi", "nsga2", "random")


def normalized_hv(problem, algo) -> float:
    """Normalized hypervolume of the algorithm's returned set on the report metrics."""
    F = problem.normalize(algo.history.F_report[algo.result_rows()])
    ref = np.full(problem.n_obj, NORMALIZED_REFERENCE)
    return float(moocore.hypervolume(F, ref=ref)) / problem.true_front_hv()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    parser.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--n-init", type=int, default=10)
    parser.add_argument("--params", action="append", default=[], metavar="ALGO=JSON")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    params: dict[str, dict] = {}
    for item in args.params:
        name, _, text = item.partition("=")
        params[name] = json.loads(text)

    table: dict[tuple[str, str], list[float]] = {}
    for problem_name in args.problems:
        problem = get_problem(problem_name)
        for name in args.algorithms:
            scores = []
            for seed in range(args.seeds):
                start = time.perf_counter()
                algo = make_algorithm(
                    name,
                    problem,
                    budget=args.budget,
                    seed=seed,
                    n_init=args.n_init,
                    params=params.get(name),
                )
                algo.run()
                scores.append(normalized_hv(problem, algo))
                print(
                    f"{problem_name:28s} {name:10s} seed {seed}: nHV {scores[-1]:.4f} "
                    f"({time.perf_counter() - start:.1f} s)",
                    flush=True,
                )
            table[(problem_name, name)] = scores

    print(
        f"\nmedian normalized hypervolume (report metrics), {args.seeds} seeds, budget "
        f"{args.budget}, n_init {args.n_init}"
    )
    header = f"{'problem':28s}" + "".join(f"{a:>12s}" for a in args.algorithms)
    print(header)
    for problem_name in args.problems:
        row = "".join(f"{np.median(table[(problem_name, a)]):12.4f}" for a in args.algorithms)
        print(f"{problem_name:28s}{row}")
    if {"qnehvi", "nsga2", "random"} <= set(args.algorithms):
        for problem_name in args.problems:
            q, n, r = (np.median(table[(problem_name, a)]) for a in ("qnehvi", "nsga2", "random"))
            print(f"{problem_name}: qnehvi >= nsga2: {q >= n}; qnehvi > random: {q > r}")


if __name__ == "__main__":
    main()
