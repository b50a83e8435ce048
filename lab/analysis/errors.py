"""Errors of the analysis stage."""

from __future__ import annotations

from lab.errors import LabError


class AnalysisError(LabError):
    """An experiment cannot be analysed (no complete runs, inconsistent histories, unknown
    baseline) or a saved analysis cannot be loaded (missing, stale, unreadable)."""
