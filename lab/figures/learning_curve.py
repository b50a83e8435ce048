"""Surrogate learning curves: a rank (or regression) metric of each predictor on held-out
architectures against its training-set size, mean over seeds with a ±1 std band, one panel per
(scored column, split).

Two table layouts are accepted (:func:`learning_curve_points` tells them apart):

* long, one row per (predictor, training size, seed) as :func:`lab.surrogates.evaluation.run_study`
  writes it: ``predictor, n_train, <metric>`` and optionally ``seed, target, scored_on, split``;
* wide, as :func:`lab.surrogates.evaluation.learning_curve_table` writes it: ``target, scored_on,
  split, predictor``, one column per training size (``"10"``, ``"100"``, ...) holding the mean
  and ``"<size>_std"`` the std over seeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lab.errors import InputError
from lab.figures.layout import (
    PANEL_MARGIN_IN,
    grid_shape,
    legend_row,
    legend_rows,
    panel_grid,
    plain_log_ticks,
    series_handles,
)
from lab.figures.style import SINGLE_COLUMN_IN, StyleMap

POINT_COLUMNS: tuple[str, ...] = ("panel", "predictor", "n_train", "mean", "std", "n_seeds")

METRIC_TITLES: dict[str, str] = {
    "kendall_tau": r"Kendall's $\tau$",
    "spearman": r"Spearman's $\rho$",
    "r2": "$R^2$",
    "rmse": "RMSE",
}


def _panel(target: str, scored_on: str, split: str) -> str:
    what = target if scored_on in ("", target) else f"{target} → {scored_on}"
    return f"{what}\n{split} split" if split else what


def learning_curve_points(table: pd.DataFrame, metric: str = "kendall_tau") -> pd.DataFrame:
    """Mean and std over seeds of ``metric`` per (panel, predictor, training size).

    Returns:
        :data:`POINT_COLUMNS`; ``panel`` names the target, the column scored on and the split.

    Raises:
        ValueError: the table has neither layout (the message lists what is missing).
    """
    if "predictor" not in table.columns:
        raise InputError(f"a learning-curve table needs a 'predictor' column; got {list(table)}")
    t = table.copy()
    for col in ("target", "scored_on", "split"):
        if col not in t.columns:
            t[col] = ""
    t[["target", "scored_on", "split"]] = t[["target", "scored_on", "split"]].fillna("")
    t["panel"] = [
        _panel(a, b, c) for a, b, c in zip(t["target"], t["scored_on"], t["split"], strict=True)
    ]
    if "n_train" in t.columns:
        if metric not in t.columns:
            raise InputError(f"the learning-curve table has no column {metric!r}; got {list(t)}")
        g = t.groupby(["panel", "predictor", "n_train"], sort=True)[metric]
        out = pd.DataFrame({"mean": g.mean(), "std": g.std(ddof=1), "n_seeds": g.size()})
        return out.reset_index()[list(POINT_COLUMNS)]
    sizes = [c for c in t.columns if str(c).isdigit()]
    if not sizes:
        raise InputError(
            "a learning-curve table needs either an 'n_train' column (one row per run) or one "
            f"column per training size ('10', '100', ...); got {list(table)}"
        )
    rows = []
    for _, r in t.iterrows():
        for size in sizes:
            sd = r.get(f"{size}_std", np.nan)
            rows.append(
                {
                    "panel": r["panel"],
                    "predictor": r["predictor"],
                    "n_train": int(size),
                    "mean": float(r[size]),
                    "std": float(sd) if pd.notna(sd) else np.nan,
                    "n_seeds": r.get("n_seeds", np.nan),
                }
            )
    out = pd.DataFrame(rows, columns=list(POINT_COLUMNS)).dropna(subset=["mean"])
    return out.sort_values(["panel", "predictor", "n_train"], kind="stable").reset_index(drop=True)


def learning_curve_figure(
    table: pd.DataFrame,
    *,
    metric: str = "kendall_tau",
    predictors: Sequence[str] | None = None,
    styles: StyleMap | None = None,
    logx: bool = True,
    width: float = SINGLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """``metric`` vs training size per predictor (mean ± std over seeds).

    Args:
        table: a learning-curve table (either layout of the module docstring).
        metric: the metric column (long layout) or the metric the wide table holds (its label).
        predictors: predictors to draw, in legend order (default: all, sorted).
        styles: predictor styles (default :meth:`StyleMap.for_predictors`).
        logx: logarithmic training-size axis.
        width, columns, panel_height: layout (inches, panels per row, inches).
    """
    pts = learning_curve_points(table, metric)
    names = list(predictors) if predictors else sorted(pts["predictor"].unique())
    pts = pts[pts["predictor"].isin(names)]
    styles = styles or StyleMap.for_predictors(names)
    panels = list(dict.fromkeys(pts["panel"]))
    if not panels:
        raise InputError(f"no learning-curve rows for predictors {names}")
    splits = {p.partition("\n")[2] for p in panels}
    # One split for all panels: say it once (in the shared axis label), not in every title.
    titles = {p: p.partition("\n")[0] if len(splits) == 1 else p for p in panels}
    handles = series_handles(names, styles)
    fig, axes = panel_grid(
        len(panels),
        width=width,
        columns=columns,
        panel_height=panel_height,
        legend_rows=legend_rows(handles, width),
    )
    _, cols = grid_shape(len(panels), width, columns)
    panel_width = width / cols - PANEL_MARGIN_IN
    for ax, panel in zip(axes, panels, strict=True):
        part = pts[pts["panel"] == panel]
        for name in names:
            p = part[part["predictor"] == name]
            if p.empty:
                continue
            s = styles[name]
            x = p["n_train"].to_numpy(dtype=float)
            y, sd = p["mean"].to_numpy(dtype=float), p["std"].to_numpy(dtype=float)
            ax.plot(x, y, **s.line_kw())
            ok = np.isfinite(sd)
            ax.fill_between(x[ok], (y - sd)[ok], (y + sd)[ok], color=s.color, alpha=0.18, lw=0)
        if logx:
            ax.set_xscale("log")
            # Fewer labels per decade where 10, 20, 50, 100, ... would touch ("50100").
            sizes = part["n_train"].to_numpy(dtype=float)
            span = (float(sizes.min()), float(sizes.max())) if sizes.size else None
            plain_log_ticks(ax.xaxis, length_in=panel_width, span=span)
        ax.set_title(titles[panel])
    only = next(iter(splits)) if len(splits) == 1 else ""
    fig.supxlabel(
        f"Training architectures ({only})" if only else "Training architectures", fontsize="medium"
    )
    for ax in axes:
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(METRIC_TITLES.get(metric, metric))
    legend_row(fig, handles, width=width)
    return fig
