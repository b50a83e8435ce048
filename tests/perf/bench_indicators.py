"""Benchmark: anytime traces (hypervolume + IGD+ on a log grid) for 1,000 synthetic runs x 500
evaluations x 3 objectives, with the incremental returned set of ``lab.scoring.anytime`` versus a
naive baseline that recomputes the non-dominated set and the indicators from scratch at every grid
point, both measured in the same process. Also times the archive alone (no indicator) and a dense
grid (every 5th evaluation) on a subset of the runs, where skipping unchanged archives pays most.

Each measurement alternates the two methods and keeps the best of ``REPEATS`` timings, which is
robust to other load on the machine. Prints times and ratios; asserts only that the two methods
give the same values. Run as ``python tests/perf/bench_indicators.py`` (the name keeps pytest from
collecting it).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import moocore
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_size import sized

from lab.indicators.distance import igd_plus
from lab.indicators.hypervolume import hypervolume
from lab.scoring import anytime_traces_many, evaluation_grid

N_RUNS = sized(1_000, 200)
N_EVALS = 500
N_OBJ = 3
GRID_POINTS = 20
DENSE_RUNS = 100
DENSE_STEP = 5
REPEATS = sized(3, 1)
SEED = 20_240_601
INDICATORS = ("hv", "igd_plus")


def sphere_front(h: int = 30) -> np.ndarray:
    """DTLZ2-like exact front: a simplex lattice (``h`` divisions) projected on the unit sphere."""
    pts = [(i, j, h - i - j) for i in range(h + 1) for j in range(h + 1 - i)]
    W = np.asarray(pts, dtype=float) / h
    return W / np.linalg.norm(W, axis=1, keepdims=True)


def synthetic_runs(rng: np.random.Generator) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Runs whose points approach the sphere front as evaluations accrue; ~10% infeasible."""
    t = np.arange(N_EVALS)[:, None]
    runs, masks = [], []
    for _ in range(N_RUNS):
        u = np.abs(rng.standard_normal((N_EVALS, N_OBJ)))
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        radius = 1.0 + 0.8 * np.exp(-t / 150.0) * rng.uniform(0.2, 1.5, (N_EVALS, 1))
        runs.append(u * radius)
        masks.append(rng.random(N_EVALS) > 0.1)
    return runs, masks


def naive_traces(runs, masks, grid, front, ref, indicators) -> dict[str, np.ndarray]:
    """Baseline: non-dominated set of the first k evaluations recomputed from scratch."""
    names = ("n_returned", *indicators)
    out = {name: np.empty((len(runs), grid.size)) for name in names}
    for j, (F, mask) in enumerate(zip(runs, masks, strict=True)):
        for g, k in enumerate(grid):
            pts = F[:k][mask[:k]]
            nd = pts[moocore.is_nondominated(pts, keep_weakly=True)] if pts.shape[0] else pts
            out["n_returned"][j, g] = nd.shape[0]
            if "hv" in indicators:
                out["hv"][j, g] = hypervolume(nd, ref)
            if "igd_plus" in indicators:
                out["igd_plus"][j, g] = igd_plus(nd, front)
    return out


def best_time(fn: Callable[[], dict[str, np.ndarray]]) -> tuple[dict[str, np.ndarray], float]:
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def compare(label, runs, masks, grid, front, ref, indicators) -> None:
    """Time both methods (alternating, best of REPEATS), check they agree, print the ratio."""
    t_inc = t_naive = float("inf")
    for _ in range(REPEATS):
        inc, t = best_time(
            lambda: anytime_traces_many(
                runs, front, ref, feasible=masks, grid=grid, indicators=indicators
            )
        )
        t_inc = min(t_inc, t)
        naive, t = best_time(lambda: naive_traces(runs, masks, grid, front, ref, indicators))
        t_naive = min(t_naive, t)
    for name in ("n_returned", *indicators):
        np.testing.assert_allclose(inc[name], naive[name], rtol=1e-12, atol=1e-15)
    print(f"{label}: {len(runs)} runs, {grid.size} grid points")
    print(f"  mean final returned-set size: {inc['n_returned'][:, -1].mean():.1f}")
    print(f"  incremental: {t_inc:8.3f} s")
    print(f"  naive:       {t_naive:8.3f} s")
    print(f"  speed-up (naive / incremental): {t_naive / t_inc:.2f}x")


def main() -> None:
    rng = np.random.default_rng(SEED)
    runs, masks = synthetic_runs(rng)
    front = sphere_front()
    ref = np.full(N_OBJ, 1.1)
    grid = evaluation_grid(N_EVALS, points=GRID_POINTS)
    print(
        f"{N_RUNS} runs x {N_EVALS} evaluations x {N_OBJ} objectives; front of "
        f"{front.shape[0]} points; log grid {grid.tolist()}; best of {REPEATS} timings"
    )
    compare("HV + IGD+, log grid", runs, masks, grid, front, ref, INDICATORS)
    compare("archive only (no indicator), log grid", runs, masks, grid, front, ref, ())
    dense = np.arange(DENSE_STEP, N_EVALS + 1, DENSE_STEP)
    sub_runs, sub_masks = runs[:DENSE_RUNS], masks[:DENSE_RUNS]
    compare(
        f"HV + IGD+, every {DENSE_STEP}th evaluation",
        sub_runs,
        sub_masks,
        dense,
        front,
        ref,
        INDICATORS,
    )


if __name__ == "__main__":
    main()
