"""The official NAS-Bench-201 architecture index <-> the lab's NAS-Bench-201 genomes.

The official benchmark numbers its 15,625 cells 0 .. 15,624 in an order of its own, not the
mixed-radix order of the genomes (index 0 is
``|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|``,
index 1 ``|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|
skip_connect~2|``). Every NAS-Bench-201-space table of the lab uses that index as its
``arch_id``, so that tables of the space can be joined, and a user table may name its
architectures by it (``space: nasbench201``).

The order is data, not a rule, so it is read where the built-in NAS-Bench-201 recipes read it,
first found first:

1. ``str_arch2idx.pt`` among the ``nasbench201-12ep`` raw files (``lab bench fetch
   nasbench201-12ep``, ``$LAB_RAW_DATA_DIR/nas-bench-201/``), its sha256 checked against the
   recipe's;
2. a built ``nasbench201-12ep`` or ``nasbench201-200ep`` table covering the whole space (their
   ``arch_id`` is the official index: the 12-epoch recipe checks it against ``str_arch2idx.pt``,
   the 200-epoch recipe reads it from the official file's ``meta_archs``).

Without either, :func:`official_index` raises :class:`~lab.errors.RawFilesMissingError` with
the command that fetches the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.benchmarks.checksums import verify_sha256
from lab.benchmarks.locations import data_dir, raw_data_dirs
from lab.benchmarks.safe_pickle import safe_load_torch_archive
from lab.errors import BenchmarkFileError, InputError, RawFilesMissingError
from lab.spaces.encoding import genome_codes
from lab.spaces.nasbench201 import string_to_genome

#: Folder of the NAS-Bench-201 raw files inside a raw-data folder (the 12-epoch recipe's).
RAW_SUBDIR = "nas-bench-201"
#: The file of the official order among them, and its sha256 (the 12-epoch recipe pins it too).
INDEX_FILE = "str_arch2idx.pt"
INDEX_SHA256 = "e1d7b7cc7cf51d7c3cd6f9e726e7395bea87d7ba674e26202fb8633f963aef0d"
N_ARCHS = 15_625
#: Built tables whose ``arch_id`` is the official index, in the order they are tried.
INDEXED_TABLES = ("nasbench201-12ep", "nasbench201-200ep")
CARDINALITIES = (5,) * 6
FETCH_HINT = (
    "the official NAS-Bench-201 order is read from str_arch2idx.pt (`lab bench fetch "
    "nasbench201-12ep`, or a folder holding nas-bench-201/str_arch2idx.pt in $LAB_RAW_DATA_DIR) "
    "or from a built nasbench201-12ep / nasbench201-200ep table"
)


@dataclass(frozen=True)
class OfficialIndex:
    """The official order of the NAS-Bench-201 cells.

    Attributes:
        code_of_index: ``15625`` genome codes (mixed radix over the lab's genome, first edge
            most significant): entry ``i`` is the cell of official index ``i``.
        index_of_code: its inverse, ``15625`` official indices by genome code.
        source: where the order was read (a file or a built table), for messages.
    """

    code_of_index: np.ndarray
    index_of_code: np.ndarray
    source: str

    def indices_of_genomes(self, genomes: np.ndarray) -> np.ndarray:
        """Official index of each genome: ``n x 6`` -> ``n`` int64."""
        return self.index_of_code[genome_codes(genomes, CARDINALITIES)]

    def genomes_of_indices(self, indices: np.ndarray, *, where: str = "") -> np.ndarray:
        """Genome of each official index: ``n`` -> ``n x 6`` int64; an index outside
        ``0 .. 15624`` is an error naming ``where`` and the value."""
        from lab.spaces.encoding import decode_genome_codes

        idx = np.asarray(indices)
        bad = (idx < 0) | (idx >= N_ARCHS)
        if bad.any():
            raise InputError(
                f"{where + ': ' if where else ''}official NAS-Bench-201 index "
                f"{int(idx[np.argmax(bad)])} is outside 0..{N_ARCHS - 1}"
            )
        return decode_genome_codes(self.code_of_index[idx.astype(np.int64)], CARDINALITIES)


_CACHE: dict[str, OfficialIndex] = {}


def _from_codes(codes: np.ndarray, source: str) -> OfficialIndex:
    """Check that ``codes`` (by official index) number every cell once, and invert them."""
    codes = np.asarray(codes, dtype=np.int64)
    if len(codes) != N_ARCHS or not np.array_equal(np.sort(codes), np.arange(N_ARCHS)):
        raise BenchmarkFileError(f"{source}: not an order of the {N_ARCHS} NAS-Bench-201 cells")
    inverse = np.empty(N_ARCHS, dtype=np.int64)
    inverse[codes] = np.arange(N_ARCHS)
    return OfficialIndex(codes, inverse, source)


def read_index_file(path: Path) -> OfficialIndex:
    """The order in ``str_arch2idx.pt`` (a dict string -> index), its sha256 checked."""
    verify_sha256(path, INDEX_SHA256)
    mapping = safe_load_torch_archive(path)
    if not isinstance(mapping, dict) or len(mapping) != N_ARCHS:
        raise BenchmarkFileError(f"{path}: expected a dict of {N_ARCHS} strings -> indices")
    codes = np.full(N_ARCHS, -1, dtype=np.int64)
    for arch_str, index in mapping.items():
        if not isinstance(index, int) or not 0 <= index < N_ARCHS:
            raise BenchmarkFileError(f"{path}: index {index!r} of {arch_str!r} is not 0..15624")
        genome = string_to_genome(str(arch_str))
        codes[index] = genome_codes(genome[None, :], CARDINALITIES)[0]
    return _from_codes(codes, str(path))


def _from_table(directory: Path, name: str) -> OfficialIndex | None:
    """The order a built table of the whole space records, or ``None`` without one."""
    from lab.benchmarks.table import BenchmarkTable

    if not (directory / f"{name}.parquet").is_file() or not (directory / f"{name}.json").is_file():
        return None
    try:
        table = BenchmarkTable.load(directory, name)
    except BenchmarkFileError:
        return None  # a damaged or stale copy: its own loader says so when it is used
    if len(table) != N_ARCHS or table.cardinalities != CARDINALITIES:
        return None
    codes = np.empty(N_ARCHS, dtype=np.int64)
    ids = table.arch_ids
    if not np.array_equal(np.sort(ids), np.arange(N_ARCHS)):
        return None
    codes[ids] = genome_codes(table.genomes, CARDINALITIES)
    return _from_codes(codes, f"table {name} in {directory}")


def index_sources(directory: Path | None = None) -> list[tuple[str, Path]]:
    """Candidate sources present here: ``("file", path)`` or ``("table", folder/name)``."""
    out: list[tuple[str, Path]] = []
    for base in raw_data_dirs():
        path = base / RAW_SUBDIR / INDEX_FILE
        if path.is_file():
            out.append(("file", path))
    directory = Path(directory or data_dir())
    for name in INDEXED_TABLES:
        if (directory / f"{name}.parquet").is_file():
            out.append(("table", directory / name))
    return out


def official_index_available(directory: Path | None = None) -> bool:
    """Whether a source of the official order is present (cheap: file checks only)."""
    return bool(index_sources(directory))


def official_index(directory: Path | None = None) -> OfficialIndex:
    """The official order of the NAS-Bench-201 cells (see the module docstring), cached per
    source for the process."""
    for kind, path in index_sources(directory):
        key = f"{kind}:{path}"
        if key in _CACHE:
            return _CACHE[key]
        found = read_index_file(path) if kind == "file" else _from_table(path.parent, path.name)
        if found is not None:
            _CACHE[key] = found
            return found
    raise RawFilesMissingError(f"no official NAS-Bench-201 index here: {FETCH_HINT}")


def clear_cache() -> None:
    """Forget the orders read in this process (tests use it)."""
    _CACHE.clear()
