"""Benchmark: anytime traces (hypervolume + IGD+ on a log grid) for 1,000 synthetic runs x 500
evaluations x 3 objectives, incremental archive (``lab.indicators.anytime``) versus a naive
baseline that recomputes the non-dominated set and the indicators from scratch at every grid
point. Prints both times and their ratio; asserts only that the two methods agree.

Run as ``python tests/perf/bench_indicators.py`` (the name keeps pytest from collecting it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import moocore
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lab.indicators.anytime import anytime_traces_many, evaluation_grid  # noqa: E402
from lab.indicators.distance import igd_plus  # noqa: E402
from lab.indicators.hypervolume import hypervolume  # noqa: E402

N_RUNS = 1_000
N_EVALS = 500
N_OBJ = 3
GRID_POINTS = 20
SEED = 20_240_601


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


def naive_traces(runs, masks, grid, front, ref) -> dict[str, np.ndarray]:
    """Baseline: non-dominated set of the first k evaluations recomputed from scratch."""
    hv = np.empty((len(runs), grid.size))
    igdp = np.empty((len(runs), grid.size))
    for j, (F, mask) in enumerate(zip(runs, masks, strict=True)):
        for g, k in enumerate(grid):
            pts = F[:k][mask[:k]]
            nd = moocore.filter_dominated(pts) if pts.shape[0] else pts
            hv[j, g] = hypervolume(nd, ref)
            igdp[j, g] = igd_plus(nd, front)
    return {"hv": hv, "igd_plus": igdp}


def main() -> None:
    rng = np.random.default_rng(SEED)
    runs, masks = synthetic_runs(rng)
    front = sphere_front()
    ref = np.full(N_OBJ, 1.1)
    grid = evaluation_grid(N_EVALS, points=GRID_POINTS)
    print(
        f"{N_RUNS} runs x {N_EVALS} evaluations x {N_OBJ} objectives; "
        f"{grid.size} grid points {grid.tolist()}; front of {front.shape[0]} points"
    )

    t0 = time.perf_counter()
    inc = anytime_traces_many(
        runs, front, ref, feasible=masks, grid=grid, indicators=("hv", "igd_plus")
    )
    t_inc = time.perf_counter() - t0

    t0 = time.perf_counter()
    naive = naive_traces(runs, masks, grid, front, ref)
    t_naive = time.perf_counter() - t0

    for name in ("hv", "igd_plus"):
        np.testing.assert_allclose(inc[name], naive[name], rtol=1e-12, atol=1e-15)
    print(f"mean final archive size: {inc['archive_size'][:, -1].mean():.1f}")
    print(f"incremental: {t_inc:8.3f} s")
    print(f"naive:       {t_naive:8.3f} s")
    print(f"speed-up (naive / incremental): {t_naive / t_inc:.2f}x")


if __name__ == "__main__":
    main()
