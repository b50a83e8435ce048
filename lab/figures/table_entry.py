"""Figure entries drawn from a saved table (surrogate studies), not from an experiment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from pydantic import Field

from lab.errors import FigureError
from lab.figures.entry import DrawContext, Drawn, FigureEntry


class TableFigureEntry(FigureEntry):
    """A figure of a saved table: ``table`` (Parquet or CSV, relative to the current
    directory), ``rename`` (the figure's column -> the table's), ``predictors`` (a subset)."""

    table: Path
    rename: dict[str, str] = Field(default_factory=dict)
    predictors: list[str] | None = Field(default=None, min_length=1)

    def read_table(self, ctx: DrawContext) -> pd.DataFrame:
        """The table with the figure's column names (``FileNotFoundError`` when absent)."""
        path = Path(self.table)
        if not path.is_file():
            raise FileNotFoundError(
                f"{ctx.where}: field {ctx.entry}.table: no file {path} (relative paths are read "
                "from the current directory; the recipe's 'inputs' say which command makes it)"
            )
        try:
            if path.suffix == ".parquet":
                table = pd.read_parquet(path)
            elif path.suffix in (".csv", ".tsv"):
                table = pd.read_csv(path, sep="\t" if path.suffix == ".tsv" else ",")
            else:
                raise FigureError(
                    f"{ctx.where}: field {ctx.entry}.table: {path} is neither .parquet nor .csv"
                )
        except (OSError, ValueError) as exc:
            raise FigureError(
                f"{ctx.where}: field {ctx.entry}.table: cannot read {path} ({exc})"
            ) from None
        missing = [theirs for theirs in self.rename.values() if theirs not in table.columns]
        if missing:
            raise FigureError(
                f"{ctx.where}: field {ctx.entry}.rename: {path} has no column(s) {missing}; "
                f"its columns: {list(table.columns)}"
            )
        return table.rename(columns={theirs: ours for ours, theirs in self.rename.items()})


def table_figure(ctx: DrawContext, draw: Callable[[], Figure]) -> list[Drawn]:
    """``draw()`` as the entry's one figure; a ``ValueError`` of the plot (a column missing,
    no data) becomes a :class:`FigureError` that names the entry."""
    try:
        return [Drawn(None, draw())]
    except ValueError as exc:
        raise FigureError(f"{ctx.where}: {ctx.entry}: {exc}") from None
