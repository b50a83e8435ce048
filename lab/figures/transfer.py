"""Transfer: the set each run returned on one problem, scored on the other problems of the same
benchmark table (other datasets, other devices) as a normalized hypervolume; median over seeds
with the interquartile range per variant, one panel per source problem."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lab.figures.layout import (
    PANEL_MARGIN_IN,
    TITLE_LINE_IN,
    font_size_pt,
    legend_row,
    legend_rows,
    panel_grid,
    panel_title,
    series_handles,
    text_width_in,
    wrap_label,
)
from lab.figures.style import REFERENCE_GREY, SINGLE_COLUMN_IN, StyleMap
from lab.figures.units import problem_title


def short_names(names: Sequence[str]) -> dict[str, str]:
    """Problem names without the ``-``-separated words they all share
    (``nbg-cora-err-lat``, ``nbg-citeseer-err-lat`` -> ``cora``, ``citeseer``)."""
    words = [n.split("-") for n in names]
    if len(names) < 2:
        return {n: n for n in names}
    common = set(words[0]).intersection(*map(set, words[1:]))
    out = {}
    for name, w in zip(names, words, strict=True):
        kept = [x for x in w if x not in common]
        out[name] = "-".join(kept) or name
    return out


def transfer_figure(
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
    """Normalized hypervolume on the source problem (first, left of the dotted line) and on each
    transfer target.

    Args:
        transfer_summary: the analysis' ``transfer_summary`` table (``problem, label, target,
            metric == hv_normalized, median, q25, q75``).
        summary: the analysis' ``summary`` table (the source problem's values).
        problems: source problems, one panel each (callers pass those with targets).
        labels: variants, in legend order (side by side within a category).
        styles: the experiment's styles.
        width, columns, panel_height: layout (default one panel per row).
    """
    ts = transfer_summary[transfer_summary["metric"] == "hv_normalized"]
    src = summary[summary["metric"] == "hv_normalized"]
    handles = series_handles(labels, styles, line=False)
    cols = columns or 1
    # Category names wrapped to their slot (no rotation: rotated names need more room than the
    # panel has); the panels grow by the extra lines.
    tick_labels: dict[str, list[str]] = {}
    rotate: dict[str, bool] = {}
    for problem in problems:
        targets = sorted(ts.loc[ts["problem"] == problem, "target"].unique())
        short = short_names([problem, *targets])
        slot = max((width / cols - PANEL_MARGIN_IN) / (len(targets) + 1) - 0.05, 0.3)
        size = font_size_pt("xtick.labelsize")
        names = [f"{short[problem]} (source)", *(short[t] for t in targets)]
        wrapped = [wrap_label(n, slot, size) for n in names]
        fits = all(text_width_in(line, size) <= slot for w in wrapped for line in w.split("\n"))
        # A word wider than its slot (many targets) turns the names upright instead.
        tick_labels[problem] = wrapped if fits else names
        rotate[problem] = not fits
    lines = max(
        (
            (max(text_width_in(t, size) for t in ticks) / 0.12 if rotate[p] else 0)
            or max(t.count("\n") + 1 for t in ticks)
            for p, ticks in tick_labels.items()
        ),
        default=1,
    )
    fig, axes = panel_grid(
        len(problems),
        titles=[f"Returned on {problem_title(p)}, scored on" for p in problems],
        width=width,
        columns=cols,
        panel_height=(panel_height or 1.6) + (lines - 1) * TITLE_LINE_IN,
        legend_rows=legend_rows(handles, width),
    )
    n = max(len(labels), 1)
    offsets = (np.arange(n) - (n - 1) / 2) * min(0.7 / n, 0.14)
    for ax, problem in zip(axes, problems, strict=True):
        targets = sorted(ts.loc[ts["problem"] == problem, "target"].unique())
        cats = [problem, *targets]
        for j, lab in enumerate(labels):
            s = styles[lab]
            rows = [src[(src["problem"] == problem) & (src["label"] == lab)]]
            rows += [
                ts[(ts["problem"] == problem) & (ts["label"] == lab) & (ts["target"] == t)]
                for t in targets
            ]
            med = np.array([r["median"].iloc[0] if len(r) else np.nan for r in rows])
            q25 = np.array([r["q25"].iloc[0] if len(r) else np.nan for r in rows])
            q75 = np.array([r["q75"].iloc[0] if len(r) else np.nan for r in rows])
            x = np.arange(len(cats)) + offsets[j]
            ax.errorbar(
                x,
                med,
                yerr=np.vstack([med - q25, q75 - med]),
                fmt=s.marker,
                color=s.color,
                markersize=3,
                elinewidth=0.7,
                capsize=0,
            )
        ax.axvline(0.5, color=REFERENCE_GREY, linestyle=":", lw=0.8)
        ax.set_xticks(range(len(cats)), tick_labels[problem], rotation=90 if rotate[problem] else 0)
        ax.grid(axis="x", visible=False)
        ax.set_xlim(-0.5, len(cats) - 0.5)
        panel_title(ax, f"Returned on {problem_title(problem)}, scored on")
        ax.set_ylabel("Normalized HV")
    legend_row(fig, handles, width=width)
    return fig
