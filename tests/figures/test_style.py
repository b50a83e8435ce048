"""One fixed, colour-blind-safe colour and marker per algorithm across every figure."""

from __future__ import annotations

import colorsys

import pytest
from matplotlib.colors import to_rgb

from lab.algorithms import algorithm_names
from lab.figures.layout import row_major
from lab.figures.style import (
    ALGORITHM_NAMES,
    ALGORITHM_STYLES,
    OKABE_ITO,
    PREDICTOR_STYLES,
    SPARE_COLORS,
    TOL_MUTED,
    StyleMap,
    figure_width,
    rc_params,
    shade,
)
from lab.figures.units import objective_scale

#: The palettes' colours plus the two extra dark tones (Tol's "muted" dark brown and
#: "light blue" family) and the neutral grey of random search.
SAFE = {c.upper() for c in (*OKABE_ITO.values(), *TOL_MUTED.values())} | {
    "#4D4D4D",
    "#661100",
    "#6699CC",
}


def test_every_registered_algorithm_has_a_fixed_distinct_style():
    from lab.algorithms.registry import algorithm_target

    # Test plugins register throwaway algorithms in the same process; only the lab's count.
    shipped = {n for n in algorithm_names() if algorithm_target(n).startswith("lab.")}
    assert shipped <= set(ALGORITHM_STYLES)
    assert set(ALGORITHM_STYLES) == set(ALGORITHM_NAMES)
    pairs = list(ALGORITHM_STYLES.values())
    assert len(set(pairs)) == len(pairs)
    for color, _ in pairs:
        assert color.upper() in SAFE


def test_quickstart_algorithms_have_distinct_colours_and_markers():
    six = ["random", "nsga2", "moead", "smsemoa", "qnehvi", "qparego"]
    assert len({ALGORITHM_STYLES[a][0] for a in six}) == 6
    assert len({ALGORITHM_STYLES[a][1] for a in six}) == 6
    # Yellow, the one Okabe-Ito colour unreadable on white, is not used.
    assert OKABE_ITO["yellow"] not in {c for c, _ in ALGORITHM_STYLES.values()}


def test_style_of_a_label_does_not_depend_on_the_other_labels():
    alone = StyleMap([("nsga2", "nsga2")])
    crowd = StyleMap([(a, a) for a in ALGORITHM_STYLES])
    for name in ("nsga2", "random", "qnehvi"):
        color, marker = ALGORITHM_STYLES[name]
        assert crowd[name].color == color and crowd[name].marker == marker
    assert alone["nsga2"] == crowd["nsga2"]
    assert crowd["moead"].display == "MOEA/D"


def test_variants_keep_the_hue_and_differ_in_shade_marker_and_line():
    labels = [("nsga2", "nsga2"), ("nsga2 pop_size=20", "nsga2"), ("nsga2 pop_size=50", "nsga2")]
    styles = StyleMap(labels)
    base, v1, v2 = (styles[lab] for lab, _ in labels)
    assert len({(s.color, s.marker) for s in (base, v1, v2)}) == 3
    assert len({str(s.linestyle) for s in (base, v1, v2)}) == 3
    hue = colorsys.rgb_to_hls(*to_rgb(base.color))[0]
    for s in (v1, v2):
        assert colorsys.rgb_to_hls(*to_rgb(s.color))[0] == pytest.approx(hue, abs=0.02)
    # The order in which labels are given does not matter.
    assert StyleMap(reversed(labels))[labels[1][0]] == v1


def test_unknown_algorithms_get_spare_colours_and_display_overrides():
    styles = StyleMap(
        [("mine", "mine"), ("other", "other"), ("random", "random")], display={"mine": "My search"}
    )
    assert styles["mine"].color == SPARE_COLORS[0] and styles["other"].color == SPARE_COLORS[1]
    assert styles["mine"].display == "My search"
    assert "late" not in styles
    late = styles["late"]  # asked for later: added, not failing
    assert late.color == SPARE_COLORS[2]


def test_predictors_have_fixed_styles():
    styles = StyleMap.for_predictors(["gp", "xgboost"])
    assert (styles["xgboost"].color, styles["xgboost"].marker) == PREDICTOR_STYLES["xgboost"]
    assert styles["xgboost"].display == "XGBoost"


def test_shade_and_sizes():
    assert shade("#0072B2", 1.0).upper() == "#0072B2"
    assert sum(to_rgb(shade("#0072B2", 0.5))) < sum(to_rgb("#0072B2"))
    assert sum(to_rgb(shade("#0072B2", 1.5))) > sum(to_rgb("#0072B2"))
    assert figure_width("single") == 3.3 and figure_width("double") == 6.9
    assert figure_width(4.0) == 4.0
    rc = rc_params()
    assert rc["font.size"] == 8.0 and rc["pdf.fonttype"] == 42


def test_objective_axis_units():
    err = objective_scale("error", "fraction")
    assert err.factor == 100.0 and err.label == "Error (%)"
    lat = objective_scale("latency", "s", [0.0004, 0.004])
    assert lat.factor == 1000.0 and lat.label == "Latency (ms)"
    assert objective_scale("latency", "s", [0.5, 2.0]).label == "Latency (s)"
    assert objective_scale("params", "M").label == "Params (M)"


def test_legend_entries_read_row_by_row():
    # matplotlib fills legend columns one after the other, the first n % ncols one longer.
    assert row_major(list("abcde"), 3) == ["a", "d", "b", "e", "c"]
    assert row_major(list("abcd"), 4) == list("abcd")
    assert row_major(list("ab"), 1) == ["a", "b"]
