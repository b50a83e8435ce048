"""Time to load a built benchmark table from the data directory (target: well under a second).

Baseline, measured in the same run: building the table from its raw sources.

Run: ``python tests/perf/bench_table_load.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from lab.benchmarks.store import build_table, clear_cache, load_table, recipes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print(f"{'benchmark':26s} {'rows':>7s} {'build s':>9s} {'load s':>8s} {'ratio':>7s}")
        for name, recipe in recipes().items():
            if not recipe.available():
                print(f"{name:26s} skipped: raw files absent")
                continue
            start = time.perf_counter()
            table = build_table(name, directory=directory)
            t_build = time.perf_counter() - start
            loads = []
            for _ in range(5):
                clear_cache()
                start = time.perf_counter()
                load_table(name, directory=directory)
                loads.append(time.perf_counter() - start)
            t_load = min(loads)
            print(
                f"{name:26s} {len(table):7d} {t_build:9.3f} {t_load:8.3f} {t_build / t_load:6.0f}x"
            )


if __name__ == "__main__":
    main()
