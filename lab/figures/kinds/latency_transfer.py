"""``kind: latency_transfer``: Spearman's rho per target device of a few-shot latency-transfer
study (``lab surrogate latency-transfer``), the lab's rows with their bootstrap intervals beside
the published rows (HELP, NeurIPS 2021, Table 3).

The table is the study's ``<stem>-summary.csv``: columns ``row, device, rho, ci_low, ci_high``
(:data:`lab.surrogates.latency_transfer_study.SUMMARY_COLUMNS`), one row per (row name, device),
device ``mean`` for the mean over the target devices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lab.errors import InputError
from lab.figures.entry import DrawContext, Drawn, figure_kind
from lab.figures.layout import legend_row, legend_rows, panel_grid
from lab.figures.style import DOUBLE_COLUMN_IN, REFERENCE_GREY
from lab.figures.table_entry import TableFigureEntry, table_figure

#: Rows drawn by default, in legend order, with ``(colour, marker, filled)``.
DEFAULT_ROWS: dict[str, tuple[str, str, bool]] = {
    "lab: meta-learned BLR": ("#0072B2", "o", True),
    "HELP (published)": ("#D55E00", "D", False),
    "FLOPs (lab's column)": ("#555555", "s", True),
    "FLOPs (published)": (REFERENCE_GREY, "s", False),
}


def latency_transfer_figure(
    summary: pd.DataFrame,
    *,
    rows: Sequence[str] | None = None,
    width: float = DOUBLE_COLUMN_IN,
    columns: int | None = None,
    panel_height: float | None = None,
) -> Figure:
    """One panel: rho per device (targets, then ``mean``), one offset series per row, with a
    vertical interval where the row has one.

    Args:
        summary: the study's summary table (module docstring).
        rows: row names to draw (default: those of :data:`DEFAULT_ROWS` the table has).
        width, columns, panel_height: layout (inches, panels per row, inches).
    """
    missing = [c for c in ("row", "device", "rho") if c not in summary.columns]
    if missing:
        raise InputError(f"a latency-transfer summary needs columns {missing}; got {list(summary)}")
    present = list(dict.fromkeys(summary["row"]))
    names = list(rows) if rows else [r for r in DEFAULT_ROWS if r in present]
    unknown = [r for r in names if r not in present]
    if not names or unknown:
        raise InputError(f"rows {unknown or names} are not in the summary; it has {present}")
    devices = [d for d in dict.fromkeys(summary["device"]) if d != "mean"]
    # The devices the published rows report (the targets); else every device; then the mean.
    published = set(summary[summary["row"].str.endswith("(published)")]["device"])
    order = [d for d in devices if d in published] or devices
    order.append("mean")
    handles = []
    fig, (ax,) = panel_grid(
        1, width=width, columns=columns, panel_height=panel_height or 2.2,
        legend_rows=legend_rows(len(names), width),
    )  # fmt: skip
    x = np.arange(len(order), dtype=float)
    offsets = np.linspace(-0.24, 0.24, len(names)) if len(names) > 1 else np.zeros(1)
    for k, name in enumerate(names):
        color, marker, filled = DEFAULT_ROWS.get(name, ("#009E73", "^", True))
        part = summary[summary["row"] == name].set_index("device")
        xs, ys, lo, hi = [], [], [], []
        for i, device in enumerate(order):
            if device not in part.index or pd.isna(part.loc[device, "rho"]):
                continue
            xs.append(x[i] + offsets[k])
            ys.append(float(part.loc[device, "rho"]))
            low = part.loc[device, "ci_low"] if "ci_low" in part.columns else np.nan
            high = part.loc[device, "ci_high"] if "ci_high" in part.columns else np.nan
            lo.append(np.nan if pd.isna(low) else ys[-1] - float(low))
            hi.append(np.nan if pd.isna(high) else float(high) - ys[-1])
        face = color if filled else "white"
        err = np.array([lo, hi])
        if np.isfinite(err).any():
            ax.errorbar(
                xs, ys, yerr=np.nan_to_num(err), fmt="none", ecolor=color, elinewidth=1.0,
                capsize=2.0,
            )  # fmt: skip
        ax.plot(xs, ys, linestyle="none", marker=marker, markersize=4.5, color=color,
                markerfacecolor=face, markeredgewidth=1.0)  # fmt: skip
        label = name
        if np.isfinite(err).any() and "n_seeds" in part.columns:
            seeds = part["n_seeds"].dropna()
            if len(seeds):
                label += f" (95 % interval, {int(seeds.iloc[0])} seeds)"
        handles.append(
            Line2D([], [], linestyle="none", marker=marker, color=color, markerfacecolor=face,
                   markeredgewidth=1.0, label=label)
        )  # fmt: skip
    ax.axvline(len(order) - 1.5, color=REFERENCE_GREY, linewidth=0.6, linestyle=":")
    # A single-column figure leaves under half an inch per device: slant the names there.
    narrow = width / len(order) < 0.75
    ax.set_xticks(
        x, [d.replace("_", " ") for d in order], rotation=35 if narrow else 0,
        ha="right" if narrow else "center", rotation_mode="anchor",
    )  # fmt: skip
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_ylabel(r"Spearman's $\rho$ (trimmed test set)")
    legend_row(fig, handles, width=width)
    return fig


@figure_kind
class LatencyTransferFigure(TableFigureEntry):
    """Spearman's rho per target device: the lab's rows with intervals and the published rows
    (``rows`` picks and orders them; default :data:`DEFAULT_ROWS`)."""

    kind: Literal["latency_transfer"]
    rows: list[str] | None = None

    def default_stem(self) -> str:
        return "latency_transfer"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        table = self.read_table(ctx)
        return table_figure(
            ctx,
            lambda: latency_transfer_figure(table, rows=self.rows, **ctx.layout(self)),
        )
