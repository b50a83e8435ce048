"""Surrogate parity plots: predicted against true values of held-out architectures, one panel
per predictor and target (a row per predictor, a column per target), with the diagonal and
Kendall's tau in the panel title.

Table layout: one row per held-out architecture with ``y_true`` and ``y_pred`` (raw metric
units), optionally ``predictor`` and ``target`` (panels).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from scipy import stats

from lab.errors import InputError
from lab.figures.layout import MIN_PANEL_IN, PANEL_MARGIN_IN, grid_shape, panel_grid, panel_title
from lab.figures.style import REFERENCE_GREY, SINGLE_COLUMN_IN, StyleMap

REQUIRED: tuple[str, ...] = ("y_true", "y_pred")


def power_of_ten(values: np.ndarray) -> int:
    """Exponent that brings very small or large values (latencies in seconds, FLOPs) to
    readable ticks; 0 for values within ``[0.01, 10^4)``."""
    top = float(np.max(np.abs(values))) if values.size else 0.0
    if top == 0.0 or 0.01 <= top < 1e4:
        return 0
    return int(np.floor(np.log10(top)))


def parity_panels(table: pd.DataFrame) -> list[tuple[str, str]]:
    """``(predictor, target)`` of every panel, in order of appearance."""
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InputError(f"a parity table needs columns {list(REQUIRED)}; missing {missing}")
    pred = table["predictor"] if "predictor" in table.columns else pd.Series("", index=table.index)
    tgt = table["target"] if "target" in table.columns else pd.Series("", index=table.index)
    return list(dict.fromkeys(zip(pred.astype(str), tgt.astype(str), strict=True)))


def parity_figure(
    table: pd.DataFrame,
    *,
    predictors: Sequence[str] | None = None,
    value_label: str | Mapping[str, str] = "value",
    styles: StyleMap | None = None,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """Predicted vs true values, one square panel per (predictor, target).

    Args:
        table: the parity table (see the module docstring).
        predictors: predictors to draw (default: all, in order of appearance).
        value_label: axis label of the values with their unit (e.g. ``test accuracy (%)``), or
            a mapping target -> label (default: none; the target names the panel).
        styles: predictor styles (default :meth:`StyleMap.for_predictors`).
        width, columns, panel_height: layout (inches, panels per row, inches).
    """
    panels = parity_panels(table)
    if predictors:
        panels = [p for p in panels if p[0] in predictors]
    if not panels:
        raise InputError(f"no parity rows for predictors {list(predictors or [])}")
    styles = styles or StyleMap.for_predictors(sorted({p for p, _ in panels}))
    pred = table["predictor"].astype(str) if "predictor" in table.columns else ""
    tgt = table["target"].astype(str) if "target" in table.columns else ""
    n_targets = len({t for _, t in panels})
    # A column per target, as many as keep every panel readable at ``width``.
    cols = (
        columns or min(n_targets, 3, max(1, int(width // MIN_PANEL_IN)))
        if n_targets > 1
        else columns
    )
    fig, axes = panel_grid(
        len(panels), width=width, columns=cols, panel_height=panel_height or 1.65
    )
    # Square panels: narrow ones get fewer ticks, so that labels such as 0.01 keep a gap.
    panel_width = width / grid_shape(len(panels), width, cols)[1] - PANEL_MARGIN_IN
    n_ticks = 4 if panel_width >= 2.0 else 3 if panel_width >= 1.4 else 2
    for ax, (name, target) in zip(axes, panels, strict=True):
        rows = table[(pred == name) & (tgt == target)] if len(panels) > 1 else table
        y_true = rows["y_true"].to_numpy(dtype=float)
        y_pred = rows["y_pred"].to_numpy(dtype=float)
        ok = np.isfinite(y_true) & np.isfinite(y_pred)
        y_true, y_pred = y_true[ok], y_pred[ok]
        power = power_of_ten(np.r_[y_true, y_pred])
        y_true, y_pred = y_true / 10.0**power, y_pred / 10.0**power
        s = styles[name] if name else None
        color = s.color if s else "#0072B2"
        # Rasterized points keep PDFs small with thousands of architectures.
        ax.scatter(y_true, y_pred, s=3, color=color, alpha=0.35, lw=0, rasterized=True)
        both = np.r_[y_true, y_pred]
        if both.size:
            pad = 0.03 * max(np.ptp(both), 1e-12)
            lo, hi = both.min() - pad, both.max() + pad
            ax.plot([lo, hi], [lo, hi], color=REFERENCE_GREY, linestyle="--", lw=0.8)
            ax.set_xlim(lo, hi)
            ax.set_ylim(lo, hi)
        ax.set_aspect("equal", adjustable="box")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(n_ticks, steps=[1, 2, 5, 10]))
        tau = stats.kendalltau(y_true, y_pred).statistic if y_true.size > 2 else np.nan
        head = f"{s.display}, τ = {tau:.2f}" if s else f"τ = {tau:.2f}"
        panel_title(ax, f"{target}: {head}" if target else head)
        if isinstance(value_label, Mapping):
            label = value_label.get(target, "")
        else:
            label = "" if value_label == "value" else value_label
        if power:
            label = f"{label} ($\\times 10^{{{power}}}$)".strip()
        ax.set_xlabel(f"True {label}".strip())
        # Both axes are in the same unit; the x axis names it (a long vertical label would
        # run past a square panel into the title above it).
        ax.set_ylabel("Predicted")
    return fig
