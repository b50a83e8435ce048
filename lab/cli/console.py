"""The terminal every command prints to: tables wrap long names instead of cutting them, and
output that goes to a file or a pipe is not squeezed into 80 columns.

Rich cuts a cell that does not fit with an ellipsis ("nb201-cifar10-er…"), which hides exactly
the part of a problem or algorithm name that tells two rows apart. :class:`LabConsole` folds such
cells onto further lines instead, for every table it prints (also tables nested in groups and
panels), so the commands need not remember it table by table.
"""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table

#: Width of the output when it is not a terminal (a file, a pipe, a CI log) and ``COLUMNS`` is
#: not set: wide enough for full names in every table; a reader's pager or editor scrolls.
PIPE_WIDTH = 200


def fold_cells(renderable: Any) -> None:
    """Make every table in ``renderable`` wrap (fold) over-long cells instead of cutting them
    with an ellipsis; recurses into groups, panels, paddings and cells."""
    if isinstance(renderable, Table):
        for column in renderable.columns:
            if column.overflow == "ellipsis":
                column.overflow = "fold"
            column.no_wrap = False
            for cell in column._cells:
                fold_cells(cell)
    elif isinstance(renderable, Group):
        for child in renderable.renderables:
            fold_cells(child)
    elif isinstance(renderable, Panel | Padding):
        fold_cells(renderable.renderable)


class LabConsole(Console):
    """A :class:`rich.console.Console` whose tables fold long cells (:func:`fold_cells`) and
    which, writing to a file or pipe, uses :data:`PIPE_WIDTH` columns unless ``COLUMNS`` or
    ``width`` says otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if kwargs.get("width") is None and not self.is_terminal and not os.environ.get("COLUMNS"):
            self.width = PIPE_WIDTH

    def print(self, *objects: Any, **kwargs: Any) -> None:
        for obj in objects:
            fold_cells(obj)
        super().print(*objects, **kwargs)


def make_console(**kwargs: Any) -> LabConsole:
    """The console of a command (keyword arguments as for :class:`rich.console.Console`)."""
    return LabConsole(**kwargs)
