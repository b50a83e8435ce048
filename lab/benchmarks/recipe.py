"""A recipe rebuilds one benchmark table from its raw sources and carries its provenance."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from lab.benchmarks.checksums import verify_sha256
from lab.benchmarks.locations import raw_data_dirs
from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, RawFilesMissingError


class Recipe(ABC):
    """How to build a benchmark table.

    Class attributes:
        name: benchmark name (the table's file stem).
        space: name of its search space.
        title: human-readable name.
        source, citation, licence: provenance written into the table's metadata.
        raw_subdir: folder name of its raw files inside a raw-data directory, or ``None`` when it
            needs no files (e.g. data shipped inside an installed package).
        raw_files: relative path -> expected sha256 (``None``: recorded, not checked).
        builder_version: bump when the built table would change; stale tables are rebuilt.
        datasets: datasets the table covers (for listings).
        shared_results: columns the source stores once per isomorphism class and copies to
            every member (see :mod:`lab.problems.identical_results`); empty when every
            architecture was trained on its own.
        isomorphs: how the source treats isomorphic architectures, in words (shown by
            ``lab bench show``).
    """

    name: ClassVar[str]
    space: ClassVar[str]
    title: ClassVar[str]
    source: ClassVar[str]
    citation: ClassVar[str]
    licence: ClassVar[str]
    raw_subdir: ClassVar[str | None] = None
    raw_files: ClassVar[dict[str, str | None]] = {}
    builder_version: ClassVar[int] = 1
    datasets: ClassVar[tuple[str, ...]] = ()
    shared_results: ClassVar[tuple[str, ...]] = ()
    isomorphs: ClassVar[str] = "each architecture has its own row and its own results"

    def find_raw_dir(self, explicit: Path | None = None) -> Path | None:
        """The raw folder to build from: ``explicit`` if given, else the first candidate folder
        that holds every raw file; ``None`` if the recipe needs no files or none is found."""
        if self.raw_subdir is None:
            return None
        if explicit is not None:
            return Path(explicit)
        for base in raw_data_dirs():
            folder = base / self.raw_subdir
            if folder.is_dir() and all((folder / f).is_file() for f in self.raw_files):
                return folder
        return None

    def available(self) -> bool:
        """Whether the table can be built here without extra files."""
        return self.raw_subdir is None or self.find_raw_dir() is not None

    def how_to_get(self, fetchable: bool) -> str:
        """The command that makes this benchmark available here, for messages (``fetchable``:
        ``lab bench fetch`` knows its raw files)."""
        if fetchable:
            return f"`lab bench fetch {self.name}`"
        return f"`lab bench import {self.name} --from PATH`"

    def unavailable_reason(self, fetchable: bool) -> str:
        """Why :meth:`available` is false here and how to fix it (for ``lab bench build``)."""
        searched = ", ".join(str(d) for d in raw_data_dirs())
        return (
            f"its raw files ({self.raw_subdir}/) are in none of the raw-data folders ({searched}); "
            f"get them with {self.how_to_get(fetchable)} (or set $LAB_RAW_DATA_DIR to a folder holding them)"
        )

    def build(self, raw_dir: Path | None = None) -> BenchmarkTable:
        """Verify the raw inputs' checksums and build the table."""
        folder = self.find_raw_dir(raw_dir)
        if raw_dir is not None and folder is None:
            # A recipe that reads only installed files must not say "imported" for --from.
            raise BenchmarkFileError(
                f"{raw_dir}: benchmark {self.name!r} is read from its installed package and "
                "takes no --from; leave --from out (`lab bench build NAME`)"
            )
        checksums: dict[str, str] = {}
        if self.raw_subdir is not None:
            if folder is None:
                raise RawFilesMissingError(
                    f"benchmark {self.name!r}: raw files not found; pass --from PATH to a folder "
                    f"holding {sorted(self.raw_files)} or set LAB_RAW_DATA_DIR to a folder with "
                    f"a {self.raw_subdir}/ subfolder"
                )
            for rel, expected in self.raw_files.items():
                path = folder / rel
                if not path.is_file():
                    raise BenchmarkFileError(f"{path}: raw file of {self.name!r} not found")
                checksums[rel] = verify_sha256(path, expected)
        table = self._build(folder)
        table.meta.update(self.provenance(checksums))
        return table

    def provenance(self, checksums: dict[str, str]) -> dict[str, Any]:
        """Metadata written beside the table."""
        return {
            "title": self.title,
            "source": self.source,
            "citation": self.citation,
            "licence": self.licence,
            "recipe": type(self).__name__,
            "builder_version": self.builder_version,
            "raw_sha256": checksums,
            "datasets": list(self.datasets),
            "shared_results": list(self.shared_results),
            "isomorphs": self.isomorphs,
        }

    @abstractmethod
    def _build(self, raw_dir: Path | None) -> BenchmarkTable:
        """Read the raw sources in ``raw_dir`` and return the table (without provenance)."""
