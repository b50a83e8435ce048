"""What reading one file of a results store or a saved surrogate may cost, checked before the
file is parsed: regular files only, a size bound taken from the file's own metadata, and a
bound on the nesting of JSON.

A results store or a surrogate folder may come from someone else. A symbolic link named like a
manifest can point at ``/dev/urandom`` (reading never ends), a sparse file can claim gigabytes
it never wrote (reading it exhausts memory) and a few hundred kilobytes of brackets nest JSON
200,000 deep (the parser recurses). Every file the store and the surrogate loader read goes
through :func:`read_bytes`; exceeding a bound is one error of the caller's class that names the
file, the bound and the environment variable that raises it for a genuine file.

Bounds (each can be raised through an environment variable):

* one JSON file (run manifest, model card, ``surrogate.json``, ``split.json``):
  :data:`MAX_JSON_BYTES` (``LAB_MAX_JSON_BYTES``);
* nesting of a JSON document: :data:`MAX_JSON_DEPTH` (``LAB_MAX_JSON_DEPTH``);
* one run history (Parquet): :data:`MAX_HISTORY_BYTES` (``LAB_MAX_HISTORY_BYTES``); its cells
  are bounded separately (:func:`lab.benchmarks.read_bounds.check_parquet_cells`);
* a lock file, read only to say who holds it: :data:`MAX_LOCK_BYTES` (fixed).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

from lab.errors import ConfigError, LabError

#: Largest JSON file read (bytes): 64 MiB. A manifest is a few kilobytes, a model card tens.
MAX_JSON_BYTES = 64 << 20
#: Deepest nesting of a JSON document: a manifest nests 4 levels, a model card 5.
MAX_JSON_DEPTH = 64
#: Largest run history read or hashed (bytes): 1 GiB, about 10^7 evaluations.
MAX_HISTORY_BYTES = 1 << 30
#: Largest lock file read (bytes): the lock holds one line (host, pid, time).
MAX_LOCK_BYTES = 4096

_ENV = {
    "json_bytes": ("LAB_MAX_JSON_BYTES", MAX_JSON_BYTES),
    "json_depth": ("LAB_MAX_JSON_DEPTH", MAX_JSON_DEPTH),
    "history_bytes": ("LAB_MAX_HISTORY_BYTES", MAX_HISTORY_BYTES),
}


def positive_int_env(env: str, default: int, *, error: type[Exception], hint: str = "") -> int:
    """The positive integer in environment variable ``env``, ``default`` when it is unset or
    empty; ``error`` (with ``hint`` after the reason) when it is not a positive integer."""
    raw = os.environ.get(env)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise error(f"${env}={raw!r} is not an integer{hint}") from None
    if value <= 0:
        raise error(f"${env}={raw!r} must be positive")
    return value


def bound(which: str) -> int:
    """The current value of bound ``which`` (``json_bytes``, ``json_depth``,
    ``history_bytes``): its environment variable if set, else the default."""
    env, default = _ENV[which]
    return positive_int_env(env, default, error=ConfigError, hint="; unset it or give a number")


def env_name(which: str) -> str:
    """The environment variable that sets bound ``which``."""
    return _ENV[which][0]


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"),
    ):  # fmt: skip
        if test(mode):
            return name
    return "not a regular file"


def open_regular(
    path: Path | str,
    *,
    what: str,
    error: type[LabError] = LabError,
    follow_symlinks: bool = True,
    max_bytes: int | None = None,
    bound_env: str | None = None,
) -> tuple[int, int]:
    """Open ``path`` for reading if it is a regular file of at most ``max_bytes`` bytes.

    The file is opened non-blocking (a named pipe never blocks the open) and checked on the
    open descriptor, so what is checked is what is read.

    Args:
        path: the file.
        what: what the file is, for messages (e.g. ``"run manifest"``).
        error: the :class:`LabError` subclass raised; its message names the file.
        follow_symlinks: ``False`` refuses a symbolic link as the last path component (the
            results store never writes links, so one there points somewhere else).
        max_bytes: largest accepted size in bytes (``None``: no bound).
        bound_env: the environment variable that raises ``max_bytes``, for the message.

    Returns:
        The open file descriptor (the caller closes it) and the file's size in bytes.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error(
                f"{path}: the {what} is a symbolic link; the lab reads only the files it wrote "
                "there, never what a link points at (replace the link by the file)"
            ) from None
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(
                f"{path}: the {what} is {_kind(st.st_mode)}, not a regular file; the lab reads "
                "regular files only (remove it or put the file there)"
            )
        if max_bytes is not None and st.st_size > max_bytes:
            raise error(
                f"{path}: the {what} has {st.st_size:,} bytes, more than the bound of "
                f"{max_bytes:,} bytes; no genuine {what} is that large (damaged or forged?)"
                + (f"; if it is genuine, raise {bound_env}" if bound_env else "")
            )
        # The descriptor stays non-blocking only for the open: regular files never block.
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def read_bytes(
    path: Path | str,
    *,
    what: str,
    max_bytes: int,
    error: type[LabError] = LabError,
    follow_symlinks: bool = True,
    bound_env: str | None = None,
) -> bytes:
    """The bytes of the regular file ``path`` if it has at most ``max_bytes`` bytes (see
    :func:`open_regular`); a file that grows past the bound while it is read is refused too."""
    fd, _ = open_regular(
        path, what=what, error=error, follow_symlinks=follow_symlinks, max_bytes=max_bytes,
        bound_env=bound_env,
    )  # fmt: skip
    try:
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise error(f"{path}: the {what} grew past {max_bytes:,} bytes while it was read")
    return data


def json_depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0, ``[]`` is 1), counted without
    recursion and only up to ``limit + 1``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def _no_constant(token: str) -> Any:
    # The lab writes strict JSON; NaN and Infinity would break every canonical hash later.
    raise ValueError(f"non-standard JSON constant {token}")


def loads_json(
    data: bytes | str, *, source: str, what: str, error: type[LabError] = LabError
) -> Any:
    """Parse JSON ``data`` read from ``source`` with its nesting bounded by
    :data:`MAX_JSON_DEPTH` (``LAB_MAX_JSON_DEPTH``)."""
    limit = bound("json_depth")
    deep = error(
        f"{source}: the {what} nests deeper than {limit} levels; no genuine {what} does "
        f"(damaged or forged?); if it is genuine, raise {env_name('json_depth')}"
    )
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        # The parser recurses once per level; past the interpreter's limit it stops here.
        raise deep from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise error(f"{source}: the {what} is not valid JSON ({exc})") from None
    if json_depth(value, limit) > limit:
        raise deep
    return value


def read_json(
    path: Path | str,
    *,
    what: str,
    error: type[LabError] = LabError,
    follow_symlinks: bool = True,
) -> Any:
    """Parse the JSON file at ``path``: a regular file of at most :data:`MAX_JSON_BYTES`
    (``LAB_MAX_JSON_BYTES``) nested at most :data:`MAX_JSON_DEPTH` deep; every error is an
    ``error`` naming the file."""
    data = read_bytes(
        path, what=what, max_bytes=bound("json_bytes"), error=error,
        follow_symlinks=follow_symlinks, bound_env=env_name("json_bytes"),
    )  # fmt: skip
    return loads_json(data, source=str(path), what=what, error=error)


__all__ = [
    "MAX_HISTORY_BYTES",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_LOCK_BYTES",
    "bound",
    "env_name",
    "json_depth",
    "loads_json",
    "open_regular",
    "read_bytes",
    "read_json",
]
