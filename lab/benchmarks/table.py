"""The canonical benchmark table: one row per distinct architecture, stored as Parquet + JSON.

Layout (axis order explicit, as in the syne-tune blackbox repository):

* ``arch_id`` (int64): stable integer id of the architecture, unique per row;
* ``arch_str`` (string): canonical architecture string of the search space;
* ``g0 .. g{d-1}`` (int16): one canonical genome of the architecture, ``0 <= g_i < card_i``;
* metric columns (float64), each described by a :class:`~lab.benchmarks.metric.MetricInfo`.

The JSON file beside the Parquet file holds the metric metadata, genome cardinalities, source,
citation, licence, sha256 of every raw input and the builder version, and the sha256 of the
Parquet file itself, checked on every load (a size/mtime/ctime/inode fast path, a full hash when
they differ): an edited cached table is never used silently.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.read_bounds import check_parquet_cells
from lab.errors import BenchmarkFileError, CachedTableChangedError
from lab.fileio import atomic_write, sha256_file, write_json
from lab.writable_folder import writable_folder

#: Version of the on-disk layout; bump when the layout changes so stale tables are rebuilt.
TABLE_FORMAT_VERSION = 1


def _stat_record(path: Path) -> dict[str, int]:
    """What identifies one version of a file cheaply: size, mtime, ctime and inode.

    ctime cannot be set by a user (any write, ``touch`` or rename updates it), so an edit that
    keeps size and mtime still changes the record.
    """
    st = Path(path).stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns,
            "inode": st.st_ino}  # fmt: skip


def _verified_bytes(parquet_path: Path, json_path: Path, meta: dict, name: str) -> bytes | None:
    """Check the Parquet file against the ``table_sha256`` recorded in ``meta``.

    Fast path: the file's :func:`_stat_record` equals the recorded one (it is the file written
    then) and ``None`` is returned (read it from disk). Otherwise the file is read once and
    hashed; on a match its bytes are returned (so what is parsed is what was hashed) and the
    recorded stat is refreshed when the folder is writable; on a mismatch
    :class:`~lab.errors.CachedTableChangedError` tells how to rebuild.
    """
    recorded = meta.get("table_sha256")
    rebuild = f"rebuild it with `lab bench build {name}` (or import it again)"
    if not isinstance(recorded, str):
        raise CachedTableChangedError(f"{json_path}: no 'table_sha256' recorded; {rebuild}")
    if meta.get("table_stat") == _stat_record(parquet_path):
        return None
    data = parquet_path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != recorded:
        raise CachedTableChangedError(
            f"{parquet_path}: sha256 {actual} differs from {recorded} recorded in {json_path.name} "
            f"when the table was built: the cached table was modified or damaged; {rebuild}"
        )
    try:  # same content, new file (copied, restored): remember it, so the next load is fast
        fresh = {**json.loads(json_path.read_text()), "table_stat": _stat_record(parquet_path)}
        atomic_write(json_path, lambda p: Path(p).write_text(json.dumps(fresh, indent=2)))
    except (OSError, ValueError):
        pass  # a read-only data folder: the full hash runs again next time
    return data


def genome_columns(n: int) -> list[str]:
    """Names of the ``n`` genome columns."""
    return [f"g{i}" for i in range(n)]


@dataclass
class BenchmarkTable:
    """A benchmark table and its metadata.

    Attributes:
        name: benchmark name, e.g. ``nasbench-graph``.
        frame: ``n_rows x (2 + d + n_metrics)`` data frame in the layout above.
        metrics: metric metadata keyed by column name.
        cardinalities: number of choices of each genome variable, length ``d``.
        space: name of the search space the genomes belong to.
        meta: provenance: source, citation, licence, raw input checksums, builder version.
    """

    name: str
    frame: pd.DataFrame
    metrics: dict[str, MetricInfo]
    cardinalities: tuple[int, ...]
    space: str
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._normalize_dtypes()
        self.validate()

    def _normalize_dtypes(self) -> None:
        # One dtype whatever the source (object columns from pickles, strings from Parquet).
        if "arch_str" in self.frame.columns:
            self.frame["arch_str"] = self.frame["arch_str"].astype(str)

    @property
    def genome_columns(self) -> list[str]:
        return genome_columns(len(self.cardinalities))

    @property
    def genomes(self) -> np.ndarray:
        """``n_rows x d`` int64 genome matrix."""
        return self.frame[self.genome_columns].to_numpy(dtype=np.int64)

    @property
    def arch_ids(self) -> np.ndarray:
        return self.frame["arch_id"].to_numpy(dtype=np.int64)

    def __len__(self) -> int:
        return len(self.frame)

    def metric_values(self, column: str) -> np.ndarray:
        """Values of metric ``column`` as float64, length ``n_rows``."""
        if column not in self.metrics:
            from lab.errors import unknown_name

            raise unknown_name(f"metric of benchmark {self.name!r}", column, list(self.metrics))
        return self.frame[column].to_numpy(dtype=np.float64)

    def validate(self, source: str | None = None) -> None:
        """Check the layout; raise :class:`BenchmarkFileError` naming ``source`` and the field."""
        where = source or f"benchmark {self.name!r}"
        required = ["arch_id", "arch_str", *self.genome_columns, *self.metrics]
        missing = [c for c in required if c not in self.frame.columns]
        if missing:
            raise BenchmarkFileError(f"{where}: missing columns {missing}")
        for col, info in self.metrics.items():
            if info.column != col:
                raise BenchmarkFileError(
                    f"{where}: metric key {col!r} names column {info.column!r}"
                )
            if not pd.api.types.is_numeric_dtype(self.frame[col]):
                raise BenchmarkFileError(
                    f"{where}: metric column {col!r} is {self.frame[col].dtype}, not numeric"
                )
        ids = self.frame["arch_id"]
        if ids.duplicated().any():
            dup = ids[ids.duplicated()].iloc[0]
            raise BenchmarkFileError(f"{where}: arch_id {dup} appears more than once")
        genomes = self.frame[self.genome_columns].to_numpy()
        cards = np.asarray(self.cardinalities)
        if len(genomes) and ((genomes < 0) | (genomes >= cards)).any():
            row = int(np.argwhere((genomes < 0) | (genomes >= cards))[0, 0])
            raise BenchmarkFileError(
                f"{where}: row {row} has a genome {genomes[row].tolist()} outside the "
                f"cardinalities {list(self.cardinalities)}"
            )

    # ----------------------------------------------------------------------------------- storage
    def save(self, directory: Path) -> Path:
        """Write ``<name>.parquet`` and ``<name>.json`` atomically into ``directory``."""
        directory = writable_folder(
            directory, what="built benchmark tables", setting="--data-dir or $LAB_DATA_DIR"
        )
        parquet_path = directory / f"{self.name}.parquet"
        json_path = directory / f"{self.name}.json"
        atomic_write(parquet_path, lambda p: self.frame.to_parquet(p, index=False))
        # The provenance first: the checksum and stat of the file just written must win over
        # those a loaded table carries in its meta.
        meta = {
            **self.meta,
            "format_version": TABLE_FORMAT_VERSION,
            "name": self.name,
            "space": self.space,
            "n_rows": len(self.frame),
            "cardinalities": list(self.cardinalities),
            "metrics": {k: v.to_dict() for k, v in self.metrics.items()},
            "table_sha256": sha256_file(parquet_path),
            "table_stat": _stat_record(parquet_path),
        }
        write_json(json_path, meta)
        self.meta = {
            k: v
            for k, v in meta.items()
            if k not in {"name", "space", "n_rows", "cardinalities", "metrics"}
        }
        return parquet_path

    @classmethod
    def load(cls, directory: Path, name: str) -> BenchmarkTable:
        """Load a table written by :meth:`save`; errors name the file and what is wrong."""
        directory = Path(directory)
        parquet_path = directory / f"{name}.parquet"
        json_path = directory / f"{name}.json"
        for path in (parquet_path, json_path):
            if not path.is_file():
                raise BenchmarkFileError(
                    f"{path}: not found; build it with `lab bench build {name}`"
                )
        try:
            meta = json.loads(json_path.read_text())
        except json.JSONDecodeError as exc:
            raise BenchmarkFileError(
                f"{json_path}: invalid JSON ({exc}); rebuild with `lab bench build {name}`"
            ) from exc
        for key in ("format_version", "metrics", "cardinalities", "space"):
            if key not in meta:
                raise BenchmarkFileError(
                    f"{json_path}: missing field {key!r}; rebuild with `lab bench build {name}`"
                )
        if meta["format_version"] != TABLE_FORMAT_VERSION:
            raise BenchmarkFileError(
                f"{json_path}: table format {meta['format_version']} is not the current "
                f"{TABLE_FORMAT_VERSION}; rebuild with `lab bench build {name}`"
            )
        data = _verified_bytes(parquet_path, json_path, meta, name)
        check_parquet_cells(
            io.BytesIO(data) if data is not None else parquet_path, str(parquet_path)
        )
        try:
            frame = pd.read_parquet(io.BytesIO(data) if data is not None else parquet_path)
        except Exception as exc:
            raise BenchmarkFileError(
                f"{parquet_path}: unreadable Parquet file ({type(exc).__name__}: {exc}); "
                f"rebuild with `lab bench build {name}`"
            ) from exc
        metrics = {k: MetricInfo.from_dict(v) for k, v in meta.pop("metrics").items()}
        cards = tuple(int(c) for c in meta.pop("cardinalities"))
        space = meta.pop("space")
        meta.pop("name", None)
        meta.pop("n_rows", None)
        table = cls.__new__(cls)
        table.name, table.frame, table.metrics = name, frame, metrics
        table.cardinalities, table.space, table.meta = cards, space, meta
        table._normalize_dtypes()
        table.validate(source=str(parquet_path))
        return table
