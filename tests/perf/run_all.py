"""Run every benchmark of ``tests/perf`` one after another and print how long each took.

``python tests/perf/run_all.py`` (``make perf``) runs them at the small size: every benchmark
still measures its baseline in the same run and prints its ratios, on fewer runs, evaluations
or seeds (310 s on 2 quiet cores in all, 12 benchmarks). ``--full`` (``make perf-full``) runs the sizes
the README's figures come from (hours: the 30-seed BO sweep and the plain BoTorch loop over a
whole table dominate). ``--only NAME`` runs the named benchmarks (file names without
``bench_`` and ``.py``). A benchmark that fails stops the run with its exit status.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Arguments of the benchmarks with a command line, at the small size (the others read
#: ``LAB_PERF_SIZE``, see ``perf_size.py``).
SMALL_ARGS: dict[str, list[str]] = {
    "analyze": ["--evaluations", "100"],
    "mobo": ["--problem", "macro-err-params-flops", "--n-eval", "60", "--iterations", "3"],
    "mobo_quality": ["--seeds", "2", "--budget", "40", "--problems", "nbg-cora-err-lat-params"],
    "mobo_sweep": [
        "--problems", "nbg-cora-err-lat-params", "--seeds", "4", "--budget", "40",
        "--seed-batch", "2", "--baseline-seeds", "2", "--per-iteration", "50,100",
        "--iter-seeds", "2", "--skip-baseline",
    ],
}  # fmt: skip


def benchmarks() -> list[str]:
    """Names of the benchmark files, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full sizes (hours)")
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME")
    args = parser.parse_args()
    names = benchmarks()
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"unknown benchmarks {unknown}; known: {names}")
        names = [n for n in names if n in args.only]
    size = "full" if args.full else "small"
    env = {**os.environ, "LAB_PERF_SIZE": size}
    times: list[tuple[str, float]] = []
    for name in names:
        extra = [] if args.full else SMALL_ARGS.get(name, [])
        command = [sys.executable, str(HERE / f"bench_{name}.py"), *extra]
        print(f"\n=== {name} ({size}): {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        status = subprocess.run(command, env=env, check=False).returncode
        times.append((name, time.perf_counter() - start))
        if status != 0:
            print(f"benchmark {name} failed with exit status {status}", file=sys.stderr)
            return status
    print(f"\n=== wall time per benchmark ({size} size)")
    for name, seconds in times:
        print(f"{name:>14}  {seconds:8.1f} s")
    print(f"{'total':>14}  {sum(s for _, s in times):8.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
