"""Fit a surrogate on a benchmark table, score it on the held-out rows and save it with its card.

This is what ``lab surrogate fit`` and ``lab surrogate evaluate`` do.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lab.benchmarks.store import load_table
from lab.benchmarks.table import BenchmarkTable
from lab.errors import SurrogateError, SurrogateFileError
from lab.surrogates.artifact import (
    SavedSurrogate,
    check_name,
    library_versions,
    load_surrogate,
    save_surrogate,
)
from lab.surrogates.metrics import point_metrics, probabilistic_metrics
from lab.surrogates.splits import random_split
from lab.surrogates.surrogate import Surrogate, finite_metric_values


def score(
    surrogate: Surrogate,
    table: BenchmarkTable,
    rows: np.ndarray,
    *,
    scored_on: dict[str, str] | None = None,
    top_k: int = 50,
) -> dict[str, dict[str, float | None]]:
    """Metrics of each target on ``rows``; ``scored_on`` maps a target to another column to
    score its predictions against (cross-dataset / cross-device)."""
    scored_on = dict(scored_on or {})
    unknown = sorted(set(scored_on) - set(surrogate.targets))
    if unknown:
        raise SurrogateError(
            f"--score-on names {unknown}, not targets of the surrogate {surrogate.targets}"
        )
    genomes = table.genomes[rows]
    pred = surrogate.predict(genomes)
    mean = std = None
    if surrogate.predictor.supports_std:
        mean, std = surrogate.predict_transformed(genomes, return_std=True)
    out: dict[str, dict[str, float | None]] = {}
    for j, target in enumerate(surrogate.targets):
        column = scored_on.get(target, target)
        y = finite_metric_values(table, column, rows, use="score on")
        larger = table.metrics[column].direction == "max"
        metrics: dict[str, float | None] = dict(
            point_metrics(y, pred[:, j], top_k=top_k, larger_is_better=larger)
        )
        if mean is not None and column == target:
            z = surrogate.transforms[j].forward(y)
            metrics.update(probabilistic_metrics(z, mean[:, j], std[:, j]))
        key = target if column == target else f"{target} -> {column}"
        out[key] = metrics
    return out


def fit_surrogate(
    name: str,
    *,
    benchmark: str,
    targets: Sequence[str],
    predictor: str = "xgboost",
    params: dict[str, Any] | None = None,
    encoding: str | None = None,
    transform: str = "auto",
    n_train: int | None = 1000,
    seed: int = 0,
    directory: Path | None = None,
    overwrite: bool = False,
) -> SavedSurrogate:
    """Fit on ``n_train`` random rows (``None``: every row), score on the rest, save.

    The predictor's ``random_state`` (if it has one and none is given) and the split both come
    from ``SeedSequence(seed)``.
    """
    check_name(name)
    table = load_table(benchmark)
    surrogate = Surrogate.for_table(
        table, list(targets), predictor=predictor, params=params, encoding=encoding,
        transform=transform,
    )  # fmt: skip
    split_ss, model_ss = np.random.SeedSequence(seed).spawn(2)
    model_params = surrogate.predictor.get_params(deep=False)
    if "random_state" in model_params and "random_state" not in (params or {}):
        surrogate.predictor.set_params(random_state=int(model_ss.generate_state(1)[0]))
    if n_train is None or n_train >= len(table):
        train, test = np.arange(len(table)), np.zeros(0, dtype=np.int64)
    else:
        split = random_split(len(table), n_train, np.random.default_rng(split_ss))
        train, test = split.train, split.test
    start = time.perf_counter()
    surrogate.fit_table(table, train)
    fit_s = time.perf_counter() - start
    metrics = score(surrogate, table, test) if len(test) >= 2 else {}
    card = {
        "name": name,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "targets": list(surrogate.targets),
        "target_metrics": {t: table.metrics[t].to_dict() for t in surrogate.targets},
        "transforms": {
            t: tr.to_dict() for t, tr in zip(surrogate.targets, surrogate.transforms, strict=True)
        },
        "data": {
            "benchmark": table.name,
            "space": table.space,
            "table_rows": len(table),
            "table_sha256": table.meta.get("table_sha256"),
            "recipe": table.meta.get("recipe"),
            "builder_version": table.meta.get("builder_version"),
        },
        "split": {
            "kind": "random" if len(test) else "all",
            "n_train": len(train),
            "n_test": len(test),
            "seed": seed,
        },
        "encoding": {"name": surrogate.encoding, "n_features": surrogate.encoder.n_features},
        "predictor": {
            "name": surrogate.predictor.name,
            "params": surrogate.predictor.get_params(deep=False),
            "supports_std": surrogate.predictor.supports_std,
        },
        "metrics": metrics,
        "fit_s": fit_s,
        "versions": library_versions(),
    }
    save_surrogate(
        name, surrogate, card=card, train_arch_ids=table.arch_ids[train], directory=directory,
        overwrite=overwrite,
    )  # fmt: skip
    return load_surrogate(name, directory=directory)


def held_out_rows(saved: SavedSurrogate, table: BenchmarkTable) -> np.ndarray:
    """Rows of ``table`` that were not used for training ``saved``."""
    return np.flatnonzero(~np.isin(table.arch_ids, saved.train_arch_ids))


def evaluate_saved(
    saved: SavedSurrogate,
    *,
    benchmark: str | None = None,
    scored_on: dict[str, str] | None = None,
    check_table: bool = True,
) -> dict[str, dict[str, float | None]]:
    """Score a saved surrogate on the held-out rows of its table (or of ``benchmark``, a table
    of the same space)."""
    name = benchmark or saved.card["data"]["benchmark"]
    table = load_table(name)
    if table.space != saved.surrogate.space:
        raise SurrogateError(
            f"benchmark {name!r} is in space {table.space!r}; surrogate {saved.name!r} is for "
            f"{saved.surrogate.space!r}"
        )
    expected = saved.card["data"].get("table_sha256")
    if (
        check_table
        and benchmark is None
        and expected
        and table.meta.get("table_sha256") != expected
    ):
        raise SurrogateFileError(
            f"{saved.path / 'card.json'}: field data.table_sha256 is {expected}, but the table "
            f"{name!r} now has {table.meta.get('table_sha256')}; refit the surrogate"
        )
    rows = held_out_rows(saved, table)
    if len(rows) < 2:
        raise SurrogateError(f"surrogate {saved.name!r} was fitted on every row of {name!r}")
    return score(saved.surrogate, table, rows, scored_on=scored_on)
