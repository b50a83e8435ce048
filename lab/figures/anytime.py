"""Anytime performance: an indicator of the set a run would return after ``k`` evaluations, as
the median over seeds with the interquartile band, one panel per problem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lab.figures.distinct_colours import distinct_styles
from lab.figures.layout import (
    PANEL_MARGIN_IN,
    grid_shape,
    legend_row,
    legend_rows,
    panel_grid,
    panel_title,
    plain_log_ticks,
    series_handles,
)
from lab.figures.style import REFERENCE_GREY, SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import metric_label, problem_title

#: Metrics of the analysis' traces table that can be drawn.
TRACE_METRICS: tuple[str, ...] = ("hv_normalized", "igd_plus", "hv_search_normalized")

BAND_COLUMNS: tuple[str, ...] = (
    "problem",
    "label",
    "evaluations",
    "median",
    "q25",
    "q75",
    "n_runs",
)


def anytime_bands(traces: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Median and quartiles over seeds of ``metric`` at each grid point.

    Args:
        traces: the analysis' ``traces`` table (``problem, label, seed, evaluations`` and the
            metric).
        metric: one of :data:`TRACE_METRICS`.

    Returns:
        :data:`BAND_COLUMNS`, one row per (problem, label, evaluations), sorted. IGD+ is
        ``inf`` while a run has returned nothing; such points count as the worst values (the
        median is ``inf`` until half of the runs have a set, and is then not drawn).
    """
    if metric not in traces.columns:
        raise KeyError(f"the traces table has no column {metric!r}")
    grouped = traces.groupby(["problem", "label", "evaluations"], sort=True)[metric]
    out = pd.DataFrame(
        {
            "median": grouped.median(),
            "q25": grouped.quantile(0.25),
            "q75": grouped.quantile(0.75),
            "n_runs": grouped.size(),
        }
    ).reset_index()
    return out[list(BAND_COLUMNS)]


#: Variants drawn in colour when ``highlight`` is ``auto`` and there are more than
#: :data:`AUTO_HIGHLIGHT_ABOVE` (the rest grey: eight IQR bands in one panel smear into one).
AUTO_HIGHLIGHT = 4
AUTO_HIGHLIGHT_ABOVE = 6
#: Trace metrics where lower is better.
LOWER_IS_BETTER = frozenset({"igd_plus"})


def best_labels(bands: pd.DataFrame, labels: Sequence[str], k: int, metric: str) -> list[str]:
    """The ``k`` variants of ``labels`` with the best final median ``metric``, ranked per
    problem and averaged over problems (ties by the order of ``labels``), in ``labels`` order."""
    last = bands.sort_values("evaluations").groupby(["problem", "label"]).tail(1)
    pivot = last.pivot(index="problem", columns="label", values="median").reindex(
        columns=list(labels)
    )
    ranks = pivot.rank(axis=1, ascending=metric in LOWER_IS_BETTER, method="average")
    mean = ranks.mean(axis=0).fillna(np.inf)
    order = sorted(labels, key=lambda lab: (mean[lab], list(labels).index(lab)))
    keep = set(order[:k])
    return [lab for lab in labels if lab in keep]


