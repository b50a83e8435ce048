"""Load experiments from the results store as tidy tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lab.results.store import ResultsStore
from lab.run_ids import canonical_json

#: Run-metadata columns that lead every tidy table, in order.
RUN_COLUMNS = (
    "experiment", "run_id", "problem", "algorithm", "label", "params", "seed", "run_seed",
    "budget", "batch_size", "n_init", "init",
)  # fmt: skip


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else ``{}`` (a manifest may be edited by hand)."""
    return value if isinstance(value, dict) else {}


def _flatten(manifest: dict[str, Any]) -> dict[str, Any]:
    config = _mapping(manifest.get("config"))
    final = _mapping(manifest.get("final"))
    error = _mapping(manifest.get("error"))
    return {
        "experiment": manifest.get("experiment"),
        "run_id": manifest.get("run_id"),
        "problem": config.get("problem"),
        "algorithm": config.get("algorithm"),
        "label": config.get("label"),
        "params": canonical_json(_mapping(config.get("params"))),
        "seed": config.get("seed"),
        "run_seed": config.get("run_seed"),
        "budget": config.get("budget"),
        "batch_size": config.get("batch_size"),
        "n_init": config.get("n_init"),
        "init": config.get("init"),
        "status": manifest.get("status"),
        "hv_normalized": final.get("hv_normalized"),
        "n_returned": final.get("n_returned"),
        "n_evaluations": manifest.get("n_evaluations"),
        "wall_time_s": manifest.get("wall_time_s"),
        "run_time_s": manifest.get("run_time_s"),
        "algo_time_s": manifest.get("algo_time_s"),
        "started_at": manifest.get("started_at"),
        "finished_at": manifest.get("finished_at"),
        "hostname": _mapping(manifest.get("host")).get("hostname"),
        "pid": _mapping(manifest.get("host")).get("pid"),
        "table_sha256": _mapping(manifest.get("problem")).get("table_sha256"),
        "git_commit": manifest.get("git_commit"),
        "error_type": error.get("type"),
        "error_message": error.get("message"),
    }


