"""Each plotting function on small hand-built tables: the panels it draws and the values it
shows, checked against independent computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lab.figures.anytime import anytime_bands, anytime_figure
from lab.figures.critical_difference import cd_diagram
from lab.figures.distributions import final_distribution_figure, point_offsets
from lab.figures.eaf import eaf_difference_figure
from lab.figures.fronts import front_panels, fronts_figure, staircase
from lab.figures.generalization import generalization_figure
from lab.figures.importance import importance_figure
from lab.figures.layout import data_axes
from lab.figures.learning_curve import learning_curve_figure, learning_curve_points
from lab.figures.operation_effects import effect_grid, operation_effects_figure
from lab.figures.parity import parity_figure, power_of_ten
from lab.figures.style import StyleMap, paper_style
from lab.figures.transfer import short_names, transfer_figure
from lab.indicators.attainment import eaf_difference

LABELS = ["random", "nsga2", "moead"]
STYLES = StyleMap((a, a) for a in LABELS)


@pytest.fixture(autouse=True)
def _paper_style():
    with paper_style():
        yield


def traces_frame(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for problem in ("p1", "p2"):
        for label in LABELS:
            for seed in range(5):
                for k in (1, 2, 5, 10, 20):
                    rows.append(
                        {
                            "problem": problem,
                            "label": label,
                            "seed": seed,
                            "evaluations": k,
                            "hv_normalized": rng.uniform(0, k / 20),
                            "igd_plus": np.inf if k == 1 and seed < 3 else rng.uniform(),
                        }
                    )
    return pd.DataFrame(rows)


def test_anytime_bands_are_median_and_quartiles_over_seeds():
    traces = traces_frame(np.random.default_rng(0))
    bands = anytime_bands(traces, "hv_normalized")
    assert len(bands) == 2 * 3 * 5
    for _, b in bands.iterrows():
        v = traces[
            (traces["problem"] == b["problem"])
            & (traces["label"] == b["label"])
            & (traces["evaluations"] == b["evaluations"])
        ]["hv_normalized"].to_numpy()
        assert b["median"] == pytest.approx(np.median(v))
        assert b["q25"] == pytest.approx(np.percentile(v, 25))
        assert b["q75"] == pytest.approx(np.percentile(v, 75))
        assert b["n_runs"] == 5
    igd = anytime_bands(traces, "igd_plus")
    assert np.isinf(igd[igd["evaluations"] == 1]["median"]).all()  # 3 of 5 runs returned nothing


def test_anytime_figure_draws_the_medians_one_panel_per_problem():
    traces = traces_frame(np.random.default_rng(1))
    fig = anytime_figure(
        traces,
        problems=["p1", "p2"],
        labels=LABELS,
        styles=STYLES,
        metric="igd_plus",
        logy=True,
        n_init={"p1": 10},
    )
    axes = data_axes(fig)
    assert len(axes) == 2 and [ax.get_title() for ax in axes] == ["p1", "p2"]
    bands = anytime_bands(traces, "igd_plus")
    for ax, problem in zip(axes, ["p1", "p2"], strict=True):
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        lines = [ln for ln in ax.get_lines() if ln.get_label() in {"Random", "NSGA-II", "MOEA/D"}]
        assert len(lines) == 3
        for line, label in zip(lines, LABELS, strict=True):
            b = bands[(bands["problem"] == problem) & (bands["label"] == label)]
            finite = np.isfinite(b["median"])
            np.testing.assert_allclose(line.get_ydata(), b["median"][finite])
            assert line.get_color() == STYLES[label].color
    # The initial design is marked where it is known, and named in the legend.
    assert [ln.get_xdata()[0] for ln in axes[0].get_lines() if ln.get_linestyle() == ":"] == [10]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert set(legend) == {"Random", "NSGA-II", "MOEA/D", "Initial design"}


def final_frame() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = [
        {"problem": p, "label": lab, "seed": s, "hv_normalized": rng.uniform()}
        for p in ("p1", "p2", "p3")
        for lab in LABELS
        for s in range(7)
    ]
    frame = pd.DataFrame(rows)
    frame["hv_search_normalized"] = frame["hv_normalized"] + 0.05
    return frame


@pytest.mark.parametrize("kind", ["box", "violin"])
def test_final_distribution_shows_every_run(kind):
    final = final_frame()
    fig = final_distribution_figure(
        final, problems=["p1", "p2", "p3"], labels=LABELS, styles=STYLES, kind=kind, columns=2
    )
    axes = data_axes(fig)
    assert len(axes) == 3 and len(fig.axes) == 3  # the 4th grid slot is removed
    ax = axes[1]
    points = [c for c in ax.collections if len(c.get_offsets()) == 7]
    assert len(points) == 3
    for coll, label in zip(points, LABELS, strict=True):
        expected = final[(final["problem"] == "p2") & (final["label"] == label)]
        np.testing.assert_allclose(
            np.sort(coll.get_offsets()[:, 1]), np.sort(expected["hv_normalized"])
        )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Random", "NSGA-II", "MOEA/D"]
    if kind == "box":
        medians = [
            ln for ln in ax.get_lines() if ln.get_color() == "black" and ln.get_linewidth() == 1.0
        ]
        assert len(medians) == 3
        for line, label in zip(medians, LABELS, strict=True):
            v = final[(final["problem"] == "p2") & (final["label"] == label)]["hv_normalized"]
            assert line.get_ydata()[0] == pytest.approx(np.median(v))


def test_point_offsets_are_deterministic_and_centred():
    assert point_offsets(1).tolist() == [0.0]
    off = point_offsets(5)
    assert off.tolist() == pytest.approx([-0.18, -0.09, 0.0, 0.09, 0.18])


def test_staircase_closed_form():
    pts = np.array([[3.0, 1.0], [1.0, 3.0], [2.0, 2.0]])
    x, y = staircase(pts, np.array([5.0, 4.0]))
    assert x.tolist() == [1.0, 1.0, 2.0, 3.0, 5.0]
    assert y.tolist() == [4.0, 3.0, 2.0, 1.0, 1.0]


@pytest.mark.parametrize(("m", "panels"), [(2, 1), (3, 3), (4, 6)])
def test_fronts_one_panel_per_objective_pair(m, panels):
    assert len(front_panels(m)) == panels
    rng = np.random.default_rng(m)
    names, units = [f"o{k}" for k in range(m)], ["fraction"] + ["M"] * (m - 1)
    series = {lab: rng.uniform(size=(4, m)) for lab in LABELS}
    fig = fronts_figure(
        true_front=rng.uniform(size=(6, m)),
        series=series,
        labels=LABELS,
        styles=STYLES,
        objective_names=names,
        objective_units=units,
        lower=np.zeros(m),
        upper=np.full(m, 1.1),
        mode="staircase" if m == 2 else "points",
        title="t",
    )
    axes = data_axes(fig)
    assert len(axes) == panels
    assert axes[0].get_xlabel() == "O0 (%)" and axes[0].get_ylabel() == "O1 (M)"
    # The reference point (110 %) plus the margin that shows a marker on the box edge whole.
    assert axes[0].get_xlim()[1] == pytest.approx(110.0 + 0.05 * 110.0)
    assert fig.legends and fig.legends[0].get_texts()[0].get_text() == "True front"


def test_fronts_refuse_staircases_above_two_objectives():
    with pytest.raises(ValueError, match="staircases need 2 objectives"):
        fronts_figure(
            true_front=None,
            series={},
            labels=[],
            styles=STYLES,
            objective_names=["a", "b", "c"],
            objective_units=["", "", ""],
            lower=np.zeros(3),
            upper=np.ones(3),
        )


def test_eaf_difference_panels_hold_the_rectangles_of_each_side():
    a = [np.array([[0.1, 0.5], [0.5, 0.1]]), np.array([[0.2, 0.4]])]
    b = [np.array([[0.6, 0.6]]), np.array([[0.3, 0.3]])]
    rects = eaf_difference(a, b, objective_names=["f", "g"])
    assert (rects["diff"] > 0).any() and (rects["diff"] < 0).any()
    fig = eaf_difference_figure(
        rects,
        pair=("nsga2", "random"),
        surfaces={},
        true_front=None,
        styles=STYLES,
        objective_names=["f", "g"],
        objective_units=["", ""],
        lower=np.zeros(2),
        upper=np.ones(2),
    )
    left, right = data_axes(fig)
    assert len(fig.axes) == 3  # and a colour bar
    polys_left = left.collections[0]
    polys_right = right.collections[0]
    assert len(polys_left.get_paths()) == int((rects["diff"] > 0).sum())
    assert len(polys_right.get_paths()) == int((rects["diff"] < 0).sum())
    np.testing.assert_allclose(
        np.sort(polys_left.get_array()), np.sort(rects["diff"][rects["diff"] > 0])
    )
    # Unbounded rectangles end at the upper limit.
    corners = np.concatenate([p.vertices for p in polys_left.get_paths()])
    assert np.isfinite(corners).all() and corners.max() <= 1.0


def test_cd_diagram_draws_ranks_cd_and_cliques():
    ranks = {"random": 2.8, "nsga2": 1.4, "moead": 1.8}
    fig = cd_diagram(
        ranks,
        styles=STYLES,
        critical_difference=1.0,
        cliques=[("nsga2", "moead"), ("moead", "random")],
        title="t",
    )
    (ax,) = data_axes(fig)
    texts = [t.get_text() for t in ax.texts]
    assert "CD = 1.00" in texts
    assert {"NSGA-II (1.40)", "MOEA/D (1.80)", "Random (2.80)"} <= set(texts)
    # Best ranks label the left side, worst the right.
    pos = {t.get_text(): t.get_position()[0] for t in ax.texts}
    assert pos["NSGA-II (1.40)"] < pos["Random (2.80)"]
    thick = [ln for ln in ax.get_lines() if ln.get_linewidth() > 2]
    assert len(thick) == 2


def test_generalization_panels_and_diagonal():
    final = final_frame()
    fig = generalization_figure(final, problems=["p1", "p2"], labels=LABELS, styles=STYLES)
    axes = data_axes(fig)
    assert len(axes) == 2
    diag = [ln for ln in axes[0].get_lines() if ln.get_linestyle() == "--"]
    assert len(diag) == 1 and np.allclose(diag[0].get_xdata(), diag[0].get_ydata())
    # One small point per run and one large median marker per variant.
    assert len(axes[0].collections) == 2 * len(LABELS)


def test_transfer_figure_categories():
    assert short_names(["nbg-cora-err-lat", "nbg-citeseer-err-lat"]) == {
        "nbg-cora-err-lat": "cora",
        "nbg-citeseer-err-lat": "citeseer",
    }
    assert short_names(["x"]) == {"x": "x"}
    rows = [
        {
            "problem": "nbg-cora-err-lat",
            "label": lab,
            "target": t,
            "metric": "hv_normalized",
            "median": 0.5,
            "q25": 0.4,
            "q75": 0.6,
        }
        for lab in LABELS
        for t in ("nbg-pubmed-err-lat", "nbg-cs-err-lat")
    ]
    src = [
        {
            "problem": "nbg-cora-err-lat",
            "label": lab,
            "metric": "hv_normalized",
            "median": 0.7,
            "q25": 0.6,
            "q75": 0.8,
        }
        for lab in LABELS
    ]
    fig = transfer_figure(
        pd.DataFrame(rows),
        pd.DataFrame(src),
        problems=["nbg-cora-err-lat"],
        labels=LABELS,
        styles=STYLES,
    )
    (ax,) = data_axes(fig)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["cora (source)", "cs", "pubmed"]


def study_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = [
        {
            "target": "acc",
            "scored_on": "acc",
            "split": "random",
            "predictor": p,
            "n_train": n,
            "seed": s,
            "kendall_tau": rng.uniform(),
        }
        for p in ("xgboost", "gp")
        for n in (10, 100, 1000)
        for s in range(3)
    ]
    return pd.DataFrame(rows)


def test_learning_curve_long_and_wide_layouts_agree():
    from lab.surrogates.evaluation import learning_curve_table

    long = study_frame()
    a = learning_curve_points(long)
    b = learning_curve_points(learning_curve_table(long))
    pd.testing.assert_frame_equal(
        a[["predictor", "n_train", "mean", "std"]].reset_index(drop=True),
        b[["predictor", "n_train", "mean", "std"]].reset_index(drop=True),
        check_dtype=False,
    )
    g = long[(long["predictor"] == "gp") & (long["n_train"] == 100)]["kendall_tau"]
    row = a[(a["predictor"] == "gp") & (a["n_train"] == 100)].iloc[0]
    assert row["mean"] == pytest.approx(g.mean()) and row["std"] == pytest.approx(g.std(ddof=1))
    fig = learning_curve_figure(long)
    (ax,) = data_axes(fig)
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="'n_train' column"):
        learning_curve_points(pd.DataFrame({"predictor": ["x"], "tau": [1.0]}))


def test_parity_panels_and_tau():
    rng = np.random.default_rng(4)
    y = rng.uniform(size=200)
    frame = pd.concat(
        [
            pd.DataFrame(
                {"predictor": p, "target": t, "y_true": y, "y_pred": y + rng.normal(0, s, 200)}
            )
            for p, s in (("xgboost", 0.05), ("gp", 0.3))
            for t in ("acc", "lat")
        ]
    )
    fig = parity_figure(frame)
    axes = data_axes(fig)
    assert len(axes) == 4
    sub = frame[(frame["predictor"] == "gp") & (frame["target"] == "lat")]
    tau = stats.kendalltau(sub["y_true"], sub["y_pred"]).statistic
    assert f"GP, τ = {tau:.2f}" in axes[3].get_title()
    assert power_of_ten(np.array([0.004])) == -3 and power_of_ten(np.array([0.5])) == 0
    assert power_of_ten(np.array([3e6])) == 6


def test_importance_accepts_position_importance_layout():
    frame = pd.DataFrame(
        {
            "target": ["a"] * 4 + ["b"] * 4,
            "position": list(range(4)) * 2,
            "variable": ["e0", "e1", "e2", "e3"] * 2,
            "importance": [0.1, 0.4, 0.2, 0.3, 1, 2, 3, 4],
            "importance_std": [0.01] * 8,
        }
    )
    fig = importance_figure(frame, top=3)
    axes = data_axes(fig)
    assert [ax.get_title() for ax in axes] == ["a", "b"]
    ticks = {t.get_text(): t.get_position()[1] for t in axes[0].get_yticklabels()}
    assert sorted(ticks, key=ticks.get, reverse=True) == ["e1", "e3", "e2"]  # top 3, largest up
    bars = sorted(axes[0].patches, key=lambda p: -p.get_y())
    assert [b.get_width() for b in bars] == [0.4, 0.3, 0.2]


def test_operation_effects_grid():
    frame = pd.DataFrame(
        {
            "target": "a",
            "variable": ["x", "x", "y", "y", "y"],
            "choice": ["p", "q", "r", "s", "p"],
            "effect": [0.1, -0.2, 0.3, 0.0, -0.5],
        }
    )
    grid = effect_grid(frame)
    assert list(grid.columns) == ["x", "y"] and list(grid.index) == ["p", "q", "r", "s"]
    assert grid.loc["p", "y"] == -0.5 and np.isnan(grid.loc["r", "x"])
    fig = operation_effects_figure(frame)
    assert len(data_axes(fig)) == 1 and len(fig.axes) == 2  # heatmap and colour bar
    image = data_axes(fig)[0].images[0]
    assert image.get_clim() == (-0.5, 0.5)  # symmetric around zero
