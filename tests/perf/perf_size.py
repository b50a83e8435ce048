"""Benchmark sizes: ``LAB_PERF_SIZE=small`` (what ``make perf`` runs: every benchmark in a few
minutes together) or ``full`` (the default when a benchmark is run directly, and
``make perf-full``): the sizes the README's figures were measured at."""

from __future__ import annotations

import os

SIZES = ("small", "full")


def perf_size() -> str:
    """The requested size; an unknown value is an error naming the variable."""
    value = os.environ.get("LAB_PERF_SIZE", "full").strip().lower() or "full"
    if value not in SIZES:
        raise SystemExit(f"LAB_PERF_SIZE must be one of {list(SIZES)}, not {value!r}")
    return value


def sized(full: int, small: int) -> int:
    """``full`` at the full size, ``small`` at the small one."""
    return small if perf_size() == "small" else full
