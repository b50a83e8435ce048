"""``lab algorithms``: the registered search algorithms, their hyperparameters and references."""

from __future__ import annotations

import re

import typer
from rich.table import Table

from lab.cli.console import make_console
from lab.terminal_text import markup_safe


def algorithms_command(
    name: str | None = typer.Argument(
        None, help="Show one algorithm's hyperparameters and references (default: list all)."
    ),
) -> None:
    """List the search algorithms a sweep config can name, with their hyperparameters
    (type, default, valid range) and the publications to cite. Give a name for the details of
    one algorithm."""
    from lab.algorithms.registry import algorithm_class, algorithm_names

    console = make_console()
    if name is None:
        table = Table(title="Search algorithms (`lab algorithms NAME` for details)")
        for column in ("name", "what", "hyperparameters (defaults)"):
            table.add_column(column)
        for algo in algorithm_names():
            cls = algorithm_class(algo)
            table.add_row(
                algo, markup_safe(_summary(cls.__doc__)), markup_safe(cls.Params.signature())
            )
        console.print(table)
        return
    cls = algorithm_class(name)
    console.print(f"[bold]{markup_safe(name)}[/]: {markup_safe(_summary(cls.__doc__))}")
    params = cls.Params.describe()
    if params:
        table = Table(title=f"Hyperparameters ({cls.Params.__name__})")
        for column in ("name", "type", "default", "valid", "meaning"):
            table.add_column(column)
        for p in params:
            table.add_row(
                p.name, p.type, markup_safe(p.default), p.range, markup_safe(p.description)
            )
        console.print(table)
    else:
        console.print("No hyperparameters.")
    if cls.references:
        console.print("References:")
        for ref in cls.references:
            console.print(f"  - {markup_safe(ref)}", highlight=False)


def _summary(doc: str | None) -> str:
    """The first paragraph of a docstring, on one line, without reStructuredText markup."""
    text = " ".join((doc or "").strip().split("\n\n")[0].split())
    text = re.sub(r"; hyperparameters: :class:`[^`]*`", "", text)
    text = re.sub(r":\w+:`~?([^`]*)`", r"\1", text)
    return text.replace("``", "")
