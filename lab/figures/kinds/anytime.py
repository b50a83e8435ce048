"""``kind: anytime``: an indicator of the returned set vs evaluations."""

from __future__ import annotations

from typing import Literal

from lab.figures.anytime import anytime_figure
from lab.figures.entry import DrawContext, Drawn, ExperimentFigureEntry, figure_kind
from lab.figures.units import metric_label

#: Why a report-metric trace can fall, said under every such figure (reviewers ask).
REPORT_TRACE_NOTE = (
    "The returned set is chosen on the search metrics and scored on the report metrics, so "
    "its report-metric median can fall when a run finds an architecture that is better on the "
    "search metrics but worse on the report metrics; the search-metric trace "
    "(metric: hv_search_normalized) never falls."
)


@figure_kind
class AnytimeFigure(ExperimentFigureEntry):
    """Indicator of the returned set vs evaluations: median over seeds and IQR band, one panel
    per problem. ``x_from: initial_design`` starts the x axis where the shared initial design
    ends (before it every variant evaluated the same architectures)."""

    kind: Literal["anytime"]
    metric: Literal["hv_normalized", "igd_plus", "hv_search_normalized"] = "hv_normalized"
    logx: bool = True
    logy: bool = False
    band: bool = True
    x_from: Literal["start", "initial_design"] = "start"

    def default_stem(self) -> str:
        return f"anytime_{self.metric}"

    def caption(self) -> str:
        """What the figure shows, in words (written beside it and into the report)."""
        what = (
            f"{metric_label(self.metric)} of the set each run would return after k "
            "evaluations: median over seeds (line)"
            + (" and interquartile range (band)" if self.band else "")
            + "."
        )
        if self.x_from == "initial_design":
            what += " The x axis starts where the initial design, shared by every variant, ends."
        if self.metric == "hv_search_normalized":
            return what + " Scored on the search metrics: the trace never falls."
        return f"{what} {REPORT_TRACE_NOTE}"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        fig = anytime_figure(
            ctx.exp.analysis.traces,
            problems=ctx.problems(self),
            labels=ctx.labels(self),
            styles=ctx.exp.styles,
            metric=self.metric,
            logx=self.logx,
            logy=self.logy,
            band=self.band,
            n_init=ctx.exp.init_sizes,
            from_initial_design=self.x_from == "initial_design",
            **ctx.layout(self),
        )
        return [Drawn(None, fig)]
