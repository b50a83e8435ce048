"""Errors of the figure stage."""

from __future__ import annotations

from lab.errors import LabError


class FigureError(LabError):
    """A figure cannot be drawn from what the recipe names (unknown problem or algorithm,
    missing or malformed table); the message names the recipe, the field and the fix."""
