"""Transfer as a heat map: one panel per source problem, a row per algorithm variant, a column
per problem scored on (the source first, then every transfer target), the cell's colour the
median normalized report hypervolume over seeds. Beyond a few targets the points-and-bars form
(:mod:`lab.figures.transfer`) packs 8 variants x 18 targets into unreadable clusters; a heat map
gives every (variant, target) its own cell."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lab.errors import InputError
from lab.figures.layout import (
    PANEL_MARGIN_IN,
    font_size_pt,
    panel_grid,
    text_width_in,
    wrap_label,
)
from lab.figures.style import SINGLE_COLUMN_IN, StyleMap
from lab.figures.transfer import short_names
from lab.figures.units import problem_title

#: Colour map of the hypervolumes (perceptually uniform, colour-blind safe).
HEAT_CMAP = "viridis"
#: Inches per variant row.
ROW_IN = 0.17


def transfer_matrix(
    transfer_summary: pd.DataFrame, summary: pd.DataFrame, problem: str, labels: Sequence[str]
) -> tuple[list[str], np.ndarray]:
    """Columns (``problem``, then its targets sorted) and the ``len(labels) x columns`` median
    normalized hypervolumes (NaN where a variant has no value)."""
    ts = transfer_summary[
        (transfer_summary["metric"] == "hv_normalized") & (transfer_summary["problem"] == problem)
    ]
    src = summary[(summary["metric"] == "hv_normalized") & (summary["problem"] == problem)]
    targets = sorted(ts["target"].unique())
    values = np.full((len(labels), len(targets) + 1), np.nan)
    by_label = src.set_index("label")["median"]
    table = ts.pivot_table(index="label", columns="target", values="median", aggfunc="first")
    for i, lab in enumerate(labels):
        if lab in by_label.index:
            values[i, 0] = float(by_label[lab])
        for j, t in enumerate(targets, start=1):
            if lab in table.index and t in table.columns:
                values[i, j] = float(table.loc[lab, t])
    return [problem, *targets], values


def transfer_heatmap_figure(
    transfer_summary: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    problems: Sequence[str],
    labels: Sequence[str],
    styles: StyleMap,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """Median normalized report HV of every variant (rows) on its source problem and each
    transfer target (columns), one panel per source problem, one shared colour scale.

    Args: as :func:`lab.figures.transfer.transfer_figure`.
    """
    if not problems or not labels:
        raise InputError("a transfer heat map needs at least one problem and one variant")
    matrices = {p: transfer_matrix(transfer_summary, summary, p, labels) for p in problems}
    finite = np.concatenate([v[np.isfinite(v)] for _, v in matrices.values()])
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    # Upright column names, each in its column's slot: a smaller font where columns are narrow.
    n_cols = max(len(cols) for cols, _ in matrices.values())
    slot = (width / (columns or 1) - 2 * PANEL_MARGIN_IN - 0.9) / n_cols
    size = min(font_size_pt("xtick.labelsize"), max(slot * 72 / 1.45, 5.0))
    names = {p: short_names(cols) for p, (cols, _) in matrices.items()}
    longest = max(
        text_width_in(f"{names[p][c]} (source)" if c == p else names[p][c], size)
        for p, (cols, _) in matrices.items()
        for c in cols
    )
    fig, axes = panel_grid(
        len(problems),
        width=width,
        columns=columns or 1,
        # Rows of cells, then the upright column names under them.
        panel_height=panel_height or max(0.35 + ROW_IN * len(labels), 1.2) + longest,
        titles=[f"Returned on {problem_title(p)}, scored on" for p in problems],
    )
    image = None
    for ax, problem in zip(axes, problems, strict=True):
        cols, values = matrices[problem]
        image = ax.imshow(
            np.ma.masked_invalid(values),
            cmap=HEAT_CMAP,
            vmin=vmin,
            vmax=vmax,
            aspect="auto",
            interpolation="nearest",
        )
        ticks = [
            f"{names[problem][c]} (source)" if c == problem else names[problem][c] for c in cols
        ]
        ax.set_xticks(range(len(cols)), ticks, rotation=90, fontsize=size)
        ax.set_yticks(range(len(labels)), [styles.display(lab) for lab in labels])
        ax.axvline(0.5, color="white", lw=1.2)  # the source apart from the targets
        ax.grid(False)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        # Wrapped to the panel's width less the colour bar's (the title is centred on the axes).
        title = f"Returned on {problem_title(problem)}, scored on"
        ax.set_title(
            wrap_label(title, max(width / (columns or 1) - 2 * PANEL_MARGIN_IN - 0.9, 1.0))
        )
    if image is not None:
        bar = fig.colorbar(image, ax=axes, location="right", shrink=0.8, aspect=25, pad=0.02)
        bar.set_label("Normalized HV\n(report, median)")
        bar.outline.set_linewidth(0.4)
    return fig
