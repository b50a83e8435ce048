"""Pareto fronts in objective space (raw units): the problem's exact front and, per algorithm
variant, its median attainment surface (2 objectives, a staircase) or the set one run returned
(points; with 3 or more objectives one panel per pair of objectives)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lab.errors import InputError
from lab.figures.clipping import axis_limits, clip_to_box, draw_box_edge, outside_handle
from lab.figures.layout import (
    figure_title,
    figure_title_rows,
    legend_row,
    legend_rows,
    panel_grid,
    series_handles,
)
from lab.figures.long_tail import log_axis_limits, set_log_axis, wants_log_axis
from lab.figures.style import REFERENCE_GREY, SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import objective_scale


def staircase(points: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of the boundary of the region a 2-D point set attains (minimization), closed at
    the reference point ``upper``, for ``drawstyle="steps-post"``.

    Args:
        points: ``p x 2`` minimal points (any order).
        upper: the 2 coordinates where the staircase starts (top) and ends (right).

    Returns:
        ``(x, y)`` of length ``p + 2``: from ``(x_0, upper_y)`` down to the first point, along
        the points by increasing ``x``, then right to ``upper_x``.
    """
    pts = np.asarray(points, dtype=float)
    pts = pts[np.lexsort((pts[:, 1], pts[:, 0]))]
    x = np.r_[pts[0, 0], pts[:, 0], upper[0]]
    y = np.r_[upper[1], pts[:, 1], pts[-1, 1]]
    return x, y


def front_panels(n_obj: int) -> list[tuple[int, int]]:
    """Objective pairs drawn for ``n_obj`` objectives: ``[(0, 1)]`` in 2-D, every pair above."""
    return list(itertools.combinations(range(n_obj), 2))


