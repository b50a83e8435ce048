"""Per-run lock files, so that sweeps writing into one results store never run or write the same
run at the same time.

The lock is an advisory ``fcntl.flock`` on ``<run_id>.lock``. The kernel drops it when its
holder dies — even by SIGKILL — so a killed sweep leaves no stale lock that would block a rerun.
Release unlinks the file while still holding the lock; an acquirer therefore checks, after
locking, that the path still names the inode it locked (otherwise it locked a file that was
just removed, and retries). On network file systems flock works where the server supports it
(NFSv4, most cluster file systems); POSIX systems only.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from lab.results.provenance import host_info, utc_now


class RunLock:
    """An acquired lock; :meth:`release` (or the end of the process) frees it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def try_acquire(cls, path: Path) -> RunLock | None:
        """Lock ``path`` without waiting; ``None`` if another process holds it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return None
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder released and unlinked it in between: try the new file
        info = host_info()
        os.ftruncate(fd, 0)
        os.write(fd, f"{info['hostname']} pid {info['pid']} since {utc_now()}\n".encode())
        return cls(path, fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Remove the lock file and unlock (idempotent)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
