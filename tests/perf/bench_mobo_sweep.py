"""Benchmark: many seeds of multi-objective BO -- the seed-batched path against the per-seed
path, measured in the same run.

Parts (each printed as it finishes; ``--json PATH`` also writes every number):

1. **Sweep** (``--seeds`` x ``--budget`` evaluations of ``--algorithm``, batch size 1, on each
   of ``--problems``):

   - *new path*: seeds in batches of ``--seed-batch`` (one :class:`SeedBatch` per task), the
     default refit schedule (``refit_growth=0.1``) and the incremental posterior, over
     ``--workers`` processes of one thread each;
   - *per-seed path*: every seed alone, hyperparameters refitted and the posterior recomputed
     at every iteration (``refit_growth=0``), BoTorch's own box decomposition of each
     sampled front (``partitioning=botorch``) and its joint posterior per candidate
     (``joint_sampling=botorch``): the iteration as it was before seed batches, on
     ``--baseline-seeds`` seeds over the same workers. With fewer baseline seeds than seeds
     its wall time is scaled linearly to ``--seeds`` and printed as *scaled*.

   Quality: final normalized hypervolume (report metric, as the runner stores it) of each
   seed both paths ran, paired two-sided Wilcoxon signed-rank test and the medians. The two
   paths differ in the refit schedule, the decomposition and the joint sampling (a seed's
   history does not depend on its batch; both decompositions are exact, only the log
   acquisition's smoothing differs; both samplings are exact up to rounding).

2. **Per-iteration** (``--per-iteration 50,100,200,400,800``): wall time of one iteration of
   the new path at ``n`` evaluated points per seed, for a batch of ``--iter-seeds`` seeds
   (per seed: total / seeds), both with a hyperparameter refit and with an incremental update;
   against the plain BoTorch loop of ``bench_mobo.py`` (one seed) at ``n = 200``
   (``--skip-baseline`` skips it).

3. **Screening** (``--check-screening K``): ``bench_mobo.py``'s check, run on the first
   problem.

Run as ``python tests/perf/bench_mobo_sweep.py`` (defaults: 30 seeds x 200 evaluations of
qnehvi on ``nbg-cora-err-lat-params`` and ``nb201-cifar100-err-lat-eyeriss``, 2 workers, per-
seed baseline on 4 seeds). Pin the CPUs for a quiet timing (``taskset -c 0,1 python ...``):
workers default to the CPUs this process may use.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

DEFAULT_PROBLEMS = ("nbg-cora-err-lat-params", "nb201-cifar100-err-lat-eyeriss")


def _final_hv(problem, algorithm) -> float:
    """Normalized report hypervolume of the returned set, as the runner's manifest stores it."""
    return float(algorithm.scores().hv_normalized)


def run_group(job: dict) -> list[dict]:
    """Run seeds ``job['seeds']`` (a seed batch when ``job['batched']``, else one by one) in
    this process with one thread; per seed: final HV, wall seconds (batch: share), rows."""
    from lab.algorithms.mobo.seed_batch import SeedBatch
    from lab.algorithms.registry import make_algorithm
    from lab.problems import get_problem
    from lab.threads import thread_limit

    problem = get_problem(job["problem"])
    out = []
    with thread_limit(1):
        algos = [
            make_algorithm(job["algorithm"], problem, budget=job["budget"], seed=s,
                           n_init=job["n_init"], params=job["params"])
            for s in job["seeds"]
        ]  # fmt: skip
        if job["batched"]:
            start = time.perf_counter()
            SeedBatch(algos).run()
            share = (time.perf_counter() - start) / len(algos)
            walls = [share] * len(algos)
        else:
            walls = []
            for a in algos:
                start = time.perf_counter()
                a.run()
                walls.append(time.perf_counter() - start)
        for s, a, w in zip(job["seeds"], algos, walls, strict=True):
            out.append({"seed": s, "hv": _final_hv(problem, a), "wall_s": w,
                        "rows": a.history.rows.tolist()})  # fmt: skip
    return out


def _pool_map(jobs: list[dict], workers: int) -> tuple[list[dict], float]:
    start = time.perf_counter()
    if workers == 1:
        results = [run_group(j) for j in jobs]
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            results = list(pool.map(run_group, jobs))
    return [r for group in results for r in group], time.perf_counter() - start


