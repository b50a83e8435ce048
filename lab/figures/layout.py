"""Panel grids, the legend row and saving: the parts every figure kind shares.

Figures are :class:`matplotlib.figure.Figure` objects built without ``pyplot``, so no global
figure state is touched and nothing stays open after a figure is dropped. Layout is matplotlib's
constrained layout at a fixed width (a paper column), and the legend sits in a row above the
panels, never over data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.textpath import TextToPath
from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

from lab.errors import InputError
from lab.figures.style import PANEL_HEIGHT_IN, StyleMap
from lab.fileio import atomic_write

#: Attribute set on the axes that show data (colour bars and empty slots lack it).
PANEL_ATTR = "_lab_panel"
#: Extra height (inches) of the legend row per line of entries.
LEGEND_ROW_IN = 0.24
#: Narrowest panel (inches) a grid makes when it chooses its columns: room for tick labels,
#: an axis title and a few words of panel title at 8 pt.
MIN_PANEL_IN = 1.5
#: Inches a panel loses to its y tick labels and axis title (for wrapping its title).
PANEL_MARGIN_IN = 0.45
#: Extra height (inches) per additional line of a wrapped panel title.
TITLE_LINE_IN = 0.14

_TEXT_TO_PATH = TextToPath()


def text_width_in(text: str, size_pt: float | None = None) -> float:
    """Width in inches of ``text`` set in the figures' font at ``size_pt`` (default: the legend
    size in force)."""
    size = size_pt if size_pt is not None else font_size_pt("legend.fontsize")
    prop = FontProperties(family=mpl.rcParams["font.family"], size=size)
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath="$" in text)
    return width / 72.0


def font_size_pt(key: str) -> float:
    """The size in points of the rc font setting ``key`` (relative sizes resolved)."""
    value = mpl.rcParams[key]
    if isinstance(value, str):  # relative sizes ("small") resolve against font.size
        return FontProperties(size=value).get_size_in_points()
    return float(value)


def grid_shape(n_panels: int, width: float, columns: int | None = None) -> tuple[int, int]:
    """``(rows, columns)`` of a grid of ``n_panels`` at ``width`` inches: ``columns`` if given,
    else as many as keep every panel at least :data:`MIN_PANEL_IN` wide, then balanced so the
    last row is as full as possible (5 panels in 4 columns become 3 + 2)."""
    if columns is not None:
        cols = min(columns, n_panels)
        return math.ceil(n_panels / cols), cols
    widest = max(1, int(width // MIN_PANEL_IN))
    rows = math.ceil(n_panels / min(widest, n_panels))
    cols = math.ceil(n_panels / rows)
    return rows, cols


def wrap_label(text: str, width_in: float, size_pt: float | None = None) -> str:
    """``text`` broken into lines no wider than ``width_in`` inches where possible, at spaces
    and after ``-``, ``_``, ``/`` and ``,`` (problem names are long hyphenated words); a piece
    longer than the width stays whole on its own line."""
    size = size_pt if size_pt is not None else font_size_pt("axes.titlesize")
    pieces = [p for p in re.split(r"(?<=[-_/, ])", text) if p]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        trial = current + piece
        if current and text_width_in(trial.rstrip(), size) > width_in:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current = trial
    if current.strip():
        lines.append(current.rstrip())
    return "\n".join(lines)


def panel_title(ax: Axes, text: str) -> None:
    """Set ``ax``'s title, wrapped to the panel's width (:func:`wrap_label`)."""
    fig = ax.get_figure()
    spec = ax.get_subplotspec()
    cols = spec.get_gridspec().ncols if spec is not None else 1
    span = (spec.colspan.stop - spec.colspan.start) if spec is not None else 1
    # The title is centred on the axes, which sit right of the y labels: keep it within the
    # panel's slot on both sides.
    width = fig.get_figwidth() * span / cols - 1.5 * PANEL_MARGIN_IN
    ax.set_title(wrap_label(text, max(width, 0.5)))


def figure_title(fig: Figure, text: str | None) -> None:
    """Set the figure's title (suptitle), wrapped to the figure's width."""
    if text:
        width = fig.get_figwidth() - 0.2
        fig.suptitle(wrap_label(text, width, font_size_pt("figure.titlesize")))


def figure_title_rows(text: str | None, width: float) -> int:
    """Lines the figure title ``text`` takes at ``width`` inches (0 without a title)."""
    if not text:
        return 0
    return wrap_label(text, width - 0.2, font_size_pt("figure.titlesize")).count("\n") + 1


def title_lines(texts: Sequence[str], width: float, cols: int) -> int:
    """The most lines any of ``texts`` takes as a panel title in a grid ``cols`` wide."""
    per_panel = max(width / cols - 1.5 * PANEL_MARGIN_IN, 0.5)
    return max((wrap_label(t, per_panel).count("\n") + 1 for t in texts), default=1)


def panel_grid(
    n_panels: int,
    *,
    width: float,
    columns: int | None = None,
    panel_height: float | None = None,
    legend_rows: int = 0,
    titles: Sequence[str] = (),
    sharex: bool = False,
    sharey: bool = False,
) -> tuple[Figure, list[Axes]]:
    """A figure of ``n_panels`` panels in a grid ``columns`` wide (default: :func:`grid_shape`).

    Args:
        n_panels: panels that will show data (>= 1).
        width: figure width in inches.
        columns: panels per row.
        panel_height: height of a panel row in inches.
        legend_rows: lines of legend entries to leave room for above the panels.
        titles: the panel titles to come (each row gets taller by the extra lines the longest
            takes once wrapped to the panel width).
        sharex, sharey: share the axes' limits.

    Returns:
        The figure and its ``n_panels`` data axes in reading order; the grid's unused slots are
        removed.
    """
    if n_panels < 1:
        raise InputError(f"a figure needs at least one panel, got {n_panels}")
    rows, cols = grid_shape(n_panels, width, columns)
    extra_title = (title_lines(titles, width, cols) - 1) * TITLE_LINE_IN if titles else 0.0
    height = rows * ((panel_height or PANEL_HEIGHT_IN) + extra_title) + legend_rows * LEGEND_ROW_IN
    # A whole number of hundredths of an inch (plus a hair against rounding down): at 100, 300
    # or 600 dpi the PNG is exactly height x dpi pixels tall (matplotlib truncates).
    height = math.ceil(height * 100.0 - 1e-6) / 100.0 + 1e-7
    fig = Figure(figsize=(width, height), layout="constrained")
    # Pads of 0.05 in: glyphs rendered at 300 dpi reach a little beyond their 100 dpi boxes.
    fig.get_layout_engine().set(w_pad=0.05, h_pad=0.05, wspace=0.04, hspace=0.04)
    grid = fig.subplots(rows, cols, squeeze=False, sharex=sharex, sharey=sharey)
    axes = [ax for row in grid for ax in row]
    for ax in axes[n_panels:]:
        fig.delaxes(ax)
    panels = axes[:n_panels]
    if sharex and rows > 1:
        # Above an empty slot of a ragged last row, a panel shows its own x tick labels.
        for k, ax in enumerate(panels):
            if k + cols >= n_panels:
                ax.xaxis.set_tick_params(labelbottom=True)
    for ax in panels:
        setattr(ax, PANEL_ATTR, True)
    return fig, panels


def data_axes(fig: Figure) -> list[Axes]:
    """The axes of ``fig`` that show data (not colour bars or legends)."""
    return [ax for ax in fig.axes if getattr(ax, PANEL_ATTR, False)]


def _entry_width_in(label: str) -> float:
    """Inches one legend entry takes: handle, gap, text and the space to the next column."""
    em = font_size_pt("legend.fontsize") / 72.0
    handle = mpl.rcParams["legend.handlelength"] + 0.4 + mpl.rcParams["legend.columnspacing"]
    return handle * em + text_width_in(label)


def legend_columns(entries: int | Sequence, width: float) -> int:
    """Entries per legend line that fit ``width`` inches: measured from the labels (strings or
    legend handles) when given (the widest entry of each column counts), else about 0.8 in per
    entry."""
    if isinstance(entries, int):
        return max(1, min(entries, int(width / 0.8)))
    labels = [e if isinstance(e, str) else e.get_label() for e in entries]
    widths = [_entry_width_in(label) for label in labels]
    for ncols in range(len(labels), 0, -1):
        # Read row by row (:func:`row_major`), column c holds entries c, c + ncols, ...
        total = sum(max(widths[c::ncols]) for c in range(ncols))
        if total <= width * 0.97:
            return ncols
    return 1


def legend_rows(entries: int | Sequence, width: float) -> int:
    """Lines of the legend row of ``entries`` at ``width`` inches."""
    n = entries if isinstance(entries, int) else len(entries)
    return math.ceil(n / legend_columns(entries, width)) if n else 0


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
    ncols = legend_columns(handles, width)
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


def plain_log_ticks(
    axis, *, length_in: float | None = None, span: tuple[float, float] | None = None
) -> None:
    """Label a logarithmic axis with plain numbers at 1, 2, 5, 10, 20, ...: budgets are small
    counts spanning one to three decades. Given the axis' length (inches) and data span, fewer
    labels per decade (1, 3, 10, ... or 1, 10, 100) where those would crowd."""
    subs: tuple[float, ...] = (1.0, 2.0, 5.0)
    if length_in is not None and span is not None and span[0] > 0 and span[1] > span[0]:
        decades = max(math.log10(span[1] / span[0]), 0.3)
        per_decade = length_in / decades / 0.3  # a label needs about 0.3 in
        subs = (1.0, 2.0, 5.0) if per_decade >= 3 else (1.0, 3.0) if per_decade >= 2 else (1.0,)
    minor = tuple(k for k in (2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0) if k not in subs)
    axis.set_major_locator(LogLocator(base=10.0, subs=subs))
    axis.set_major_formatter(StrMethodFormatter("{x:g}"))
    axis.set_minor_locator(LogLocator(base=10.0, subs=minor))
    axis.set_minor_formatter(NullFormatter())
