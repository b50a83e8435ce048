"""Sweeps: configs, their expansion into runs, executors and the resumable runner."""

from lab.experiments.config import AlgorithmEntry, SweepConfig, load_config, parse_config
from lab.experiments.expansion import RunSpec, derive_run_seed, expand, run_id_of
from lab.experiments.runner import run_sweep

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
