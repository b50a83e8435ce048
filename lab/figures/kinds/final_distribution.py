"""``kind: final_distribution``: the final indicator of every run, per variant."""

from __future__ import annotations

from typing import Literal

from lab.figures.distributions import (
    MIN_VIOLIN_POINTS,
    final_distribution_figure,
    violins_drawable,
)
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
        problems, labels = ctx.problems(self), ctx.labels(self)
        final = ctx.exp.analysis.final
        note = None
        if self.style == "violin" and not violins_drawable(final, problems, labels, self.metric):
            note = (
                f"boxes instead of violins: some variant has fewer than {MIN_VIOLIN_POINTS} "
                "runs, too few for a density estimate"
            )
        fig = final_distribution_figure(
            final,
            problems=problems,
            labels=labels,
            styles=ctx.exp.styles,
            metric=self.metric,
            kind=self.style,
            points=self.points,
            **ctx.layout(self),
        )
        return [Drawn(None, fig, note)]
