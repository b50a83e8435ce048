"""Check what an intact run's manifest and history claim against what can be recomputed.

The integrity check (:mod:`lab.results.integrity`) proves that a history is the one its
manifest records and that a manifest's config hashes to its run id. Anyone who edits a store
can recompute those digests, so this module checks the claims themselves:

* **final values**: a manifest's ``final.hv_normalized`` is recomputed from its history through
  the scoring core (:func:`lab.scoring.score_run`); what ``lab results show`` and the sweep
  summary print is the recomputed value, and a difference is reported;
* **the table**: the history's objective values must be the benchmark table's at the rows it
  names, and the table must be the one the run saw (its sha256, ``problem.table_sha256``): a run
  of a table that changed since is *stale*, and ``lab run`` reruns it;
* **the seed**: the run seed must derive from the master seed, the problem and the seed index
  (:func:`~lab.experiments.expansion.derive_run_seed`), and every run of one (problem, run
  seed, initial-design size and method) starts from the same initial design whatever its
  algorithm; two runs of different seeds with the same evaluations in the same order are
  copies of one history.

Runs of a problem whose table is not available here are left unverified (named), never
guessed; nothing here imports code named in the store. The library versions a manifest
records are compared with the running ones (:func:`version_differences`): "same config, same
history" holds for the same versions, so a difference is a warning, not a defect of the store.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lab.errors import LabError
from lab.experiments.expansion import derive_run_seed
from lab.results.store import ResultsStore

#: Relative tolerance of recomputed values (float64 arithmetic in another order).
RTOL = 1e-9


@dataclass
class RunVerification:
    """What the recomputation found for an experiment's intact successful runs.

    Attributes:
        hv: ``run_id -> final normalized hypervolume recomputed from the history``
            (dimensionless; runs whose table is available and current).
        inconsistent: ``run_id -> what differs`` (edited final values, objective values that
            are not the table's, a run seed that does not derive from the config, an initial
            design other runs of the seed do not share, a history identical to another seed's).
        stale: ``run_id -> why``: the run's benchmark table changed since it ran.
        unverified: ``problem -> why`` its runs could not be recomputed here.
        diagnostics: ``run_id -> {share_degenerate, share_duplicate, share_infeasible,
            share_outside_roi}`` recomputed from the history and the table
            (:mod:`lab.scoring.diagnostics`).
    """

    hv: dict[str, float] = field(default_factory=dict)
    diagnostics: dict[str, dict[str, float]] = field(default_factory=dict)
    inconsistent: dict[str, str] = field(default_factory=dict)
    stale: dict[str, str] = field(default_factory=dict)
    unverified: dict[str, str] = field(default_factory=dict)

    def _flag(self, run_id: str, what: str) -> None:
        self.inconsistent[run_id] = (
            f"{self.inconsistent[run_id]}; {what}" if run_id in self.inconsistent else what
        )


def current_table_sha256(problem: str) -> str | None:
    """sha256 of the benchmark table ``problem`` is over now (``None`` if its table is not
    available here); loads nothing when the table is missing."""
    from lab.problems.registry import get_problem, problem_names

    if problem not in problem_names(available_only=True):
        return None
    try:
        return get_problem(problem).table.meta.get("table_sha256")
    except LabError:
        return None


def stale_reason(manifest: dict[str, Any], current: str | None) -> str | None:
    """Why a run's manifest is stale against the table's current sha256 (``None``: it is
    current, or the table is not available here to tell)."""
    recorded = (manifest.get("problem") or {}).get("table_sha256")
    if current is None or recorded == current:
        return None
    return (
        f"ran on table sha256 {str(recorded)[:12]}..., the table is now {current[:12]}... "
        "(rebuilt or re-imported): `lab run` reruns it"
    )


def _columns(history: pd.DataFrame, prefix: str, m: int) -> np.ndarray | None:
    cols = [f"{prefix}{k}" for k in range(m)]
    if any(c not in history.columns for c in cols):
        return None
    return history[cols].to_numpy(dtype=np.float64)


def _check_against_table(
    out: RunVerification, run_id: str, manifest: dict[str, Any], history: pd.DataFrame, problem
) -> None:
    from lab.scoring import score_run
    from lab.scoring.diagnostics import run_diagnostics

    m = problem.n_obj
    F, R = _columns(history, "f", m), _columns(history, "r", m)
    if F is None or R is None or "row" not in history.columns:
        out._flag(run_id, f"its history lacks the objective columns of the {m} objectives")
        return
    rows = history["row"].to_numpy()
    if rows.size and (rows.min() < 0 or rows.max() >= problem.n_architectures):
        out._flag(run_id, f"its history names table rows outside [0, {problem.n_architectures})")
        return
    rows = rows.astype(np.int64)
    close = np.isclose(F, problem.F_all[rows], rtol=RTOL, atol=0.0, equal_nan=True).all(axis=1)
    close &= np.isclose(R, problem.F_report_all[rows], rtol=RTOL, atol=0.0, equal_nan=True).all(
        axis=1
    )
    if not close.all():
        out._flag(
            run_id,
            f"{int((~close).sum())} evaluation(s) of its history are not the table's values at "
            "the rows they name (edited)",
        )
        return
    feasible = history["feasible"].to_numpy(dtype=bool) if "feasible" in history else None
    hv = float(score_run(problem, F, R, problem.returnable_mask(rows, feasible)).hv_normalized)
    out.hv[run_id] = hv
    out.diagnostics[run_id] = run_diagnostics(
        problem, rows, F, np.ones(len(rows), dtype=bool) if feasible is None else feasible
    ).as_dict()
    recorded = (manifest.get("final") or {}).get("hv_normalized")
    try:
        same = math.isclose(float(recorded), hv, rel_tol=RTOL, abs_tol=1e-12)
    except (TypeError, ValueError):
        same = False
    if not same:
        out._flag(
            run_id,
            f"final.hv_normalized is {recorded!r} in the manifest but {hv:.6g} recomputed from "
            "its history (edited)",
        )


def _check_seeds(
    out: RunVerification, runs: list[tuple[str, dict[str, Any], pd.DataFrame]]
) -> None:
    designs: dict[tuple, list[tuple[str, frozenset]]] = defaultdict(list)
    sequences: dict[tuple, list[tuple[str, Any]]] = defaultdict(list)
    for run_id, manifest, history in runs:
        config = manifest.get("config") or {}
        try:
            derived = derive_run_seed(
                int(config["master_seed"]), str(config["problem"]), int(config["seed"])
            )
        except (KeyError, TypeError, ValueError):
            derived = None
        if derived != config.get("run_seed") or manifest.get("seed") != config.get("run_seed"):
            out._flag(
                run_id,
                "its run seed does not derive from its master seed, problem and seed index",
            )
        if "row" not in history.columns:
            continue
        rows = tuple(int(r) for r in history["row"].to_numpy())
        n_init = config.get("n_init")
        if isinstance(n_init, int) and n_init > 0:
            key = (config.get("problem"), config.get("run_seed"), n_init, config.get("init"))
            designs[key].append((run_id, frozenset(rows[:n_init])))
        if len(rows) >= 2:
            sequences[(config.get("problem"), rows)].append((run_id, config.get("run_seed")))
    for key, members in designs.items():
        if len(members) < 2:
            continue
        problem = key[0]
        counts = Counter(design for _, design in members)
        (top, n_top), *rest = counts.most_common()
        majority = top if n_top > 1 and (not rest or rest[0][1] < n_top) else None
        if majority is None:
            # A tie (two runs of a seed): the seed's own design is the one no other seed has.
            elsewhere = {
                d for k, group in designs.items() if k != key and k[0] == problem
                for _, d in group
            }  # fmt: skip
            own = [d for d in counts if d not in elsewhere]
            majority = own[0] if len(own) == 1 else None
        for run_id, design in members:
            if design != majority:
                out._flag(
                    run_id,
                    f"its initial design differs from that of the other runs of its seed on "
                    f"{problem} ({len(members)} runs, every algorithm starts from the same one): "
                    "a history copied from another seed?",
                )
    for (problem, _), members in sequences.items():
        seeds = {seed for _, seed in members}
        if len(seeds) < 2:
            continue
        ids = sorted(run_id for run_id, _ in members)
        for run_id in ids:
            others = ", ".join(i for i in ids if i != run_id)
            out._flag(
                run_id,
                f"its history on {problem} is evaluation for evaluation that of run(s) {others} "
                "of another seed: copied",
            )


def verify_runs(store: ResultsStore, experiment: str) -> RunVerification:
    """Recompute and cross-check the intact successful runs of ``experiment`` (see the module
    docstring); reads each history once."""
    from lab.problems.registry import get_problem

    out = RunVerification()
    runs: list[tuple[str, dict[str, Any], pd.DataFrame]] = []
    problems: dict[str, Any] = {}
    current: dict[str, str | None] = {}
    for manifest in store.manifests(experiment):
        run_id = manifest.get("run_id", "")
        if not store.is_complete(experiment, run_id):
            continue
        try:
            history = store.read_history(experiment, run_id)
        except LabError:
            continue  # the integrity check names it
        runs.append((run_id, manifest, history))
        name = str((manifest.get("config") or {}).get("problem"))
        if name not in current:
            current[name] = current_table_sha256(name)
            if current[name] is None:
                out.unverified[name] = "its benchmark table is not available here"
            else:
                try:
                    problems[name] = get_problem(name)
                except LabError as exc:
                    out.unverified[name] = str(exc)
        reason = stale_reason(manifest, current[name])
        if reason is not None:
            out.stale[run_id] = reason
        elif name in problems:
            _check_against_table(out, run_id, manifest, history, problems[name])
    _check_seeds(out, runs)
    return out


#: The longest version string read from a manifest (a version is a few characters).
MAX_VERSION_CHARS = 64


def version_differences(manifests: list[dict[str, Any]]) -> dict[str, str]:
    """``library -> what differs`` between the versions the ``manifests`` record (their
    ``versions`` field) and those of this process (:func:`lab.results.provenance.library_versions`),
    for every library whose recorded version is not the running one in some run."""
    from lab.results.provenance import library_versions

    running = library_versions()
    recorded: dict[str, Counter] = defaultdict(Counter)
    for manifest in manifests:
        versions = manifest.get("versions")
        if not isinstance(versions, dict):
            continue
        for name, version in versions.items():
            if name not in running or not (version is None or isinstance(version, str)):
                continue
            if version != running[name]:
                recorded[name][(version or "absent")[:MAX_VERSION_CHARS]] += 1
    return {
        name: f"{sum(counts.values())} run(s) recorded "
        + ", ".join(f"{v} ({n})" for v, n in sorted(counts.items()))
        + f", this installation has {running[name] or 'none'}"
        for name, counts in sorted(recorded.items())
    }


def verified_manifests(
    store: ResultsStore, experiment: str, manifests: pd.DataFrame
) -> tuple[pd.DataFrame, RunVerification]:
    """``manifests`` (:func:`lab.results.load_manifests`) with ``hv_normalized`` replaced by
    the value recomputed from each history where it could be, the run diagnostics recomputed
    likewise (``share_*`` columns, NaN where they could not be), and the verification."""
    from lab.scoring.diagnostics import DIAGNOSTIC_COLUMNS

    check = verify_runs(store, experiment)
    if len(manifests) and check.hv:
        manifests = manifests.copy()
        recomputed = manifests["run_id"].map(check.hv)
        manifests["hv_normalized"] = recomputed.where(
            recomputed.notna(), manifests["hv_normalized"]
        )
    if len(manifests):
        manifests = manifests.copy()
        for col in DIAGNOSTIC_COLUMNS:
            manifests[col] = (
                manifests["run_id"]
                .map({r: d[col] for r, d in check.diagnostics.items()})
                .astype(float)
            )
    return manifests, check


__all__ = [
    "RunVerification",
    "current_table_sha256",
    "stale_reason",
    "verified_manifests",
    "verify_runs",
    "version_differences",
]
