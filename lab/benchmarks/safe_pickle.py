"""Restricted unpickling: read benchmark pickles without ever executing code.

Real benchmark files (the NAS-Bench-Graph wheel's ``.bench`` files, NAS-Bench-201 pandas
pickles, PyTorch ``.pt`` archives holding plain lists) are pickles. A pickle can name any
importable callable and call it while loading, so ``pickle.load`` on an untrusted file runs
arbitrary code. :class:`RestrictedUnpickler` resolves only globals on an explicit allow-list of
data constructors (containers, numpy arrays and scalars, pandas frames and indexes) and refuses
everything else before it is imported or called. What a file may cost is bounded as well
(:mod:`lab.benchmarks.read_bounds`): decompressed size, container length, nesting depth.
"""

from __future__ import annotations

import _compat_pickle
import bz2
import gzip
import io
import pickle
import reprlib
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from lab.benchmarks.read_bounds import (
    bounded_length,
    bounded_stream,
    check_nesting,
    decompressed_limit,
)
from lab.errors import BenchmarkFileError, ResourceBoundError, UnsafePickleError

#: ``module -> names`` that a benchmark pickle may reference. Each one only builds data.
NUMPY_GLOBALS: dict[str, frozenset[str]] = {
    "numpy": frozenset({"dtype", "ndarray"}),
    "numpy.core.multiarray": frozenset({"scalar", "_reconstruct"}),
    "numpy._core.multiarray": frozenset({"scalar", "_reconstruct"}),
    "numpy.core.numeric": frozenset({"_frombuffer"}),
    "numpy._core.numeric": frozenset({"_frombuffer"}),
    "numpy.dtypes": frozenset(
        {"Float64DType", "Float32DType", "Int64DType", "Int32DType", "ObjectDType", "BoolDType"}
    ),
}
BUILTIN_GLOBALS: dict[str, frozenset[str]] = {
    "builtins": frozenset({"slice", "set", "frozenset", "complex", "range", "bytes", "bytearray"}),
    "collections": frozenset({"OrderedDict"}),
    "_codecs": frozenset({"encode"}),
}
PANDAS_GLOBALS: dict[str, frozenset[str]] = {
    "pandas.core.frame": frozenset({"DataFrame"}),
    "pandas.core.series": frozenset({"Series"}),
    "pandas.core.internals.managers": frozenset({"BlockManager", "SingleBlockManager"}),
    "pandas._libs.internals": frozenset({"_unpickle_block"}),
    "pandas.core.indexes.base": frozenset({"_new_Index", "Index"}),
    "pandas.core.indexes.range": frozenset({"RangeIndex"}),
    "pandas.core.indexes.numeric": frozenset({"Int64Index", "Float64Index"}),
    "pandas._libs.arrays": frozenset({"__pyx_unpickle_NDArrayBacked"}),
    "pandas.core.arrays.string_": frozenset({"StringArray", "StringDtype"}),
    "pandas.core.arrays.string_arrow": frozenset({"ArrowStringArray"}),
}
DEFAULT_ALLOWED: dict[str, frozenset[str]] = {**BUILTIN_GLOBALS, **NUMPY_GLOBALS}


def _bounded_range(source: str) -> Any:
    def make(*args: Any) -> range:
        out = range(*args)
        bounded_length("range", len(out), source)
        return out

    return make


def _bounded_collection(kind: type, source: str) -> Any:
    """``set``/``frozenset``/``OrderedDict`` that refuse an oversized argument before building."""

    def make(*args: Any, **kwargs: Any) -> Any:
        if args and hasattr(args[0], "__len__"):
            bounded_length(kind.__name__, len(args[0]), source)
        elif args and not isinstance(args[0], list | tuple | dict | set | frozenset):
            raise UnsafePickleError(
                f"{source}: a {kind.__name__} built from a {type(args[0]).__name__}, which has no "
                "length to check against the bounds; benchmark files never need that"
            )
        return kind(*args, **kwargs)

    return make


def _bounded_bytes(kind: type, source: str) -> Any:
    """``bytes``/``bytearray`` (protocol 0-2 pickles build them by a call); ``bytes(n)`` of a
    huge ``n`` would allocate it, so an integer argument is bounded."""

    def make(*args: Any) -> Any:
        if args and isinstance(args[0], int):
            bounded_length(kind.__name__, args[0], source)
        return kind(*args)

    return make


