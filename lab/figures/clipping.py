"""Points beyond a figure's box: every returned point is drawn, those outside the box (beyond
the reference point, or below the ideal point) at the box's edge with a hollow marker.

A front figure's axes span the problem's ideal point to its reference point (the region the
hypervolume scores). A run may return architectures outside it (a small returned set of
random search, a search metric that disagrees with the report metric); dropping them would
show fewer points than the run returned, so they are moved onto the nearest edge instead and
told apart by their hollow marker. The axes extend a little beyond the edge so that markers
on it are drawn whole.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from lab.figures.style import REFERENCE_GREY

#: Share of the box's span the axes extend beyond each edge (room for a whole marker).
EDGE_MARGIN = 0.05
#: Legend text of the hollow markers.
OUTSIDE_LABEL = "Beyond the box (on its edge)"


def clip_to_box(
    points: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``points`` moved into the box ``[lower, upper]`` and which of them were outside.

    Args:
        points: ``p x m`` raw objective values.
        lower, upper: ``m`` raw box limits (``lower <= upper``).

    Returns:
        ``(clipped, outside)``: ``p x m`` values clipped to the box and a ``p`` boolean mask of
        the points that had some coordinate outside it.
    """
    pts = np.asarray(points, dtype=float).reshape(len(points), -1)
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    outside = np.any((pts < lo) | (pts > hi), axis=1) if len(pts) else np.zeros(0, dtype=bool)
    return np.clip(pts, lo, hi), outside


def axis_limits(lower: float, upper: float) -> tuple[float, float]:
    """Axis limits around the box edge ``[lower, upper]`` that show a marker on it whole."""
    span = upper - lower if upper > lower else max(abs(upper), 1.0)
    return lower - EDGE_MARGIN * span, upper + EDGE_MARGIN * span


def outside_handle(marker: str = "o") -> Line2D:
    """Legend handle of the points drawn on the box edge (a hollow marker)."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=marker,
        markersize=4,
        markerfacecolor="none",
        markeredgecolor="black",
        markeredgewidth=0.7,
        label=OUTSIDE_LABEL,
    )


def draw_box_edge(ax, x_edge: float, y_edge: float) -> None:
    """Thin dotted lines at the box's upper edges (the reference point), under the data."""
    kw = {"color": REFERENCE_GREY, "linestyle": ":", "lw": 0.6, "zorder": 0.5}
    ax.axvline(x_edge, **kw)
    ax.axhline(y_edge, **kw)
