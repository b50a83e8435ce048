"""The error raised on invalid input to a statistical routine (missing column, bad shape, too few
observations)."""

from __future__ import annotations

from lab.errors import LabError


class StatsInputError(LabError, ValueError):
    """A statistics routine got input it cannot use; the message says which and why.

    Derives from :class:`ValueError` too, so callers that catch ``ValueError`` keep working.
    """
