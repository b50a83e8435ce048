"""The few-shot latency-transfer protocol of HELP (Lee et al., NeurIPS 2021, Table 3) on the
NAS-Bench-201 space, and the rows the paper publishes.

The protocol, as HELP's released code applies it (``loader.py`` of HayeonLee/HELP at the commit
whose latency files the lab imports):

* architectures are numbered by their official NAS-Bench-201 index (the list index of the HELP
  latency files);
* the **training pool** is indices ``0..899``, the **test set** ``900..1899`` (by index, not a
  random split);
* each device's pool and test set are **trimmed on that device's own latency** to the
  10-90 % quantiles: the indices sorted by latency, positions ``int(0.1 n)`` to ``int(0.9 n)``
  kept (720 of the pool, 800 of the test set);
* a few-shot predictor gets ``n`` measurements drawn from the trimmed pool and is scored by
  Spearman's rho against the measured latency on the trimmed test set.

HELP sorts with numpy's default (unstable) sort on float32 latencies; here the sort is stable on
the float64 values, so that among tied latencies (the phones store whole milliseconds, Eyeriss
and the FPGA few distinct values) the lower index is dropped first. Where the 10 % or 90 % cut
falls inside a tie group the kept set, and so rho, can differ slightly from HELP's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lab.errors import InputError

SOURCE_DEVICES: tuple[str, ...] = (
    "1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50",
    "pixel3", "essential_ph_1", "samsung_s7",
)  # fmt: skip
VALIDATION_DEVICES: tuple[str, ...] = ("titanx_1", "titanx_32", "titanx_256", "gold_6240")
TARGET_DEVICES: tuple[str, ...] = (
    "titan_rtx_256", "gold_6226", "pixel2", "raspi4", "eyeriss", "fpga",
)  # fmt: skip
POOL_SIZE = 900
TEST_SIZE = 1000
TRIM_QUANTILES: tuple[float, float] = (0.1, 0.9)
N_TARGET_SAMPLES = 10

#: Table 3 of HELP, NAS-Bench-201, Spearman's rho per target device in :data:`TARGET_DEVICES`
#: order: ``row name -> (number of target samples or None, values)``.
PUBLISHED_ROWS: dict[str, tuple[int | None, tuple[float, ...]]] = {
    "FLOPs": (None, (0.950, 0.826, 0.765, 0.846, 0.437, 0.900)),
    "Layer-wise predictor": (None, (0.667, 0.866, float("nan"), float("nan"), float("nan"), float("nan"))),
    "BRP-NAS": (900, (0.814, 0.796, 0.666, 0.847, 0.811, 0.801)),
    "BRP-NAS (+extra samples)": (3200, (0.822, 0.805, 0.693, 0.853, 0.830, 0.828)),
    "HELP": (10, (0.987, 0.989, 0.802, 0.890, 0.940, 0.985)),
}  # fmt: skip
#: The published means (the paper averages the devices it reports).
PUBLISHED_MEANS: dict[str, float] = {
    "FLOPs": 0.787,
    "Layer-wise predictor": 0.767,
    "BRP-NAS": 0.789,
    "BRP-NAS (+extra samples)": 0.805,
    "HELP": 0.932,
}


@dataclass(frozen=True)
class Split:
    """The training pool and the test set, as official architecture indices (``int64``)."""

    pool: np.ndarray
    test: np.ndarray


def index_split(n_archs: int, pool_size: int = POOL_SIZE, test_size: int = TEST_SIZE) -> Split:
    """The first ``pool_size`` indices as the pool, the next ``test_size`` as the test set."""
    if pool_size < 1 or test_size < 1 or pool_size + test_size > n_archs:
        raise InputError(
            f"pool_size={pool_size} and test_size={test_size} must be positive and together at "
            f"most the {n_archs} architectures"
        )
    return Split(
        np.arange(pool_size, dtype=np.int64),
        np.arange(pool_size, pool_size + test_size, dtype=np.int64),
    )


def trim_to_quantiles(
    values: np.ndarray, indices: np.ndarray, quantiles: tuple[float, float] = TRIM_QUANTILES
) -> np.ndarray:
    """The members of ``indices`` whose ``values`` lie in the ``quantiles`` range, HELP's way.

    Args:
        values: one value per architecture, shape ``(n_archs,)`` (e.g. a device's latency, ms).
        indices: the set to trim, shape ``(m,)``.
        quantiles: ``(low, high)`` in ``[0, 1]``; positions ``int(low * m)`` to ``int(high * m)``
            (end excluded) of the set sorted by value are kept (stable sort: ties in index order).

    Returns:
        The kept indices, in increasing order of value (``int64``).
    """
    low, high = quantiles
    if not 0.0 <= low < high <= 1.0:
        raise InputError(f"trim quantiles must satisfy 0 <= low < high <= 1, got {quantiles}")
    indices = np.asarray(indices, dtype=np.int64)
    order = np.argsort(np.asarray(values, dtype=np.float64)[indices], kind="stable")
    m = len(indices)
    return indices[order[int(low * m) : int(high * m)]]


def spearman(prediction: np.ndarray, truth: np.ndarray) -> float:
    """Spearman's rho (average ranks for ties); ``nan`` when either side is constant."""
    prediction = np.asarray(prediction, dtype=np.float64)
    truth = np.asarray(truth, dtype=np.float64)
    if prediction.shape != truth.shape or prediction.ndim != 1:
        raise InputError(
            f"spearman needs two 1-D arrays of one length, got {prediction.shape} and {truth.shape}"
        )
    if np.ptp(prediction) == 0 or np.ptp(truth) == 0:
        return float("nan")
    return float(stats.spearmanr(prediction, truth).statistic)


def proxy_row(
    proxy: np.ndarray,
    latencies: Mapping[str, np.ndarray],
    devices: Sequence[str] = TARGET_DEVICES,
    split: Split | None = None,
) -> dict[str, float]:
    """Spearman's rho of a zero-shot proxy (e.g. FLOPs) on each device's trimmed test set.

    Args:
        proxy: one value per architecture, shape ``(n_archs,)``.
        latencies: device -> measured latency per architecture (ms), shape ``(n_archs,)``.
        devices: the devices to score, in the order of the returned mapping.
        split: the pool and test set (default: :func:`index_split`).
    """
    split = split or index_split(len(proxy))
    out = {}
    for device in devices:
        test = trim_to_quantiles(latencies[device], split.test)
        out[device] = spearman(np.asarray(proxy)[test], latencies[device][test])
    return out
