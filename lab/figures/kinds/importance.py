"""``kind: importance``: the most important features of a surrogate."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lab.figures.entry import DrawContext, Drawn, figure_kind
from lab.figures.importance import importance_figure
from lab.figures.table_entry import TableFigureEntry, table_figure


@figure_kind
class ImportanceFigure(TableFigureEntry):
    """The most important features (operations) of a surrogate, one panel per predictor."""

    kind: Literal["importance"]
    top: int = Field(default=12, ge=1, le=100)
    value_label: str = "Importance"

    def default_stem(self) -> str:
        return "importance"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        table = self.read_table(ctx)
        return table_figure(
            ctx,
            lambda: importance_figure(
                table,
                top=self.top,
                predictors=self.predictors,
                value_label=self.value_label,
                **ctx.layout(self),
            ),
        )
