"""``kind: final_distribution``: the final indicator of every run, per variant."""

from __future__ import annotations

from typing import Literal

from lab.figures.distributions import final_distribution_figure
from lab.figures.entry import DrawContext, Drawn, ExperimentFigureEntry, figure_kind

FINAL_METRICS = Literal[
    "hv_normalized",
    "igd_plus",
    "igd",
    "gd",
    "eps_add",
    "spacing",
    "spread",
    "hv_search_normalized",
    "hv_gap",
    "n_returned",
]


@figure_kind
class FinalDistributionFigure(ExperimentFigureEntry):
    """Final indicator per run: box or violin per variant with every seed's point, one panel
    per problem."""

    kind: Literal["final_distribution"]
    metric: FINAL_METRICS = "hv_normalized"
    style: Literal["box", "violin"] = "box"
    points: bool = True

    def default_stem(self) -> str:
        return f"final_{self.metric}"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        fig = final_distribution_figure(
            ctx.exp.analysis.final,
            problems=ctx.problems(self),
            labels=ctx.labels(self),
            styles=ctx.exp.styles,
            metric=self.metric,
            kind=self.style,
            points=self.points,
            **ctx.layout(self),
        )
        return [Drawn(None, fig)]
