"""The predictor study (in the style of NAS-Bench-301 and NASLib's predictor comparison):
training sizes from tens to thousands of architectures, repeated over seeds, scored with rank,
regression and (for probabilistic predictors) calibration metrics on held-out architectures.

Seeding: for seed ``s`` and training size ``n``, ``SeedSequence([s, n]).spawn(2)`` gives the
split's generator and the predictor's ``random_state``; every predictor sees the same split.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lab.benchmarks.table import BenchmarkTable
from lab.errors import SurrogateError
from lab.surrogates.metrics import point_metrics, probabilistic_metrics
from lab.surrogates.splits import Split, ood_split, random_split
from lab.surrogates.surrogate import Surrogate

#: Predictor hyperparameters of the study when none are given (kept cheap enough for 2 cores).
STUDY_PARAMS: dict[str, dict[str, Any]] = {
    "xgboost": {},
    "random_forest": {"n_estimators": 100},
    "gp": {"max_train": 1000},
    "mlp": {"epochs": 100},
    "knn": {},
    "linear": {},
    "ensemble": {"params": {"n_estimators": 200, "learning_rate": 0.08}},
}


@dataclass(frozen=True)
class Task:
    """What a predictor learns and what it is scored on.

    Attributes:
        target: column the predictor is trained on.
        test_target: column its test predictions are scored against (cross-dataset or
            cross-device); ``None``: the target itself.
        split: ``random`` or ``ood``.
        region: column that defines the regions of an ``ood`` split (``None``: the target).
        top_fraction: share of the rows in the top (test) region of an ``ood`` split.
        top_k: ``k`` of precision@top-k.
    """

    target: str
    test_target: str | None = None
    split: str = "random"
    region: str | None = None
    top_fraction: float = 0.2
    top_k: int = 50

    @property
    def scored_on(self) -> str:
        return self.test_target or self.target


def expand_targets(table: BenchmarkTable, patterns: Sequence[str]) -> list[str]:
    """Metric columns matching shell-style ``patterns`` (e.g. ``val_acc_*``), in table order."""
    out: list[str] = []
    for pattern in patterns:
        hits = [m for m in table.metrics if fnmatch.fnmatchcase(m, pattern)]
        if not hits:
            from lab.errors import unknown_name

            raise unknown_name(f"metric of benchmark {table.name!r}", pattern, list(table.metrics))
        out += [h for h in hits if h not in out]
    return out


def make_split(table: BenchmarkTable, task: Task, n_train: int, rng: np.random.Generator) -> Split:
    """The split of ``task`` with ``n_train`` training rows."""
    if task.split == "random":
        return random_split(len(table), n_train, rng)
    if task.split == "ood":
        column = task.region or task.target
        info = table.metrics[column]
        # "Top" is the better end for quality metrics and the costlier end for cost metrics:
        # the region a search wants to reach, or the one it has not seen.
        larger_is_top = info.direction == "max" or info.metric in ("latency", "params", "flops")
        return ood_split(
            table.metric_values(column), n_train, rng,
            top_fraction=task.top_fraction, larger_is_top=larger_is_top,
        )  # fmt: skip
    raise SurrogateError(f"unknown split {task.split!r}; valid: random, ood")


def evaluate_once(
    table: BenchmarkTable,
    task: Task,
    predictor: str,
    *,
    n_train: int,
    seed: int,
    params: dict[str, Any] | None = None,
    encoding: str | None = None,
    transform: str = "identity",
) -> dict[str, Any]:
    """Fit ``predictor`` on one split and score it; one row of the study."""
    split_ss, model_ss = np.random.SeedSequence([seed, n_train]).spawn(2)
    split = make_split(table, task, n_train, np.random.default_rng(split_ss))
    params = dict(params or {})
    from lab.surrogates.predictors import predictor_class

    if "random_state" in predictor_class(predictor)().get_params():
        params["random_state"] = int(model_ss.generate_state(1)[0])
    surrogate = Surrogate.for_table(
        table, [task.target], predictor=predictor, params=params, encoding=encoding,
        transform=transform,
    )  # fmt: skip
    start = time.perf_counter()
    surrogate.fit_table(table, split.train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    genomes = table.genomes[split.test]
    y_pred = surrogate.predict(genomes)[:, 0]
    predict_s = time.perf_counter() - start
    y_true = table.metric_values(task.scored_on)[split.test]
    info = table.metrics[task.scored_on]
    row: dict[str, Any] = {
        "predictor": predictor,
        "encoding": surrogate.encoding,
        "target": task.target,
        "scored_on": task.scored_on,
        "split": task.split,
        "n_train": n_train,
        # Fewer than n_train when a predictor caps its training set (the exact GP's max_train).
        "n_fit_rows": int(getattr(surrogate.predictor, "n_train_used_", n_train)),
        "n_test": len(split.test),
        "seed": seed,
        **point_metrics(y_true, y_pred, top_k=task.top_k, larger_is_better=info.direction == "max"),
        "fit_s": fit_s,
        "predict_s": predict_s,
    }
    if surrogate.predictor.supports_std and task.scored_on == task.target:
        mean, std = surrogate.predict_transformed(genomes, return_std=True)
        z_true = surrogate.to_transformed(y_true)[:, 0]
        row.update(probabilistic_metrics(z_true, mean[:, 0], std[:, 0]))
    return row


def run_study(
    table: BenchmarkTable,
    tasks: Sequence[Task],
    predictors: Sequence[str],
    *,
    sizes: Sequence[int],
    seeds: Sequence[int],
    params: dict[str, dict[str, Any]] | None = None,
    encoding: str | None = None,
    transform: str = "identity",
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> pd.DataFrame:
    """Every (task, predictor, size, seed) combination; one row each (see :func:`evaluate_once`).

    ``params`` maps predictor names to hyperparameters (default :data:`STUDY_PARAMS`).
    """
    params = STUDY_PARAMS if params is None else params
    rows = []
    for task in tasks:
        for n_train in sizes:
            for seed in seeds:
                for name in predictors:
                    row = evaluate_once(
                        table, task, name, n_train=n_train, seed=seed,
                        params=params.get(name), encoding=encoding, transform=transform,
                    )  # fmt: skip
                    rows.append(row)
                    if progress is not None:
                        progress(row)
    return pd.DataFrame(rows)


def learning_curve_table(results: pd.DataFrame, metric: str = "kendall_tau") -> pd.DataFrame:
    """Mean of ``metric`` per (scored column, predictor) x training size; the std over seeds
    and the number of seeds are in the columns ``<n>_std`` and ``n_seeds``."""
    keys = ["target", "scored_on", "split", "predictor"]
    grouped = results.groupby([*keys, "n_train"])[metric]
    mean = grouped.mean().unstack("n_train")
    std = grouped.std(ddof=1).unstack("n_train").add_suffix("_std")
    out = pd.concat([mean, std], axis=1)
    out["n_seeds"] = results.groupby(keys)["seed"].nunique()
    out.columns = [str(c) for c in out.columns]
    return out.reset_index()


def curve_markdown(curve: pd.DataFrame, metric: str = "kendall_tau") -> str:
    """The learning-curve table as Markdown: ``mean ± std`` per training size."""
    sizes = [c for c in curve.columns if c.isdigit()]
    head = ["target", "scored on", "split", "predictor", *sizes]
    lines = [
        f"{metric} vs training size (mean ± std over seeds)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for _, r in curve.iterrows():
        cells = []
        for s in sizes:
            sd = r.get(f"{s}_std")
            cells.append(
                "" if pd.isna(r[s]) else f"{r[s]:.3f}" + ("" if pd.isna(sd) else f" ± {sd:.3f}")
            )
        lines.append(
            f"| {r['target']} | {r['scored_on']} | {r['split']} | {r['predictor']} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"