def sweep(problem: str, args: argparse.Namespace, params: dict) -> dict:
    """Part 1 on one problem."""
    seeds = list(range(args.seeds))
    size = args.seed_batch
    base = {"problem": problem, "algorithm": args.algorithm, "budget": args.budget,
            "n_init": args.n_init}  # fmt: skip
    # Balance: one batch per worker round when the seeds allow it.
    new_jobs = [
        {**base, "seeds": seeds[i : i + size], "batched": True, "params": params}
        for i in range(0, len(seeds), size)
    ]
    from lab.problems import get_problem

    get_problem(problem)  # loaded (and cached) before any timing, for workers=1
    new, new_wall = _pool_map(new_jobs, args.workers)
    new_cpu = sum(r["wall_s"] for r in new)
    print(f"  new path: {len(seeds)} seeds in {len(new_jobs)} seed batches of <= {size} over "
          f"{args.workers} workers: {new_wall:.1f} s wall ({new_cpu:.1f} s inside the runs, "
          "process start and table loading excluded)", flush=True)  # fmt: skip
    out = {"problem": problem, "seeds": len(seeds), "new_wall_s": new_wall,
           "new_run_s": new_cpu, "new": new}  # fmt: skip
    if args.baseline_seeds <= 0:
        return out
    k = min(args.baseline_seeds, len(seeds))
    old_params = {
        **params,
        "refit_growth": 0.0,
        "partitioning": "botorch",
        "joint_sampling": "botorch",
    }
    old_jobs = [{**base, "seeds": [s], "batched": False, "params": old_params} for s in seeds[:k]]
    old, old_wall = _pool_map(old_jobs, args.workers)
    old_cpu = sum(r["wall_s"] for r in old)
    scaled = old_wall * len(seeds) / k
    scaled_cpu = old_cpu * len(seeds) / k
    label = "measured" if k == len(seeds) else f"scaled linearly from {k} seeds"
    print(f"  per-seed path: {k} seeds {old_wall:.1f} s wall ({old_cpu:.1f} s inside the runs) "
          f"-> {len(seeds)} seeds {scaled:.1f} s wall, {scaled_cpu:.1f} s inside ({label}); "
          f"new path {scaled / new_wall:.2f}x faster in wall time, "
          f"{scaled_cpu / new_cpu:.2f}x inside the runs", flush=True)  # fmt: skip
    out.update(old_wall_s=old_wall, old_run_s=old_cpu, old_wall_scaled_s=scaled,
               old_run_scaled_s=scaled_cpu, old_seeds=k, old=old, speedup=scaled / new_wall,
               speedup_runs=scaled_cpu / new_cpu)  # fmt: skip
    hv_new = np.array([r["hv"] for r in new[:k]])
    hv_old = np.array([r["hv"] for r in old])
    out.update(median_hv_new=float(np.median(hv_new)), median_hv_old=float(np.median(hv_old)))
    if k >= 2 and np.any(hv_new != hv_old):
        from scipy.stats import wilcoxon

        p = float(wilcoxon(hv_new, hv_old, alternative="two-sided").pvalue)
    else:
        p = 1.0
    out["wilcoxon_p"] = p
    wins = int((hv_new > hv_old).sum())
    losses = int((hv_new < hv_old).sum())
    print(f"  quality over {k} paired seeds: median HV new {np.median(hv_new):.4f} vs "
          f"per-seed {np.median(hv_old):.4f}; new better {wins}, worse {losses}, equal "
          f"{k - wins - losses}; Wilcoxon two-sided p = {p:.3g}", flush=True)  # fmt: skip
    return out


