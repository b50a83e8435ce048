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
values. :func:`read_json` parses a file and names it in any error.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import numpy as np

from lab.errors import LabError

#: Bytes read at a time when hashing a file.
HASH_CHUNK_BYTES = 1 << 20


def _create_temporary(path: Path) -> Path:
    """Create an empty, new, uniquely named file beside ``path``; mode 0o666 minus the umask."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"{path.parent}: cannot create a unique temporary file")


def atomic_write(path: Path | str, write: Callable[[str], object]) -> None:
    """Call ``write(tmp_path)`` to fill a temporary file, then rename it onto ``path``.

    The parent folder is created if needed. If ``write`` raises (or the process is interrupted),
    the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _create_temporary(path)
    try:
        write(str(tmp))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
    """
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: {what} not found")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{path}: the {what} is not valid JSON ({exc})") from None


def sha256_file(path: Path | str, *, chunk_bytes: int = HASH_CHUNK_BYTES) -> str:
    """Hex sha256 of the file at ``path``, read in chunks of ``chunk_bytes``."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()
