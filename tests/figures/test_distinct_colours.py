"""Highlighted series get colours a reader can tell apart: CIELAB against published values,
near-twin fixed colours replaced, far ones kept, markers and names unchanged."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from lab.figures.anytime import anytime_figure
from lab.figures.distinct_colours import MIN_DELTA_E, cielab, delta_e, distinct_styles
from lab.figures.layout import data_axes
from lab.figures.style import ALGORITHM_STYLES, REFERENCE_GREY, StyleMap, paper_style


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("#FFFFFF", (100.0, 0.0, 0.0)),
        ("#000000", (0.0, 0.0, 0.0)),
        # sRGB primaries in CIELAB (D65), as tabulated by colour-science references.
        ("#FF0000", (53.2408, 80.0925, 67.2032)),
        ("#00FF00", (87.7347, -86.1827, 83.1793)),
        ("#0000FF", (32.2970, 79.1875, -107.8602)),
    ],
)
def test_cielab_matches_published_values(colour: str, expected: tuple[float, float, float]):
    assert np.allclose(cielab(colour), expected, atol=0.01)


def test_near_twins_are_separated_and_far_colours_kept():
    labels = ["qehvi", "tpe", "eps_constraint", "qnehvi"]
    styles = StyleMap((lab, lab) for lab in labels)
    # The fixed colours of the first three are blues closer than a reader separates.
    assert delta_e(ALGORITHM_STYLES["qehvi"][0], ALGORITHM_STYLES["tpe"][0]) < MIN_DELTA_E
    out = distinct_styles(styles, labels, avoid=[REFERENCE_GREY])
    assert out["qehvi"] == styles["qehvi"]  # the first keeps its fixed colour
    assert out["qnehvi"] == styles["qnehvi"]  # vermillion is far from all three blues
    for a, b in itertools.combinations([REFERENCE_GREY, *(s.color for s in out.values())], 2):
        assert delta_e(a, b) >= MIN_DELTA_E, (a, b)
    for lab in labels:  # only the colour changes
        assert (out[lab].marker, out[lab].display) == (styles[lab].marker, styles[lab].display)


def test_anytime_highlight_draws_the_blues_apart():
    """The paper run's case: qEHVI, MO-TPE and epsilon-constraint among the best four."""
    labels = ["random", "nsga2", "qehvi", "tpe", "eps_constraint", "moead"]
    final = {"random": 0.1, "nsga2": 0.2, "qehvi": 0.9, "tpe": 0.8, "eps_constraint": 0.7,
             "moead": 0.6}  # fmt: skip
    traces = pd.DataFrame(
        [{"problem": "p", "label": lab, "seed": s, "evaluations": e,
          "hv_normalized": final[lab] * e / 20}
         for lab, s, e in itertools.product(labels, range(3), (5, 10, 20))]
    )  # fmt: skip
    styles = StyleMap((lab, lab) for lab in labels)
    with paper_style():
        fig = anytime_figure(traces, problems=["p"], labels=labels, styles=styles,
                             logx=False, highlight=4)  # fmt: skip
    ax = data_axes(fig)[0]
    colours = {ln.get_label(): to_hex(ln.get_color()) for ln in ax.lines
               if to_hex(ln.get_color()) != REFERENCE_GREY.lower()}  # fmt: skip
    assert set(colours) == {"qEHVI", "MO-TPE", r"$\varepsilon$-constraint", "MOEA/D"}
    for a, b in itertools.combinations(colours.values(), 2):
        assert delta_e(a, b) >= MIN_DELTA_E
    texts, handles = fig.legends[0].get_texts(), fig.legends[0].legend_handles
    legend = {t.get_text(): to_hex(h.get_color()) for t, h in zip(texts, handles, strict=True)}
    assert all(legend[name] == colour for name, colour in colours.items())
