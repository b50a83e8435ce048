"""Where and with what a run ran: library versions, git commit, host, times (for manifests)."""

from __future__ import annotations

import functools
import os
import platform
import socket
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

#: Distributions whose versions every manifest records (read from package metadata, so that
#: recording them imports nothing heavy).
TRACKED_DISTRIBUTIONS = (
    "mo-nas-lab", "numpy", "pandas", "pyarrow", "scipy", "pymoo", "moocore", "torch", "botorch",
    "gpytorch", "scikit-learn", "xgboost", "optuna", "ray",
)  # fmt: skip


@functools.cache
def library_versions() -> dict[str, str | None]:
    """Installed version of each tracked distribution (``None`` if absent) and of Python."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for dist in TRACKED_DISTRIBUTIONS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    from lab.version import __version__

    out["lab"] = __version__
    return out


def _git_dir(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():  # worktrees and submodules: "gitdir: <path>"
            text = candidate.read_text(encoding="utf-8").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None


def git_commit(start: Path | None = None) -> str | None:
    """Commit checked out in the git repository holding ``start`` (default: the lab's checkout),
    read from the repository files (no ``git`` executable needed); ``None`` outside a
    repository."""
    from lab.benchmarks.locations import project_root

    git = _git_dir(Path(start or project_root()).resolve())
    if git is None:
        return None
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):
            return head or None
        ref = head.removeprefix("ref:").strip()
        common = git
        if (git / "commondir").is_file():
            common = (git / (git / "commondir").read_text(encoding="utf-8").strip()).resolve()
        for base in (git, common):
            if (base / ref).is_file():
                return (base / ref).read_text(encoding="utf-8").strip()
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[1] == ref:
                    return parts[0]
    except OSError:
        return None
    return None  # a branch without commits yet


def host_info() -> dict[str, object]:
    """Host name, platform, CPU count and process id of the current process."""
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "pid": os.getpid(),
    }


def utc_now() -> str:
    """The current time, ISO 8601 in UTC with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
