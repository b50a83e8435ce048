"""Benchmark: the sweep runner's overhead per run, and its speed-up from 1 to 2 workers.

Sweeps of random search on NAS-Bench-Graph (Cora) in two sizes: many cheap runs (budget 100,
~0.02 s of algorithm time each), where the runner's own cost dominates, and fewer longer runs
(budget 10,000, ~2.5 s each), where parallelism can pay. A pool worker is a fresh process: it pays
the one-off warm-up (imports, loading the table, the space's canonical table; seconds) inside
its first run, so the pool's run-time sum exceeds the in-process one. Each sweep runs into a fresh temporary
store with ``--workers 1`` (in this process) and ``--workers 2`` (a spawned process pool).

Per sweep it prints the wall time, the summed wall time of the algorithms' own runs (measured
inside each run: ``Algorithm.run()``, evaluation included), and the runner's overhead per run:
``(workers x sweep wall - sum of run times) / runs`` — worker-slot time not spent in an
algorithm (store checks, locks, writes, hand-over, process start-up). In-process sweeps are run
twice, the first paying the process's one-off warm-up (loading the table, the space's
canonical table), which the runs themselves measure; ``warmup_s`` estimates it per sweep as
the excess of each process's first run over the median run. Asserts only that every run completed and
that 1 and 2 workers produced identical histories.

Run as ``python tests/perf/bench_runner.py`` (the name keeps pytest from collecting it).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_size import sized

from lab.experiments import parse_config, run_sweep
from lab.results import load_experiment, load_manifests

PROBLEM = "nbg-cora-err-lat"
SIZES = {
    "cheap": {"budget": 100, "seeds": sized(40, 16)},
    "long": {"budget": sized(10000, 3000), "seeds": sized(12, 4)},
}


def sweep(size: str, workers: int, root: Path) -> dict[str, float]:
    spec = SIZES[size]
    config = parse_config(
        {
            "name": f"bench-{size}",
            "problems": [PROBLEM],
            "algorithms": ["random"],
            "seeds": spec["seeds"],
            "budget": spec["budget"],
            "n_init": 10,
        },
        source="bench_runner",
    )
    start = time.perf_counter()
    report = run_sweep(config, workers=workers, results_dir=root, progress=False)
    wall = time.perf_counter() - start
    assert report.complete and len(report.ok) == spec["seeds"], report
    m = load_manifests(config.name, root=root)
    runs = len(m)
    run_sum = float(m["run_time_s"].sum())
    # Each process's first run carries its warm-up: its excess over the median run.
    m = m.sort_values("started_at")
    median = float(m["wall_time_s"].median())
    warmup = float((m.groupby("pid")["wall_time_s"].first() - median).clip(lower=0).sum())
    return {
        "runs": runs,
        "wall_s": wall,
        "run_sum_s": run_sum,
        "algo_sum_s": float(m["algo_time_s"].sum()),
        "warmup_s": warmup,
        "overhead_per_run_ms": 1e3 * (workers * wall - run_sum) / runs,
    }


def main() -> None:
    load = os.getloadavg()
    print(
        f"{os.cpu_count()} CPUs; load average before: {load[0]:.2f} (other processes compete for "
        "the same cores, which the 2-worker figures feel first)"
    )
    rows = []
    tidy: dict[tuple[str, int], pd.DataFrame] = {}
    for size in SIZES:
        for workers, label in ((1, "1 (cold)"), (1, "1 (warm)"), (2, "2 (pool)")):
            with tempfile.TemporaryDirectory() as tmp:
                res = sweep(size, workers, Path(tmp))
                frame = load_experiment(f"bench-{size}", root=tmp).drop(columns="algo_time_s")
            tidy[size, workers] = frame
            rows.append({"sweep": size, "workers": label, **res})
        pd.testing.assert_frame_equal(tidy[size, 1], tidy[size, 2])
    df = pd.DataFrame(rows)
    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(df.to_string(index=False))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for size in SIZES:
        sub = df[df["sweep"] == size].set_index("workers")
        print(
            f"{size}: speed-up 1 -> 2 workers = {sub.loc['1 (cold)', 'wall_s'] / sub.loc['2 (pool)', 'wall_s']:.2f}x "
            f"vs a cold in-process sweep, {sub.loc['1 (warm)', 'wall_s'] / sub.loc['2 (pool)', 'wall_s']:.2f}x "
            f"vs a warm one; runner overhead per run (warm, in-process): "
            f"{sub.loc['1 (warm)', 'overhead_per_run_ms']:.1f} ms against "
            f"{1e3 * sub.loc['1 (warm)', 'run_sum_s'] / sub.loc['1 (warm)', 'runs']:.1f} ms of "
            "algorithm run time"
        )


if __name__ == "__main__":
    main()
