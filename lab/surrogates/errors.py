"""Errors raised by the surrogate laboratory (all derive from :class:`lab.errors.LabError`)."""

from __future__ import annotations

from lab.errors import LabError


class SurrogateError(LabError):
    """A surrogate was misused: unknown encoding or predictor, bad targets, not fitted."""


class SurrogateFileError(SurrogateError):
    """A saved surrogate is missing, incomplete, or does not match what its card says."""


class UnsafeModelError(SurrogateFileError):
    """A model file asks for a type outside the explicit allow-list; it is not loaded."""
