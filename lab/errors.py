"""The laboratory's exception hierarchy: every error it raises on purpose, in one file.

Every error raised on bad input derives from :class:`LabError` and says which file, which field
and how to fix it, so that command-line users see one readable line instead of a traceback::

    LabError
    ├── InputError (also a ValueError)       a value handed to the lab is invalid
    │   ├── ConfigError                      a YAML spec or configuration is invalid
    │   │   └── ParameterError               an algorithm's hyperparameters are invalid
    │   ├── IndicatorInputError              bad front, bounds or reference point
    │   ├── StatsInputError                  bad table or too few observations
    │   └── InvalidArchitectureError         a genome or architecture string denotes nothing
    ├── UnknownNameError (also a KeyError)   a registry lookup failed; lists the valid names
    ├── DuplicateNameError                   a registry was asked to hold a name twice
    ├── BenchmarkFileError                   raw or built benchmark files
    │   ├── UnsafePickleError, RawFilesMissingError
    │   ├── ChecksumMismatchError → CachedTableChangedError
    │   └── ResourceBoundError               reading would exceed a size or depth bound
    ├── ResultsStoreError                    the results store
    ├── SurrogateError                       surrogate misuse
    │   └── SurrogateFileError → UnsafeModelError
    ├── AnalysisError                        an experiment cannot be analysed
    └── FigureError                          a figure cannot be drawn

The input errors also derive from :class:`ValueError` (and the name error from
:class:`KeyError`), so callers that caught the built-in types keep working, and pydantic validators
that raise them report them as validation errors.
"""

from __future__ import annotations


class LabError(Exception):
    """Base class of every error the laboratory raises on purpose."""


class InputError(LabError, ValueError):
    """A value handed to the laboratory (argument, array, option) is invalid; the message names
    the value, what was expected and how to fix it."""


class ConfigError(InputError):
    """A YAML spec or configuration is invalid."""


class BenchmarkUnavailableError(ConfigError):
    """A problem's built-in benchmark is neither built nor buildable here: its raw files (or
    package) are absent on this machine, which is a setup to complete, not a malformed config."""


class ParameterError(ConfigError):
    """An algorithm's hyperparameters are invalid (unknown name, wrong type, out of range)."""


class IndicatorInputError(InputError):
    """An indicator's input has the wrong shape, a non-finite value or inconsistent bounds."""


class StatsInputError(InputError):
    """A statistics routine got input it cannot use; the message says which and why."""


class InvalidArchitectureError(InputError):
    """A genome or architecture string does not denote an architecture of its search space."""


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


class ResultsStoreError(LabError):
    """A results-store file is missing or unreadable, or an experiment does not exist."""


class SurrogateError(LabError):
    """A surrogate was misused: unknown encoding or predictor, bad targets, not fitted."""


class SurrogateFileError(SurrogateError):
    """A saved surrogate is missing, incomplete, or does not match what its card says."""


class UnsafeModelError(SurrogateFileError):
    """A model file asks for a type outside the explicit allow-list; it is not loaded."""


class AnalysisError(LabError):
    """An experiment cannot be analysed (no complete runs, inconsistent histories, unknown
    baseline) or a saved analysis cannot be loaded (missing, stale, unreadable)."""


class FigureError(LabError):
    """A figure cannot be drawn from what the recipe names (unknown problem or algorithm,
    missing or malformed table); the message names the recipe, the field and the fix."""


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
