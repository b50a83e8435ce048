"""``kind: generalization``: search- vs report-metric hypervolume per run."""

from __future__ import annotations

from typing import Literal

from lab.figures.entry import DrawContext, Drawn, ExperimentFigureEntry, figure_kind
from lab.figures.generalization import generalization_figure


@figure_kind
class GeneralizationFigure(ExperimentFigureEntry):
    """Search-metric vs report-metric normalized hypervolume per run, one panel per problem."""

    kind: Literal["generalization"]

    def default_stem(self) -> str:
        return "generalization"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        fig = generalization_figure(
            ctx.exp.analysis.final,
            problems=ctx.problems(self),
            labels=ctx.labels(self),
            styles=ctx.exp.styles,
            **ctx.layout(self),
        )
        return [Drawn(None, fig)]
