"""The results store: one folder per experiment, one Parquet history and one JSON manifest per run.

Layout under the root (``--results-dir``, else ``$LAB_RESULTS_DIR``, else ``./results``)::

    <experiment>/
      sweeps/<sha256[:12]>.yaml     copy of each sweep config that wrote into the experiment
      runs/<run_id>.parquet         the run's evaluation history (History.to_frame())
      runs/<run_id>.json            its manifest (config, seed, versions, times, status, ...)
      runs/<run_id>.lock            present only while a sweep holds the run

Both run files are written atomically (temporary file + rename), history first: a manifest with
status ``ok`` therefore always points at a complete history, and it records the history's sha256
so that a replaced or truncated file is noticed. A run counts as complete only if its manifest
says ``ok``, its id matches the hash of the config it records, and its history is present with
that digest.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lab.benchmarks.read_bounds import check_parquet_cells
from lab.errors import ResultsStoreError, unknown_name
from lab.fileio import atomic_write, atomic_write_text, sha256_file, write_json
from lab.results.lock import RunLock
from lab.run_ids import run_id_of

RESULTS_DIR_ENV = "LAB_RESULTS_DIR"
#: A run id as :func:`lab.run_ids.run_id_of` makes it: the only names of run files.
RUN_ID = re.compile(r"^[0-9a-f]{16}$")
#: Version of the manifest layout.
MANIFEST_SCHEMA = 1


def results_root(root: Path | str | None = None) -> Path:
    """The store's root: ``root`` if given, else ``$LAB_RESULTS_DIR``, else ``./results``."""
    if root is not None:
        return Path(root).expanduser()
    return Path(os.environ.get(RESULTS_DIR_ENV) or "results").expanduser()


#: sha256 of each history already hashed in this process, keyed by its path and by what a
#: rewrite changes (size, mtime, ctime, inode): checking a store, checking an experiment's
#: design and loading it would otherwise hash every history once each.
_DIGESTS: dict[Path, tuple[tuple[int, int, int, int], str]] = {}


def _history_digest(path: Path) -> str:
    """sha256 of the history at ``path``, hashed again only when the file changed."""
    st = path.stat()
    key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    cached = _DIGESTS.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    digest = sha256_file(path)
    _DIGESTS[path] = (key, digest)
    return digest


@dataclass(frozen=True)
class RunPaths:
    history: Path
    manifest: Path
    lock: Path