def fronts_figure(
    *,
    true_front: np.ndarray | None,
    series: Mapping[str, np.ndarray],
    labels: Sequence[str],
    styles: StyleMap,
    objective_names: Sequence[str],
    objective_units: Sequence[str],
    lower: np.ndarray,
    upper: np.ndarray,
    mode: str = "staircase",
    title: str | None = None,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
    log_axes: str | Sequence[bool] = "auto",
) -> Figure:
    """The exact front and each variant's set, in raw objective units (shown scaled).

    Args:
        true_front: ``k x m`` raw exact front, or ``None`` to leave it out.
        series: label -> ``p x m`` raw points (a median attainment surface's minimal points,
            or a run's returned set); labels missing here are not drawn.
        labels: variants, in legend order.
        styles: the experiment's styles.
        objective_names, objective_units: ``m`` names and raw units (from the problem).
        lower, upper: ``m`` raw axis limits (e.g. the ideal point and the reference point);
            staircases are closed at ``upper``.
        mode: ``staircase`` (2 objectives only) or ``points``.
        title: figure title (e.g. the problem name and what the series are).
        width, columns, panel_height: layout (inches, panels per row, inches).
        log_axes: ``m`` flags (a logarithmic axis for objective ``k``), ``"none"`` or
            ``"auto"``: log where the exact front (else the drawn sets) crowds into the low end
            of a span of over a decade (:func:`~lab.figures.long_tail.wants_log_axis`).
    """
    m = len(objective_names)
    if mode not in ("staircase", "points"):
        raise InputError(f"mode must be 'staircase' or 'points', got {mode!r}")
    if mode == "staircase" and m != 2:
        raise InputError(f"staircases need 2 objectives, the problem has {m}; use mode='points'")
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    scales = [
        objective_scale(objective_names[k], objective_units[k], np.r_[lower[k], upper[k]])
        for k in range(m)
    ]
    shown = [lab for lab in labels if lab in series]
    logs = _log_axes(log_axes, m, true_front, [series[lab] for lab in shown], scales, lower, upper)
    handles: list = []
    if true_front is not None:
        handles.append(
            Line2D(
                [],
                [],
                color=REFERENCE_GREY,
                marker="o",
                markersize=2.5,
                linestyle="-" if m == 2 else "none",
                linewidth=0.8,
                label="True front",
            )
        )
    handles += series_handles(shown, styles, line=mode == "staircase")
    # Every returned point is drawn: those outside the box (ideal point to reference point) on
    # its edge, hollow.
    clipped = {lab: clip_to_box(series[lab], lower, upper) for lab in shown}
    if any(out.any() for _, out in clipped.values()):
        handles.append(outside_handle())
    pairs = front_panels(m)
    fig, axes = panel_grid(
        len(pairs),
        width=width,
        columns=columns or (1 if m == 2 else 2),
        panel_height=panel_height or (2.1 if m == 2 else 1.6),
        legend_rows=legend_rows(handles, width) + figure_title_rows(title, width),
    )
    for ax, (i, j) in zip(axes, pairs, strict=True):
        sx, sy = scales[i], scales[j]
        if true_front is not None and len(true_front):
            tf = np.asarray(true_front, dtype=float)
            if m == 2:
                x, y = staircase(tf, upper)
                ax.plot(sx(x), sy(y), drawstyle="steps-post", color=REFERENCE_GREY, lw=0.8)
            ax.scatter(sx(tf[:, i]), sy(tf[:, j]), s=4, color=REFERENCE_GREY, zorder=2, lw=0)
        for lab in shown:
            pts, outside = clipped[lab]
            if not len(pts):
                continue
            s = styles[lab]
            hollow = {
                "linestyle": "none",
                "marker": s.marker,
                "markerfacecolor": "none",
                "markeredgecolor": s.color,
                "markeredgewidth": 0.8,
                "markersize": 3.5,
                "zorder": 4,
            }
            if mode == "staircase":
                x, y = staircase(pts, upper)
                ax.plot(
                    sx(x),
                    sy(y),
                    drawstyle="steps-post",
                    color=s.color,
                    linestyle=s.linestyle,
                    zorder=3,
                )
                ax.plot(
                    sx(pts[~outside, 0]),
                    sy(pts[~outside, 1]),
                    linestyle="none",
                    marker=s.marker,
                    color=s.color,
                    markersize=3,
                    zorder=4,
                )
            else:
                ax.scatter(
                    sx(pts[~outside, i]),
                    sy(pts[~outside, j]),
                    s=9,
                    color=s.color,
                    marker=s.marker,
                    edgecolors="white",
                    linewidths=0.3,
                    zorder=3,
                )
            if outside.any():
                ax.plot(sx(pts[outside, i]), sy(pts[outside, j]), **hollow)
        draw_box_edge(ax, float(sx(upper[i])), float(sy(upper[j])))
        for k, scale, which, set_lim in ((i, sx, "x", ax.set_xlim), (j, sy, "y", ax.set_ylim)):
            lo, hi = float(scale(lower[k])), float(scale(upper[k]))
            if logs[k]:
                set_log_axis(ax, which)
                set_lim(*log_axis_limits(lo, hi))
            else:
                set_lim(*axis_limits(lo, hi))
        ax.set_xlabel(sx.label)
        ax.set_ylabel(sy.label)
    figure_title(fig, title)
    # Below the panels: the title takes the top, and constrained layout stacks one outside
    # element per side.
    legend_row(fig, handles, width=width, where="lower")
    return fig


def _log_axes(
    log_axes: str | Sequence[bool],
    m: int,
    true_front: np.ndarray | None,
    sets: Sequence[np.ndarray],
    scales: Sequence,
    lower: np.ndarray,
    upper: np.ndarray,
) -> list[bool]:
    """Per objective, whether its axis is logarithmic (see :func:`fronts_figure`)."""
    if isinstance(log_axes, str):
        if log_axes == "none":
            return [False] * m
        if log_axes != "auto":
            raise InputError(f"log_axes must be 'auto', 'none' or {m} flags, got {log_axes!r}")
        if true_front is not None and len(true_front):
            pts = np.asarray(true_front, dtype=float)
        else:
            drawn = [np.asarray(p, dtype=float).reshape(-1, m) for p in sets]
            pts = np.concatenate(drawn) if drawn else np.empty((0, m))
        return [
            wants_log_axis(
                scales[k](pts[:, k]), float(scales[k](lower[k])), float(scales[k](upper[k]))
            )
            for k in range(m)
        ]
    flags = [bool(f) for f in log_axes]
    if len(flags) != m:
        raise InputError(f"log_axes needs {m} flags (one per objective), got {len(flags)}")
    for k, flag in enumerate(flags):
        lo, hi = float(scales[k](lower[k])), float(scales[k](upper[k]))
        if flag and not (0 < lo < hi):
            raise InputError(
                f"objective {k} cannot have a log axis: its box spans {lo:g} to {hi:g}, not "
                "positive values"
            )
    return flags
