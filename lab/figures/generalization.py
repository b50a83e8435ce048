"""Generalization from search to report metrics: per run, the normalized hypervolume of its
returned set on the metrics the search saw (e.g. validation error) against the same
architectures' on the metrics it is judged on (e.g. test error). Points under the diagonal are
runs whose search metrics were optimistic."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lab.figures.layout import (
    PANEL_MARGIN_IN,
    grid_shape,
    legend_row,
    legend_rows,
    panel_grid,
    panel_title,
    series_handles,
)
from lab.figures.style import REFERENCE_GREY, SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import problem_title

SEARCH_COL = "hv_search_normalized"
REPORT_COL = "hv_normalized"


def generalization_figure(
    final: pd.DataFrame,
    *,
    problems: Sequence[str],
    labels: Sequence[str],
    styles: StyleMap,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """Search-metric vs report-metric normalized hypervolume, one panel per problem.

    Args:
        final: the analysis' ``final`` table (``problem, label, hv_search_normalized,
            hv_normalized``).
        problems: panels, in order.
        labels: variants, in legend order.
        styles: the experiment's styles.
        width, columns, panel_height: layout (inches, panels per row, inches).

    Each run is a small point; each variant's median over seeds (of both coordinates) is a
    large marker with a black edge; the grey dashed line is ``y = x``.
    """
    handles = series_handles(labels, styles, line=False)
    handles.append(
        Line2D([], [], color=REFERENCE_GREY, linestyle="--", lw=0.8, label="search = report")
    )
    _, cols = grid_shape(len(problems), width, columns)
    fig, axes = panel_grid(
        len(problems),
        titles=[problem_title(p) for p in problems],
        width=width,
        columns=columns,
        # About square data areas (the same limits on both axes, so y = x is the diagonal;
        # no forced aspect, which constrained layout does not lay out reliably) plus the
        # tick labels and axis title below them.
        panel_height=panel_height or min(width / cols - PANEL_MARGIN_IN + 0.75, 2.75),
        legend_rows=legend_rows(handles, width),
    )
    for ax, problem in zip(axes, problems, strict=True):
        part = final[(final["problem"] == problem) & final["label"].isin(labels)]
        x_all = part[SEARCH_COL].to_numpy(dtype=float)
        y_all = part[REPORT_COL].to_numpy(dtype=float)
        for lab in labels:
            run = part[part["label"] == lab]
            if run.empty:
                continue
            s = styles[lab]
            x, y = run[SEARCH_COL].to_numpy(dtype=float), run[REPORT_COL].to_numpy(dtype=float)
            ax.scatter(x, y, s=6, color=s.color, marker=s.marker, alpha=0.55, lw=0, zorder=2)
            ax.scatter(
                [np.nanmedian(x)],
                [np.nanmedian(y)],
                s=26,
                color=s.color,
                marker=s.marker,
                edgecolors="black",
                linewidths=0.6,
                zorder=3,
            )
        both = np.r_[x_all, y_all]
        both = both[np.isfinite(both)]
        if both.size:
            pad = 0.05 * max(both.max() - both.min(), 0.02)
            lo, hi = both.min() - pad, both.max() + pad
            ax.plot([lo, hi], [lo, hi], color=REFERENCE_GREY, linestyle="--", lw=0.8, zorder=1)
            ax.set_xlim(lo, hi)
            ax.set_ylim(lo, hi)
        panel_title(ax, problem_title(problem))
    # Per panel (bottom row, first column): the panels are about square and each axis' label
    # must stay beside its own ticks.
    xlabel, ylabel = "Normalized HV (search)", "Normalized HV (report)"
    for ax in axes:
        # Last row only: a panel above an empty slot of a ragged grid sits at the right edge,
        # where its axis title would stick out of the figure.
        if ax.get_subplotspec().is_last_row():
            ax.set_xlabel(xlabel)
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(ylabel)
    legend_row(fig, handles, width=width)
    return fig
