"""Panel grids, the legend row and saving: the parts every figure kind shares.

Figures are :class:`matplotlib.figure.Figure` objects built without ``pyplot``, so no global
figure state is touched and nothing stays open after a figure is dropped. Layout is matplotlib's
constrained layout at a fixed width (a paper column), and the legend sits in a row above the
panels, never over data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

from lab.atomic_io import atomic_write
from lab.figures.style import PANEL_HEIGHT_IN, StyleMap

#: Attribute set on the axes that show data (colour bars and empty slots lack it).
PANEL_ATTR = "_lab_panel"
#: Extra height (inches) of the legend row per line of entries.
LEGEND_ROW_IN = 0.22


def panel_grid(
    n_panels: int,
    *,
    width: float,
    columns: int | None = None,
    panel_height: float | None = None,
    legend_rows: int = 0,
    sharex: bool = False,
    sharey: bool = False,
) -> tuple[Figure, list[Axes]]:
    """A figure of ``n_panels`` panels in a grid ``columns`` wide (default: up to 2).

    Args:
        n_panels: panels that will show data (>= 1).
        width: figure width in inches.
        columns: panels per row.
        panel_height: height of a panel row in inches.
        legend_rows: lines of legend entries to leave room for above the panels.
        sharex, sharey: share the axes' limits.

    Returns:
        The figure and its ``n_panels`` data axes in reading order; the grid's unused slots are
        removed.
    """
    if n_panels < 1:
        raise ValueError(f"a figure needs at least one panel, got {n_panels}")
    cols = min(columns or 2, n_panels)
    rows = math.ceil(n_panels / cols)
    height = rows * (panel_height or PANEL_HEIGHT_IN) + legend_rows * LEGEND_ROW_IN
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.02, h_pad=0.02, wspace=0.04, hspace=0.04)
    grid = fig.subplots(rows, cols, squeeze=False, sharex=sharex, sharey=sharey)
    axes = [ax for row in grid for ax in row]
    for ax in axes[n_panels:]:
        fig.delaxes(ax)
    panels = axes[:n_panels]
    for ax in panels:
        setattr(ax, PANEL_ATTR, True)
    return fig, panels


def data_axes(fig: Figure) -> list[Axes]:
    """The axes of ``fig`` that show data (not colour bars or legends)."""
    return [ax for ax in fig.axes if getattr(ax, PANEL_ATTR, False)]


def legend_columns(n_entries: int, width: float) -> int:
    """Entries per legend line that fit ``width`` inches (about 0.8 in per entry)."""
    return max(1, min(n_entries, int(width / 0.8)))


def legend_rows(n_entries: int, width: float) -> int:
    return math.ceil(n_entries / legend_columns(n_entries, width))


def row_major(items: list, ncols: int) -> list:
    """``items`` reordered so that a legend, which fills its columns one after the other (the
    first ``n % ncols`` columns one entry longer), reads them row by row."""
    return [items[i] for c in range(ncols) for i in range(c, len(items), ncols)]


def series_handles(
    labels: Sequence[str], styles: StyleMap, *, line: bool = True, marker: bool = True
) -> list[Line2D]:
    """Legend handles of the series ``labels``: their line and/or marker."""
    handles = []
    for label in labels:
        s = styles[label]
        handles.append(
            Line2D(
                [],
                [],
                color=s.color,
                linestyle=s.linestyle if line else "none",
                marker=s.marker if marker else None,
                label=s.display,
            )
        )
    return handles


def legend_row(fig: Figure, handles: Sequence, *, width: float, where: str = "upper") -> None:
    """The legend as a row (or rows) above (``where="upper"``) or below (``"lower"``) the
    panels, outside every axes."""
    if not handles:
        return
    ncols = legend_columns(len(handles), width)
    fig.legend(
        handles=row_major(list(handles), ncols),
        loc=f"outside {where} center",
        ncols=ncols,
        frameon=False,
        borderaxespad=0.0,
        handletextpad=0.4,
    )


def save_figure(fig: Figure, stem: Path, formats: Sequence[str], *, dpi: int) -> list[Path]:
    """Write ``fig`` as ``<stem>.<format>`` for every format, atomically.

    PDFs carry no creation date, so re-rendering unchanged results gives identical files.
    """
    paths = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        metadata = {"CreationDate": None} if fmt == "pdf" else None
        atomic_write(
            path,
            lambda tmp, fmt=fmt, metadata=metadata: fig.savefig(
                tmp, format=fmt, dpi=dpi, metadata=metadata
            ),
        )
        paths.append(path)
    return paths


def plain_log_ticks(axis) -> None:
    """Label a logarithmic axis with plain numbers at 1, 2, 5, 10, 20, ...: budgets are small
    counts spanning one to three decades."""
    axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(StrMethodFormatter("{x:g}"))
    axis.set_minor_locator(LogLocator(base=10.0, subs=(3.0, 4.0, 6.0, 7.0, 8.0, 9.0)))
    axis.set_minor_formatter(NullFormatter())
