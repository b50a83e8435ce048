"""The terminal every command prints to: tables wrap long names instead of cutting them, and
output that goes to a file or a pipe is not squeezed into 80 columns.

Rich cuts a cell that does not fit with an ellipsis ("nb201-cifar10-er…"), which hides exactly
the part of a problem or algorithm name that tells two rows apart. :class:`LabConsole` folds such
cells onto further lines instead, for every table it prints (also tables nested in groups and
panels), so the commands need not remember it table by table.

It also replaces the control characters of everything it prints (strings, texts, table cells,
titles; see :func:`lab.terminal_text.plain`): the lab's own styling is markup, never raw escape
sequences, so an ``ESC`` in what is printed came from a spec, a config or a results store, and
must not reach the terminal. Markup in untrusted text is escaped where the text is put into
markup, with :func:`lab.terminal_text.markup_safe`.
"""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lab.terminal_text import markup_safe, plain

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


def _controls_replaced(item: Any) -> Any:
    """``item`` (a string or a :class:`~rich.text.Text`) with its control characters replaced;
    other renderables are returned as they are (their parts are cleaned by
    :func:`replace_controls`)."""
    if isinstance(item, str):
        return plain(item)
    if isinstance(item, Text):
        cleaned = plain(item.plain)
        if cleaned != item.plain:
            item.plain = cleaned  # same length: the styled spans stay where they were
    return item


def replace_controls(renderable: Any) -> Any:
    """Replace the control characters of ``renderable`` and of every string, text, table cell,
    header, title and caption inside it (groups, panels, paddings, tables); returns the
    renderable (a string comes back as a new string)."""
    if isinstance(renderable, Table):
        renderable.title = _controls_replaced(renderable.title)
        renderable.caption = _controls_replaced(renderable.caption)
        for column in renderable.columns:
            column.header = _controls_replaced(column.header)
            column.footer = _controls_replaced(column.footer)
            column._cells[:] = [replace_controls(cell) for cell in column._cells]
    elif isinstance(renderable, Group):
        renderable.renderables[:] = [replace_controls(r) for r in renderable.renderables]
    elif isinstance(renderable, Panel):
        renderable.title = _controls_replaced(renderable.title)
        renderable.subtitle = _controls_replaced(renderable.subtitle)
        renderable.renderable = replace_controls(renderable.renderable)
    elif isinstance(renderable, Padding):
        renderable.renderable = replace_controls(renderable.renderable)
    return _controls_replaced(renderable)


class LabConsole(Console):
    """A :class:`rich.console.Console` whose tables fold long cells (:func:`fold_cells`) and
    which, writing to a file or pipe, uses :data:`PIPE_WIDTH` columns unless ``COLUMNS`` or
    ``width`` says otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if kwargs.get("width") is None and not self.is_terminal and not os.environ.get("COLUMNS"):
            self.width = PIPE_WIDTH

    def print(self, *objects: Any, **kwargs: Any) -> None:
        objects = tuple(replace_controls(obj) for obj in objects)
        for obj in objects:
            fold_cells(obj)
        super().print(*objects, **kwargs)


def make_console(**kwargs: Any) -> LabConsole:
    """The console of a command (keyword arguments as for :class:`rich.console.Console`)."""
    return LabConsole(**kwargs)


__all__ = ["LabConsole", "fold_cells", "make_console", "markup_safe", "replace_controls"]
