"""Head-to-head comparison of search algorithms: final normalized hypervolume over seeds.

For every (problem, algorithm, seed), the algorithm runs its whole budget; its returned set
(:meth:`lab.algorithms.base.Algorithm.result_rows`: feasible and non-dominated on the search
metrics) is judged on the report metrics: the hypervolume of ``problem.normalize(F_report)``
with respect to the frozen normalized reference point (1.1 per objective), divided by that of
the exact report front (``problem.true_front_hv()``). 1.0 means the exact front was found.

Usage::

    python -m lab.algorithms.compare --problems nbg-cora-err-lat nb201-cifar10-err-params-flops \\
        --seeds 10 --budget 500

prints, per problem and algorithm, the median and interquartile range over seeds, a one-sided
Mann-Whitney U test of "better than random search", the median normalized hypervolume of the
same returned set on the search metrics (what the algorithm optimized, against the exact search
front), and the median wall time per run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import moocore
import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from lab.algorithms.registry import algorithm_names, algorithm_target, make_algorithm
from lab.fileio import atomic_write
from lab.problems import NORMALIZED_REFERENCE, get_problem

BASELINE = "random"

#: Packages whose algorithms run only when named with ``--algorithms``: model-based searches
#: fit a model per step, and at hundreds of evaluations they take hours per seed on a CPU.
OPT_IN_PACKAGES = ("lab.algorithms.mobo",)


def default_algorithms() -> list[str]:
    """Every registered algorithm outside :data:`OPT_IN_PACKAGES`."""
    return [n for n in algorithm_names() if not algorithm_target(n).startswith(OPT_IN_PACKAGES)]


def normalized_hypervolume(problem_name: str, F: np.ndarray, kind: str = "report") -> float:
    """Hypervolume of raw objectives ``F`` (``n x m``) after the problem's frozen normalization,
    relative to that of the exact front of the same ``kind`` (``report`` or ``search``
    metrics), both w.r.t. 1.1 per normalized objective."""
    problem = get_problem(problem_name)
    ref = np.full(problem.n_obj, NORMALIZED_REFERENCE)
    Fn = problem.normalize(F, kind)
    inside = Fn[(Fn < ref).all(axis=1)]
    hv = float(moocore.hypervolume(inside, ref=ref)) if len(inside) else 0.0
    return hv / problem.true_front_hv(kind)


def run_one(
    problem_name: str,
    algorithm: str,
    seed: int,
    budget: int,
    n_init: int,
    batch_size: int,
) -> dict[str, object]:
    """One run; returns its row of the results table."""
    problem = get_problem(problem_name)
    start = time.perf_counter()
    algo = make_algorithm(
        algorithm, problem, budget=budget, seed=seed, batch_size=batch_size, n_init=n_init
    )
    history = algo.run()
    wall = time.perf_counter() - start
    rows = algo.result_rows()
    return {
        "problem": problem_name,
        "algorithm": algorithm,
        "seed": seed,
        "evaluations": len(history),
        "result_size": len(rows),
        "hv": normalized_hypervolume(problem_name, history.F_report[rows]),
        "hv_search": normalized_hypervolume(problem_name, history.F[rows], "search"),
        "algo_time_s": float(history.algo_time_s.sum()),
        "wall_s": wall,
    }


def run_all(
    problems: Sequence[str],
    algorithms: Sequence[str],
    seeds: Sequence[int],
    *,
    budget: int,
    n_init: int = 10,
    batch_size: int = 1,
    workers: int = 2,
) -> pd.DataFrame:
    """Every (problem, algorithm, seed) run, one row each (``workers`` processes; 1: inline)."""
    for name in problems:
        get_problem(name)  # fail early, with the registry's message, on a bad name
    for name in algorithms:
        make_algorithm(name, get_problem(problems[0]), budget=min(budget, 2), seed=0, n_init=1)
    tasks = [
        (p, a, int(s), budget, n_init, batch_size)
        for p in problems
        for a in algorithms
        for s in seeds
    ]
    if workers <= 1:
        results = [run_one(*t) for t in tasks]
    else:
        # spawn: workers start clean instead of inheriting this process's state
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(run_one, *zip(*tasks, strict=True), chunksize=1))
    return pd.DataFrame(results)


def summarize(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (problem, algorithm): median, quartiles and IQR of the normalized hypervolume, the
    one-sided Mann-Whitney U p-value of "higher than random search" (NaN for random itself or
    when random was not run), the median search-metric hypervolume and the median wall time."""
    rows = []
    for (problem, algorithm), group in runs.groupby(["problem", "algorithm"], sort=False):
        hv = group["hv"].to_numpy()
        q25, med, q75 = np.quantile(hv, [0.25, 0.5, 0.75])
        base = runs[(runs["problem"] == problem) & (runs["algorithm"] == BASELINE)]["hv"]
        p = np.nan
        if algorithm != BASELINE and len(base):
            p = float(mannwhitneyu(hv, base.to_numpy(), alternative="greater").pvalue)
        rows.append(
            {
                "problem": problem,
                "algorithm": algorithm,
                "seeds": len(hv),
                "hv_median": med,
                "hv_q25": q25,
                "hv_q75": q75,
                "hv_iqr": q75 - q25,
                "hv_search_median": float(group["hv_search"].median()),
                "wall_s_median": float(group["wall_s"].median()),
                "p_vs_random": p,
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(["problem", "hv_median"], ascending=[True, False], ignore_index=True)


def format_table(table: pd.DataFrame) -> str:
    """Plain-text table, one block per problem."""
    blocks = []
    for problem, group in table.groupby("problem", sort=False):
        lines = [
            f"{problem}",
            f"{'algorithm':<18} {'HV median':>9} {'IQR':>7} {'[q25, q75]':>17} "
            f"{'p>random':>9} {'search HV':>9} {'wall s':>7}",
        ]
        for r in group.itertuples():
            p = "" if np.isnan(r.p_vs_random) else f"{r.p_vs_random:.2g}"
            lines.append(
                f"{r.algorithm:<18} {r.hv_median:>9.4f} {r.hv_iqr:>7.4f} "
                f"[{r.hv_q25:.4f}, {r.hv_q75:.4f}] {p:>9} {r.hv_search_median:>9.4f} "
                f"{r.wall_s_median:>7.2f}"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.algorithms.compare", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--problems", nargs="+", required=True, help="problem names")
    parser.add_argument(
        "--algorithms",
        nargs="+",
        default=None,
        help="algorithm names (default: every registered one except the model-based ones)",
    )
    parser.add_argument("--seeds", type=int, default=10, help="number of seeds (0, 1, ...)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--budget", type=int, default=500, help="evaluations per run")
    parser.add_argument("--n-init", type=int, default=10, help="size of the shared initial design")
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="processes (1: no pool)")
    parser.add_argument("--runs-csv", type=Path, default=None, help="also write every run here")
    args = parser.parse_args(argv)
    algorithms = args.algorithms or default_algorithms()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    start = time.perf_counter()
    runs = run_all(
        args.problems, algorithms, seeds, budget=args.budget, n_init=args.n_init,
        batch_size=args.batch_size, workers=args.workers,
    )  # fmt: skip
    if args.runs_csv is not None:
        atomic_write(args.runs_csv, lambda tmp: runs.to_csv(tmp, index=False))
    print(
        f"final normalized hypervolume (report metrics, returned set; 1 = exact front), "
        f"{args.seeds} seeds, budget {args.budget}, n_init {args.n_init}, "
        f"batch {args.batch_size}; {time.perf_counter() - start:.0f} s\n"
    )
    print(format_table(summarize(runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
