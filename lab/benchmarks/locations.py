"""Where specs, built tables and raw benchmark files live.

**Specs are layered.** The built-in benchmark and problem specs and their frozen points ship
inside the package (``lab/_builtin_benchmarks``: in a source checkout a link to the top-level
``benchmarks/`` folder, in an installed wheel a copy of it). A user's own specs add to them from
``./benchmarks/`` of the working folder and from ``$LAB_BENCHMARKS_DIR``. Each layer keeps the
frozen points of its own problems in its own ``frozen.yaml``, so a user's frozen points live in
the user's folder and never inside an installed package.

**Built tables** go to a data directory outside git: ``$LAB_DATA_DIR`` if set, else
``$XDG_CACHE_HOME/mo-nas-lab/tables`` (default ``~/.cache/mo-nas-lab/tables``); the CLI's
``--data-dir`` option sets ``LAB_DATA_DIR`` for its process.

**Raw files** of benchmarks that do not ship on PyPI are looked up in ``$LAB_RAW_DATA_DIR``, then
in ``shared/data`` beside the working folder, then in the download folder of ``lab bench fetch``
(``<data dir>/raw``), unless a command is given an explicit ``--from PATH``.

Nothing is looked up relative to the folder the package was installed into.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "LAB_DATA_DIR"
RAW_DIR_ENV = "LAB_RAW_DATA_DIR"
SPECS_ENV = "LAB_BENCHMARKS_DIR"
#: Folder of a user's own specs, relative to the working folder.
USER_SPECS_FOLDER = "benchmarks"
#: Package folder holding the built-in specs (see the module docstring).
BUILTIN_SPECS_PACKAGE_DIR = "_builtin_benchmarks"
FROZEN_FILE = "frozen.yaml"


def data_dir() -> Path:
    """Directory of built benchmark tables (created on demand by writers)."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "mo-nas-lab" / "tables"


def download_dir() -> Path:
    """Where ``lab bench fetch`` stores downloaded raw files (one subfolder per benchmark)."""
    return data_dir() / "raw"


def project_root() -> Path:
    """The folder holding the ``lab`` package (a checkout, or site-packages when installed).

    Only provenance uses it (the git commit of a checkout); no spec, table, surrogate or result
    is ever looked up relative to it.
    """
    return Path(__file__).resolve().parents[2]


def raw_data_dirs() -> list[Path]:
    """Candidate folders that may hold raw benchmark files, most specific first."""
    dirs: list[Path] = []
    if os.environ.get(RAW_DIR_ENV):
        dirs.append(Path(os.environ[RAW_DIR_ENV]).expanduser())
    dirs.append(Path.cwd().parent / "shared" / "data")
    dirs.append(download_dir())
    return dirs


@dataclass(frozen=True)
class SpecLayer:
    """One folder of benchmark and problem specs.

    Attributes:
        kind: ``builtin`` (shipped with the package), ``working`` (``./benchmarks/``) or ``env``
            (``$LAB_BENCHMARKS_DIR``).
        path: the folder.
        writable: whether ``lab bench freeze`` / ``audit`` may write this layer's
            ``frozen.yaml`` / ``audit.yaml``: always for a user's folders; for the built-ins only
            in a source checkout run from that checkout (never inside an installed package, and
            never from another folder, which would rewrite the checkout's files unasked).
    """

    kind: str
    path: Path

    @property
    def frozen_file(self) -> Path:
        return self.path / FROZEN_FILE

    @property
    def writable(self) -> bool:
        return self.kind != "builtin" or (builtin_specs_editable() and running_in_checkout())


def _builtin_link() -> Path:
    return Path(__file__).resolve().parents[1] / BUILTIN_SPECS_PACKAGE_DIR


def builtin_specs_dir() -> Path:
    """The built-in specs shipped with the package (resolved to a real folder)."""
    return _builtin_link().resolve()


def builtin_specs_editable() -> bool:
    """Whether the built-in specs are a source checkout's ``benchmarks/`` (a link inside the
    package) rather than an installed copy; only then may ``lab bench freeze`` rewrite them."""
    return _builtin_link().is_symlink()


def running_in_checkout() -> bool:
    """Whether the working folder's ``./benchmarks/`` is the built-in spec folder itself (the
    lab runs from the source checkout it is installed from)."""
    here = Path.cwd() / USER_SPECS_FOLDER
    return here.is_dir() and here.resolve() == builtin_specs_dir()


def spec_layers() -> list[SpecLayer]:
    """Every spec folder, built-ins first; a folder reached twice (e.g. running from a checkout,
    where ``./benchmarks/`` is the built-in folder) is one layer."""
    layers = [SpecLayer("builtin", builtin_specs_dir())]
    seen = {layers[0].path}
    for kind, folder in _user_dirs_with_kind():
        resolved = folder.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        layers.append(SpecLayer(kind, folder))
    return layers


def _user_dirs_with_kind() -> list[tuple[str, Path]]:
    out = []
    if (Path.cwd() / USER_SPECS_FOLDER).is_dir():
        out.append(("working", Path.cwd() / USER_SPECS_FOLDER))
    if os.environ.get(SPECS_ENV):
        out.append(("env", Path(os.environ[SPECS_ENV]).expanduser()))
    return out
