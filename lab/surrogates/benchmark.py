"""Surrogate benchmarks: a fitted surrogate predicts every architecture of its table, and the
predictions become a benchmark table in the canonical format that every algorithm runs on.

The table keeps the source table's rows (same ``arch_id``, ``arch_str`` and genomes, same order),
replaces each target column by the surrogate's prediction, and carries over the source columns
whose split is ``exact`` (parameters, FLOPs, latencies: computed or measured once, not learned)
unless they are targets themselves. Its meta has ``recipe: Surrogate``, so
:func:`lab.benchmarks.store.load_table` lists and loads it like an imported table.

Noise model (optional): one draw per architecture from the surrogate's predictive distribution
(Gaussian on the transformed scale), with an explicit seed, so the table looks like one more
noisy training run rather than a smooth mean.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lab.benchmarks.locations import data_dir
from lab.benchmarks.store import clear_cache, recipes
from lab.benchmarks.table import BenchmarkTable
from lab.errors import SurrogateError
from lab.problems.problem import Problem
from lab.problems.spec import ObjectiveSpec, ProblemSpec
from lab.spaces.registry import get_space
from lab.surrogates.artifact import SavedSurrogate, check_name

SURROGATE_RECIPE = "Surrogate"


def surrogate_table(
    saved: SavedSurrogate,
    source: BenchmarkTable,
    name: str,
    *,
    noise_seed: int | None = None,
    carry: Sequence[str] | None = None,
) -> BenchmarkTable:
    """Predict every row of ``source`` with ``saved`` and build the surrogate table ``name``.

    Args:
        saved: a loaded surrogate whose space is ``source``'s.
        source: the table whose architectures are predicted.
        name: name of the new table (must differ from the built-in benchmarks).
        noise_seed: if given, add one draw of predictive noise per architecture (needs a
            predictor with uncertainty); ``None``: the predictive mean.
        carry: source columns copied unchanged (default: every ``exact`` column that is not a
            target).
    """
    check_name(name)
    if name in recipes():
        raise SurrogateError(
            f"{name!r} is a built-in benchmark; give the surrogate table another name"
        )
    surrogate = saved.surrogate
    if source.space != surrogate.space:
        raise SurrogateError(
            f"table {source.name!r} is in space {source.space!r}; surrogate {saved.name!r} "
            f"predicts {surrogate.space!r}"
        )
    genomes = source.genomes
    if noise_seed is None:
        values = surrogate.predict(genomes)
    else:
        values = surrogate.sample(genomes, np.random.default_rng(noise_seed))
    if carry is None:
        carry = [
            c
            for c, m in source.metrics.items()
            if m.split == "exact" and c not in surrogate.targets
        ]
    overlap = sorted(set(carry) & set(surrogate.targets))
    if overlap:
        raise SurrogateError(f"columns {overlap} are both predicted and carried over")
    frame = source.frame[["arch_id", "arch_str", *source.genome_columns]].copy()
    metrics = {}
    for column in carry:
        frame[column] = source.frame[column].to_numpy()
        metrics[column] = source.metrics[column]
    for j, target in enumerate(surrogate.targets):
        frame[target] = values[:, j]
        info = source.metrics[target]
        metrics[target] = dataclasses.replace(
            info,
            description=f"surrogate prediction ({saved.name}: {surrogate.predictor.name} on "
            f"{surrogate.encoding})"
            + (f", noise seed {noise_seed}" if noise_seed is not None else "")
            + (f"; source: {info.description}" if info.description else ""),
        )
    card = saved.card
    meta = {
        "recipe": SURROGATE_RECIPE,
        "title": f"Surrogate of {source.name} ({', '.join(surrogate.targets)}) by {saved.name}",
        "surrogate": saved.name,
        "surrogate_card": {
            "predictor": card["predictor"]["name"],
            "encoding": card["encoding"]["name"],
            "n_train": card["split"]["n_train"],
            "split_seed": card["split"]["seed"],
            "metrics": card["metrics"],
            "trained_on_sha256": card["data"]["table_sha256"],
        },
        "source_benchmark": source.name,
        "source_table_sha256": source.meta.get("table_sha256"),
        "predicted": list(surrogate.targets),
        "carried": list(carry),
        "noise": None
        if noise_seed is None
        else {"seed": int(noise_seed), "model": "gaussian, transformed scale"},
        "datasets": list(source.meta.get("datasets", [])),
        "citation": source.meta.get("citation", ""),
        "licence": source.meta.get("licence", ""),
    }
    return BenchmarkTable(name, frame, metrics, source.cardinalities, source.space, meta)


def save_surrogate_table(table: BenchmarkTable, directory: Path | None = None) -> Path:
    """Write ``table`` into the data directory, so that ``load_table(table.name)`` finds it."""
    if table.meta.get("recipe") != SURROGATE_RECIPE:
        raise SurrogateError(f"table {table.name!r} is not a surrogate table (meta.recipe)")
    path = table.save(Path(directory or data_dir()))
    clear_cache()  # a table of the same name may be cached from before
    return path


def surrogate_problem(
    table: BenchmarkTable,
    objectives: Sequence[ObjectiveSpec | dict] | ProblemSpec,
    *,
    name: str | None = None,
    constraints: Sequence[dict] = (),
) -> Problem:
    """A problem over a surrogate (or any) table, built in code.

    ``objectives`` is a list of objective specs, or a whole :class:`ProblemSpec` (e.g. a
    built-in problem's ``spec``) to rebind to ``table`` under a new name.
    """
    if isinstance(objectives, ProblemSpec):
        spec = objectives.model_copy(
            update={
                "name": name or f"{objectives.name}@{table.name}",
                "benchmark": table.name,
                "source": f"surrogate table {table.name}",
            }
        )
    else:
        spec = ProblemSpec.model_validate(
            {
                "name": name or f"{table.name}-problem",
                "benchmark": table.name,
                "objectives": [o if isinstance(o, dict) else o.model_dump() for o in objectives],
                "constraints": list(constraints),
                "source": f"surrogate table {table.name}",
            }
        )
    needed = {o.search for o in spec.objectives} | {o.report_metric for o in spec.objectives}
    needed |= {c.metric for c in spec.constraints}
    missing = sorted(needed - set(table.metrics))
    if missing:
        raise SurrogateError(
            f"problem {spec.name!r} needs columns {missing} that table {table.name!r} lacks; "
            "fit the surrogate on them too (or carry them over)"
        )
    return Problem(spec, table, get_space(table.space))
