"""Importance of the architecture's features (operations, edges, encoding columns) to a
surrogate: horizontal bars of the top features, one panel per predictor (and target).

Table layout: one row per feature with ``feature`` and ``importance``, optionally ``std`` (an
error bar), ``predictor`` and ``target`` (panels). The position-importance table of
:func:`lab.surrogates.importance.position_importance` (``variable``, ``importance_std``) is read
as it is: its genome positions are the features.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lab.errors import InputError
from lab.figures.layout import panel_grid
from lab.figures.style import SINGLE_COLUMN_IN, StyleMap

REQUIRED: tuple[str, ...] = ("feature", "importance")


#: Other names of the columns, as other tables spell them.
ALIASES: dict[str, str] = {"variable": "feature", "importance_std": "std"}


def canonical_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the :data:`ALIASES` columns renamed (where the canonical name is absent)."""
    rename = {a: c for a, c in ALIASES.items() if a in table.columns and c not in table.columns}
    return table.rename(columns=rename) if rename else table


def importance_panels(table: pd.DataFrame) -> list[tuple[str, str]]:
    """``(predictor, target)`` of every panel, in order of appearance."""
    table = canonical_columns(table)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InputError(f"an importance table needs columns {list(REQUIRED)}; missing {missing}")
    pred = table["predictor"] if "predictor" in table.columns else pd.Series("", index=table.index)
    tgt = table["target"] if "target" in table.columns else pd.Series("", index=table.index)
    return list(dict.fromkeys(zip(pred.astype(str), tgt.astype(str), strict=True)))


def importance_figure(
    table: pd.DataFrame,
    *,
    top: int = 12,
    predictors: Sequence[str] | None = None,
    value_label: str = "Importance",
    styles: StyleMap | None = None,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """The ``top`` most important features per panel, largest at the top.

    Args:
        table: the importance table (see the module docstring).
        top: features shown per panel.
        predictors: predictors to draw (default: all, in order of appearance).
        value_label: axis label of the importance (e.g. ``Gain``, ``Δτ when permuted``).
        styles: predictor styles (default :meth:`StyleMap.for_predictors`).
        width, columns, panel_height: layout (default one panel per row, height by ``top``).
    """
    table = canonical_columns(table)
    panels = importance_panels(table)
    if predictors:
        panels = [p for p in panels if p[0] in predictors]
    if not panels:
        raise InputError(f"no importance rows for predictors {list(predictors or [])}")
    styles = styles or StyleMap.for_predictors(sorted({p for p, _ in panels}))
    pred = table["predictor"].astype(str) if "predictor" in table.columns else ""
    tgt = table["target"].astype(str) if "target" in table.columns else ""
    n_bars = min(top, max(len(table) // max(len(panels), 1), 1))
    fig, axes = panel_grid(
        len(panels),
        width=width,
        columns=columns or 1,
        panel_height=panel_height or 0.45 + 0.15 * n_bars,
    )
    for ax, (name, target) in zip(axes, panels, strict=True):
        rows = table[(pred == name) & (tgt == target)] if len(panels) > 1 else table
        rows = rows.sort_values("importance", ascending=False, kind="stable").head(top)
        y = np.arange(len(rows))[::-1]
        s = styles[name] if name else None
        err = rows["std"].to_numpy(dtype=float) if "std" in rows.columns else None
        ax.barh(
            y,
            rows["importance"].to_numpy(dtype=float),
            xerr=err,
            height=0.7,
            color=s.color if s else "#0072B2",
            alpha=0.85,
            error_kw={"elinewidth": 0.6, "capsize": 1.2},
        )
        ax.set_yticks(y, rows["feature"].astype(str).tolist())
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(value_label)
        head = " · ".join(x for x in ((s.display if s else ""), target) if x)
        if head:
            ax.set_title(head)
    return fig
