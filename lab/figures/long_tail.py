"""Logarithmic front axes for an objective whose front crowds into one end of a long span.

A 2-D front figure spans the ideal point to the reference point. When one objective spans
more than a decade and the exact front lies mostly near its low end (parameters from 0.1 M to
15 M with most of the trade-off below 1 M), a linear axis squashes the region where the
algorithms' fronts differ into a sliver; a logarithmic axis spreads it. :func:`wants_log_axis`
is the rule ``log_axes: auto`` applies per objective; :func:`log_axis_limits` keeps the box's
edge markers whole on such an axis.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from lab.figures.clipping import EDGE_MARGIN

#: Smallest ratio ``upper / lower`` (shown units) of an axis drawn logarithmically.
MIN_DECADE_RATIO = 10.0
#: A span is squashed when at least ``CROWDED_SHARE`` of the front's points lie in its lowest
#: ``CROWDED_SPAN`` (as a share of the linear span).
CROWDED_SHARE = 0.5
CROWDED_SPAN = 0.1


def wants_log_axis(values: np.ndarray, lower: float, upper: float) -> bool:
    """Whether an axis from ``lower`` to ``upper`` (shown units) holding ``values`` (the
    exact front's coordinates on it, shape ``(p,)``) is better drawn on a log scale: positive,
    spanning at least :data:`MIN_DECADE_RATIO`, and with at least :data:`CROWDED_SHARE` of the
    values in its lowest :data:`CROWDED_SPAN`."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not (lower > 0 and upper / lower >= MIN_DECADE_RATIO and len(v)):
        return False
    crowded = v <= lower + CROWDED_SPAN * (upper - lower)
    return bool(crowded.mean() >= CROWDED_SHARE)


def log_axis_limits(lower: float, upper: float) -> tuple[float, float]:
    """Log-axis limits around ``[lower, upper]`` (both positive) with the linear axes' margin
    taken in decades, so markers on the box edge are drawn whole."""
    lo, hi = np.log10(lower), np.log10(upper)
    span = hi - lo
    return float(10 ** (lo - EDGE_MARGIN * span)), float(10 ** (hi + EDGE_MARGIN * span))


def set_log_axis(ax, which: str) -> None:
    """Draw the ``x`` or ``y`` axis of ``ax`` logarithmically, with plain-number ticks at 1, 2
    and 5 of each decade (``0.5``, ``1``, ``2``, ...) and unlabelled minor ticks: matplotlib's
    default labels minor ticks as ``3 x 10^1`` where a span is under two decades, and they
    collide."""
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())