def _bounded_reconstruct(source: str) -> Any:
    """numpy's ``_reconstruct``, which allocates the shape it is given before ``__setstate__``
    fills it: refuse shapes beyond the container-length bound (real pickles pass ``(0,)``)."""
    from numpy._core.multiarray import _reconstruct

    def make(subtype: Any, shape: Any, dtype: Any) -> Any:
        dims = shape if isinstance(shape, tuple | list) else (shape,)
        n = 1
        for d in dims:
            if not isinstance(d, int) or d < 0:
                raise UnsafePickleError(
                    f"{source}: numpy array shape {reprlib.repr(shape)} is invalid"
                )
            n *= d
        bounded_length("numpy array", n, source)
        return _reconstruct(subtype, shape, dtype)

    return make


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only allow-listed globals and refuses persistent ids.

    Containers are bounded (:mod:`lab.benchmarks.read_bounds`): ``range``, ``set``,
    ``frozenset`` and ``OrderedDict`` refuse more than ``MAX_CONTAINER_LENGTH`` elements before
    they are built.

    Args:
        file: binary file object positioned at the pickle.
        allowed: ``module -> names`` allow-list; anything else raises
            :class:`~lab.errors.UnsafePickleError` before being imported.
        source: file name used in error messages.
        substitutes: ``(module, name) -> object`` used *instead of* importing that global: the
            extension point for third-party classes that only hold data (map them to a plain
            data holder of the lab's own, e.g. a dataclass whose ``__setstate__`` keeps numbers
            and strings). A substitute is never the third-party object itself.
    """

    def __init__(
        self,
        file: IO[bytes],
        *,
        allowed: dict[str, frozenset[str]],
        source: str,
        substitutes: Mapping[tuple[str, str], Any] | None = None,
    ) -> None:
        super().__init__(file)
        self._allowed = allowed
        self._source = source
        self._substitutes = dict(substitutes or {})
        self._bounded: dict[tuple[str, str], Any] = {
            ("builtins", "range"): _bounded_range(source),
            ("builtins", "set"): _bounded_collection(set, source),
            ("builtins", "frozenset"): _bounded_collection(frozenset, source),
            ("builtins", "bytes"): _bounded_bytes(bytes, source),
            ("builtins", "bytearray"): _bounded_bytes(bytearray, source),
            ("collections", "OrderedDict"): _bounded_collection(OrderedDict, source),
            ("numpy.core.multiarray", "_reconstruct"): _bounded_reconstruct(source),
            ("numpy._core.multiarray", "_reconstruct"): _bounded_reconstruct(source),
        }

    def find_class(self, module: str, name: str) -> Any:
        # Python 2 names (``__builtin__``, ``copy_reg``) in pickles of protocol 0-2, mapped as
        # pickle's own find_class does, so the allow-list is checked on the Python 3 names.
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[module, name]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        if (module, name) in self._substitutes:
            return self._substitutes[module, name]
        if name in self._allowed.get(module, frozenset()):
            if (module, name) in self._bounded:
                return self._bounded[module, name]
            # Pickles written by numpy 1.x name ``numpy.core``; numpy 2 moved it to ``numpy._core``.
            if module.startswith("numpy.core"):
                module = "numpy._core" + module[len("numpy.core") :]
            return super().find_class(module, name)
        raise UnsafePickleError(
            f"{self._source}: refusing to load global {module}.{name}: it is not on the allow-list "
            "of data types, so the file may try to run code. Only load benchmark files from a "
            "source you trust, or convert them to Parquet/JSON first."
        )

    def persistent_load(self, pid: Any) -> Any:
        # Tensor storages in torch archives arrive as persistent ids; benchmark lists never do.
        raise UnsafePickleError(
            f"{self._source}: the pickle references external storage ({reprlib.repr(pid)}); only plain "
            "Python/numpy data is accepted."
        )


def safe_load_stream(
    stream: IO[bytes],
    *,
    source: str,
    allowed: dict[str, frozenset[str]] | None = None,
    substitutes: Mapping[tuple[str, str], Any] | None = None,
    check_structure: bool = True,
) -> Any:
    """Unpickle one object from ``stream`` with :class:`RestrictedUnpickler`.

    With ``check_structure`` the result's nesting depth and container lengths are checked
    (:func:`~lab.benchmarks.read_bounds.check_nesting`). Errors name ``source``.
    """
    try:
        obj = RestrictedUnpickler(
            stream, allowed=allowed or DEFAULT_ALLOWED, source=source, substitutes=substitutes
        ).load()
    except BenchmarkFileError:
        raise
    except MemoryError:
        raise ResourceBoundError(
            f"{source}: reading the pickle ran out of memory; the file is larger than this "
            "machine can hold, or crafted to be"
        ) from None
    except Exception as exc:  # truncated, corrupted or not a pickle at all
        raise BenchmarkFileError(
            f"{source}: not a readable pickle ({type(exc).__name__}: {exc}); the file may be "
            "truncated or corrupted: download or copy it again."
        ) from exc
    if check_structure:
        check_nesting(obj, source)
    return obj


def safe_loads(
    data: bytes,
    *,
    source: str,
    allowed: dict[str, frozenset[str]] | None = None,
    substitutes: Mapping[tuple[str, str], Any] | None = None,
) -> Any:
    """Unpickle ``data`` with :class:`RestrictedUnpickler`; errors name ``source``."""
    return safe_load_stream(
        io.BytesIO(data), source=source, allowed=allowed, substitutes=substitutes
    )


def safe_load_pickle(
    path: Path,
    *,
    allowed: dict[str, frozenset[str]] | None = None,
    substitutes: Mapping[tuple[str, str], Any] | None = None,
) -> Any:
    """Read the pickle file at ``path`` without executing code.

    A bz2- or gzip-compressed pickle is recognised by its magic bytes and unpacked within the
    decompressed-size bound of :mod:`lab.benchmarks.read_bounds`.
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileError(f"{path}: file not found")
    with open_decompressed(path) as stream:
        return safe_load_stream(stream, source=str(path), allowed=allowed, substitutes=substitutes)


