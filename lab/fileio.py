"""File I/O used everywhere in the lab: atomic writes, JSON, sha256.

**Atomic writes.** :func:`atomic_write` writes to a temporary file in the target's folder, then
renames it onto the target (``os.replace`` is atomic on POSIX and Windows within one file
system): a killed process leaves the old file or the new one, never a half-written file that
looks complete. The temporary file is created with mode ``0o666`` filtered by the process umask,
exactly like ``open(path, "w")`` would, so the files the lab writes get the user's usual
permissions (``0o644`` under umask ``022``, ``0o664`` under ``002``), not ``tempfile``'s private
``0o600``.

**JSON.** :func:`write_json` writes strict JSON (no ``NaN`` tokens: non-finite floats become
``null``) with one stable layout: two-space indentation, keys in insertion order unless
``sort_keys``, a trailing newline. numpy scalars and arrays, tuples and paths become plain JSON
values. :func:`read_json` parses a file and names it in any error; it reads regular files only,
with the size and depth bounds of :mod:`lab.file_bounds`.

**Temporaries of killed writers.** A writer killed by SIGKILL (or the machine going down) leaves
its ``.<name>.<random>.tmp`` file behind. The writer holds an advisory lock (``fcntl.flock``) on
its temporary file while it fills it, and the kernel drops that lock when the process dies; the
next :func:`atomic_write` of the same target removes the temporaries nobody holds and nobody has
touched for :data:`STALE_TMP_AGE_S` seconds (:func:`remove_stale_temporaries`).
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import json
import math
import os
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import numpy as np

from lab import file_bounds
from lab.errors import LabError

#: Bytes read at a time when hashing a file.
HASH_CHUNK_BYTES = 1 << 20
#: A temporary file untouched for this long (seconds) and locked by no process is a leftover of
#: a killed writer. The lock alone decides; the age only spares a writer that is between
#: creating its file and locking it.
STALE_TMP_AGE_S = 60.0


def _create_temporary(path: Path) -> tuple[Path, int]:
    """Create an empty, new, uniquely named file beside ``path`` (mode 0o666 minus the umask)
    and lock it; returns it with the descriptor that holds the lock."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else holds it
        return tmp, fd
    raise FileExistsError(f"{path.parent}: cannot create a unique temporary file")


def temporaries_of(path: Path | str) -> list[Path]:
    """The temporary files of :func:`atomic_write` writes of ``path`` (any writer's)."""
    path = Path(path)
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))


def remove_stale_temporaries(path: Path | str, *, min_age_s: float = STALE_TMP_AGE_S) -> list[Path]:
    """Remove the temporaries of writes of ``path`` left by writers that died: regular files
    (a link is never followed) that no process holds locked and that were not modified in the
    last ``min_age_s`` seconds. Returns the removed files."""
    removed = []
    now = time.time()
    for tmp in temporaries_of(path):
        try:
            st = tmp.lstat()
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < min_age_s:
                continue
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live writer holds it
        try:
            if os.fstat(fd).st_ino == os.lstat(tmp).st_ino:
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def atomic_write(path: Path | str, write: Callable[[str], object]) -> None:
    """Call ``write(tmp_path)`` to fill a temporary file, then rename it onto ``path``.

    The parent folder is created if needed. If ``write`` raises (or the process is interrupted),
    the temporary file is removed and ``path`` is left as it was. Temporaries of earlier writes
    of ``path`` whose writers were killed are removed first (:func:`remove_stale_temporaries`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    tmp, fd = _create_temporary(path)
    try:
        write(str(tmp))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def to_json_value(value: Any, *, default: Callable[[Any], Any] | None = None) -> Any:
    """``value`` as plain JSON values: numpy scalars/arrays → numbers/lists, tuples → lists,
    paths → strings, dict keys → strings, non-finite floats → ``None``.

    Other types go through ``default`` (e.g. ``repr``); without it they raise ``TypeError``.
    """
    if isinstance(value, dict):
        return {str(k): to_json_value(v, default=default) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v, default=default) for v in value]
    if isinstance(value, np.ndarray):
        return to_json_value(value.tolist(), default=default)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if default is not None:
        return to_json_value(default(value))
    raise TypeError(f"{type(value).__name__} is not JSON serializable: {value!r}")


def json_text(
    value: Any, *, sort_keys: bool = False, default: Callable[[Any], Any] | None = None
) -> str:
    """The text :func:`write_json` writes for ``value`` (strict JSON, stable layout)."""
    clean = to_json_value(value, default=default)
    return json.dumps(clean, indent=2, sort_keys=sort_keys, allow_nan=False) + "\n"


def write_json(
    path: Path | str,
    value: Any,
    *,
    sort_keys: bool = False,
    default: Callable[[Any], Any] | None = None,
) -> None:
    """Write ``value`` as strict JSON in the lab's stable layout, atomically.

    Args:
        path: the file (its folder is created if needed).
        value: dicts, lists, numbers, strings, numpy values, paths; non-finite floats are
            written as ``null``.
        sort_keys: sort mapping keys (for files compared or hashed across runs).
        default: how to turn any other value into JSON (e.g. ``repr``); ``None`` raises
            ``TypeError`` for them.
    """
    atomic_write_text(path, json_text(value, sort_keys=sort_keys, default=default))


def read_json(
    path: Path | str, *, what: str = "JSON file", error: type[LabError] = LabError
) -> Any:
    """Parse the JSON file at ``path``.

    Args:
        path: the file.
        what: what the file is, for messages (e.g. ``"surrogate card"``).
        error: the :class:`LabError` subclass raised when the file is missing, unreadable or not
            valid JSON; its message names the file.

    Only a regular file is read, of at most ``LAB_MAX_JSON_BYTES`` bytes and nested at most
    ``LAB_MAX_JSON_DEPTH`` deep (:mod:`lab.file_bounds`); exceeding a bound is an ``error``
    naming the file and the bound.
    """
    return file_bounds.read_json(path, what=what, error=error)


def sha256_file(
    path: Path | str,
    *,
    chunk_bytes: int = HASH_CHUNK_BYTES,
    max_bytes: int | None = None,
    what: str = "file",
    error: type[LabError] = LabError,
    follow_symlinks: bool = True,
    bound_env: str | None = None,
) -> str:
    """Hex sha256 of the regular file at ``path``, read in chunks of ``chunk_bytes``.

    A device, pipe or folder is refused (hashing ``/dev/urandom`` would never end), and so is a
    file larger than ``max_bytes`` bytes when given, before anything is read; see
    :func:`lab.file_bounds.open_regular` for the other arguments.
    """
    fd, _ = file_bounds.open_regular(
        path, what=what, error=error, follow_symlinks=follow_symlinks, max_bytes=max_bytes,
        bound_env=bound_env,
    )  # fmt: skip
    digest = hashlib.sha256()
    n = 0
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            n += len(chunk)
            if max_bytes is not None and n > max_bytes:
                raise error(f"{path}: the {what} grew past {max_bytes:,} bytes while hashed")
            digest.update(chunk)
    return digest.hexdigest()