def per_iteration(problem_name: str, ns: list[int], args: argparse.Namespace,
                  params: dict) -> dict:  # fmt: skip
    """Part 2: one iteration of the new path at ``n`` points per seed."""
    from lab.algorithms.mobo.seed_batch import SeedBatchEngine
    from lab.algorithms.registry import make_algorithm
    from lab.problems import get_problem
    from lab.threads import thread_limit

    problem = get_problem(problem_name)
    out: dict = {"problem": problem_name, "seeds": args.iter_seeds, "n": {}}
    with thread_limit(1):
        for n in ns:
            algos = [
                make_algorithm(args.algorithm, problem, budget=n + 3, seed=s, n_init=n - 1,
                               params=params)
                for s in range(args.iter_seeds)
            ]  # fmt: skip
            for a in algos:  # the shared random initial design of n - 1 points
                while a.n_evaluated < n - 1:
                    g = a.ask()
                    a.tell(g, problem.evaluate(g))
            engine = SeedBatchEngine(algos)
            times = []
            # A cold fit, an incremental update (the growth is not reached), a warm refit.
            for growth in (0.1, 0.1, 0.0):
                for a in algos:
                    a.refit_growth = growth
                start = time.perf_counter()
                rows = engine.propose(1)
                times.append((time.perf_counter() - start) / len(algos))
                for a, r in zip(algos, rows, strict=True):
                    a._prepared = r
                    g = a.ask()
                    a.tell(g, problem.evaluate(g))
            stages = {k: float(np.mean([a.timings.get(k, 0.0) for a in algos]))
                      for k in ("screen_s", "acquisition_s")}  # fmt: skip
            out["n"][n] = {"cold_s": times[0], "incremental_s": times[1],
                           "warm_refit_s": times[2], **stages}  # fmt: skip
            print(f"  n={n}: per seed {times[1]:.3f} s incremental, {times[2]:.3f} s with a "
                  f"warm refit, {times[0]:.3f} s cold (screen {stages['screen_s']:.3f}, "
                  f"BoTorch acquisition {stages['acquisition_s']:.3f})", flush=True)  # fmt: skip
        if not args.skip_baseline:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_mobo import plain_loop

            n = 200
            rng = np.random.default_rng(0)
            rows = rng.choice(problem.n_architectures, n, replace=False)
            evaluated = np.zeros(problem.n_architectures, dtype=bool)
            evaluated[rows] = True
            start = time.perf_counter()
            plain_loop(problem, rows, evaluated, 0)
            out["plain_botorch_n200_s"] = time.perf_counter() - start
            print(f"  plain BoTorch loop at n=200: {out['plain_botorch_n200_s']:.2f} s per "
                  "iteration (one seed)", flush=True)  # fmt: skip
    return out


def main() -> None:
    from lab.threads import available_cpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", nargs="+", default=list(DEFAULT_PROBLEMS))
    parser.add_argument("--algorithm", default="qnehvi")
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--n-init", type=int, default=10)
    parser.add_argument("--seed-batch", type=int, default=15)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--baseline-seeds", type=int, default=4)
    parser.add_argument("--per-iteration", default="", help="comma-separated n, e.g. 50,100")
    parser.add_argument("--iter-seeds", type=int, default=8)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--check-screening", type=int, default=0, metavar="K")
    parser.add_argument("--device", default="cpu", help="auto, cpu or cuda")
    parser.add_argument("--params", default="{}", help="extra hyperparameters, JSON")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    args.workers = args.workers or available_cpus()
    params = {"device": args.device, **json.loads(args.params)}
    report: dict = {"args": vars(args), "cpus": available_cpus()}
    print(f"{args.algorithm}: {args.seeds} seeds x {args.budget} evaluations (batch 1), "
          f"{args.workers} workers x 1 thread on {available_cpus()} CPUs, device "
          f"{args.device}", flush=True)  # fmt: skip

    def save() -> None:  # after every part: a stopped run keeps what it measured
        if args.json:
            Path(args.json).write_text(json.dumps(report, default=float, indent=1))

    if not args.skip_sweep:
        report["sweep"] = []
        for name in args.problems:
            print(name, flush=True)
            report["sweep"].append(sweep(name, args, params))
            save()
    if args.per_iteration:
        ns = [int(v) for v in args.per_iteration.split(",")]
        print(f"per-iteration ({args.problems[0]}, batch of {args.iter_seeds} seeds)", flush=True)
        report["per_iteration"] = per_iteration(args.problems[0], ns, args, params)
        save()
    if args.check_screening:
        import subprocess

        cmd = [sys.executable, str(Path(__file__).with_name("bench_mobo.py")), "--problem",
               args.problems[0], "--skip-baseline", "--threads", "1", "--iterations", "1",
               "--check-screening", str(args.check_screening)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        tail = [ln for ln in done.stdout.splitlines() if "screen" in ln.lower()]
        print("\n".join(tail[-6:]), flush=True)
        report["check_screening"] = tail
    save()


if __name__ == "__main__":
    main()
