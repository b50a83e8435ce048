"""The figures' look: one fixed colour and marker per algorithm (and per surrogate predictor)
across every figure, a colour-blind-safe palette, paper sizes and fonts.

Colours come from the Okabe–Ito palette (the quickstart algorithms get its most distinct
members) and Paul Tol's *muted* palette, both designed to stay distinguishable under the common
colour-vision deficiencies; every registered algorithm also has its own marker, so that two
series never differ by colour alone. A variant of an algorithm (an ablation grid point, label
``nsga2 pop_size=20``) keeps its algorithm's hue in a lighter or darker shade with its own marker
and line style; a name no table below knows gets a spare colour. :class:`StyleMap` assigns those
deterministically from the sorted names of one experiment, so every figure of it agrees.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.colors import to_hex, to_rgb

from lab.analysis.display_names import ALGORITHM_NAMES

#: Width of a single column of a two-column paper (inches).
SINGLE_COLUMN_IN = 3.3
#: Width of a figure spanning both columns (inches).
DOUBLE_COLUMN_IN = 6.9
#: Height of one panel (inches) when a figure does not choose another.
PANEL_HEIGHT_IN = 1.55
#: Base font size (points).
FONT_SIZE_PT = 8.0

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
TOL_MUTED: dict[str, str] = {
    "indigo": "#332288",
    "cyan": "#88CCEE",
    "teal": "#44AA99",
    "green": "#117733",
    "olive": "#999933",
    "sand": "#DDCC77",
    "rose": "#CC6677",
    "wine": "#882255",
    "purple": "#AA4499",
}
#: Neutral grey of reference elements (true fronts, diagonals).
REFERENCE_GREY = "#9A9A9A"

#: Fixed colour and marker of every registered algorithm (registry name -> (colour, marker)).
#: Random search, the usual baseline, is the dark neutral series.
ALGORITHM_STYLES: dict[str, tuple[str, str]] = {
    "random": ("#4D4D4D", "o"),
    "nsga2": (OKABE_ITO["blue"], "s"),
    "moead": (OKABE_ITO["bluish_green"], "^"),
    "smsemoa": (OKABE_ITO["reddish_purple"], "D"),
    "qnehvi": (OKABE_ITO["vermillion"], "v"),
    "qparego": (OKABE_ITO["orange"], "P"),
    "qehvi": (OKABE_ITO["sky_blue"], "X"),
    "nsga3": (TOL_MUTED["indigo"], "<"),
    "ibea": (TOL_MUTED["green"], ">"),
    "agemoea": (TOL_MUTED["teal"], "h"),
    "spea2": (TOL_MUTED["wine"], "p"),
    "mopso_cd": (TOL_MUTED["olive"], "*"),
    "pls": (TOL_MUTED["purple"], "d"),
    "eps_constraint": (TOL_MUTED["cyan"], "o"),
    "scalarized_ws": (TOL_MUTED["sand"], "s"),
    "scalarized_tcheby": (TOL_MUTED["rose"], "^"),
    "reinforce": ("#661100", "v"),
    "tpe": ("#6699CC", "D"),
    # Transfer searches: their cold start's colour, another marker.
    "nsga2_warm": (OKABE_ITO["blue"], "^"),
    "smsemoa_warm": (OKABE_ITO["reddish_purple"], "s"),
    "zeroshot": ("#4D4D4D", "s"),
    "mtbo_qnehvi": (OKABE_ITO["vermillion"], "^"),
    "mtbo_qparego": (OKABE_ITO["orange"], "s"),
    "progressive": (TOL_MUTED["indigo"], "s"),
}


#: Fixed colour and marker of the surrogate predictors (predictor registry name).
PREDICTOR_STYLES: dict[str, tuple[str, str]] = {
    "xgboost": (OKABE_ITO["blue"], "s"),
    "random_forest": (OKABE_ITO["bluish_green"], "^"),
    "gp": (OKABE_ITO["vermillion"], "v"),
    "mlp": (OKABE_ITO["reddish_purple"], "D"),
    "knn": (OKABE_ITO["orange"], "P"),
    "linear": ("#4D4D4D", "o"),
    "ensemble": (OKABE_ITO["sky_blue"], "X"),
}

PREDICTOR_NAMES: dict[str, str] = {
    "xgboost": "XGBoost",
    "random_forest": "Random forest",
    "gp": "GP",
    "mlp": "MLP",
    "knn": "k-NN",
    "linear": "Linear",
    "ensemble": "Ensemble",
}

#: Colours for names no table knows, in order of use.
SPARE_COLORS: tuple[str, ...] = (
    TOL_MUTED["indigo"],
    TOL_MUTED["green"],
    TOL_MUTED["wine"],
    TOL_MUTED["olive"],
    TOL_MUTED["teal"],
    TOL_MUTED["purple"],
    TOL_MUTED["rose"],
    TOL_MUTED["cyan"],
    TOL_MUTED["sand"],
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["orange"],
)
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h", "p", "*", "d")
#: Line styles of the variants of one algorithm (the first keeps the solid line).
VARIANT_LINESTYLES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)))
#: Lightness factors of the variants of one algorithm (1 = the algorithm's own colour).
VARIANT_SHADES: tuple[float, ...] = (1.0, 0.65, 1.35, 0.45, 1.6)


@dataclass(frozen=True)
class SeriesStyle:
    """How one algorithm (or predictor) is drawn in every figure.

    Attributes:
        color: hex colour.
        marker: matplotlib marker.
        linestyle: matplotlib line style.
        display: the name shown in legends and ticks.
    """

    color: str
    marker: str
    linestyle: Any = "-"
    display: str = ""

    def line_kw(self) -> dict[str, Any]:
        """Keyword arguments of ``Axes.plot`` for this series."""
        return {"color": self.color, "marker": self.marker, "linestyle": self.linestyle}


def shade(color: str, factor: float) -> str:
    """``color`` with its HLS lightness scaled towards black (< 1) or white (> 1)."""
    h, lightness, s = colorsys.rgb_to_hls(*to_rgb(color))
    if factor <= 1.0:
        lightness *= factor
    else:
        lightness = 1.0 - (1.0 - lightness) / factor
    return to_hex(colorsys.hls_to_rgb(h, min(max(lightness, 0.0), 0.92), s))


class StyleMap:
    """Styles of the series of one experiment (or one surrogate study).

    Args:
        series: ``(label, base)`` pairs: the label shown (a variant label) and the registry name
            it is a variant of (the label itself when it is no variant).
        fixed: registry name -> ``(colour, marker)`` (default :data:`ALGORITHM_STYLES`).
        names: registry name -> display name (default :data:`ALGORITHM_NAMES`).
        display: label -> display name overrides (from a recipe).

    A label equal to its registry name gets the fixed style; the other variants of a registered
    name get its hue in another shade, another marker and line style, in sorted label order; a
    label of an unknown name gets the next spare colour. Asking for a label not given at
    construction adds it the same way.
    """

    def __init__(
        self,
        series: Iterable[tuple[str, str]],
        *,
        fixed: Mapping[str, tuple[str, str]] | None = None,
        names: Mapping[str, str] | None = None,
        display: Mapping[str, str] | None = None,
    ) -> None:
        self._fixed = dict(ALGORITHM_STYLES if fixed is None else fixed)
        self._names = dict(ALGORITHM_NAMES if names is None else names)
        self._display = dict(display or {})
        self._styles: dict[str, SeriesStyle] = {}
        self._variants: dict[str, int] = {}
        self._spare = 0
        pairs = sorted(set(series))
        # Exact registry names first, so a variant never takes its algorithm's own style.
        for label, base in sorted(pairs, key=lambda p: (p[0] != p[1], p)):
            self._add(label, base)

    @classmethod
    def for_predictors(cls, names: Iterable[str]) -> StyleMap:
        """Styles of surrogate predictors (:data:`PREDICTOR_STYLES`)."""
        return cls(((n, n) for n in names), fixed=PREDICTOR_STYLES, names=PREDICTOR_NAMES)

    def _add(self, label: str, base: str) -> SeriesStyle:
        used = {(s.color, s.marker) for s in self._styles.values()}
        if base in self._fixed:
            color, marker = self._fixed[base]
            k = 0
            if label != base:
                k = self._variants.get(base, 0) + 1
                self._variants[base] = k
            if k:
                color = shade(color, VARIANT_SHADES[k % len(VARIANT_SHADES)])
                marker = MARKERS[(MARKERS.index(marker) + k) % len(MARKERS)]
            linestyle = VARIANT_LINESTYLES[k % len(VARIANT_LINESTYLES)]
        else:
            color = SPARE_COLORS[self._spare % len(SPARE_COLORS)]
            marker = MARKERS[self._spare % len(MARKERS)]
            self._spare += 1
            linestyle = "-"
        while (color, marker) in used:  # more series than colour-marker pairs: shift the marker
            marker = MARKERS[(MARKERS.index(marker) + 1) % len(MARKERS)]
        display = self._display.get(label) or (self._names.get(label, label))
        style = SeriesStyle(color=color, marker=marker, linestyle=linestyle, display=display)
        self._styles[label] = style
        return style

    def __getitem__(self, label: str) -> SeriesStyle:
        return self._styles.get(label) or self._add(label, label)

    def __contains__(self, label: object) -> bool:
        return label in self._styles

    def __iter__(self) -> Iterator[str]:
        return iter(self._styles)

    def display(self, label: str) -> str:
        return self[label].display


def rc_params(font_size: float = FONT_SIZE_PT) -> dict[str, Any]:
    """Matplotlib settings of every figure: ~8 pt fonts, thin lines, TrueType fonts embedded in
    PDFs (editable text, accepted by publishers), no top/right spines, light grids."""
    small = font_size - 1.0
    return {
        "font.family": "DejaVu Sans",
        "font.size": font_size,
        "axes.titlesize": font_size,
        "axes.labelsize": font_size,
        "xtick.labelsize": small,
        "ytick.labelsize": small,
        "legend.fontsize": small,
        "legend.frameon": False,
        "legend.handlelength": 1.8,
        "legend.columnspacing": 1.0,
        "figure.titlesize": font_size,
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.linewidth": 0.4,
        "grid.alpha": 0.35,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.minor.width": 0.4,
        "ytick.minor.width": 0.4,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "xtick.minor.size": 1.5,
        "ytick.minor.size": 1.5,
        "lines.linewidth": 1.1,
        "lines.markersize": 3.5,
        "patch.linewidth": 0.6,
        "errorbar.capsize": 1.5,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "savefig.dpi": 300,
        # Made at the paper resolution: a figure handed to a notebook (lab.draw) saves at 300
        # dpi with a plain savefig (matplotlib's default is the dpi the figure was made at).
        "figure.dpi": 300,
        "mathtext.default": "regular",
    }


@contextmanager
def paper_style(font_size: float = FONT_SIZE_PT) -> Iterator[None]:
    """Context in which figures are built and saved with :func:`rc_params`."""
    with matplotlib.rc_context(rc_params(font_size)):
        yield


def figure_width(width: str | float) -> float:
    """``single`` / ``double`` column or a width in inches -> inches."""
    if width == "single":
        return SINGLE_COLUMN_IN
    if width == "double":
        return DOUBLE_COLUMN_IN
    return float(width)