def _sorted(df: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    keys = [k for k in ("problem", "label", "seed", *extra) if k in df.columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True) if len(df) else df


def list_experiments(root: Path | str | None = None) -> pd.DataFrame:
    """One row per experiment in the store: ``experiment, runs, ok, failed, problems,
    algorithms, last_finished`` (an ISO time, UTC)."""
    store = ResultsStore(root)
    rows = []
    for name in store.experiments():
        m = load_manifests(name, root=root)
        rows.append(
            {
                "experiment": name,
                "runs": len(m),
                "ok": int((m["status"] == "ok").sum()) if len(m) else 0,
                "failed": int((m["status"] != "ok").sum()) if len(m) else 0,
                "problems": m["problem"].nunique() if len(m) else 0,
                "algorithms": m["label"].nunique() if len(m) else 0,
                "last_finished": m["finished_at"].max() if len(m) else None,
            }
        )
    columns = ["experiment", "runs", "ok", "failed", "problems", "algorithms", "last_finished"]
    return pd.DataFrame(rows, columns=columns)


def load_manifests(
    experiment: str, *, root: Path | str | None = None, status: str | None = None
) -> pd.DataFrame:
    """One row per run (manifest) of ``experiment``: the run columns (:data:`RUN_COLUMNS`;
    ``params`` as canonical JSON), ``status``, the final normalized hypervolume, times, host,
    table digest, git commit and the error of failed runs. ``status`` filters (``ok``,
    ``failed``). Runs are sorted by problem, label, seed."""
    store = ResultsStore(root)
    store.require_experiment(experiment)
    df = pd.DataFrame([_flatten(m) for m in store.manifests(experiment)])
    if df.empty:
        df = pd.DataFrame(columns=list(_flatten({})))
    if status is not None:
        df = df[df["status"] == status]
    return _sorted(df)


def load_run(
    experiment: str, run_id: str, *, root: Path | str | None = None
) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """A run's manifest and its history (``None`` for a failed run)."""
    store = ResultsStore(root)
    store.require_experiment(experiment)
    manifest = store.read_manifest(experiment, run_id)
    if manifest is None:
        from lab.errors import unknown_name

        ids = [m.get("run_id", "?") for m in store.manifests(experiment)]
        raise unknown_name(f"run of experiment {experiment!r}", run_id, ids)
    history = store.read_history(experiment, run_id) if manifest.get("status") == "ok" else None
    return manifest, history


def _objective_names(manifest: dict[str, Any], n_obj: int) -> tuple[str, ...] | None:
    """The ``n_obj`` objective names in ``manifest['problem']['objectives']``, or ``None`` when
    the manifest records no usable names (absent, not strings, repeated, or not one per
    objective column: a store may be edited by hand)."""
    names = _mapping(manifest.get("problem")).get("objectives")
    if (
        not isinstance(names, list)
        or len(names) != n_obj
        or not all(isinstance(n, str) and n for n in names)
        or len(set(names)) != len(names)
    ):
        return None
    return tuple(names)


def _n_objectives(history: pd.DataFrame) -> int:
    """Objective columns (``f0``, ``f1``, ...) of a run's history."""
    return sum(1 for c in history.columns if c[:1] == "f" and c[1:].isdigit())


def _with_named_columns(
    history: pd.DataFrame, names: Sequence[tuple[str, ...] | None], lengths: np.ndarray
) -> pd.DataFrame:
    """``history`` (the runs' histories one after another, ``lengths`` rows each) with
    ``<name>_search`` / ``<name>_report`` copies of ``f*`` / ``r*`` after each run's objective
    ``names`` (``None``: none), empty (NaN) on the rows of runs without that objective. One
    pass per distinct set of names, and one column insert in all."""
    run_of_row = np.repeat(np.arange(len(names)), lengths)
    columns: dict[str, np.ndarray] = {}
    for group in dict.fromkeys(n for n in names if n is not None):
        rows = np.isin(run_of_row, [i for i, n in enumerate(names) if n == group])
        for j, name in enumerate(group):
            for suffix, prefix in (("search", "f"), ("report", "r")):
                column = columns.setdefault(f"{name}_{suffix}", np.full(len(history), np.nan))
                column[rows] = history[f"{prefix}{j}"].to_numpy(dtype=np.float64)[rows]
    if not columns:
        return history
    return pd.concat([history, pd.DataFrame(columns, index=history.index)], axis=1)


def _named_objectives(history: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
    """One run's ``history`` with its objectives named after its ``manifest`` (see
    :func:`_with_named_columns`); unchanged without usable names."""
    names = _objective_names(manifest, _n_objectives(history))
    return _with_named_columns(history, [names], np.array([len(history)]))


def load_experiment(experiment: str, *, root: Path | str | None = None) -> pd.DataFrame:
    """Every evaluation of every complete run of ``experiment`` as one tidy table.

    Columns: :data:`RUN_COLUMNS` then the history columns of ``History.to_frame()`` (``order,
    batch, row, arch_id, g*, f*, r*, c*, feasible, algo_time_s``; ``f``: search objectives,
    ``r``: report objectives, minimized raw units), and the same values named
    ``<objective>_search`` / ``<objective>_report`` after the objectives the run's manifest
    records (a problem's own columns: empty on the rows of problems without that objective).
    Only runs that are complete and intact
    (status ``ok``, history digest matching) are included. Problems with different genome
    lengths leave the missing ``g*`` columns empty (NaN). Sorted by problem, label, seed, order.
    """
    store = ResultsStore(root)
    store.require_experiment(experiment)
    frames, metas = [], []
    names: list[tuple[str, ...] | None] = []
    for manifest in store.manifests(experiment):
        run_id = manifest.get("run_id", "")
        if not store.is_complete(experiment, run_id):
            continue
        frames.append(store.read_history(experiment, run_id))
        names.append(_objective_names(manifest, _n_objectives(frames[-1])))
        metas.append(_flatten(manifest))
    if not frames:
        return pd.DataFrame(columns=list(RUN_COLUMNS))
    # Run metadata is repeated once over the concatenated histories instead of being inserted
    # into every run's frame (column inserts dominate the load time of large experiments).
    lengths = np.array([len(f) for f in frames])
    runs = pd.DataFrame([{c: m[c] for c in RUN_COLUMNS} for m in metas])
    run_columns = runs.iloc[np.repeat(np.arange(len(runs)), lengths)].reset_index(drop=True)
    history = _with_named_columns(pd.concat(frames, ignore_index=True), names, lengths)
    return _sorted(pd.concat([run_columns, history], axis=1), ("order",))
