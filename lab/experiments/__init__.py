"""Sweeps: configs, their expansion into runs, executors and the resumable runner.

The runner is imported on first use (``lab.experiments.run_sweep``), because the results store
it writes into depends on this package's run ids.
"""

from typing import Any

from lab.experiments.config import AlgorithmEntry, SweepConfig, load_config, parse_config
from lab.experiments.expansion import RunSpec, derive_run_seed, expand, run_id_of

__all__ = [
    "AlgorithmEntry",
    "RunSpec",
    "SweepConfig",
    "derive_run_seed",
    "expand",
    "load_config",
    "parse_config",
    "run_id_of",
    "run_sweep",
]


def __getattr__(name: str) -> Any:
    if name == "run_sweep":
        from lab.experiments.runner import run_sweep

        return run_sweep
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
