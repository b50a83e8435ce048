"""Operation effects of a surrogate: for each genome position (an edge or layer of the cell) and
each operation it can hold, the change of the predicted metric when every sampled architecture
takes that operation there (partial dependence), as a heatmap per target with a diverging colour
scale centred at zero.

Table layout (as :func:`lab.surrogates.importance.operation_effects` returns it): one row per
(target, position, choice) with ``variable`` (the position's name), ``choice`` (the operation)
and ``effect`` (raw target units); ``target`` optional (panels).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from lab.errors import InputError
from lab.figures.layout import PANEL_MARGIN_IN, font_size_pt, panel_grid, text_width_in
from lab.figures.style import SINGLE_COLUMN_IN

REQUIRED: tuple[str, ...] = ("variable", "choice", "effect")
#: Diverging colour map that stays readable under colour-vision deficiencies.
EFFECT_CMAP = "PuOr_r"
NOT_ALLOWED = "#D9D9D9"


def effect_grid(table: pd.DataFrame) -> pd.DataFrame:
    """Effects of one target as a grid: rows are operations (in order of appearance), columns
    the positions (in order of appearance); NaN where an operation is not allowed."""
    grid = table.pivot_table(index="choice", columns="variable", values="effect", sort=False)
    return grid[list(dict.fromkeys(table["variable"]))].loc[list(dict.fromkeys(table["choice"]))]


def operation_effects_figure(
    table: pd.DataFrame,
    *,
    value_label: str = "Effect",
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """One heatmap per target: positions on x, operations on y, colour = effect.

    Args:
        table: the operation-effects table (see the module docstring).
        value_label: colour-bar label with the unit (e.g. ``Δ accuracy (%)``).
        width, columns, panel_height: layout (default one panel per row).
    """
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InputError(
            f"an operation-effects table needs columns {list(REQUIRED)}; missing {missing}"
        )
    targets = list(dict.fromkeys(table["target"])) if "target" in table.columns else [""]
    n_choices = table["choice"].nunique()
    # Operations a position cannot hold are grey, not the white of "no effect".
    cmap = colormaps[EFFECT_CMAP].with_extremes(bad=NOT_ALLOWED)
    # Level labels where they fit their slot, else upright (the boxes of 45-degree labels
    # overlap their neighbours'); upright ones make the panel taller by their length.
    names = [str(v) for v in dict.fromkeys(table["variable"])]
    size = font_size_pt("xtick.labelsize")
    slot = (width - 1.5 * PANEL_MARGIN_IN - 0.8) / max(len(names), 1)
    longest = max((text_width_in(n, size) for n in names), default=0.0)
    flat = longest <= 0.9 * slot
    fig, axes = panel_grid(
        len(targets),
        width=width,
        columns=columns or 1,
        panel_height=panel_height or 0.55 + 0.14 * n_choices + (0.0 if flat else longest),
    )
    for ax, target in zip(axes, targets, strict=True):
        part = table[table["target"] == target] if target else table
        grid = effect_grid(part)
        values = grid.to_numpy(dtype=float)
        limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
        image = ax.imshow(
            np.ma.masked_invalid(values),
            cmap=cmap,
            vmin=-limit,
            vmax=limit,
            aspect="auto",
            interpolation="nearest",
        )
        ax.set_xticks(
            range(grid.shape[1]),
            [str(c) for c in grid.columns],
            rotation=0 if flat else 90,
            ha="center",
        )
        ax.set_yticks(range(grid.shape[0]), [str(c) for c in grid.index])
        ax.grid(False)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if target:
            ax.set_title(str(target))
        bar = fig.colorbar(image, ax=ax, shrink=0.95, aspect=15, pad=0.02)
        bar.set_label(value_label)
        bar.formatter.set_powerlimits((-2, 4))
        bar.outline.set_linewidth(0.4)
    return fig
