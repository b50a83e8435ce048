"""The laboratory's exception hierarchy.

Every error raised on bad input derives from :class:`LabError` and says which file, which field
and how to fix it, so that command-line users see one readable line instead of a traceback.
"""

from __future__ import annotations


class LabError(Exception):
    """Base class of every error the laboratory raises on purpose."""


class BenchmarkFileError(LabError):
    """A raw or built benchmark file is missing, corrupted, truncated or has the wrong schema."""


class UnsafePickleError(BenchmarkFileError):
    """A pickle asked for a global outside the allow-list (e.g. a code-execution payload)."""


class RawFilesMissingError(BenchmarkFileError):
    """The raw files a benchmark is built from are not present on this machine."""


class ChecksumMismatchError(BenchmarkFileError):
    """A known raw input's sha256 differs from the one its recipe expects."""


class CachedTableChangedError(ChecksumMismatchError):
    """A built table's Parquet file no longer has the sha256 recorded when it was written."""


class ResourceBoundError(BenchmarkFileError):
    """Reading a file would exceed a bound (decompressed size, container length, nesting)."""


class ConfigError(LabError):
    """A YAML spec or configuration is invalid."""


class UnknownNameError(LabError, KeyError):
    """A registry was asked for a name it does not hold; the message lists the valid names."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class DuplicateNameError(LabError):
    """A registry was asked to register a name twice."""


def unknown_name(kind: str, name: str, valid: list[str] | tuple[str, ...]) -> UnknownNameError:
    """Build the error for an unknown ``name`` of ``kind`` that lists the valid choices."""
    choices = ", ".join(sorted(valid)) or "(none)"
    return UnknownNameError(f"unknown {kind} {name!r}; valid: {choices}")
