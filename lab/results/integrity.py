"""What is wrong in an experiment's ``runs/`` folder: damaged, partial and foreign files.

Only files named exactly as the store writes them count as runs (``<run_id>.json`` and
``<run_id>.parquet``, ``run_id`` = 16 lowercase hex digits); a copy such as
``<run_id> (copy).json`` is *foreign*: listed, never counted. Each other file is classified:

* ``damaged``: a manifest that is not valid JSON, records another run id, whose config does not
  hash to its name (edited), or whose history is missing or differs from the recorded sha256
  (truncated, replaced);
* ``partial``: a history without a manifest, or a temporary file, left by a writer that was
  killed (``lab run`` reruns the run);
* ``foreign``: any file the store does not write;
* ``locked``: a run that a sweep holds right now (not an error);
* ``stale lock``: a lock file that no live process holds, left by a sweep that was stopped
  (SIGTERM, a crash): harmless, the next ``lab run`` takes it over (not an error).

A run whose manifest says ``failed`` is not an issue of the store: it is a recorded result
(``lab results show --failed``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lab.results.store import RUN_ID, ResultsStore

#: A temporary file of an atomic write (``.<final name>.<random>.tmp``).
_TMP = re.compile(r"^\.(?P<final>[0-9a-f]{16}\.(json|parquet))\..*\.tmp$")

IssueKind = Literal["damaged", "partial", "foreign", "locked", "stale lock"]
#: Kinds that mean results are missing or unusable (``locked`` is only information).
PROBLEM_KINDS: frozenset[str] = frozenset({"damaged", "partial", "foreign"})


@dataclass(frozen=True)
class StoreIssue:
    """One file of a ``runs/`` folder that is not an intact run.

    Attributes:
        path: the file.
        kind: ``damaged``, ``partial``, ``foreign``, ``locked`` or ``stale lock``.
        run_id: the run it belongs to, when its name says so.
        what: what is wrong, in words.
    """

    path: Path
    kind: IssueKind
    run_id: str | None
    what: str


def is_run_file_name(name: str, suffix: str) -> bool:
    """Is ``name`` exactly ``<run_id><suffix>`` as the store writes it?"""
    return name.endswith(suffix) and RUN_ID.match(name[: -len(suffix)]) is not None


def manifest_problem(store: ResultsStore, experiment: str, run_id: str) -> str | None:
    """Why the manifest of ``run_id`` is not an intact run (``None`` if it is; a failed run
    is intact)."""
    return store.run_problem(experiment, run_id)


def _lock_issue(store: ResultsStore, experiment: str, path: Path) -> StoreIssue:
    run_id = path.name[: -len(".lock")]
    state = store.lock_state(experiment, run_id)
    holder = f" ({state.holder})" if state.holder else ""
    if state.held:
        return StoreIssue(path, "locked", run_id, f"a sweep is writing this run{holder}")
    return StoreIssue(
        path, "stale lock", run_id,
        f"left by a sweep that stopped{holder}; no process holds it: harmless, the next "
        "`lab run` takes it over (or delete the file)",
    )  # fmt: skip


def check_runs_folder(store: ResultsStore, experiment: str) -> list[StoreIssue]:
    """Every file of ``<experiment>/runs/`` that is not part of an intact run, by file name."""
    runs = store.runs_dir(experiment)
    if not runs.is_dir():
        return []
    names = {p.name for p in runs.iterdir()}
    issues: list[StoreIssue] = []
    for name in sorted(names):
        path = runs / name
        if path.is_symlink() or not path.is_file():
            what = "a symbolic link" if path.is_symlink() else "not a regular file"
            issues.append(
                StoreIssue(
                    path, "foreign", None,
                    f"{what}: not a file the store writes (never read); remove it",
                )
            )  # fmt: skip
        elif is_run_file_name(name, ".json"):
            run_id = name[:-5]
            problem = manifest_problem(store, experiment, run_id)
            if problem is not None:
                issues.append(StoreIssue(path, "damaged", run_id, f"manifest {problem}"))
        elif is_run_file_name(name, ".parquet"):
            run_id = name[: -len(".parquet")]
            if f"{run_id}.json" not in names:
                issues.append(
                    StoreIssue(
                        path, "partial", run_id,
                        "history without a manifest (the writer was stopped); `lab run` "
                        "reruns the run",
                    )
                )  # fmt: skip
        elif is_run_file_name(name, ".lock"):
            issues.append(_lock_issue(store, experiment, path))
        elif (match := _TMP.match(name)) is not None:
            issues.append(
                StoreIssue(
                    path, "partial", match["final"].split(".")[0],
                    "temporary file of an interrupted write; removed when the run is rerun",
                )
            )  # fmt: skip
        else:
            issues.append(
                StoreIssue(
                    path, "foreign", None,
                    "not named as the store names runs (<16 hex digits>.json/.parquet); "
                    "not counted",
                )
            )  # fmt: skip
    return issues


__all__ = [
    "PROBLEM_KINDS",
    "RUN_ID",
    "StoreIssue",
    "check_runs_folder",
    "is_run_file_name",
    "manifest_problem",
]
