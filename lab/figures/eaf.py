"""Differences between the empirical attainment functions of two algorithms (2 objectives): where
in objective space one attains more often than the other, in the style of López-Ibáñez et al.'s
``eafdiffplot`` (left: regions A attains more often; right: regions B attains more often; the
grey level is the difference in attainment probability), with both median attainment surfaces
and the exact front."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lab.errors import InputError
from lab.figures.fronts import staircase
from lab.figures.layout import (
    figure_title,
    figure_title_rows,
    legend_row,
    legend_rows,
    panel_grid,
    series_handles,
)
from lab.figures.style import REFERENCE_GREY, SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import AxisScale, objective_scale

#: Colour map of the attainment difference (sequential grey: readable in print and by all).
EAF_CMAP = "Greys"


def _rectangles(rects: pd.DataFrame, names: Sequence[str], upper: np.ndarray) -> np.ndarray:
    """``r x 4 x 2`` corner arrays of the rectangles, unbounded sides clipped at ``upper``."""
    x0 = rects[f"{names[0]}_lower"].to_numpy(dtype=float)
    y0 = rects[f"{names[1]}_lower"].to_numpy(dtype=float)
    x1 = np.minimum(rects[f"{names[0]}_upper"].to_numpy(dtype=float), upper[0])
    y1 = np.minimum(rects[f"{names[1]}_upper"].to_numpy(dtype=float), upper[1])
    return np.stack([np.c_[x0, y0], np.c_[x1, y0], np.c_[x1, y1], np.c_[x0, y1]], axis=1)


def eaf_difference_figure(
    rects: pd.DataFrame,
    *,
    pair: tuple[str, str],
    surfaces: Mapping[str, np.ndarray],
    true_front: np.ndarray | None,
    styles: StyleMap,
    objective_names: Sequence[str],
    objective_units: Sequence[str],
    lower: np.ndarray,
    upper: np.ndarray,
    title: str | None = None,
    width: float = SINGLE_COLUMN_IN,
    panel_height: float | None = None,
) -> Figure:
    """Two panels: where ``pair[0]`` attains more often, and where ``pair[1]`` does.

    Both panels show the two median attainment surfaces (the line style of each variant) and
    the exact front (grey).

    Args:
        rects: :func:`lab.indicators.eaf_difference` of the two algorithms' runs (raw units;
            ``diff`` > 0 favours ``pair[0]``) with objective names ``objective_names``.
        pair: the two variant labels (A, B).
        surfaces: label -> ``p x 2`` raw minimal points of its median attainment surface.
        true_front: ``k x 2`` raw exact front, or ``None``.
        styles: the experiment's styles.
        objective_names, objective_units: names and raw units of the 2 objectives.
        lower, upper: raw axis limits; unbounded rectangles and staircases end at ``upper``.
        title: figure title.
        width, panel_height: layout (inches).
    """
    names = list(objective_names)
    if len(names) != 2:
        raise InputError(f"the EAF difference needs 2 objectives, got {len(names)}")
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    span = upper - lower
    lim_lo = lower - 0.04 * span
    sx, sy = (
        objective_scale(names[k], objective_units[k], np.r_[lower[k], upper[k]]) for k in (0, 1)
    )
    handles: list = []
    if true_front is not None:
        handles.append(
            Line2D(
                [], [], color=REFERENCE_GREY, marker="o", markersize=2.5, lw=0.8, label="True front"
            )
        )
    handles += series_handles(list(pair), styles)
    fig, axes = panel_grid(
        2,
        width=width,
        columns=2,
        panel_height=panel_height or 1.9,
        sharey=True,
        legend_rows=legend_rows(handles, width) + figure_title_rows(title, width),
    )
    norm = Normalize(vmin=0.0, vmax=1.0)
    corners = _rectangles(rects, names, upper) if len(rects) else np.empty((0, 4, 2))
    diff = rects["diff"].to_numpy(dtype=float) if len(rects) else np.empty(0)
    scale = np.array([sx.factor, sy.factor])
    mappable = None
    for ax, sign, winner in zip(axes, (1.0, -1.0), pair, strict=True):
        keep = sign * diff > 0
        coll = PolyCollection(
            corners[keep] * scale,
            array=sign * diff[keep],
            cmap=EAF_CMAP,
            norm=norm,
            edgecolors="face",
            linewidths=0.0,
            zorder=1,
        )
        ax.add_collection(coll)
        mappable = coll
        _draw_lines(ax, pair, surfaces, true_front, styles, upper, sx, sy)
        ax.set_xlim(sx(lim_lo[0]), sx(upper[0]))
        ax.set_ylim(sy(lim_lo[1]), sy(upper[1]))
        ax.set_xlabel(sx.label)
        ax.set_title(f"{styles.display(winner)} better")
        ax.grid(False)
    axes[0].set_ylabel(sy.label)
    bar = fig.colorbar(mappable, ax=axes, shrink=0.9, aspect=25, pad=0.02)
    bar.set_label("Attainment difference")
    bar.outline.set_linewidth(0.4)
    figure_title(fig, title)
    legend_row(fig, handles, width=width, where="lower")
    return fig


def _draw_lines(
    ax,
    pair: tuple[str, str],
    surfaces: Mapping[str, np.ndarray],
    true_front: np.ndarray | None,
    styles: StyleMap,
    upper: np.ndarray,
    sx: AxisScale,
    sy: AxisScale,
) -> None:
    if true_front is not None and len(true_front):
        tf = np.asarray(true_front, dtype=float)
        x, y = staircase(tf, upper)
        ax.plot(sx(x), sy(y), drawstyle="steps-post", color=REFERENCE_GREY, lw=0.7, zorder=2)
        ax.scatter(sx(tf[:, 0]), sy(tf[:, 1]), s=3, color=REFERENCE_GREY, lw=0, zorder=2)
    for lab in pair:
        pts = surfaces.get(lab)
        if pts is None or not len(pts):
            continue
        s = styles[lab]
        x, y = staircase(np.asarray(pts, dtype=float), upper)
        # A white halo keeps the line visible over the darkest rectangles.
        ax.plot(
            sx(x),
            sy(y),
            drawstyle="steps-post",
            color=s.color,
            linestyle=s.linestyle,
            lw=1.0,
            zorder=3,
            path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
        )
