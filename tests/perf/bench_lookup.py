"""Vectorized problem evaluation: architecture look-ups per second for batches of genomes.

Baseline, measured in the same run: a Python dict from genome tuple to table row, queried one
genome at a time (what a naive loop over a tabular benchmark does).

Run: ``python tests/perf/bench_lookup.py``
"""

from __future__ import annotations

import time

import numpy as np

from lab.problems import get_problem

PROBLEMS = ["nbg-cora-err-lat-params", "nb201-cifar10-err-params-flops", "macro-err-params-flops"]


def best_of(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'problem':34s} {'batch':>8s} {'vectorized/s':>14s} {'dict loop/s':>12s} {'ratio':>7s}")
    for name in PROBLEMS:
        try:
            problem = get_problem(name)
        except Exception as exc:  # table not buildable here (raw files absent)
            print(f"{name:34s} skipped: {exc}")
            continue
        # Only rows of the search space (degenerate cells are outside it unless included).
        space = np.flatnonzero(problem.searchable_all)
        problem.evaluate(problem.genomes_all[space[:10]])  # warm the canonicalization tables
        rows = space[rng.integers(0, len(space), 100_000)]
        genomes = problem.genomes_all[rows]
        lookup = {tuple(g): i for i, g in enumerate(problem.genomes_all.tolist())}
        t_vec = best_of(lambda: problem.evaluate(genomes))
        few = genomes[:20_000].tolist()
        t_dict = best_of(lambda: [problem.F_all[lookup[tuple(g)]] for g in few], repeats=3) * (
            len(genomes) / len(few)
        )
        vec_rate = len(genomes) / t_vec
        dict_rate = len(genomes) / t_dict
        print(
            f"{name:34s} {len(genomes):8d} {vec_rate:14,.0f} {dict_rate:12,.0f} "
            f"{vec_rate / dict_rate:6.1f}x"
        )


if __name__ == "__main__":
    main()
