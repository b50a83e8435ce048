"""Fronts of 3 and more objectives, one small panel per algorithm variant, so that sets never
overplot each other (8 variants in one scatter are an unreadable cloud):

- :func:`per_algorithm_figure`: each variant's set over the exact front, projected on the first
  two objectives, the third objective as colour (shared scale, one colour bar);
- :func:`parallel_coordinates_figure`: each architecture of a variant's set as a line across
  the objectives, normalized so that 0 is the ideal and 1 the reference point, over the exact
  front's lines in grey (works for any number of objectives).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lab.errors import InputError
from lab.figures.clipping import (
    axis_limits,
    clip_to_box,
    draw_box_edge,
    outside_handle,
)
from lab.figures.layout import (
    figure_title,
    figure_title_rows,
    font_size_pt,
    legend_row,
    legend_rows,
    panel_grid,
    panel_title,
    text_width_in,
)
from lab.figures.style import REFERENCE_GREY, SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import objective_scale

#: Colour map of the third objective (perceptually uniform, colour-blind safe).
DEPTH_CMAP = "viridis"


def _true_front_handle(marker: bool) -> Line2D:
    return Line2D(
        [],
        [],
        color=REFERENCE_GREY,
        marker="o" if marker else None,
        markersize=2.5,
        linestyle="none" if marker else "-",
        linewidth=0.8,
        label="True front",
    )


def per_algorithm_figure(
    *,
    true_front: np.ndarray | None,
    series: Mapping[str, np.ndarray],
    labels: Sequence[str],
    styles: StyleMap,
    objective_names: Sequence[str],
    objective_units: Sequence[str],
    lower: np.ndarray,
    upper: np.ndarray,
    title: str | None = None,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """One panel per variant: its set (variant's marker, coloured by objective 3) over the
    exact front projected on objectives 1 and 2 (grey), same axes in every panel.

    Args:
        true_front: ``k x m`` raw exact front, or ``None``.
        series: label -> ``p x m`` raw points; labels missing here get no panel.
        labels: variants, in panel order.
        styles: the experiment's styles (markers; titles use the display names).
        objective_names, objective_units: ``m >= 3`` names and raw units.
        lower, upper: ``m`` raw limits (ideal and reference point); colours span objective 3's.
        title: figure title.
        width, columns, panel_height: layout (inches, panels per row, inches).
    """
    m = len(objective_names)
    if m < 3:
        raise InputError(f"per-algorithm panels are for 3 or more objectives, got {m}")
    shown = [lab for lab in labels if lab in series]
    if not shown:
        raise InputError("no variant has a set to draw")
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    scales = [
        objective_scale(objective_names[k], objective_units[k], np.r_[lower[k], upper[k]])
        for k in range(m)
    ]
    sx, sy, sc = scales[0], scales[1], scales[2]
    clipped = {lab: clip_to_box(series[lab], lower, upper) for lab in shown}
    handles = [_true_front_handle(True)] if true_front is not None else []
    if any(out.any() for _, out in clipped.values()):
        handles.append(outside_handle())
    fig, axes = panel_grid(
        len(shown),
        width=width,
        columns=columns,
        panel_height=panel_height or 1.45,
        titles=[styles.display(lab) for lab in shown],
        legend_rows=legend_rows(handles, width) + figure_title_rows(title, width),
        sharex=True,
        sharey=True,
    )
    vmin, vmax = float(sc(lower[2])), float(sc(upper[2]))
    mappable = None
    for ax, lab in zip(axes, shown, strict=True):
        if true_front is not None and len(true_front):
            tf = np.asarray(true_front, dtype=float)
            ax.scatter(sx(tf[:, 0]), sy(tf[:, 1]), s=3, color=REFERENCE_GREY, lw=0, zorder=1)
        pts, outside = clipped[lab]
        if len(pts):
            order = np.argsort(-pts[:, 2])  # nearest (smallest third objective) on top
            pts, outside = pts[order], outside[order]
            inside = ~outside
            mappable = ax.scatter(
                sx(pts[inside, 0]),
                sy(pts[inside, 1]),
                c=sc(pts[inside, 2]),
                cmap=DEPTH_CMAP,
                vmin=vmin,
                vmax=vmax,
                marker=styles[lab].marker,
                s=14,
                edgecolors="black",
                linewidths=0.3,
                zorder=3,
            )
            if outside.any():
                # Every returned point is shown: those beyond the box sit on its edge, hollow
                # (edge in the colour of their clipped third objective).
                depth = colormaps[DEPTH_CMAP](Normalize(vmin, vmax)(sc(pts[outside, 2])))
                ax.scatter(
                    sx(pts[outside, 0]),
                    sy(pts[outside, 1]),
                    s=14,
                    marker=styles[lab].marker,
                    facecolors="none",
                    edgecolors=depth,
                    linewidths=0.9,
                    zorder=3,
                )
        draw_box_edge(ax, float(sx(upper[0])), float(sy(upper[1])))
        ax.set_xlim(*axis_limits(float(sx(lower[0])), float(sx(upper[0]))))
        ax.set_ylim(*axis_limits(float(sy(lower[1])), float(sy(upper[1]))))
        panel_title(ax, styles.display(lab))
        if not _has_panel_below(axes, ax):
            ax.set_xlabel(sx.label)
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(sy.label)
    if any(len(pts) for pts, _ in clipped.values()):
        mappable = mappable or ScalarMappable(Normalize(vmin, vmax), DEPTH_CMAP)
        bar = fig.colorbar(mappable, ax=axes, location="right", shrink=0.6, aspect=25, pad=0.02)
        bar.set_label(sc.label)
    figure_title(fig, title)
    legend_row(fig, handles, width=width, where="lower")
    return fig


def _has_panel_below(axes: Sequence, ax) -> bool:
    """Whether a panel of ``axes`` sits in the row below ``ax`` in the same column (the last
    row of a ragged grid has gaps: the panels above them show the x axis label)."""
    spec = ax.get_subplotspec()
    below = spec.rowspan.stop
    return any(
        other.get_subplotspec().rowspan.start == below
        and other.get_subplotspec().colspan.start == spec.colspan.start
        for other in axes
    )


def _columns(ax) -> int:
    spec = ax.get_subplotspec()
    return spec.get_gridspec().ncols if spec is not None else 1


def parallel_coordinates_figure(
    *,
    true_front: np.ndarray | None,
    series: Mapping[str, np.ndarray],
    labels: Sequence[str],
    styles: StyleMap,
    objective_names: Sequence[str],
    objective_units: Sequence[str],
    lower: np.ndarray,
    upper: np.ndarray,
    title: str | None = None,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """One panel per variant: each architecture of its set is a line through its objectives,
    normalized to ``(f - lower) / (upper - lower)`` (0 = ideal, 1 = reference point); the exact
    front's architectures are grey lines behind.

    Arguments as :func:`per_algorithm_figure` (any ``m >= 2``).
    """
    m = len(objective_names)
    shown = [lab for lab in labels if lab in series]
    if not shown:
        raise InputError("no variant has a set to draw")
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    span = np.where(upper > lower, upper - lower, 1.0)
    names = [
        objective_scale(
            objective_names[k], objective_units[k], np.r_[lower[k], upper[k]]
        ).label.split(" (")[0]
        for k in range(m)
    ]
    x = np.arange(m, dtype=float)
    handles = [_true_front_handle(False)] if true_front is not None else []
    if any(clip_to_box(series[lab], lower, upper)[1].any() for lab in shown):
        handles.append(outside_handle())
    fig, axes = panel_grid(
        len(shown),
        width=width,
        columns=columns,
        panel_height=panel_height or 1.45,
        titles=[styles.display(lab) for lab in shown],
        legend_rows=legend_rows(handles, width) + figure_title_rows(title, width),
        sharex=True,
        sharey=True,
    )
    for ax, lab in zip(axes, shown, strict=True):
        if true_front is not None and len(true_front):
            tf = (np.asarray(true_front, dtype=float) - lower) / span
            ax.plot(x, tf.T, color=REFERENCE_GREY, lw=0.4, alpha=0.5, zorder=1)
        raw = (np.asarray(series[lab], dtype=float).reshape(-1, m) - lower) / span
        # Every architecture is drawn: values beyond the reference point (> 1) or the ideal
        # (< 0) on the box edge, their markers hollow there.
        pts = np.clip(raw, 0.0, 1.0)
        outer = (raw < 0.0) | (raw > 1.0)
        s = styles[lab]
        if len(pts):
            ax.plot(x, pts.T, color=s.color, lw=0.8, alpha=0.8, zorder=3)
            xs = np.broadcast_to(x, pts.shape)
            ax.plot(
                xs[~outer], pts[~outer], linestyle="none", marker=s.marker, markersize=2.5,
                color=s.color, zorder=4,
            )  # fmt: skip
            if outer.any():
                ax.plot(
                    xs[outer], pts[outer], linestyle="none", marker=s.marker, markersize=3.5,
                    markerfacecolor="none", markeredgecolor=s.color, markeredgewidth=0.8,
                    zorder=4,
                )  # fmt: skip
        slot = (ax.get_figure().get_figwidth() / _columns(ax) - 0.45) / m
        crowded = any(text_width_in(n, font_size_pt("xtick.labelsize")) > 0.9 * slot for n in names)
        ax.set_xticks(x, names, rotation=90 if crowded else 0)
        ax.set_xlim(-0.15, m - 0.85)
        ax.set_ylim(*axis_limits(0.0, 1.0))
        ax.grid(axis="y", visible=False)
        panel_title(ax, styles.display(lab))
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel("Normalized\n(0 ideal, 1 ref.)")
    figure_title(fig, title)
    legend_row(fig, handles, width=width, where="lower")
    return fig
