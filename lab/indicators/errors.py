"""The error raised on invalid input to an indicator (bad shape, non-finite value, bad bounds)."""

from __future__ import annotations

from lab.errors import LabError


class IndicatorInputError(LabError, ValueError):
    """An indicator's input has the wrong shape, a non-finite value or inconsistent bounds.

    Derives from :class:`ValueError` too, so callers that catch ``ValueError`` keep working.
    """
