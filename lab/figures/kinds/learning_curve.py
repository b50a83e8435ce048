"""``kind: learning_curve``: a surrogate metric vs training-set size."""

from __future__ import annotations

from typing import Literal

from lab.figures.entry import DrawContext, Drawn, figure_kind
from lab.figures.learning_curve import learning_curve_figure
from lab.figures.table_entry import TableFigureEntry, table_figure


@figure_kind
class LearningCurveFigure(TableFigureEntry):
    """A surrogate metric vs training-set size per predictor (mean ± std over seeds)."""

    kind: Literal["learning_curve"]
    metric: str = "kendall_tau"
    logx: bool = True

    def default_stem(self) -> str:
        return f"learning_curve_{self.metric}"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        table = self.read_table(ctx)
        return table_figure(
            ctx,
            lambda: learning_curve_figure(
                table,
                metric=self.metric,
                predictors=self.predictors,
                logx=self.logx,
                **ctx.layout(self),
            ),
        )
