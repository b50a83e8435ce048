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

A results store may come from someone else, so every file of it is read as untrusted input
(:mod:`lab.file_bounds`): regular files only, never through a symbolic link (the store writes
none) nor through a folder that leads out of the store, each size-bounded before it is read
(manifests ``LAB_MAX_JSON_BYTES``, histories ``LAB_MAX_HISTORY_BYTES``, sweep copies the YAML
bound of :mod:`lab.config_file`) and JSON nesting bounded (``LAB_MAX_JSON_DEPTH``). A file that
breaks a bound is reported as damaged, by name, and never stops the other runs from loading.
The store writes only into folders of its own: an experiment folder or a ``runs/``,
``sweeps/`` or ``analysis/`` folder that is a symbolic link is refused, not written through.
"""

from __future__ import annotations

import fcntl
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lab import file_bounds
from lab.benchmarks.read_bounds import check_parquet_cells
from lab.config_file import DEFAULT_BOUNDS
from lab.errors import LabError, ResultsStoreError, unknown_name
from lab.fileio import atomic_write, atomic_write_text, sha256_file, temporaries_of, write_json
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
    """sha256 of the history at ``path``, hashed again only when the file changed; a history
    over ``LAB_MAX_HISTORY_BYTES`` is refused before any byte is hashed."""
    st = path.lstat()
    key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    cached = _DIGESTS.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    digest = sha256_file(
        path, what="run history", error=ResultsStoreError, follow_symlinks=False,
        max_bytes=file_bounds.bound("history_bytes"),
        bound_env=file_bounds.env_name("history_bytes"),
    )  # fmt: skip
    _DIGESTS[path] = (key, digest)
    return digest


def _without_path(exc: LabError, path: Path) -> str:
    """An error's message without its leading ``<path>: `` (for lists that name the file)."""
    text = str(exc)
    prefix = f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


#: Manifest fields that hold a JSON object (or null) in every manifest the store writes.
_OBJECT_FIELDS = ("config", "final", "error", "host", "problem", "history", "sweep", "versions")


def _shape_problem(manifest: Any) -> str | None:
    """Why ``manifest`` does not have the shape the store writes (``None`` if it has): readers
    then never meet a list where they expect an object."""
    if not isinstance(manifest, dict):
        return "not a JSON object"
    wrong = [f for f in _OBJECT_FIELDS if not isinstance(manifest.get(f), dict | None)]
    if wrong:
        return f"field(s) {wrong} are not JSON objects; edited by hand"
    return None


