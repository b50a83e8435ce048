"""The meta-learned latency model as a surrogate objective: a benchmark table whose new column
``latency_<device>_predicted`` is the model's prediction for every architecture from a few
measurements on ``device`` (drawn with a seed), beside the table's measured columns.

A problem then *searches* on the prediction and is *judged* on the measured latency (the lab's
search-metric / report-metric split), so the generalization statistics show what trusting
10 measurements costs. :func:`latency_transfer_problem` rebinds a built-in problem that way.

The table is a surrogate table (``meta.recipe: Surrogate``): ``load_table(NAME)`` lists and
loads it, and every algorithm runs on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.store import recipes
from lab.benchmarks.table import BenchmarkTable
from lab.errors import SurrogateError
from lab.problems.problem import Problem
from lab.problems.spec import ObjectiveSpec
from lab.surrogates.artifact import check_name
from lab.surrogates.benchmark import SURROGATE_RECIPE, surrogate_problem
from lab.surrogates.latency_transfer import LatencyPrior, adapt
from lab.surrogates.latency_transfer_protocol import (
    N_TARGET_SAMPLES,
    SOURCE_DEVICES,
    index_split,
    trim_to_quantiles,
)
from lab.surrogates.latency_transfer_study import device_latencies, sorted_features

PREDICTED_SUFFIX = "_predicted"
#: The split label of a predicted column (what a search may see, not what it is judged on).
PREDICTED_SPLIT = "predicted"


def predicted_column(device: str) -> str:
    """``latency_<device>_predicted``."""
    return f"latency_{device}{PREDICTED_SUFFIX}"


def predicted_latency_table(
    source: BenchmarkTable,
    device: str,
    name: str,
    *,
    n_samples: int = N_TARGET_SAMPLES,
    seed: int = 0,
    sources: Sequence[str] = SOURCE_DEVICES,
    trim_pool: bool = True,
) -> BenchmarkTable:
    """``source`` plus the column ``latency_<device>_predicted``.

    Args:
        source: a table with HELP's latency columns (``latency_<device>``).
        device: the target device; it must not be one of ``sources``.
        name: name of the new table (not a built-in benchmark's).
        n_samples: measurements on ``device``, drawn with ``numpy.random.default_rng(seed)``
            from the training pool (the first 900 architectures; trimmed to its 10-90 %
            latency quantiles when ``trim_pool``, as HELP's loader does).
        seed: seed of the draw.
        sources: devices whose full columns teach the prior.
        trim_pool: see ``n_samples``.

    Returns:
        The table: the source's rows and columns unchanged, the prediction (posterior mean, ms)
        added; ``meta`` names the measured architectures and the model's settings.
    """
    check_name(name)
    if name in recipes():
        raise SurrogateError(f"{name!r} is a built-in benchmark; give the table another name")
    if device in sources:
        raise SurrogateError(
            f"device {device!r} is a source of the prior (sources: {list(sources)}): its own "
            "column would be learned from, not predicted; pick another target or other sources"
        )
    latencies = device_latencies(source, [*sources, device])
    features = sorted_features(source)
    split = index_split(len(features))
    y = latencies[device]
    pool = trim_to_quantiles(y, split.pool) if trim_pool else split.pool
    draw = np.random.default_rng(seed).choice(pool, n_samples, replace=False)
    prior = LatencyPrior.from_sources(features, {d: latencies[d] for d in sources})
    model = adapt(prior, features[draw], y[draw])
    predicted_by_id = model.predict(features)
    frame = source.frame.copy()
    column = predicted_column(device)
    frame[column] = predicted_by_id[frame["arch_id"].to_numpy()]
    measured = source.metrics[f"latency_{device}"]
    metrics = dict(source.metrics)
    metrics[column] = MetricInfo(
        column, "latency", PREDICTED_SPLIT, measured.unit, "min", dataset=measured.dataset,
        device=device,
        description=f"predicted from {n_samples} measurements on {device} (seed {seed}) and the "
        f"full columns of {len(sources)} source devices (lab.surrogates.latency_transfer)",
    )  # fmt: skip
    meta = {
        "recipe": SURROGATE_RECIPE,
        "title": f"{source.name} with {device} latency predicted from {n_samples} measurements",
        "surrogate": f"latency-transfer ({device}, {n_samples} samples, seed {seed})",
        "source_benchmark": source.name,
        "source_table_sha256": source.meta.get("table_sha256"),
        "predicted": [column],
        "carried": list(source.metrics),
        "latency_transfer": {
            "device": device,
            "n_samples": int(n_samples),
            "seed": int(seed),
            "trim_pool": bool(trim_pool),
            "source_devices": list(sources),
            "measured_arch_ids": sorted(int(i) for i in draw),
            "noise_var": model.noise_var,
        },
        "datasets": list(source.meta.get("datasets", [])),
        "citation": source.meta.get("citation", ""),
        "licence": source.meta.get("licence", ""),
    }
    return BenchmarkTable(name, frame, metrics, source.cardinalities, source.space, meta)


def latency_transfer_problem(table: BenchmarkTable, problem: Problem) -> Problem:
    """``problem`` (e.g. a built-in ``nb201-cifar10-err-lat-<device>``) rebound to ``table``:
    its latency objective searches on the prediction and is judged on the measurement.

    Raises:
        SurrogateError: ``table`` predicts no device that ``problem`` searches on.
    """
    device = table.meta.get("latency_transfer", {}).get("device")
    measured = f"latency_{device}"
    objectives = [o.model_dump() for o in problem.spec.objectives]
    hits = [o for o in objectives if o["search"] == measured]
    if not device or not hits:
        raise SurrogateError(
            f"table {table.name!r} predicts {device!r}, but problem {problem.spec.name!r} "
            f"searches on {[o['search'] for o in objectives]}, not on {measured!r}"
        )
    for objective in hits:
        objective["report"] = objective.get("report") or measured
        objective["search"] = predicted_column(device)
    spec = problem.spec.model_copy(
        update={"objectives": tuple(ObjectiveSpec(**o) for o in objectives)}
    )
    return surrogate_problem(table, spec, name=f"{problem.spec.name}@{table.name}")
