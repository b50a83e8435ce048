"""Restricted unpickling: read benchmark pickles without ever executing code.

Real benchmark files (the NAS-Bench-Graph wheel's ``.bench`` files, NAS-Bench-201 pandas
pickles, PyTorch ``.pt`` archives holding plain lists) are pickles. A pickle can name any
importable callable and call it while loading, so ``pickle.load`` on an untrusted file runs
arbitrary code. :class:`RestrictedUnpickler` resolves only globals on an explicit allow-list of
data constructors (containers, numpy arrays and scalars, pandas frames and indexes) and refuses
everything else before it is imported or called.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

from lab.errors import BenchmarkFileError, UnsafePickleError

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
    "builtins": frozenset({"slice", "set", "frozenset", "complex", "range"}),
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


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only allow-listed globals and refuses persistent ids.

    Args:
        file: binary file object positioned at the pickle.
        allowed: ``module -> names`` allow-list; anything else raises
            :class:`~lab.errors.UnsafePickleError` before being imported.
        source: file name used in error messages.
    """

    def __init__(
        self, file: io.BufferedIOBase, *, allowed: dict[str, frozenset[str]], source: str
    ) -> None:
        super().__init__(file)
        self._allowed = allowed
        self._source = source

    def find_class(self, module: str, name: str) -> Any:
        if name in self._allowed.get(module, frozenset()):
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
            f"{self._source}: the pickle references external storage ({pid!r}); only plain "
            "Python/numpy data is accepted."
        )


def safe_loads(
    data: bytes, *, source: str, allowed: dict[str, frozenset[str]] | None = None
) -> Any:
    """Unpickle ``data`` with :class:`RestrictedUnpickler`; errors name ``source``."""
    try:
        return RestrictedUnpickler(
            io.BytesIO(data), allowed=allowed or DEFAULT_ALLOWED, source=source
        ).load()
    except UnsafePickleError:
        raise
    except Exception as exc:  # truncated, corrupted or not a pickle at all
        raise BenchmarkFileError(
            f"{source}: not a readable pickle ({type(exc).__name__}: {exc}); the file may be "
            "truncated or corrupted: download or copy it again."
        ) from exc


def safe_load_pickle(path: Path, *, allowed: dict[str, frozenset[str]] | None = None) -> Any:
    """Read the pickle file at ``path`` without executing code."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileError(f"{path}: file not found")
    return safe_loads(path.read_bytes(), source=str(path), allowed=allowed)


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
            data = archive.read(members[0])
    except zipfile.BadZipFile as exc:
        raise BenchmarkFileError(
            f"{path}: not a PyTorch zip archive ({exc}); the file may be truncated or corrupted"
        ) from exc
    return safe_loads(data, source=str(path))
