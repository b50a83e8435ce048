"""Checks of a drawn figure's text: no two pieces of text overlap, none leaves the canvas, and
neighbouring tick labels of one axis keep a gap.

Measured as matplotlib lays the figure out for saving (constrained layout included), from the
window extents of every visible, non-empty text artist: titles, axis labels, tick labels,
legend entries, annotations.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: Pixels (at the check's dpi) two boxes may share, or a box may stick out, before it counts:
#: glyph boxes include some empty margin.
TOLERANCE_PX = 1.0
#: Smallest gap (points) between neighbouring tick labels of one axis: labels that merely touch
#: read as one number ("50" and "100" as "50100") although their boxes do not overlap.
TICK_GAP_PT = 2.0


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


def _tick_label_boxes(fig: Figure, renderer) -> list[tuple[str, list[TextBox]]]:
    """Per axis of every axes (``"x"`` or ``"y"``, one list per side), the boxes of its drawn
    tick labels."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            lo, hi = sorted(axis.get_view_interval())
            tol = 1e-9 * max(abs(lo), abs(hi), 1.0)
            for side in ("label1", "label2"):
                boxes = []
                for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                    label = getattr(tick, side)
                    if not (lo - tol <= tick.get_loc() <= hi + tol):
                        continue
                    if not label.get_visible() or not label.get_text().strip():
                        continue
                    box = label.get_window_extent(renderer)
                    if box.width > 0 and box.height > 0:
                        boxes.append(TextBox(label.get_text(), box))
                out.append((name, boxes))
    return out


def crowded_tick_labels(fig: Figure, *, dpi: float = 100.0) -> list[str]:
    """Neighbouring tick labels of one axis closer than :data:`TICK_GAP_PT` (along the axis
    for horizontal labels of an x axis and for a y axis; across it for rotated x labels)."""
    text_boxes(fig, dpi=dpi)  # lays the figure out at ``dpi``
    return _crowded(fig, fig.canvas.get_renderer(), dpi)


def _crowded(fig: Figure, renderer, dpi: float) -> list[str]:
    gap = TICK_GAP_PT * dpi / 72.0
    problems = []
    for name, boxes in _tick_label_boxes(fig, renderer):
        if name == "x":
            ordered = sorted(boxes, key=lambda b: b.box.x0)
            gaps = [(a, b, b.box.x0 - a.box.x1) for a, b in itertools.pairwise(ordered)]
        else:
            ordered = sorted(boxes, key=lambda b: b.box.y0)
            gaps = [(a, b, b.box.y0 - a.box.y1) for a, b in itertools.pairwise(ordered)]
        for a, b, g in gaps:
            if g < gap - TOLERANCE_PX:
                problems.append(f"tick labels too close: {a.text!r} and {b.text!r}")
    return problems


def layout_problems(fig: Figure, *, dpi: float = 100.0) -> list[str]:
    """Descriptions of text that overlaps other text or leaves the canvas, and of tick labels
    of one axis that touch (empty: fine)."""
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
    crowded = _crowded(fig, fig.canvas.get_renderer(), dpi)
    problems += [p for p in crowded if p not in problems]
    return problems
