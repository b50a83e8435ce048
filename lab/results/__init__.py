"""The results store (one Parquet history and one JSON manifest per run) and its query API."""

from lab.results.manifest_summary import final_summary
from lab.results.query import (
    RUN_COLUMNS,
    list_experiments,
    load_experiment,
    load_manifests,
    load_run,
)
from lab.results.store import RESULTS_DIR_ENV, ResultsStore, ResultsStoreError, results_root

__all__ = [
    "RESULTS_DIR_ENV",
    "RUN_COLUMNS",
    "ResultsStore",
    "ResultsStoreError",
    "final_summary",
    "list_experiments",
    "load_experiment",
    "load_manifests",
    "load_run",
    "results_root",
]