def open_decompressed(path: Path) -> IO[bytes]:
    """``path`` opened for reading; bz2 and gzip files are unpacked on the fly within the
    decompressed-size bound (:func:`~lab.benchmarks.read_bounds.decompressed_limit`)."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(3)
    if head[:3] == b"BZh":
        inner: IO[bytes] = bz2.BZ2File(path, "rb")
        what = "bz2 stream"
    elif head[:2] == b"\x1f\x8b":
        inner = gzip.GzipFile(path, "rb")
        what = "gzip stream"
    else:
        return open(path, "rb")
    limit = decompressed_limit(path.stat().st_size)
    return bounded_stream(inner, limit=limit, source=str(path), what=what)


def read_zip_member(archive: zipfile.ZipFile, member: str, *, source: str) -> IO[bytes]:
    """One member of ``archive`` as a stream bounded by
    :func:`~lab.benchmarks.read_bounds.decompressed_limit` of its compressed size (the sizes
    an archive declares are not trusted)."""
    info = archive.getinfo(member)
    limit = decompressed_limit(info.compress_size)
    return bounded_stream(
        archive.open(info), limit=limit, source=f"{source} (member {member})", what="zip member"
    )


def safe_load_torch_archive(path: Path) -> Any:
    """Read a PyTorch zip archive (``torch.save``) that holds plain Python data, without torch.

    The archive's ``*/data.pkl`` member is unpickled with the restricted unpickler; archives that
    hold tensors are refused (their storages arrive as persistent ids).
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileError(f"{path}: file not found")
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith("/data.pkl") or n == "data.pkl"]
            if len(members) != 1:
                raise BenchmarkFileError(
                    f"{path}: expected one data.pkl inside the PyTorch archive, found {members}"
                )
            with read_zip_member(archive, members[0], source=str(path)) as stream:
                return safe_load_stream(stream, source=str(path))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise BenchmarkFileError(
            f"{path}: not a PyTorch zip archive ({exc}); the file may be truncated or corrupted"
        ) from exc
