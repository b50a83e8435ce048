"""``kind: transfer``: the returned sets scored on the table's other datasets or devices."""

from __future__ import annotations

from typing import Literal

from lab.figures.entry import (
    DrawContext,
    Drawn,
    ExperimentFigureEntry,
    SkipFigure,
    figure_kind,
)
from lab.figures.transfer import transfer_figure
from lab.figures.transfer_heatmap import transfer_heatmap_figure

#: Most transfer targets of a source problem drawn as points and bars (``style: auto``).
MAX_POINT_TARGETS = 6


@figure_kind
class TransferFigure(ExperimentFigureEntry):
    """Normalized hypervolume of the returned sets on the other datasets/devices of the same
    table, one panel per source problem that has transfer targets."""

    kind: Literal["transfer"]
    #: ``points`` (median and IQR per variant and target), ``heatmap`` (a cell per variant and
    #: target), ``auto``: the heat map when some source problem has more than
    #: :data:`MAX_POINT_TARGETS` targets.
    style: Literal["auto", "points", "heatmap"] = "auto"

    def default_stem(self) -> str:
        return "transfer"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        a = ctx.exp.analysis
        problems = ctx.problems(self)
        ts = a.transfer_summary
        with_targets = [p for p in problems if (ts["problem"] == p).any()] if len(ts) else []
        if not with_targets:
            raise SkipFigure(
                f"no transfer target for {problems} (no other dataset or device over the same "
                "table with the same objectives, or the analysis ran with --no-transfer)"
            )
        n_targets = max(ts.loc[ts["problem"] == p, "target"].nunique() for p in with_targets)
        style = self.style
        if style == "auto":
            style = "heatmap" if n_targets > MAX_POINT_TARGETS else "points"
        draw = transfer_heatmap_figure if style == "heatmap" else transfer_figure
        fig = draw(
            ts,
            a.summary,
            problems=with_targets,
            labels=ctx.labels(self),
            styles=ctx.exp.styles,
            **ctx.layout(self),
        )
        left = [p for p in problems if p not in with_targets]
        return [Drawn(None, fig, f"no transfer target for {left}" if left else None)]
