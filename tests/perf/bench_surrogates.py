"""Benchmark: surrogate fitting and whole-space prediction.

1. Fit XGBoost (the default surrogate, default hyperparameters and encoding) on 15,000 rows of
   NAS-Bench-201 (all 15,625 cells when the 12-epoch table can be built, else 15,000 rows of
   NAS-Bench-Graph), and, for scale, scikit-learn's GradientBoostingRegressor with the same
   number of trees and depth on the same features.
2. Predict the whole space: one vectorized call (encode + predict) versus a loop that predicts
   one architecture at a time (timed on a sample, extrapolated to the space).
3. Encode the whole space: vectorized encoding versus a per-genome loop.

Prints times and ratios; asserts only that the compared methods agree.
Run as ``python tests/perf/bench_surrogates.py`` (the name keeps pytest from collecting it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_size import sized

from lab.benchmarks.store import load_table
from lab.errors import LabError
from lab.surrogates.surrogate import Surrogate

N_FIT = sized(15_000, 4_000)
LOOP_SAMPLE = 300
COMPARE_TREES = sized(100, 30)
SEED = 20_240_601


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    try:
        table, target = load_table("nasbench201-12ep"), "val_acc_cifar10"
    except LabError:
        table, target = load_table("nasbench-graph"), "val_acc_cora"
    rng = np.random.default_rng(SEED)
    rows = np.sort(rng.choice(len(table), size=min(N_FIT, len(table)), replace=False))
    print(f"table {table.name} ({len(table)} rows), target {target}, fit on {len(rows)} rows")

    surrogate = Surrogate.for_table(table, [target], predictor="xgboost", transform="auto")
    fit_s, _ = timed(lambda: surrogate.fit_table(table, rows))
    X = surrogate.encoder.encode(table.genomes[rows])
    y = surrogate.to_transformed(table.metric_values(target)[rows][:, None])[:, 0]
    print(f"fit XGBoost (default: {surrogate.predictor.n_estimators} trees, depth "
          f"{surrogate.predictor.max_depth}, {X.shape[1]} features): {fit_s:.2f} s")  # fmt: skip

    from sklearn.ensemble import GradientBoostingRegressor

    from lab.surrogates.predictors import make_predictor

    small = make_predictor("xgboost", n_estimators=COMPARE_TREES, max_depth=6)
    xgb_s, _ = timed(lambda: small.fit(X, y))
    gbr = GradientBoostingRegressor(n_estimators=COMPARE_TREES, max_depth=6, random_state=0)
    gbr_s, _ = timed(lambda: gbr.fit(X, y))
    print(f"{COMPARE_TREES} trees of depth 6: XGBoost hist {xgb_s:.2f} s, scikit-learn "
          f"GradientBoostingRegressor {gbr_s:.2f} s, ratio {gbr_s / xgb_s:.1f}x")  # fmt: skip

    genomes = table.genomes
    vec_s, vec = timed(lambda: surrogate.predict(genomes), repeat=3)
    sample = genomes[rng.choice(len(genomes), size=LOOP_SAMPLE, replace=False)]
    loop_s, loop = timed(lambda: np.vstack([surrogate.predict(g[None, :]) for g in sample]))
    per_space = loop_s / LOOP_SAMPLE * len(genomes)
    np.testing.assert_allclose(loop, surrogate.predict(sample), rtol=1e-6)
    print(f"predict the whole space ({len(genomes)} architectures): vectorized {vec_s:.3f} s; "
          f"one at a time {per_space:.1f} s (extrapolated from {LOOP_SAMPLE}); "
          f"ratio {per_space / vec_s:.0f}x")  # fmt: skip
    assert vec.shape == (len(genomes), 1)

    enc = surrogate.encoder
    enc_s, Xall = timed(lambda: enc.encode(genomes), repeat=3)
    enc_loop_s, Xloop = timed(lambda: np.vstack([enc.encode(g[None, :]) for g in sample]))
    np.testing.assert_array_equal(Xloop, enc.encode(sample))
    per_space = enc_loop_s / LOOP_SAMPLE * len(genomes)
    print(f"encode the whole space ({enc.name}, {Xall.shape[1]} features): vectorized "
          f"{enc_s:.3f} s; one at a time {per_space:.1f} s; ratio {per_space / enc_s:.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
