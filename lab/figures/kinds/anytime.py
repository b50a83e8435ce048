"""``kind: anytime``: an indicator of the returned set vs evaluations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from lab.figures.anytime import AUTO_HIGHLIGHT, AUTO_HIGHLIGHT_ABOVE, anytime_figure
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
    #: Variants drawn in colour with their bands, the rest grey: ``auto`` highlights the best
    #: 4 when there are more than 6 (by final median, ranked per problem), ``all`` none.
    highlight: Literal["auto", "all"] | Annotated[int, Field(ge=1, le=20)] = "auto"

    def highlighted(self, n_labels: int) -> int | None:
        """How many variants are drawn in colour (``None``: all)."""
        if self.highlight == "all":
            return None
        if self.highlight == "auto":
            return AUTO_HIGHLIGHT if n_labels > AUTO_HIGHLIGHT_ABOVE else None
        return int(self.highlight)

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
        if self.highlight != "all":
            what += (
                " With many variants only the best (by final median, ranked per problem) are "
                "in colour with their bands, the others thin grey lines."
            )
        if self.x_from == "initial_design":
            what += " The x axis starts where the initial design, shared by every variant, ends."
        if self.metric == "hv_search_normalized":
            return what + " Scored on the search metrics: the trace never falls."
        return f"{what} {REPORT_TRACE_NOTE}"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        labels = ctx.labels(self)
        k = self.highlighted(len(labels))
        fig = anytime_figure(
            ctx.exp.analysis.traces,
            problems=ctx.problems(self),
            labels=labels,
            highlight=k,
            styles=ctx.exp.styles,
            metric=self.metric,
            logx=self.logx,
            logy=self.logy,
            band=self.band,
            n_init=ctx.exp.init_sizes,
            from_initial_design=self.x_from == "initial_design",
            **ctx.layout(self),
        )
        note = None
        if k is not None and k < len(labels):
            note = f"the best {k} of {len(labels)} variants in colour, the others grey"
        return [Drawn(None, fig, note)]
