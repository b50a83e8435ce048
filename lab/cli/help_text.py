"""Help texts as paragraphs: a docstring's line breaks are where the source was wrapped, not
where the sentence ends, so ``--help`` joins the lines of each paragraph and lets the terminal
wrap them.

Typer joins the lines of a command's first paragraph but keeps the line breaks of the others,
which shows a sentence broken in the middle of a terminal line. :func:`tidy_help` rewrites the
help of every command, group and parameter of an app once, before the app runs.
"""

from __future__ import annotations

import inspect
import re

import typer
from typer.models import ParameterInfo

_BLOCK_LINE = re.compile(r"^(\s+|[-*•] |\$ |>>> |\x08)")


def paragraphs(text: str | None) -> str | None:
    """``text`` with the lines of each paragraph joined by spaces; paragraphs stay separated by
    one blank line. A paragraph with a list item, an indented line or a ``\\b`` marker (click's
    "keep as is") keeps its line breaks."""
    if text is None:
        return None
    out = []
    for block in inspect.cleandoc(text).split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").split("\n")]
        if any(_BLOCK_LINE.match(line) for line in lines):
            out.append("\n".join(lines))
        else:
            out.append(" ".join(line.strip() for line in lines if line.strip()))
    return "\n\n".join(p for p in out if p)


def _tidy_parameters(callback) -> None:
    for param in inspect.signature(callback).parameters.values():
        info = param.default
        if isinstance(info, ParameterInfo) and info.help:
            info.help = paragraphs(info.help)


def tidy_help(app: typer.Typer) -> None:
    """Rewrite (in place) the help of ``app``'s commands, sub-apps and their parameters with
    :func:`paragraphs`; flags are listed as flags (:func:`lab.cli.options.show_flags_as_flags`)."""
    from lab.cli.options import show_flags_as_flags

    show_flags_as_flags()
    app.info.help = (
        paragraphs(app.info.help if isinstance(app.info.help, str) else None) or app.info.help
    )
    if app.registered_callback is not None and app.registered_callback.callback is not None:
        _tidy_parameters(app.registered_callback.callback)
    for command in app.registered_commands:
        if command.callback is None:
            continue
        command.help = paragraphs(command.help or inspect.getdoc(command.callback))
        _tidy_parameters(command.callback)
    for group in app.registered_groups:
        if isinstance(group.help, str):
            group.help = paragraphs(group.help)
        if group.typer_instance is not None:
            tidy_help(group.typer_instance)
