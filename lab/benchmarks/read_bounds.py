"""What reading one file may cost: decompressed size, container length and nesting depth.

A few kilobytes of bz2 can unpack to gigabytes, a 173-byte pickle can ask for ``range(10**12)``
and a few hundred kilobytes can nest lists 300,000 deep. Every benchmark file the lab reads goes
through these bounds; exceeding one is a :class:`~lab.errors.ResourceBoundError` that names the
file, the bound and how to raise it for a genuine file.

Bounds (each can be raised through an environment variable):

* decompressed bytes of one compressed input (bz2 stream, zip member, gzip stream): at most
  ``max(ratio * compressed size, floor)`` and never above an absolute cap. Real benchmark data
  compresses by 2x-20x; decompression bombs by 1000x and more
  (``LAB_MAX_DECOMPRESSED_BYTES`` sets the absolute cap, ``LAB_MAX_COMPRESSION_RATIO`` the ratio);
* elements of one container built by a pickle (``range``, ``set``, list, dict, ...):
  :data:`MAX_CONTAINER_LENGTH` (``LAB_MAX_CONTAINER_LENGTH``);
* nesting depth of containers: :data:`MAX_NESTING_DEPTH` (``LAB_MAX_NESTING_DEPTH``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from lab.errors import ResourceBoundError
from lab.file_bounds import positive_int_env

#: Absolute cap on the decompressed size of one input (bytes): 64 GiB.
MAX_DECOMPRESSED_BYTES = 64 << 30
#: Largest accepted ratio of decompressed to compressed size.
MAX_COMPRESSION_RATIO = 200
#: Decompressed size always allowed whatever the ratio (bytes): 64 MiB.
DECOMPRESSED_FLOOR_BYTES = 64 << 20
#: Largest number of elements of one container read from a file.
MAX_CONTAINER_LENGTH = 100_000_000
#: Deepest nesting of containers read from a file.
MAX_NESTING_DEPTH = 200

_ENV = {
    "max_decompressed": ("LAB_MAX_DECOMPRESSED_BYTES", MAX_DECOMPRESSED_BYTES),
    "ratio": ("LAB_MAX_COMPRESSION_RATIO", MAX_COMPRESSION_RATIO),
    "length": ("LAB_MAX_CONTAINER_LENGTH", MAX_CONTAINER_LENGTH),
    "depth": ("LAB_MAX_NESTING_DEPTH", MAX_NESTING_DEPTH),
}


def bound(which: str) -> int:
    """The current value of bound ``which`` (environment variable, else the default)."""
    env, default = _ENV[which]
    return positive_int_env(env, default, error=ResourceBoundError)


def decompressed_limit(compressed_bytes: int) -> int:
    """Most bytes a compressed input of ``compressed_bytes`` may unpack to."""
    return min(
        bound("max_decompressed"),
        max(bound("ratio") * max(compressed_bytes, 0), DECOMPRESSED_FLOOR_BYTES),
    )


class BoundedReader(io.RawIOBase):
    """A read-only stream over ``inner`` that fails once more than ``limit`` bytes were read.

    Args:
        inner: the decompressing stream (``bz2.BZ2File``, a zip member, ``gzip.GzipFile``).
        limit: most bytes that may be read.
        source: the file named in the error.
        what: what the bytes are, for the message (e.g. ``"bz2 stream"``).
    """

    def __init__(self, inner: IO[bytes], *, limit: int, source: str, what: str) -> None:
        super().__init__()
        self._inner, self._limit, self._source, self._what = inner, limit, source, what
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        # Ask for one byte more than allowed so that crossing the bound is noticed.
        room = self._limit - self._count + 1
        data = self._inner.read(min(len(view), room))
        n = len(data)
        view[:n] = data
        self._count += n
        if self._count > self._limit:
            raise ResourceBoundError(
                f"{self._source}: the {self._what} unpacks to more than {self._limit:,} bytes, "
                "the bound for a file of this size (decompression bomb?); if the file is "
                "genuine, raise LAB_MAX_COMPRESSION_RATIO or LAB_MAX_DECOMPRESSED_BYTES"
            )
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def bounded_stream(inner: IO[bytes], *, limit: int, source: str, what: str) -> io.BufferedReader:
    """:class:`BoundedReader` buffered, ready for ``pickle`` or ``pandas``."""
    return io.BufferedReader(BoundedReader(inner, limit=limit, source=source, what=what))


def read_bounded(inner: IO[bytes], *, limit: int, source: str, what: str) -> bytes:
    """All bytes of ``inner``, or a :class:`ResourceBoundError` past ``limit``."""
    with bounded_stream(inner, limit=limit, source=source, what=what) as stream:
        return stream.read()


def bounded_length(kind: str, n: int, source: str) -> None:
    """Refuse a container of ``n`` elements beyond :data:`MAX_CONTAINER_LENGTH`."""
    limit = bound("length")
    if n > limit:
        raise ResourceBoundError(
            f"{source}: a {kind} of {n:,} elements exceeds the bound of {limit:,} elements per "
            "container; if the file is genuine, raise LAB_MAX_CONTAINER_LENGTH"
        )


def check_parquet_cells(path: Any, source: str | None = None) -> None:
    """Refuse a Parquet file whose footer declares more than :data:`MAX_CONTAINER_LENGTH` cells
    (rows x columns) before any column is decoded: dictionary and run-length encodings let a
    few kilobytes stand for hundreds of megabytes of values. An unreadable footer is left to
    the reader, which reports it."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception:
        return
    bounded_length("Parquet table", meta.num_rows * max(meta.num_columns, 1), source or str(path))


def check_nesting(obj: Any, source: str) -> None:
    """Walk ``obj`` (lists, tuples, dicts, sets, object arrays) and refuse containers nested
    deeper than :data:`MAX_NESTING_DEPTH` or longer than :data:`MAX_CONTAINER_LENGTH`.

    Iterative, so the walk itself never hits the recursion limit; each container is visited
    once (shared references are not walked twice).
    """
    max_depth, max_length = bound("depth"), bound("length")
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        children: Callable[[], Any] | None = None
        if isinstance(item, dict):
            children = lambda item=item: (*item.keys(), *item.values())  # noqa: E731
        elif isinstance(item, list | tuple | set | frozenset):
            children = lambda item=item: item  # noqa: E731
        elif isinstance(item, np.ndarray) and item.dtype == object:
            children = lambda item=item: item.ravel()  # noqa: E731
        if children is None or id(item) in seen:
            continue
        seen.add(id(item))
        if depth >= max_depth:
            raise ResourceBoundError(
                f"{source}: containers nested more than {max_depth} deep; no benchmark file "
                "needs that (raise LAB_MAX_NESTING_DEPTH if this one is genuine)"
            )
        size = item.size if isinstance(item, np.ndarray) else len(item)
        if size > max_length:
            bounded_length(type(item).__name__, size, source)
        for child in children():
            if isinstance(child, dict | list | tuple | set | frozenset | np.ndarray):
                stack.append((child, depth + 1))


__all__ = [
    "DECOMPRESSED_FLOOR_BYTES",
    "MAX_COMPRESSION_RATIO",
    "MAX_CONTAINER_LENGTH",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_NESTING_DEPTH",
    "BoundedReader",
    "bound",
    "bounded_length",
    "bounded_stream",
    "check_nesting",
    "check_parquet_cells",
    "decompressed_limit",
    "read_bounded",
]
