"""Benchmark: overhead of the search algorithms on a table.

For NSGA-II (``pop_size`` 20, batch size 1), times a full run of 1,000 evaluations and, as the
baseline measured in the same process, the pure table look-ups of the same 1,000 genomes
(``problem.evaluate`` one genome at a time, as the run calls it, and once as one vectorized
batch). Prints the times and the ratios; then the same run time for every other registered
algorithm of this package (TPE only with ``--tpe``: it is two orders of magnitude slower).
Asserts only that the run evaluated what it reports.

Run as ``python tests/perf/bench_algorithms.py [--tpe]`` (the name keeps pytest from collecting
it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_size import sized

from lab.algorithms.registry import algorithm_names, make_algorithm
from lab.problems import get_problem

PROBLEMS = ("nb201-cifar10-err-params-flops", "nbg-cora-err-lat")
BUDGET = sized(1_000, 300)
REPEATS = sized(3, 1)
SEED = 20_240_601


def best_of(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with_tpe = "--tpe" in sys.argv[1:]
    for name in PROBLEMS:
        problem = get_problem(name)
        problem.evaluate(problem.genomes_all[:1])  # warm the canonicalization tables
        make_algorithm("nsga2", problem, budget=50, seed=0).run()  # warm imports

        history = make_algorithm("nsga2", problem, budget=BUDGET, seed=SEED).run()
        genomes = history.genomes
        assert len(history) == BUDGET and len(np.unique(history.rows)) == BUDGET
        run_s = best_of(lambda: make_algorithm("nsga2", problem, budget=BUDGET, seed=SEED).run())
        lookup_one_s = best_of(lambda: [problem.evaluate(g[None, :]) for g in genomes])
        lookup_vec_s = best_of(lambda: problem.evaluate(genomes))
        print(f"{name}: NSGA-II, {BUDGET} evaluations (best of {REPEATS})")
        print(f"  full run (ask/tell, pymoo, history)  {run_s * 1e3:8.1f} ms")
        print(
            f"  table look-ups, one genome per call  {lookup_one_s * 1e3:8.1f} ms   "
            f"run / look-ups = {run_s / lookup_one_s:.1f}x"
        )
        print(
            f"  table look-ups, one vectorized call  {lookup_vec_s * 1e3:8.1f} ms   "
            f"run / look-ups = {run_s / lookup_vec_s:.0f}x"
        )
        print(
            f"  algorithm's own time (history.algo_time_s)  {history.algo_time_s.sum() * 1e3:.1f} ms"
        )
        print(f"  every algorithm, {BUDGET} evaluations, one run each:")
        for algo_name in algorithm_names():
            if algo_name == "tpe" and not with_tpe:
                continue
            if algo_name not in _OWN:
                continue
            start = time.perf_counter()
            h = make_algorithm(algo_name, problem, budget=BUDGET, seed=SEED).run()
            elapsed = time.perf_counter() - start
            assert len(h) == BUDGET
            print(
                f"    {algo_name:<18} {elapsed * 1e3:9.1f} ms  ({elapsed / lookup_one_s:6.1f}x look-ups)"
            )
        print()


_OWN = {
    "nsga2", "nsga3", "moead", "smsemoa", "spea2", "agemoea", "mopso_cd", "ibea", "random",
    "scalarized_ws", "scalarized_tcheby", "eps_constraint", "pls", "reinforce", "tpe",
}  # fmt: skip


if __name__ == "__main__":
    main()
