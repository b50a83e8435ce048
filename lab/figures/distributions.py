"""Final indicator distributions: one box (or violin) per algorithm variant with every seed's
value as a point over it, one panel per problem."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lab.errors import InputError
from lab.figures.layout import (
    PANEL_MARGIN_IN,
    font_size_pt,
    grid_shape,
    legend_row,
    legend_rows,
    panel_grid,
    panel_title,
    series_handles,
    text_width_in,
)
from lab.figures.style import PANEL_HEIGHT_IN, SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import metric_label, problem_title

#: Fewest runs per variant for a violin: a kernel density of fewer points shows the bandwidth,
#: not the distribution (a box and every point are drawn instead).
MIN_VIOLIN_POINTS = 10
#: Smallest tick font (points) names under the boxes may take before a legend replaces them.
MIN_TICK_PT = 6.0


def violins_drawable(
    final: pd.DataFrame, problems: Sequence[str], labels: Sequence[str], metric: str
) -> bool:
    """Whether every (problem, variant) shown has at least :data:`MIN_VIOLIN_POINTS` finite
    values of ``metric``."""
    part = final[final["problem"].isin(problems) & final["label"].isin(labels)]
    counts = (
        part[np.isfinite(part[metric].to_numpy(dtype=float))]
        .groupby(["problem", "label"])[metric]
        .size()
    )
    return bool(len(counts)) and int(counts.min()) >= MIN_VIOLIN_POINTS


def _tick_layout(
    n_panels: int, labels: Sequence[str], styles: StyleMap, width: float, columns: int | None
) -> tuple[int | None, float | None]:
    """Panels per row and tick font size (points) at which every variant's name fits under
    its box, set vertically: fewer columns first (when the recipe did not fix them), then a
    smaller font down to :data:`MIN_TICK_PT`; ``(columns, None)`` when none fits."""
    size = font_size_pt("xtick.labelsize")
    widest = max((text_width_in(styles.display(lab), size) for lab in labels), default=0.0)
    if widest > 0.8:  # names longer than a panel is tall: a legend row instead
        return columns, None
    _, cols = grid_shape(n_panels, width, columns)
    options = [cols] if columns is not None else list(range(cols, 0, -1))
    for pt in (size, 7.0, MIN_TICK_PT):
        if pt > size:
            continue
        for c in options:
            slot = (width / c - PANEL_MARGIN_IN) / max(len(labels), 1)
            if slot >= 1.5 * pt / 72:
                return (c if columns is None and c != cols else columns), pt
    return columns, None


def point_offsets(n: int, half_width: float = 0.18) -> np.ndarray:
    """Horizontal offsets of ``n`` points over a box, evenly spread in ``[-w, w]`` (no random
    jitter, so figures are reproducible)."""
    return np.linspace(-half_width, half_width, n) if n > 1 else np.zeros(n)


def final_distribution_figure(
    final: pd.DataFrame,
    *,
    problems: Sequence[str],
    labels: Sequence[str],
    styles: StyleMap,
    metric: str = "hv_normalized",
    kind: str = "box",
    points: bool = True,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """Distribution over seeds of a final metric per variant, one panel per problem.

    Args:
        final: the analysis' ``final`` table (``problem, label, seed`` and the metric).
        problems: panels, in order.
        labels: variants, in order along the x axis.
        styles: the experiment's styles.
        metric: a numeric column of ``final`` (``hv_normalized``, ``igd_plus``, ...).
        kind: ``box`` (median, quartiles, whiskers at 1.5 IQR) or ``violin`` (kernel density,
            median marked).
        points: draw every run's value (sorted by seed) over the box.
        width, columns, panel_height: layout (inches, panels per row, inches).
    """
    if kind not in ("box", "violin"):
        raise InputError(f"kind must be 'box' or 'violin', got {kind!r}")
    if kind == "violin" and not violins_drawable(final, problems, labels, metric):
        kind = "box"  # too few runs for a density: boxes and every point
    # Names under the boxes (vertical) when they fit the panel (fewer panels per row or a
    # smaller font where needed), else a legend row above.
    columns, tick_pt = _tick_layout(len(problems), labels, styles, width, columns)
    names_fit = tick_pt is not None
    handles = [] if names_fit else series_handles(labels, styles, line=False)
    # Upright names take height from the panel: the panel grows by the longest.
    names_in = (
        max(text_width_in(styles.display(lab), tick_pt) for lab in labels) if names_fit else 0.0
    )
    fig, axes = panel_grid(
        len(problems),
        legend_rows=legend_rows(handles, width),
        titles=[problem_title(p) for p in problems],
        width=width,
        columns=columns,
        panel_height=(panel_height or PANEL_HEIGHT_IN) + names_in,
    )
    for ax, problem in zip(axes, problems, strict=True):
        part = final[final["problem"] == problem]
        shown = [lab for lab in labels if (part["label"] == lab).any()]
        values = [
            part.loc[part["label"] == lab].sort_values("seed")[metric].to_numpy(dtype=float)
            for lab in shown
        ]
        finite = [v[np.isfinite(v)] for v in values]
        pos = np.arange(len(shown), dtype=float)
        colors = [styles[lab].color for lab in shown]
        if kind == "box":
            art = ax.boxplot(
                finite,
                positions=pos,
                widths=0.55,
                patch_artist=True,
                showfliers=not points,
                medianprops={"color": "black", "linewidth": 1.0},
                whiskerprops={"linewidth": 0.7},
                capprops={"linewidth": 0.7},
            )
            for patch, color in zip(art["boxes"], colors, strict=True):
                patch.set_facecolor(color)
                patch.set_alpha(0.35)
                patch.set_edgecolor(color)
        else:
            drawable = [j for j, v in enumerate(finite) if v.size >= 2]
            if drawable:
                art = ax.violinplot(
                    [finite[j] for j in drawable],
                    positions=pos[drawable],
                    widths=0.7,
                    showmedians=True,
                    showextrema=False,
                )
                for body, j in zip(art["bodies"], drawable, strict=True):
                    body.set_facecolor(colors[j])
                    body.set_edgecolor(colors[j])
                    body.set_alpha(0.35)
                art["cmedians"].set_color("black")
        if points:
            for x, v, lab in zip(pos, values, shown, strict=True):
                s = styles[lab]
                ax.scatter(
                    x + point_offsets(v.size),
                    v,
                    s=7,
                    color=s.color,
                    marker=s.marker,
                    edgecolors="white",
                    linewidths=0.3,
                    zorder=3,
                )
        if names_fit:
            ax.set_xticks(
                pos, [styles.display(lab) for lab in shown], rotation=90, fontsize=tick_pt
            )
        else:
            ax.set_xticks(pos, [])
        ax.set_xlim(-0.6, len(shown) - 0.4)
        ax.grid(axis="x", visible=False)
        panel_title(ax, problem_title(problem))
    for ax in axes:
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(metric_label(metric))
    legend_row(fig, handles, width=width)
    return fig
