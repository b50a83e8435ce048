"""Checks of a drawn figure's text: no two pieces of text overlap, and none leaves the canvas.

Measured as matplotlib lays the figure out for saving (constrained layout included), from the
window extents of every visible, non-empty text artist: titles, axis labels, tick labels,
legend entries, annotations.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: Pixels (at the check's dpi) two boxes may share, or a box may stick out, before it counts:
#: glyph boxes include some empty margin.
TOLERANCE_PX = 1.0


@dataclass(frozen=True)
class TextBox:
    """A visible piece of text and its box in display pixels."""

    text: str
    box: Bbox


def text_boxes(fig: Figure, *, dpi: float = 100.0) -> list[TextBox]:
    """Every visible, non-empty text of ``fig`` as drawn at ``dpi``."""
    fig.set_dpi(dpi)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    hidden_ticks = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            tol = 1e-9 * max(abs(lo), abs(hi), 1.0)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                # A tick outside the view is kept by the axis but not drawn.
                if not (lo - tol <= tick.get_loc() <= hi + tol):
                    hidden_ticks.update({id(tick.label1), id(tick.label2)})
    out = []
    for artist in fig.findobj(Text):
        if not artist.get_visible() or not artist.get_text().strip():
            continue
        if not _shown(artist) or id(artist) in hidden_ticks:
            continue
        box = artist.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            out.append(TextBox(artist.get_text(), box))
    return out


def _shown(artist: Text) -> bool:
    """Whether ``artist`` and its axes are visible."""
    return artist.axes is None or artist.axes.get_visible()


def layout_problems(fig: Figure, *, dpi: float = 100.0) -> list[str]:
    """Descriptions of text that overlaps other text or leaves the canvas (empty: fine)."""
    boxes = text_boxes(fig, dpi=dpi)
    canvas = fig.bbox
    problems = []
    for b in boxes:
        if (
            b.box.x0 < canvas.x0 - TOLERANCE_PX
            or b.box.y0 < canvas.y0 - TOLERANCE_PX
            or b.box.x1 > canvas.x1 + TOLERANCE_PX
            or b.box.y1 > canvas.y1 + TOLERANCE_PX
        ):
            problems.append(f"outside the canvas: {b.text!r}")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
            dy = min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0)
            if dx > TOLERANCE_PX and dy > TOLERANCE_PX:
                problems.append(f"overlap: {a.text!r} and {b.text!r}")
    return problems
