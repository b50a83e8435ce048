"""Figures that stay readable with 8-18 variants and many transfer targets: the anytime figure
highlights the best few (the rest grey, no band), box plots keep every name under its box,
violins need 10 runs, transfer beyond a few targets is a heat map, the EAF pair is chosen on the
problem drawn, and panels are titled from the problems' descriptions."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex

from lab.figures.anytime import anytime_bands, anytime_figure, best_labels
from lab.figures.distributions import MIN_VIOLIN_POINTS, final_distribution_figure
from lab.figures.kinds.eaf_difference import default_pair
from lab.figures.layout import data_axes
from lab.figures.layout_check import layout_problems
from lab.figures.style import REFERENCE_GREY, StyleMap, paper_style
from lab.figures.transfer_heatmap import transfer_heatmap_figure, transfer_matrix
from lab.figures.units import MAX_TITLE_CHARS, default_problem_names, description_title

LABELS = ["random", "nsga2", "moead", "smsemoa", "qparego", "ibea", "pls", "scalarized_ws"]
STYLES = StyleMap((lab, lab) for lab in LABELS)
PROBLEMS = ["p-a", "p-b"]


def _traces() -> pd.DataFrame:
    """Variant k ends at 0.1 * (k + 1) on p-a; on p-b the order of the last two is swapped."""
    rows = []
    for p, (k, lab), s, e in itertools.product(PROBLEMS, enumerate(LABELS), range(3), (5, 10, 20)):
        final = 0.1 * (k + 1)
        if p == "p-b" and lab in ("pls", "scalarized_ws"):
            final = 0.75 if lab == "pls" else 0.7
        rows.append({"problem": p, "label": lab, "seed": s, "evaluations": e,
                     "hv_normalized": final * e / 20})  # fmt: skip
    return pd.DataFrame(rows)


def test_best_labels_rank_per_problem_and_average():
    bands = anytime_bands(_traces(), "hv_normalized")
    # Mean ranks: scalarized_ws (1 + 2) / 2, pls (2 + 1) / 2, ibea 3, qparego 4.
    assert best_labels(bands, LABELS, 3, "hv_normalized") == ["ibea", "pls", "scalarized_ws"]
    # Lower is better for IGD+: the smallest finals win.
    assert best_labels(bands, LABELS, 2, "igd_plus") == ["random", "nsga2"]


def test_anytime_highlights_the_best_and_greys_the_rest():
    with paper_style():
        fig = anytime_figure(_traces(), problems=PROBLEMS, labels=LABELS, styles=STYLES,
                             logx=False, highlight=4)  # fmt: skip
    ax = data_axes(fig)[0]
    grey = [ln for ln in ax.lines if to_hex(ln.get_color()) == REFERENCE_GREY.lower()]
    coloured = [ln for ln in ax.lines if ln not in grey]
    assert len(grey) == 4 and len(coloured) == 4
    assert {ln.get_label() for ln in coloured} == {"qParEGO", "IBEA", "PLS", "Weighted sum"}
    assert len(ax.collections) == 4  # bands of the highlighted variants only
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "4 others" in legend and "Random" not in legend
    assert layout_problems(fig) == []


def _final(seeds: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        [{"problem": p, "label": lab, "seed": s, "hv_normalized": float(rng.uniform())}
         for p, lab, s in itertools.product(PROBLEMS, LABELS, range(seeds))]
    )  # fmt: skip


@pytest.mark.parametrize("n_labels", [8, 18])
def test_box_plots_keep_every_name_under_its_box(n_labels):
    labels = [*LABELS, *(f"nsga2 v={k}" for k in range(10))][:n_labels]
    styles = StyleMap((lab, lab.split(" ")[0]) for lab in labels)
    final = pd.concat([_final(5)] + [_final(5).assign(label=lab) for lab in labels[8:]])
    with paper_style():
        fig = final_distribution_figure(final, problems=PROBLEMS, labels=labels, styles=styles)
    for ax in data_axes(fig):
        assert [t.get_text() for t in ax.get_xticklabels()] == [styles.display(x) for x in labels]
    assert not fig.legends  # the names are under the boxes, not in a legend
    assert layout_problems(fig) == []


def test_violins_need_ten_runs():
    for seeds, violins in ((MIN_VIOLIN_POINTS - 1, False), (MIN_VIOLIN_POINTS, True)):
        with paper_style():
            fig = final_distribution_figure(_final(seeds), problems=PROBLEMS, labels=LABELS,
                                            styles=STYLES, kind="violin")  # fmt: skip
        ax = data_axes(fig)[0]
        bodies = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert bool(bodies) == violins, seeds
        assert bool(ax.patches) != violins  # boxes otherwise


def _transfer(n_targets: int):
    targets = [f"nb201-t{k}-err-lat" for k in range(n_targets)]
    ts = pd.DataFrame(
        [{"problem": "nb201-src-err-lat", "label": lab, "target": t, "metric": "hv_normalized",
          "median": 0.5 + 0.01 * i + 0.001 * j, "q25": 0.0, "q75": 1.0}
         for (i, lab), (j, t) in itertools.product(enumerate(LABELS), enumerate(targets))]
    )  # fmt: skip
    summary = pd.DataFrame(
        [{"problem": "nb201-src-err-lat", "label": lab, "metric": "hv_normalized",
          "median": 0.9 - 0.01 * i} for i, lab in enumerate(LABELS)]
    )  # fmt: skip
    return ts, summary, targets


def test_transfer_heat_map_has_a_cell_per_variant_and_target():
    ts, summary, targets = _transfer(18)
    cols, values = transfer_matrix(ts, summary, "nb201-src-err-lat", LABELS)
    assert cols == ["nb201-src-err-lat", *sorted(targets)] and values.shape == (8, 19)
    assert values[2, 0] == pytest.approx(0.88)
    j = cols.index("nb201-t3-err-lat")
    assert values[5, j] == pytest.approx(0.5 + 0.05 + 0.003)
    for width in (3.3, 6.9):
        with paper_style():
            fig = transfer_heatmap_figure(ts, summary, problems=["nb201-src-err-lat"],
                                          labels=LABELS, styles=STYLES, width=width)  # fmt: skip
        ax = data_axes(fig)[0]
        np.testing.assert_allclose(ax.images[0].get_array(), values)
        assert ax.get_yticklabels()[0].get_text() == "Random"
        assert layout_problems(fig) == []


def test_eaf_default_pair_is_chosen_on_the_problem_drawn():
    summary = pd.DataFrame(
        [{"problem": p, "label": lab, "metric": "hv_normalized", "median": m}
         for p, lab, m in [("a", "random", 0.5), ("a", "nsga2", 0.9), ("a", "moead", 0.6),
                           ("b", "random", 0.5), ("b", "nsga2", 0.55), ("b", "moead", 0.8)]]
    )  # fmt: skip
    exp = SimpleNamespace(analysis=SimpleNamespace(summary=summary, baseline="random"))
    labels = ["random", "nsga2", "moead"]
    assert default_pair(exp, labels, ["a"]) == ("nsga2", "random")
    assert default_pair(exp, labels, ["b"]) == ("moead", "random")
    assert default_pair(exp, labels, ["a", "b"]) == ("nsga2", "random")  # 0.725 vs 0.7


def test_panel_titles_from_descriptions():
    assert description_title("GNN error (1 - accuracy) vs inference latency (s) on cora") == (
        "GNN error vs inference latency on cora"
    )
    assert description_title("error (%) vs params (M (million)), cifar10") == (
        "Error vs params, cifar10"
    )
    long = "x" * (MAX_TITLE_CHARS + 1)
    names = default_problem_names({"a": "error vs latency (ms)", "b": long, "c": ""})
    assert names == {"a": "Error vs latency"}


def test_panel_titles_prefer_the_spec_title():
    """A problem whose description is too long for a panel (NAS-Bench-201's latency problems)
    is titled by its spec's ``title``; one without a title by its shortened description."""
    from lab.figures.render import _described_problems

    source = SimpleNamespace(all_problems=["nb201-cifar100-err-lat-eyeriss", "nbg-cora-err-lat"])
    assert _described_problems(source) == {
        "nb201-cifar100-err-lat-eyeriss": "Cell error vs eyeriss latency, cifar100",
        "nbg-cora-err-lat": "GNN error vs inference latency on cora",
    }
