"""``kind: evaluations_to_target``: evaluations a transfer variant needs to reach X % of its cold
start's final hypervolume, against the cold start itself (:mod:`lab.analysis.evaluations_to_target`).

One panel per problem; x: the level in % of the cold start's median final normalized HV; y: the
median over seeds of the evaluations needed (a run that never reaches the level counts as
budget + 1, drawn above the dotted budget line), with the interquartile band; one line per
variant, a transfer variant (solid) and its cold start (dashed) in the transfer variant's colour.
A filled marker is a
level where the paired Wilcoxon test (Holm over the problem's comparisons) finds the transfer
variant better at the recipe's alpha; a hollow one where it does not.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from pydantic import Field

from lab.figures.entry import DrawContext, Drawn, ExperimentFigureEntry, figure_kind
from lab.figures.layout import legend_row, legend_rows, panel_grid, panel_title
from lab.figures.style import REFERENCE_GREY, StyleMap
from lab.figures.units import problem_title


def evaluations_to_target_figure(
    runs: pd.DataFrame,
    tests: pd.DataFrame,
    *,
    problems: list[str],
    styles: StyleMap,
    budget: dict[str, int],
    width: float,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """The figure of :mod:`this kind <lab.figures.kinds.evaluations_to_target>`.

    Args:
        runs, tests: the two tables of :func:`lab.analysis.evaluations_to_target.compare_curves`
            (several problems concatenated).
        problems: panels, in order.
        styles: the experiment's styles (by label).
        budget: problem -> the runs' budget (the dotted line).
        width, columns, panel_height: layout.
    """
    pairs = list(dict.fromkeys(zip(tests["algorithm"], tests["other"], strict=True)))
    handles = []
    for transfer, cold in pairs:
        colour = styles[transfer].color
        handles.append(
            Line2D(
                [], [], color=colour, marker=styles[transfer].marker, label=styles[transfer].display
            )
        )
        handles.append(
            Line2D(
                [], [], color=colour, linestyle="--", marker=styles[cold].marker,
                markerfacecolor="white", label=styles[cold].display,
            )
        )  # fmt: skip
    handles.append(Line2D([], [], color=REFERENCE_GREY, linestyle=":", lw=0.9, label="Budget"))
    fig, axes = panel_grid(
        len(problems),
        titles=[problem_title(p) for p in problems],
        width=width,
        columns=columns,
        panel_height=panel_height,
        legend_rows=legend_rows(handles, width),
    )
    for ax, problem in zip(axes, problems, strict=True):
        r = runs[runs["problem"] == problem]
        t = tests[tests["problem"] == problem]
        for transfer, cold in pairs:
            for label, column, role in (
                (transfer, "evaluations", "transfer"),
                (cold, "evaluations_other", "cold"),
            ):
                part = r[(r["algorithm"] == transfer) & (r["other"] == cold)]
                if part.empty:
                    continue
                stats = part.groupby("percent")[column].quantile([0.25, 0.5, 0.75]).unstack()
                x = stats.index.to_numpy(dtype=float)
                colour = styles[transfer].color
                marker = styles[label].marker
                ax.fill_between(x, stats[0.25], stats[0.75], color=colour, alpha=0.12, lw=0)
                if role == "cold":
                    ax.plot(
                        x, stats[0.5], color=colour, linestyle="--", marker=marker,
                        markerfacecolor="white",
                    )  # fmt: skip
                    continue
                verdicts = (
                    t[(t["algorithm"] == transfer) & (t["other"] == cold)]
                    .set_index("percent")["verdict"]
                    .reindex(stats.index)
                )
                median = stats[0.5].to_numpy()
                better = (verdicts == "better").to_numpy()
                ax.plot(x, median, color=colour)
                ax.plot(x[better], median[better], color=colour, marker=marker, linestyle="none")
                ax.plot(
                    x[~better], median[~better], marker=marker, linestyle="none",
                    markerfacecolor="white", markeredgecolor=colour,
                )  # fmt: skip
        n = budget.get(problem)
        if n is not None:
            ax.axhline(n, color=REFERENCE_GREY, linestyle=":", lw=0.9)
        ax.set_xlabel("Level (% of cold start's final HV)")
        ax.set_ylabel("Evaluations to reach it")
        ax.set_ylim(bottom=0)
        panel_title(ax, problem_title(problem))
    legend_row(fig, handles, width=width)
    return fig


@figure_kind
class EvaluationsToTargetFigure(ExperimentFigureEntry):
    """Evaluations to reach X % of the cold start's final HV, transfer vs cold start, one panel
    per problem. ``pairs`` maps each transfer label to its cold start's (default: the naming
    convention of :func:`lab.analysis.evaluations_to_target.default_pairs`)."""

    kind: Literal["evaluations_to_target"]
    percents: list[float] = Field(default=[25.0, 50.0, 75.0, 90.0, 100.0], min_length=1)
    pairs: dict[str, str] | None = None
    alpha: float = Field(default=0.05, gt=0, lt=1)

    def default_stem(self) -> str:
        return "evaluations_to_target"

    def caption(self) -> str:
        return (
            "Evaluations a transfer variant (prior knowledge from a related problem) and its "
            "cold start need until the set they would return reaches X % of the cold start's "
            "median final normalized hypervolume: median over seeds (line) and interquartile "
            "range (band); a run that never reaches the level counts as budget + 1 (above the "
            "dotted budget line). Filled markers: the transfer variant needs fewer evaluations "
            f"by a paired Wilcoxon test, Holm-corrected over the problem's comparisons, at "
            f"alpha = {self.alpha:g}; hollow: not."
        )

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        from lab.analysis.evaluations_to_target import experiment_evaluations_to_target

        runs, tests, _ = experiment_evaluations_to_target(
            ctx.exp.experiment,
            self.pairs,
            percents=self.percents,
            alpha=self.alpha,
            root=ctx.exp.root,
        )
        problems = [p for p in ctx.problems(self) if p in set(tests["problem"])]
        budget = {p: int(runs.loc[runs["problem"] == p, "budget"].max()) for p in problems}
        fig = evaluations_to_target_figure(
            runs,
            tests,
            problems=problems,
            styles=ctx.exp.styles,
            budget=budget,
            **ctx.layout(self),
        )
        return [Drawn(None, fig)]