class ResultsStore:
    """Read and write runs under one root (see the module docstring for the layout)."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = results_root(root)

    # ---------------------------------------------------------------------------- locations
    def experiment_dir(self, experiment: str) -> Path:
        return self.root / experiment

    def runs_dir(self, experiment: str) -> Path:
        return self.experiment_dir(experiment) / "runs"

    def paths(self, experiment: str, run_id: str) -> RunPaths:
        runs = self.runs_dir(experiment)
        return RunPaths(
            history=runs / f"{run_id}.parquet",
            manifest=runs / f"{run_id}.json",
            lock=runs / f"{run_id}.lock",
        )

    def experiments(self) -> list[str]:
        """Names of the experiments in the store (folders with a ``runs/`` folder)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "runs").is_dir())

    def require_experiment(self, experiment: str) -> None:
        if experiment not in self.experiments():
            if not self.root.is_dir():
                raise ResultsStoreError(
                    f"no results store at {self.root}; run a sweep first or pass --results-dir"
                )
            raise unknown_name(f"experiment in {self.root}", experiment, self.experiments())

    # ------------------------------------------------------------------------------ reading
    def read_manifest(self, experiment: str, run_id: str) -> dict[str, Any] | None:
        """The run's manifest, or ``None`` if absent or unreadable (e.g. edited by hand)."""
        try:
            text = self.paths(experiment, run_id).manifest.read_text(encoding="utf-8")
            manifest = json.loads(text)
        except (OSError, ValueError):
            return None
        return manifest if isinstance(manifest, dict) else None

    def is_complete(self, experiment: str, run_id: str) -> bool:
        """Does the store hold a finished, intact, successful run ``run_id``?"""
        manifest, problem = self._inspect(experiment, run_id)
        return problem is None and manifest.get("status") == "ok"

    def run_problem(self, experiment: str, run_id: str) -> str | None:
        """Why the manifest of ``run_id`` is not an intact run, in words (``None`` if it is; a
        failed run is intact)."""
        return self._inspect(experiment, run_id)[1]

    def _inspect(self, experiment: str, run_id: str) -> tuple[dict[str, Any], str | None]:
        """The run's manifest (``{}`` if unreadable) and what is wrong with the run, if
        anything: the one check behind :meth:`is_complete` and the integrity report."""
        path = self.paths(experiment, run_id).manifest
        try:
            manifest: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            return {}, f"unreadable ({exc})"
        except ValueError as exc:
            return {}, f"not valid JSON ({exc}); truncated or edited"
        if not isinstance(manifest, dict):
            return {}, "not a JSON object"
        if manifest.get("run_id") != run_id:
            return manifest, f"records run id {manifest.get('run_id')!r}, not its file name"
        try:
            config_id = run_id_of(manifest["config"])
        except (KeyError, TypeError, ValueError):
            return manifest, "has no readable 'config'"
        if config_id != run_id:
            return manifest, (
                f"its config hashes to {config_id}, not {run_id}: the manifest was edited"
            )
        if manifest.get("status") != "ok":
            return manifest, None
        history = self.paths(experiment, run_id).history
        recorded = (manifest.get("history") or {}).get("sha256")
        if not history.is_file():
            return manifest, f"status ok but its history {history.name} is missing"
        try:
            actual = _history_digest(history)
        except OSError as exc:
            return manifest, f"its history {history.name} is unreadable ({exc})"
        if actual != recorded:
            return manifest, (
                f"its history {history.name} has sha256 {actual[:12]}..., the manifest records "
                f"{str(recorded)[:12]}...: truncated or replaced"
            )
        return manifest, None

    def manifests(self, experiment: str) -> list[dict[str, Any]]:
        """Every readable manifest of the experiment, in run-id order.

        Only files named exactly ``<run_id>.json`` whose manifest records that run id count: a
        copy (``<run_id> (copy).json``) or a renamed file is never a second run
        (:mod:`lab.results.integrity` lists such files).
        """
        out = []
        runs = self.runs_dir(experiment)
        for path in sorted(runs.glob("*.json")) if runs.is_dir() else []:
            if RUN_ID.match(path.stem) is None:
                continue
            manifest = self.read_manifest(experiment, path.stem)
            if manifest is not None and manifest.get("run_id") == path.stem:
                out.append(manifest)
        return out

    def read_history(self, experiment: str, run_id: str) -> pd.DataFrame:
        """The run's evaluation history (one row per evaluation)."""
        path = self.paths(experiment, run_id).history
        check_parquet_cells(path)
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise ResultsStoreError(f"{path}: cannot read the run history ({exc})") from None

    # ------------------------------------------------------------------------------ writing
    def claim(self, experiment: str, run_id: str) -> RunLock | None:
        """Lock run ``run_id`` for writing; ``None`` if another sweep holds it. Leftover
        temporary files of the run (from a killed writer) are removed under the lock."""
        paths = self.paths(experiment, run_id)
        lock = RunLock.try_acquire(paths.lock)
        if lock is None:
            return None
        for final in (paths.history, paths.manifest):
            for tmp in final.parent.glob(f".{final.name}.*.tmp"):
                tmp.unlink(missing_ok=True)
        return lock

    def write_sweep_config(self, experiment: str, text: str, sha256: str) -> Path:
        path = self.experiment_dir(experiment) / "sweeps" / f"{sha256[:12]}.yaml"
        if not path.is_file():
            atomic_write_text(path, text)
        return path

    def write_run(
        self,
        experiment: str,
        run_id: str,
        manifest: dict[str, Any],
        history: pd.DataFrame | None,
    ) -> dict[str, Any]:
        """Write a run's history (if any) then its manifest, both atomically; the caller holds
        the run's lock. Returns the manifest as written (with the history's file and digest).
        A run without history (a failed one) has any older history file removed."""
        paths = self.paths(experiment, run_id)
        manifest = {**manifest, "manifest_schema": MANIFEST_SCHEMA, "run_id": run_id}
        if history is not None:
            digest: dict[str, str] = {}

            def write(tmp: str) -> None:
                history.to_parquet(tmp, index=False)
                digest["sha256"] = sha256_file(tmp)

            atomic_write(paths.history, write)
            manifest["history"] = {
                "file": paths.history.name,
                "sha256": digest["sha256"],
                "rows": len(history),
            }
        else:
            paths.history.unlink(missing_ok=True)
            manifest["history"] = None
        write_json(paths.manifest, manifest, sort_keys=True, default=repr)
        return manifest