@dataclass(frozen=True)
class LockState:
    """What a run's lock file says.

    Attributes:
        held: a live process holds the lock (a sweep is writing the run); ``False``: the file
            was left by a sweep that stopped (SIGTERM, a crash) and the next claimant takes it.
        holder: the line the locking sweep wrote (host, pid, time), or ``""``.
    """

    held: bool
    holder: str


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
        """Names of the experiments in the store (folders with a ``runs/`` folder that lie in
        the store: a link to a folder elsewhere is not an experiment of this store)."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir() if (p / "runs").is_dir() and self.inside(p / "runs")
        )

    def require_experiment(self, experiment: str) -> None:
        if experiment not in self.experiments():
            if not self.root.is_dir():
                raise ResultsStoreError(
                    f"no results store at {self.root}; run a sweep first or pass --results-dir"
                )
            runs = self.runs_dir(experiment)
            if runs.is_dir() and not self.inside(runs):
                raise ResultsStoreError(
                    f"{runs}: a symbolic link that leads out of the results store "
                    f"{self.root}; the lab does not follow it (copy the experiment in instead)"
                )
            raise unknown_name(f"experiment in {self.root}", experiment, self.experiments())

    def inside(self, path: Path) -> bool:
        """Does ``path`` (links resolved) lie under the store's root (links resolved)?"""
        root = os.path.realpath(self.root)
        return os.path.realpath(path).startswith(root.rstrip(os.sep) + os.sep)

    def own_folder(self, experiment: str, *parts: str) -> Path:
        """The folder ``<experiment>/<parts...>`` of the store, created if needed, for writing.

        Raises:
            ResultsStoreError: the experiment folder or one below it is a symbolic link (or a
                file): writing would go wherever it points.
        """
        folder = self.root
        for name in (experiment, *parts):
            folder = folder / name
            try:
                st = folder.lstat()
            except FileNotFoundError:
                folder.mkdir(parents=True, exist_ok=True)
                continue
            if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
                kind = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a folder"
                raise ResultsStoreError(
                    f"{folder}: is {kind}; the lab writes only into folders of the results "
                    "store itself, never through a link (remove it, or move the folder it "
                    "points at here)"
                )
        return folder

    def sweep_copies(self, experiment: str) -> list[Path]:
        """The stored sweep copies of ``experiment`` (``sweeps/*.yaml``), by name."""
        folder = self.experiment_dir(experiment) / "sweeps"
        if not folder.is_dir():
            return []
        return sorted(folder.glob("*.yaml"))

    def read_sweep_copy(self, path: Path) -> str:
        """The text of a stored sweep copy: a regular file in the store, not a link, of at
        most the YAML bound (:data:`lab.config_file.DEFAULT_BOUNDS`), UTF-8.

        Raises:
            ResultsStoreError: anything else; the message names the file.
        """
        self._require_inside(path, "stored sweep config")
        data = file_bounds.read_bytes(
            path, what="stored sweep config", max_bytes=DEFAULT_BOUNDS.max_bytes,
            error=ResultsStoreError, follow_symlinks=False,
        )  # fmt: skip
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ResultsStoreError(
                f"{path}: the stored sweep config is not UTF-8 text ({exc.reason} at byte "
                f"{exc.start})"
            ) from None

    def _require_inside(self, path: Path, what: str) -> None:
        if not self.inside(path.parent):
            raise ResultsStoreError(
                f"{path}: the {what} lies in a folder that leads out of the results store "
                f"{self.root} (a symbolic link); the lab does not follow it"
            )

    # ------------------------------------------------------------------------------ reading
    def _load_manifest(self, path: Path) -> tuple[Any, str | None]:
        """The parsed manifest at ``path`` and ``None``, or ``None`` and why it cannot be read
        (missing, a link, not a regular file, over a bound, not JSON, nested too deep)."""
        try:
            self._require_inside(path, "run manifest")
            value = file_bounds.read_json(
                path, what="run manifest", error=ResultsStoreError, follow_symlinks=False
            )
        except ResultsStoreError as exc:
            return None, _without_path(exc, path)
        return value, None

    def read_manifest(self, experiment: str, run_id: str) -> dict[str, Any] | None:
        """The run's manifest, or ``None`` if absent or unreadable (e.g. edited by hand, or
        beyond a bound, or of the wrong shape: :meth:`run_problem` says why)."""
        manifest, _ = self._load_manifest(self.paths(experiment, run_id).manifest)
        return manifest if _shape_problem(manifest) is None else None

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
        manifest, problem = self._load_manifest(path)
        if problem is not None:
            return {}, f"unreadable: {problem}"
        shape = _shape_problem(manifest)
        if shape is not None:
            return {}, shape
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
        except ResultsStoreError as exc:
            return manifest, f"its history is unusable: {_without_path(exc, history)}"
        except OSError as exc:
            return manifest, f"its history {history.name} is unreadable ({exc.strerror})"
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
        self._require_inside(path, "run history")
        fd, _ = file_bounds.open_regular(
            path, what="run history", error=ResultsStoreError, follow_symlinks=False,
            max_bytes=file_bounds.bound("history_bytes"),
            bound_env=file_bounds.env_name("history_bytes"),
        )  # fmt: skip
        # The open file is checked and parsed: what was checked is what is read.
        with os.fdopen(fd, "rb") as fh:
            check_parquet_cells(fh, str(path))
            fh.seek(0)
            try:
                return pd.read_parquet(fh)
            except (OSError, ValueError) as exc:
                raise ResultsStoreError(f"{path}: cannot read the run history ({exc})") from None

    def lock_state(self, experiment: str, run_id: str) -> LockState:
        """Whether a live process holds the run's lock file, and what it wrote there.

        Asks the kernel (a non-blocking shared ``flock``): a lock file left by a sweep stopped
        by SIGTERM or a crash is held by nobody. A link or anything but a regular file counts
        as not held (the store never writes such a lock).
        """
        path = self.paths(experiment, run_id).lock
        try:
            fd, _ = file_bounds.open_regular(
                path, what="lock file", error=ResultsStoreError, follow_symlinks=False
            )
        except ResultsStoreError:
            return LockState(False, "")
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                held = True
            else:
                held = False
                fcntl.flock(fd, fcntl.LOCK_UN)
            text = os.read(fd, file_bounds.MAX_LOCK_BYTES)
        finally:
            os.close(fd)
        lines = text.decode("utf-8", "replace").strip().splitlines()
        # Untrusted text: printable characters only (no terminal escapes), one short line.
        holder = "".join(c if c.isprintable() else "?" for c in (lines[0] if lines else ""))
        return LockState(held, holder[:200])

    # ------------------------------------------------------------------------------ writing
    def claim(self, experiment: str, run_id: str) -> RunLock | None:
        """Lock run ``run_id`` for writing; ``None`` if another sweep holds it. Leftover
        temporary files of the run (from a killed writer) are removed under the lock."""
        self.own_folder(experiment, "runs")
        paths = self.paths(experiment, run_id)
        lock = RunLock.try_acquire(paths.lock)
        if lock is None:
            return None
        for final in (paths.history, paths.manifest):
            for tmp in temporaries_of(final):
                tmp.unlink(missing_ok=True)
        return lock

    def write_sweep_config(self, experiment: str, text: str, sha256: str) -> Path:
        path = self.own_folder(experiment, "sweeps") / f"{sha256[:12]}.yaml"
        if not path.is_file() or path.is_symlink():
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
        self.own_folder(experiment, "runs")
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
