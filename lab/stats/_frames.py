"""Checks shared by the routines that take tidy ``pandas`` tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lab.errors import StatsInputError


def require_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`StatsInputError` naming every column of ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise StatsInputError(
            f"missing column(s) {missing}; the table has {list(map(str, df.columns))}"
        )


def numeric_values(df: pd.DataFrame, value_col: str) -> pd.DataFrame:
    """``df`` with ``value_col`` as float and its NaN rows dropped (a missing value is no data)."""
    out = df.copy()
    try:
        out[value_col] = out[value_col].astype(float)
    except (TypeError, ValueError) as exc:
        raise StatsInputError(f"column {value_col!r} must be numeric: {exc}") from exc
    return out[~np.isnan(out[value_col].to_numpy())]


def as_generator(seed: int | np.random.Generator | np.random.SeedSequence) -> np.random.Generator:
    """A numpy Generator from a seed, a SeedSequence, or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer | np.random.SeedSequence):
        raise StatsInputError(
            f"seed must be an int, a numpy SeedSequence or a numpy Generator, got {seed!r}"
        )
    return np.random.default_rng(seed)
