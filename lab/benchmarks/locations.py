"""Where built tables and raw benchmark files live.

Built tables go to a data directory outside git: ``$LAB_DATA_DIR`` if set, else
``$XDG_CACHE_HOME/mo-nas-lab/tables`` (default ``~/.cache/mo-nas-lab/tables``); the CLI's
``--data-dir`` option sets ``LAB_DATA_DIR`` for its process.

Raw files of benchmarks that do not ship on PyPI are looked up in ``$LAB_RAW_DATA_DIR``, then in
``shared/data`` beside the current directory or beside the project checkout (``../shared/data``
seen from the project root), unless a command is given an explicit ``--from PATH``.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "LAB_DATA_DIR"
RAW_DIR_ENV = "LAB_RAW_DATA_DIR"


def data_dir() -> Path:
    """Directory of built benchmark tables (created on demand by writers)."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "mo-nas-lab" / "tables"


def project_root() -> Path:
    """The checkout this package was imported from (the folder holding ``lab/``)."""
    return Path(__file__).resolve().parents[2]


def raw_data_dirs() -> list[Path]:
    """Candidate folders that may hold raw benchmark files, most specific first."""
    dirs: list[Path] = []
    if os.environ.get(RAW_DIR_ENV):
        dirs.append(Path(os.environ[RAW_DIR_ENV]).expanduser())
    for base in (Path.cwd(), project_root()):
        dirs.append(base.parent / "shared" / "data")
    return dirs
