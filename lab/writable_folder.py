"""Folders the lab writes into (built tables, the results store, surrogates): created on
demand, and a clear error when that is impossible.

A setting that names a file, a folder under a file, a read-only folder or a read-only file
system used to surface as an ``OSError`` traceback from deep inside a writer. :func:`writable_folder`
checks once, before anything is written, and names the setting to change.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from lab.errors import LabError


class FolderNotWritableError(LabError):
    """A folder the lab must write into cannot be created or written."""


def writable_folder(path: Path | str, *, what: str, setting: str) -> Path:
    """Create ``path`` if needed and check that files can be created in it.

    Args:
        path: the folder.
        what: what the folder holds, for the message (e.g. ``"built benchmark tables"``).
        setting: the options/variables that choose it (e.g. ``"--data-dir or $LAB_DATA_DIR"``).

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        FolderNotWritableError: a file is in the way, or the folder is not writable.
    """
    path = Path(path).expanduser()
    fix = f"point {setting} at a folder you can write to"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), path)
        raise FolderNotWritableError(
            f"{path}: the folder of {what} cannot be created: {blocker} is a file, not a folder; "
            f"{fix}"
        ) from None
    except OSError as exc:
        raise FolderNotWritableError(
            f"{path}: the folder of {what} cannot be created ({exc.strerror}); {fix}"
        ) from None
    try:
        # A real write: os.access ignores read-only mounts and answers "yes" to root.
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = "read-only file system" if exc.errno == errno.EROFS else exc.strerror
        raise FolderNotWritableError(
            f"{path}: the folder of {what} is not writable ({reason}); {fix}"
        ) from None
    return path


__all__ = ["FolderNotWritableError", "writable_folder"]
