"""Benchmark tables: canonical format, importers (recipes), safe loading, storage."""

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.store import (
    benchmark_names,
    benchmark_status,
    build_table,
    import_table,
    load_table,
    recipes,
)
from lab.benchmarks.table import BenchmarkTable

__all__ = [
    "BenchmarkTable",
    "MetricInfo",
    "benchmark_names",
    "benchmark_status",
    "build_table",
    "import_table",
    "load_table",
    "recipes",
]