def anytime_figure(
    traces: pd.DataFrame,
    *,
    problems: Sequence[str],
    labels: Sequence[str],
    styles: StyleMap,
    metric: str = "hv_normalized",
    logx: bool = True,
    logy: bool = False,
    band: bool = True,
    n_init: Mapping[str, int] | None = None,
    from_initial_design: bool = False,
    highlight: int | None = None,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """Anytime ``metric`` vs evaluations: one panel per problem, one line per algorithm variant
    (median over seeds, markers at the trace grid points) with its IQR band.

    Args:
        traces: the analysis' ``traces`` table.
        problems: panels, in order.
        labels: variants, in legend order.
        styles: the experiment's styles.
        metric: one of :data:`TRACE_METRICS`.
        logx, logy: logarithmic axes.
        band: shade the interquartile range.
        n_init: problem -> size of the initial design every variant shares (a dotted line
            marks its end; before it all variants evaluate the same architectures, so their
            common IQR is one grey band).
        from_initial_design: start the x axis at the end of the initial design (of the
            problems in ``n_init``): the evaluations before it are the same for every variant,
            and on a log axis they take up half the width.
        highlight: draw only the best ``highlight`` variants (:func:`best_labels`) in colour
            with their bands, the others as thin grey lines without bands (``None``: all in
            colour); a highlighted variant whose fixed colour is a near twin of an earlier
            one's takes a distinct colour (:func:`~lab.figures.distinct_colours.distinct_styles`).
        width: figure width (inches).
        columns: panels per row.
        panel_height: inches per panel row.
    """
    bands = anytime_bands(traces[traces["label"].isin(labels)], metric)
    coloured = list(labels)
    if highlight is not None and 0 < highlight < len(labels):
        coloured = best_labels(bands, labels, highlight, metric)
    greyed = [lab for lab in labels if lab not in coloured]
    if greyed:
        # The few in colour are whichever rank best: two of them can have near-twin fixed
        # colours (three algorithms are blues), which a highlight must not leave alike.
        styles = distinct_styles(styles, coloured, avoid=[REFERENCE_GREY])  # type: ignore[assignment]
    handles = series_handles(coloured, styles)
    if greyed:
        handles.append(Line2D([], [], color=REFERENCE_GREY, lw=0.6, label=f"{len(greyed)} others"))
    if n_init and not from_initial_design:
        handles.append(
            Line2D([], [], color=REFERENCE_GREY, linestyle=":", lw=0.9, label="Initial design")
        )
    fig, axes = panel_grid(
        len(problems),
        titles=[problem_title(p) for p in problems],
        width=width,
        columns=columns,
        panel_height=panel_height,
        legend_rows=legend_rows(handles, width),
    )
    _, cols = grid_shape(len(problems), width, columns)
    panel_width = width / cols - PANEL_MARGIN_IN
    for ax, problem in zip(axes, problems, strict=True):
        part = bands[bands["problem"] == problem]
        start = (n_init or {}).get(problem)
        shared_band = False
        cut = None
        if from_initial_design and start is not None:
            # The last grid point within the initial design: the lines start where it ends.
            grid = part["evaluations"].to_numpy(dtype=float)
            cut = grid[grid <= start].max() if (grid <= start).any() else None
            shared_band = True  # no shared band: its region is not shown
        for label in greyed:  # under the highlighted variants, no band
            b = part[part["label"] == label]
            if cut is not None:
                b = b[b["evaluations"] >= cut]
            med = b["median"].to_numpy(dtype=float)
            ok = np.isfinite(med)
            ax.plot(
                b["evaluations"].to_numpy(dtype=float)[ok], med[ok], color=REFERENCE_GREY,
                lw=0.6, alpha=0.8, zorder=1.5,
            )  # fmt: skip
        for label in coloured:
            b = part[part["label"] == label]
            if cut is not None:
                b = b[b["evaluations"] >= cut]
            if b.empty:
                continue
            s = styles[label]
            x = b["evaluations"].to_numpy(dtype=float)
            med = b["median"].to_numpy(dtype=float)
            finite = np.isfinite(med)
            ax.plot(x[finite], med[finite], label=s.display, markevery=2, **s.line_kw())
            if not band:
                continue
            lo, hi = b["q25"].to_numpy(dtype=float), b["q75"].to_numpy(dtype=float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            if start is not None:
                # Within the shared initial design every variant has the same runs: one grey
                # band there instead of all colours stacked on each other.
                if not shared_band:
                    early = ok & (x <= start)
                    ax.fill_between(
                        x[early], lo[early], hi[early], color=REFERENCE_GREY, alpha=0.3, lw=0
                    )
                    shared_band = True
                # Colours start at the last shared grid point, so the bands join up.
                ok &= x >= (x[x <= start].max() if (x <= start).any() else start)
            ax.fill_between(x[ok], lo[ok], hi[ok], color=s.color, alpha=0.18, lw=0)
        if cut is not None:
            ax.set_xlim(left=cut)
        elif n_init and problem in n_init:
            ax.axvline(n_init[problem], color=REFERENCE_GREY, linestyle=":", lw=0.9, zorder=1)
        panel_title(ax, problem_title(problem))
        ax.set_xlabel("Evaluations")
        if logx:
            ax.set_xscale("log")
            grid = part["evaluations"].to_numpy(dtype=float)
            span = (cut or grid.min(), grid.max()) if grid.size else None
            plain_log_ticks(ax.xaxis, length_in=panel_width, span=span)
        if logy:
            ax.set_yscale("log")
    for ax in axes:
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(metric_label(metric))
    legend_row(fig, handles, width=width)
    return fig
