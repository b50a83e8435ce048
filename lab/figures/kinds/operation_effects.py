"""``kind: operation_effects``: the change of a prediction per (position, operation)."""

from __future__ import annotations

from typing import Literal

from lab.figures.entry import DrawContext, Drawn, figure_kind
from lab.figures.operation_effects import operation_effects_figure
from lab.figures.table_entry import TableFigureEntry, table_figure


@figure_kind
class OperationEffectsFigure(TableFigureEntry):
    """The change of a surrogate's prediction per (position, operation), one heatmap per
    target."""

    kind: Literal["operation_effects"]
    value_label: str = "Effect"

    def default_stem(self) -> str:
        return "operation_effects"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        table = self.read_table(ctx)
        if self.predictors and "predictor" in table.columns:
            table = table[table["predictor"].isin(self.predictors)]
        return table_figure(
            ctx,
            lambda: operation_effects_figure(
                table, value_label=self.value_label, **ctx.layout(self)
            ),
        )
