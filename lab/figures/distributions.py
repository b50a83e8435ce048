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
from lab.figures.style import SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import metric_label, problem_title


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
    # Names under the boxes (vertical) when they fit the panel, else a legend row above.
    _, cols = grid_shape(len(problems), width, columns)
    slot = (width / cols - PANEL_MARGIN_IN) / max(len(labels), 1)
    size = font_size_pt("xtick.labelsize")
    names_fit = slot >= 1.6 * size / 72 and all(
        text_width_in(styles.display(lab), size) <= 0.8 for lab in labels
    )
    handles = [] if names_fit else series_handles(labels, styles, line=False)
    fig, axes = panel_grid(
        len(problems),
        legend_rows=legend_rows(handles, width),
        titles=[problem_title(p) for p in problems],
        width=width,
        columns=columns,
        panel_height=panel_height,
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
            ax.set_xticks(pos, [styles.display(lab) for lab in shown], rotation=90)
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
