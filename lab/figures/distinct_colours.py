"""Colours a reader can tell apart among the few series a figure highlights.

Every algorithm keeps one fixed colour across figures (:mod:`lab.figures.style`), but 19
algorithms cannot all have colours far from each other: qEHVI, MO-TPE and epsilon-constraint
are three blues. When a figure draws only its best few series in colour (the anytime figure's
``highlight``), two of them may be such near twins. :func:`distinct_styles` keeps each
highlighted series' own colour where it is far enough from the ones before it and gives the
others the most distant remaining colour of a colour-blind-safe set; the marker (the series' other fixed
cue) and the legend name stay.

Distances are CIE 1976 colour differences (Delta E*ab, Euclidean in CIELAB, D65 white).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from matplotlib.colors import to_rgb

from lab.figures.style import OKABE_ITO, TOL_MUTED, SeriesStyle

#: Smallest Delta E*ab between two highlighted series (about where two thin lines of similar
#: blues stop being told apart at a glance; qEHVI's sky blue and NSGA-II's blue are 26 apart).
MIN_DELTA_E = 25.0

#: Colours a near twin may take, most distinct first (Okabe-Ito without its yellow, which
#: vanishes on white, then Paul Tol's darkest muted tones).
REPLACEMENT_COLOURS: tuple[str, ...] = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["black"],
    OKABE_ITO["sky_blue"],
    TOL_MUTED["wine"],
    TOL_MUTED["green"],
    TOL_MUTED["indigo"],
    TOL_MUTED["olive"],
)

_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65_WHITE = np.array([0.95047, 1.0, 1.08883])


def cielab(colour: str) -> np.ndarray:
    """CIELAB ``(L*, a*, b*)`` of a matplotlib colour (sRGB, D65 white); shape ``(3,)``."""
    rgb = np.asarray(to_rgb(colour), dtype=np.float64)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = _SRGB_TO_XYZ @ linear / _D65_WHITE
    eps = (6.0 / 29.0) ** 3
    f = np.where(xyz > eps, np.cbrt(xyz), xyz / (3.0 * (6.0 / 29.0) ** 2) + 4.0 / 29.0)
    return np.array([116.0 * f[1] - 16.0, 500.0 * (f[0] - f[1]), 200.0 * (f[1] - f[2])])


def delta_e(a: str, b: str) -> float:
    """CIE 1976 colour difference of two colours (0: the same; about 2.3: just noticeable)."""
    return float(np.linalg.norm(cielab(a) - cielab(b)))


def distinct_styles(
    styles: Mapping[str, SeriesStyle],
    labels: Sequence[str],
    *,
    min_delta_e: float = MIN_DELTA_E,
    avoid: Sequence[str] = (),
) -> dict[str, SeriesStyle]:
    """Styles of ``labels`` (most important first) whose colours differ by ``min_delta_e``.

    A label keeps its own style when its colour is at least ``min_delta_e`` from the own
    colours kept before it (and from ``avoid``, e.g. the grey of the other series). Each other
    label then takes the colour of :data:`REPLACEMENT_COLOURS` farthest from every colour kept
    or given so far (ties: the earlier one), so a replacement never copies a later label's own
    colour. Its marker, line style and name stay.
    """
    taken: list[str] = list(avoid)
    clashing: list[str] = []
    for label in labels:
        colour = styles[label].color
        if all(delta_e(colour, c) >= min_delta_e for c in taken):
            taken.append(colour)
        else:
            clashing.append(label)
    out = {label: styles[label] for label in labels}
    for label in clashing:
        colour = max(
            REPLACEMENT_COLOURS,
            key=lambda c: min((delta_e(c, t) for t in taken), default=np.inf),
        )
        taken.append(colour)
        out[label] = replace(styles[label], color=colour)
    return out
