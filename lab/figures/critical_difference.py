"""Critical-difference diagram (Demšar 2006): the average rank of every algorithm variant across
problems on one axis (1 = best, on the left), the Nemenyi critical difference as a bar, and thick
bars joining groups whose ranks differ by less than it (not significantly different).

Drawn in inch coordinates on one borderless axes, so text never scales with the figure.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib as mpl
from matplotlib.figure import Figure

from lab.errors import InputError
from lab.figures.layout import PANEL_ATTR, text_width_in, wrap_label
from lab.figures.style import SINGLE_COLUMN_IN, StyleMap

#: Narrowest width (inches) kept on each side for the names, and the narrowest rank axis.
LABEL_AREA_IN = 0.6
MIN_AXIS_IN = 1.1
#: Height (inches) of one line of a name.
LINE_IN = 0.13
ROW_IN = 0.15
CLIQUE_STEP_IN = 0.06


def cd_diagram(
    average_ranks: Mapping[str, float],
    *,
    styles: StyleMap,
    critical_difference: float | None,
    cliques: Sequence[Sequence[str]] = (),
    title: str | None = None,
    note: str | None = None,
    width: float = SINGLE_COLUMN_IN,
) -> Figure:
    """The diagram of ``average_ranks``.

    Args:
        average_ranks: variant label -> average rank (1 = best).
        styles: the experiment's styles (line colour and marker per variant).
        critical_difference: the CD in rank units, or ``None`` (not drawn).
        cliques: groups of labels not significantly different (each a bar).
        title: the line above the axis (e.g. the metric).
        note: a line below the diagram (e.g. why there is no CD).
        width: figure width in inches.

    Returns:
        A figure with one data axes; each variant's name and rank are its text.
    """
    order = sorted(average_ranks, key=lambda a: (average_ranks[a], a))
    k = len(order)
    if k < 1:
        raise InputError("a critical-difference diagram needs at least one algorithm")
    lo = 1.0
    hi = float(max(k, math.ceil(max(average_ranks.values()))))
    n_left = math.ceil(k / 2)
    left, right = order[:n_left], order[n_left:][::-1]
    texts = {a: f"{styles[a].display} ({average_ranks[a]:.2f})" for a in order}
    # Each side as wide as its longest name needs, leaving the rank axis at least MIN_AXIS_IN;
    # a name longer than its side is wrapped (at spaces, hyphens, underscores).
    avail = max(width - MIN_AXIS_IN - 0.3, 2 * LABEL_AREA_IN)
    font = float(mpl.rcParams["font.size"])
    need = {
        side: max(
            max((text_width_in(texts[a], font) for a in names), default=0.0) + 0.12,
            LABEL_AREA_IN,
        )
        for side, names in (("left", left), ("right", right))
    }
    if need["left"] + need["right"] <= avail:
        sides = need
    else:  # the shorter side keeps what it needs (up to half), the other gets the rest
        short = min(need, key=need.get)
        other = "right" if short == "left" else "left"
        sides = {short: min(need[short], avail / 2)}
        sides[other] = avail - sides[short]
    for a in order:
        side = "left" if a in left else "right"
        texts[a] = wrap_label(texts[a], sides[side] - 0.12, font)
    x0, x1 = sides["left"] + 0.1, width - sides["right"] - 0.1

    def xr(rank: float) -> float:
        return (x0 + x1) / 2 if hi == lo else x0 + (rank - lo) / (hi - lo) * (x1 - x0)

    y = 0.05
    y_title = y + 0.1 if title else None
    y = (y_title or y) + (0.12 if title else 0.0)
    y_cd = y + 0.22 if critical_difference is not None else None
    y = (y_cd or y) + 0.12
    y_axis = y + 0.12
    bars = [c for c in cliques if len(c) > 1]
    y_first = y_axis + 0.1 + len(bars) * CLIQUE_STEP_IN + 0.06
    # Row positions per side: each name's row as tall as its lines.
    row_y: dict[str, float] = {}
    bottom = y_first
    for names in (left, right):
        yy = y_first
        for a in names:
            lines = texts[a].count("\n") + 1
            yy += (lines - 1) * LINE_IN / 2
            row_y[a] = yy
            yy += ROW_IN + (lines - 1) * LINE_IN / 2
        bottom = max(bottom, yy - ROW_IN)
    # About 0.055 in per character of the small italic font.
    note_lines = textwrap.wrap(note, max(20, int(width / 0.055))) if note else []
    height = bottom + 0.12 + 0.15 * len(note_lines) + (0.05 if note else 0)
    # Rank labels at least 0.16 in apart (every second or fifth rank on a narrow axis).
    step = next(s for s in (1, 2, 5, 10, 20, 50) if (x1 - x0) / max(hi - lo, 1) * s >= 0.16)

    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    setattr(ax, PANEL_ATTR, True)
    ax.set_xlim(0.0, width)
    ax.set_ylim(height, 0.0)
    ax.set_axis_off()

    if title:
        ax.text(width / 2, y_title, title, ha="center", va="center")
    if critical_difference is not None:
        x_end = xr(lo + critical_difference)
        ax.plot([x0, x_end], [y_cd, y_cd], color="black", lw=1.0)
        for xe in (x0, x_end):
            ax.plot([xe, xe], [y_cd - 0.03, y_cd + 0.03], color="black", lw=1.0)
        # Centred above its bar: to the right of it, a long bar would push it off the canvas.
        ax.text(
            (x0 + x_end) / 2,
            y_cd - 0.05,
            f"CD = {critical_difference:.2f}",
            ha="center",
            va="bottom",
            fontsize="small",
        )
    ax.plot([x0, x1], [y_axis, y_axis], color="black", lw=0.8)
    for r in range(int(lo), int(hi) + 1):
        ax.plot([xr(r), xr(r)], [y_axis, y_axis - 0.05], color="black", lw=0.8)
        if (r - int(lo)) % step == 0:
            ax.text(xr(r), y_axis - 0.08, str(r), ha="center", va="bottom", fontsize="small")
    for c, group in enumerate(bars):
        ranks = [average_ranks[a] for a in group]
        yb = y_axis + 0.1 + c * CLIQUE_STEP_IN
        ax.plot(
            [xr(min(ranks)) - 0.03, xr(max(ranks)) + 0.03],
            [yb, yb],
            color="black",
            lw=2.2,
            solid_capstyle="round",
        )

    for side, names in (("left", left), ("right", right)):
        for name in names:
            s = styles[name]
            xa, ye = xr(average_ranks[name]), row_y[name]
            xe = x0 - 0.05 if side == "left" else x1 + 0.05
            ax.plot([xa, xa, xe], [y_axis, ye, ye], color=s.color, lw=0.9)
            ax.plot([xa], [y_axis], marker=s.marker, color=s.color, markersize=3.5)
            ax.text(
                xe + (-0.04 if side == "left" else 0.04),
                ye,
                texts[name],
                va="center",
                ha="right" if side == "left" else "left",
                linespacing=1.0,
            )
    if note_lines:
        ax.text(
            width / 2,
            height - 0.05,
            "\n".join(note_lines),
            ha="center",
            va="bottom",
            fontsize="small",
            style="italic",
            linespacing=1.2,
        )
    return fig
