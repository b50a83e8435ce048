"""Train/test splits of a benchmark table for the predictor study.

* ``random``: ``n_train`` rows drawn uniformly; the test set is every other row.
* ``ood`` (out of distribution): rows sorted by a region metric (the target itself, or a cost
  such as FLOPs); the training rows are drawn from the worse (or cheaper) ``1 - top_fraction``
  of the table, the test set is the top ``top_fraction``. Extrapolating to the best or largest
  architectures is what a search needs and what a random split never measures.
* cross-dataset / cross-device: a random split whose test set is scored on another column
  (fit on CIFAR-10, score on CIFAR-100; fit on one device's latency, score on another's).
  :class:`Split` carries the rows; the evaluation protocol carries the columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.errors import SurrogateError


@dataclass(frozen=True)
class Split:
    """Row indices of a train/test split.

    Attributes:
        kind: ``random`` or ``ood``.
        train: training rows, length ``n_train``.
        test: test rows (disjoint from ``train``).
    """

    kind: str
    train: np.ndarray
    test: np.ndarray


def random_split(n_rows: int, n_train: int, rng: np.random.Generator) -> Split:
    """``n_train`` uniformly drawn training rows; the rest is the test set."""
    if not 1 <= n_train < n_rows:
        raise SurrogateError(f"n_train must be in 1..{n_rows - 1}, got {n_train}")
    perm = rng.permutation(n_rows)
    return Split("random", np.sort(perm[:n_train]), np.sort(perm[n_train:]))


def ood_split(
    region: np.ndarray,
    n_train: int,
    rng: np.random.Generator,
    *,
    top_fraction: float = 0.2,
    larger_is_top: bool = True,
) -> Split:
    """Train on the lower region of ``region`` values, test on the top ``top_fraction``.

    Args:
        region: ``n_rows`` values that define the regions (e.g. accuracy, FLOPs).
        n_train: training rows, drawn uniformly from the lower region.
        rng: random generator.
        top_fraction: share of the rows in the test (top) region.
        larger_is_top: whether large ``region`` values form the top region.
    """
    if not 0.0 < top_fraction < 1.0:
        raise SurrogateError(f"top_fraction must be in (0, 1), got {top_fraction}")
    region = np.asarray(region, dtype=np.float64)
    order = np.argsort(-region if larger_is_top else region, kind="stable")
    n_top = max(1, round(top_fraction * len(region)))
    top, rest = order[:n_top], order[n_top:]
    if not 1 <= n_train <= len(rest):
        raise SurrogateError(
            f"n_train must be in 1..{len(rest)} (the rows outside the top {top_fraction:.0%}), "
            f"got {n_train}"
        )
    train = rng.choice(rest, size=n_train, replace=False)
    return Split("ood", np.sort(train), np.sort(top))


SPLIT_KINDS = ("random", "ood")
