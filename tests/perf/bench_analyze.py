"""Speed of ``lab analyze`` on a large experiment: 1,000 runs x 500 evaluations.

Builds a synthetic experiment with the results store's own writer (``ResultsStore.write_run``,
histories from ``History.to_frame``): 2 NAS-Bench-Graph problems (cora, citeseer: each the other's
transfer target, with 5 more datasets) x 5 variants x 100 seeds. ``random`` draws architectures
uniformly; the ``biased-*`` variants draw them with a preference for low random scalarizations of
the objectives (sharper for smaller temperatures), so that their returned sets keep changing as
a real search's do. Then times :func:`lab.analysis.analyze_experiment` (stage by stage) and, as
the baseline, the obvious way of computing the traces — the returned set recomputed from scratch
at every grid point — on a subset of the runs, extrapolated to all of them.

    python tests/perf/bench_analyze.py [--runs-per-cell 100] [--evaluations 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import moocore
import numpy as np

from lab.algorithms.history import History
from lab.analysis import analyze_experiment
from lab.analysis.run_arrays import problem_runs
from lab.experiments.expansion import RunSpec, derive_run_seed
from lab.problems import NORMALIZED_REFERENCE, get_problem
from lab.results.query import load_experiment
from lab.results.store import ResultsStore
from lab.scoring import evaluation_grid

EXPERIMENT = "bench-analyze"
PROBLEMS = ("nbg-cora-err-lat", "nbg-citeseer-err-lat")
VARIANTS = {"random": None, "biased-0.3": 0.3, "biased-0.1": 0.1, "biased-0.03": 0.03,
            "biased-0.01": 0.01}  # fmt: skip
BATCH = 5


def synthetic_rows(
    problem, n: int, temperature: float | None, rng: np.random.Generator
) -> np.ndarray:
    """``n`` distinct table rows: uniform, or biased towards a random scalarization's optimum."""
    if temperature is None:
        return problem.sample_rows(n, rng)
    w = rng.dirichlet(np.ones(problem.n_obj))
    score = problem.normalize(problem.F_all) @ w
    rank = np.argsort(np.argsort(score)) / len(score)
    p = np.exp(-rank / temperature)
    return rng.choice(problem.n_architectures, size=n, replace=False, p=p / p.sum())


def build_store(root: Path, runs_per_cell: int, evaluations: int) -> int:
    store = ResultsStore(root)
    store.runs_dir(EXPERIMENT).mkdir(parents=True, exist_ok=True)
    count = 0
    for problem_name in PROBLEMS:
        problem = get_problem(problem_name)
        for seed in range(runs_per_cell):
            run_seed = derive_run_seed(0, problem_name, seed)
            for v, (label, temperature) in enumerate(VARIANTS.items()):
                spec = RunSpec(
                    experiment=EXPERIMENT, problem=problem_name,
                    algorithm="random" if temperature is None else "synthetic", label=label,
                    params={} if temperature is None else {"temperature": temperature},
                    seed=seed, run_seed=run_seed, master_seed=0, budget=evaluations,
                    batch_size=BATCH, n_init=10, init="random", threads=1,
                ).with_id()  # fmt: skip
                rng = np.random.default_rng([run_seed, v])
                rows = synthetic_rows(problem, evaluations, temperature, rng)
                history = History(problem.n_var, problem.n_obj, problem.n_constr)
                for start in range(0, evaluations, BATCH):
                    batch = rows[start : start + BATCH]
                    history.append(
                        problem.genomes_all[batch], problem.evaluate_rows(batch),
                        algo_time_s=1e-3,
                    )  # fmt: skip
                manifest = {
                    "experiment": EXPERIMENT, "status": "ok", "config": spec.resolved(),
                    "seed": spec.run_seed, "n_evaluations": evaluations,
                }  # fmt: skip
                store.write_run(EXPERIMENT, spec.run_id, manifest, history.to_frame())
                count += 1
    return count


def naive_traces(root: Path, n_runs: int, points: int) -> tuple[float, int]:
    """Seconds to trace ``n_runs`` runs by recomputing the returned set at every grid point."""
    tidy = load_experiment(EXPERIMENT, root=root)
    block = problem_runs(tidy, PROBLEMS[0])
    problem = block.problem
    front = problem.normalize(problem.true_front("report"))
    ref = np.full(problem.n_obj, NORMALIZED_REFERENCE)
    n_runs = min(n_runs, block.n_runs)
    start = time.perf_counter()
    for j in range(n_runs):
        sl = block.run_slice(j)
        S, R, feasible = block.S[sl], block.R[sl], block.feasible[sl]
        for k in evaluation_grid(S.shape[0], points):
            idx = np.flatnonzero(feasible[:k])
            ret = idx[moocore.is_nondominated(S[idx], keep_weakly=True)]
            moocore.hypervolume(R[ret], ref=ref)
            moocore.igd_plus(R[ret], ref=front)
            moocore.hypervolume(S[ret], ref=ref)
    return time.perf_counter() - start, n_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs-per-cell", type=int, default=100, help="seeds per (problem, variant)"
    )
    parser.add_argument("--evaluations", type=int, default=500)
    parser.add_argument("--trace-points", type=int, default=20)
    parser.add_argument("--keep", type=Path, default=None, help="build the store here and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    try:
        t = time.perf_counter()
        if not (root / EXPERIMENT / "runs").is_dir():
            n = build_store(root, args.runs_per_cell, args.evaluations)
            print(f"built {n} runs x {args.evaluations} evaluations in "
                  f"{time.perf_counter() - t:.1f} s -> {root}")  # fmt: skip
        get_problem(PROBLEMS[0])  # tables and fronts loaded once, as in any session

        t = time.perf_counter()
        result = analyze_experiment(EXPERIMENT, root=root, trace_points=args.trace_points)
        total = time.perf_counter() - t
        n_runs, n_evals = len(result.final), int(result.final["n_evaluations"].sum())
        print(f"analyze_experiment: {n_runs} runs, {n_evals} evaluations, "
              f"{len(result.traces)} trace rows, {len(result.transfer)} transfer rows: "
              f"{total:.2f} s")  # fmt: skip
        for stage, seconds in result.info["timings_s"].items():
            print(f"  {stage:<13} {seconds:7.2f} s")

        sub = max(1, min(100, n_runs // 10))
        naive_s, measured = naive_traces(root, sub, args.trace_points)
        naive_all = naive_s / measured * n_runs
        ours = result.info["timings_s"]["traces"]
        print(f"traces, incremental (ours):        {ours:7.2f} s for {n_runs} runs")
        print(f"traces, recomputed at every point: {naive_all:7.2f} s for {n_runs} runs "
              f"(measured on {measured}, extrapolated); ratio {naive_all / ours:.1f}x")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
