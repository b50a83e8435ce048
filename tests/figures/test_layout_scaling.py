"""Figures scale with the experiment: for 1-9 problems with long names and 2-12 algorithm
variants, at single and double column width, no text overlaps other text or leaves the canvas
(measured on the drawn figure, :func:`lab.figures.layout_check.layout_problems`)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from lab.figures.anytime import anytime_figure
from lab.figures.critical_difference import cd_diagram
from lab.figures.distributions import final_distribution_figure
from lab.figures.eaf import eaf_difference_figure
from lab.figures.fronts import fronts_figure
from lab.figures.fronts_many import parallel_coordinates_figure, per_algorithm_figure
from lab.figures.generalization import generalization_figure
from lab.figures.importance import importance_figure
from lab.figures.layout_check import crowded_tick_labels, layout_problems
from lab.figures.learning_curve import learning_curve_figure
from lab.figures.operation_effects import operation_effects_figure
from lab.figures.parity import parity_figure
from lab.figures.style import DOUBLE_COLUMN_IN, SINGLE_COLUMN_IN, StyleMap, paper_style
from lab.figures.transfer import transfer_figure
from lab.figures.transfer_heatmap import transfer_heatmap_figure
from lab.indicators.attainment import eaf_difference

#: Problem names as long as the built-in ones get, and longer.
PROBLEMS = [
    "nb201-cifar10-err-flops-lat-pixel3-le12",
    "nasbench-graph-proteins-err-lat-params",
    "macro-err-params-flops",
    "nb201-imagenet16-err-lat-titan_rtx_256",
    "cbm-mobilenet-err-params-flops-latency",
    "nbg-cora-err-lat",
    "nb201-cifar100-err-lat-eyeriss",
    "my-own-benchmark-with-a-very-long-name-err-energy",
    "nbg-pubmed-err-lat-params",
]
#: Registered algorithms, variants and an unknown name, in legend order.
LABELS = [
    "random",
    "nsga2",
    "moead",
    "smsemoa",
    "nsga3",
    "ibea",
    "eps_constraint",
    "scalarized_tcheby",
    "nsga2 pop_size=20",
    "pls",
    "my_local_search_variant",
    "mopso_cd",
]
TARGETS = [f"nbg-{d}-err-lat" for d in
           ("citeseer", "computers", "cora", "cs", "photo", "physics", "pubmed")]  # fmt: skip
#: (problems, variants) pairs covering both ends of 1-9 and 2-12 (the default suite).
SIZES = [(1, 2), (1, 12), (4, 8), (9, 12)]
#: Every number of problems 1-9 with 2 to 12 variants (marked slow).
ALL_SIZES = [(p, a) for p in range(1, 10) for a in (2, 3, 5, 8, 12)]
WIDTHS = {"single": SINGLE_COLUMN_IN, "double": DOUBLE_COLUMN_IN}


def _styles(labels):
    return StyleMap((lab, lab.split(" ")[0]) for lab in labels)


def _final(problems, labels, seeds=5):
    rng = np.random.default_rng(0)
    rows = []
    for p, lab, s in itertools.product(problems, labels, range(seeds)):
        hv = float(rng.uniform(0.5, 0.95))
        rows.append(
            {
                "problem": p,
                "label": lab,
                "algorithm": lab.split(" ")[0],
                "seed": s,
                "run_id": f"{p}-{lab}-{s}",
                "hv_normalized": hv,
                "hv_search_normalized": hv + float(rng.uniform(0, 0.05)),
                "igd_plus": float(rng.uniform(0.01, 0.2)),
            }
        )
    return pd.DataFrame(rows)


def _traces(problems, labels, seeds=5):
    rng = np.random.default_rng(1)
    rows = []
    for p, lab, s in itertools.product(problems, labels, range(seeds)):
        hv = np.maximum.accumulate(rng.uniform(0.2, 0.9, 12))
        for k, e in enumerate(np.geomspace(1, 200, 12).round()):
            rows.append(
                {"problem": p, "label": lab, "seed": s, "evaluations": e, "hv_normalized": hv[k]}
            )
    return pd.DataFrame(rows)


def _transfer(problems, labels):
    rows = []
    for p, lab in itertools.product(problems, labels):
        # Up to 7 targets (NAS-Bench-Graph's other datasets): names wider than their slot.
        for t in TARGETS[: 3 + 4 * (len(problems) % 2)]:
            rows.append(
                {"problem": p, "label": lab, "target": t, "metric": "hv_normalized",
                 "median": 0.7, "q25": 0.6, "q75": 0.8}
            )  # fmt: skip
    summary = [
        {"problem": p, "label": lab, "metric": "hv_normalized", "median": 0.8, "q25": 0.7,
         "q75": 0.9}
        for p, lab in itertools.product(problems, labels)
    ]  # fmt: skip
    return pd.DataFrame(rows), pd.DataFrame(summary)


def _front(m, n=40, seed=0):
    rng = np.random.default_rng(seed)
    pts = rng.dirichlet(np.ones(m), n)
    return pts * np.r_[0.6, 0.05, 2.0, 300.0][:m] + np.r_[0.1, 0.001, 0.1, 10.0][:m]


def _fronts_kwargs(labels, m, width):
    front = _front(m)
    return {
        "true_front": front,
        "series": {lab: _front(m, 8, k + 1) * 1.05 for k, lab in enumerate(labels)},
        "labels": labels,
        "styles": _styles(labels),
        "objective_names": ["error", "latency", "params", "flops"][:m],
        "objective_units": ["fraction", "s", "M", "MFLOPs"][:m],
        "lower": front.min(axis=0) * 0.95,
        "upper": front.max(axis=0) * 1.1,
        "title": f"{PROBLEMS[0]}: run of median HV",
        "width": width,
    }


def _draw(kind, n_problems, n_labels, width):
    problems, labels = PROBLEMS[:n_problems], LABELS[:n_labels]
    styles = _styles(labels)
    if kind == "anytime":
        return anytime_figure(
            _traces(problems, labels), problems=problems, labels=labels, styles=styles,
            n_init={p: 10 for p in problems}, width=width,
        )  # fmt: skip
    if kind == "final_distribution":
        return final_distribution_figure(
            _final(problems, labels), problems=problems, labels=labels, styles=styles,
            width=width,
        )  # fmt: skip
    if kind == "generalization":
        return generalization_figure(
            _final(problems, labels), problems=problems, labels=labels, styles=styles,
            width=width,
        )  # fmt: skip
    if kind == "transfer":
        ts, summary = _transfer(problems, labels)
        return transfer_figure(
            ts, summary, problems=problems, labels=labels, styles=styles, width=width
        )
    if kind == "transfer_heatmap":
        ts, summary = _transfer(problems, labels)
        return transfer_heatmap_figure(
            ts, summary, problems=problems, labels=labels, styles=styles, width=width
        )
    if kind == "critical_difference":
        ranks = {lab: 1 + k * (n_labels - 1) / max(n_labels - 1, 1) for k, lab in
                 enumerate(labels)}  # fmt: skip
        return cd_diagram(
            ranks, styles=styles, critical_difference=2.1, cliques=[labels[:3], labels[2:5]],
            title="Normalized HV: average rank (1 = best)",
            note=f"Nemenyi, α = 0.05, {n_problems} problems", width=width,
        )  # fmt: skip
    if kind == "eaf_difference":
        kw = _fronts_kwargs(labels[:2], 2, width)
        runs = [[_front(2, 8, 10 * j + k) for k in range(5)] for j in range(2)]
        rects = eaf_difference(runs[0], runs[1], objective_names=kw["objective_names"])
        return eaf_difference_figure(
            rects,
            pair=(labels[0], labels[1]),
            surfaces={labels[0]: runs[0][0], labels[1]: runs[1][0]},
            true_front=kw["true_front"],
            styles=styles,
            objective_names=kw["objective_names"],
            objective_units=kw["objective_units"],
            lower=kw["lower"],
            upper=kw["upper"],
            title=f"{PROBLEMS[0]}: EAF difference over 5 seeds",
            width=width,
        )
    if kind == "fronts_2d":
        return fronts_figure(mode="staircase", **_fronts_kwargs(labels, 2, width))
    if kind == "fronts_3d_per_algorithm":
        return per_algorithm_figure(**_fronts_kwargs(labels, 3, width))
    if kind == "fronts_3d_parallel":
        return parallel_coordinates_figure(**_fronts_kwargs(labels, 4, width))
    if kind in SURROGATE_KINDS:
        return _draw_surrogate(kind, n_problems, n_labels, width)
    raise AssertionError(kind)


#: Predictors of the surrogate figures (their number plays the variants' part).
PREDICTORS = ["xgboost", "random_forest", "gp", "mlp", "knn", "linear", "ensemble"]
#: Targets of a surrogate study as a table names them (their number plays the problems').
SURROGATE_TARGETS = [
    "val_acc_cora", "latency_cora", "test_acc_cifar100", "latency_titan_rtx_256",
    "params_cifar10", "flops_imagenet16", "val_acc_citeseer", "energy_pixel3", "acc_analog_30d",
]  # fmt: skip
#: Training sizes of a learning curve, as `lab surrogate curve --sizes` gives them.
TRAIN_SIZES = (10, 30, 50, 100, 300, 500, 1000)


def _draw_surrogate(kind, n_targets, n_predictors, width):
    rng = np.random.default_rng(n_targets * 100 + n_predictors)
    targets = SURROGATE_TARGETS[:n_targets]
    predictors = PREDICTORS[: min(n_predictors, len(PREDICTORS))]
    if kind == "learning_curve":
        rows = [
            {"target": t, "split": "random", "predictor": p, "n_train": n, "seed": s,
             "kendall_tau": float(rng.uniform(0.2, 0.9))}
            for t in targets for p in predictors for n in TRAIN_SIZES for s in range(3)
        ]  # fmt: skip
        return learning_curve_figure(pd.DataFrame(rows), width=width)
    if kind == "parity":
        y = rng.uniform(0.0, 0.03, 50)  # latencies in seconds: a power-of-ten axis
        rows = [
            pd.DataFrame({"predictor": p, "target": t, "y_true": y,
                          "y_pred": y + rng.normal(0, 0.003, 50)})
            for p in predictors[:3] for t in targets[:3]
        ]  # fmt: skip
        return parity_figure(pd.concat(rows), value_label="Latency (s)", width=width)
    if kind == "importance":
        rows = [
            {"predictor": p, "target": t, "feature": f"edge {i} -> {j}: op_{k}",
             "importance": float(rng.uniform()), "std": 0.01}
            for p in predictors[:2] for t in targets[:2]
            for i, j, k in itertools.product(range(3), range(1, 4), range(2))
        ]  # fmt: skip
        return importance_figure(pd.DataFrame(rows), width=width)
    if kind == "operation_effects":
        rows = [
            {"target": t, "variable": f"position_{v}", "choice": c,
             "effect": float(rng.normal())}
            for t in targets[:3] for v in range(6)
            for c in ("skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "none")
        ]  # fmt: skip
        return operation_effects_figure(pd.DataFrame(rows), value_label="Δ accuracy (%)",
                                        width=width)  # fmt: skip
    raise AssertionError(kind)


SURROGATE_KINDS = ["learning_curve", "parity", "importance", "operation_effects"]
KINDS = [
    "anytime",
    "final_distribution",
    "generalization",
    "transfer",
    "transfer_heatmap",
    "critical_difference",
    "eaf_difference",
    "fronts_2d",
    "fronts_3d_per_algorithm",
    "fronts_3d_parallel",
    *SURROGATE_KINDS,
]


def _check(kind, width, sizes):
    failures = []
    for n_problems, n_labels in sizes:
        if kind.startswith(("fronts", "critical", "eaf")) and n_problems > 1:
            continue  # one problem per figure: only the number of variants matters
        if kind in ("parity", "importance", "operation_effects") and n_problems > 4:
            continue  # panels per (predictor, target) pair: a few of each suffice
        with paper_style():
            fig = _draw(kind, n_problems, n_labels, WIDTHS[width])
            problems = layout_problems(fig)
        if problems:
            failures.append(f"{n_problems} problems x {n_labels} variants: {problems[:4]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", KINDS)
def test_no_text_overlaps_or_leaves_the_canvas(kind, width):
    _check(kind, width, SIZES)


@pytest.mark.slow
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", KINDS)
def test_no_text_overlaps_or_leaves_the_canvas_for_every_size(kind, width):
    _check(kind, width, ALL_SIZES)


def test_the_check_finds_overlapping_and_clipped_text():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    ax = fig.add_subplot()
    ax.set_title("a title far too long to fit into a figure two inches wide")
    ax.text(0.5, 0.5, "first", transform=ax.transAxes)
    ax.text(0.52, 0.5, "second", transform=ax.transAxes)
    found = layout_problems(fig)
    assert any("outside the canvas" in p and "title" in p for p in found), found
    assert any("'first' and 'second'" in p for p in found), found


def test_the_check_finds_tick_labels_that_touch():
    """Labels "50" and "100" an axis draws without a gap read as "50100": the check says so,
    although their boxes do not overlap."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.2, 1.0))
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.set_xlim(10, 1000)
    ax.set_xticks([10, 30, 50, 100, 300, 500, 1000], ["10", "30", "50", "100", "300", "500",
                                                      "1000"])  # fmt: skip
    found = crowded_tick_labels(fig)
    assert any("'50' and '100'" in p for p in found), found
    ax.set_xticks([10, 100, 1000], ["10", "100", "1000"])
    assert crowded_tick_labels(fig) == []
