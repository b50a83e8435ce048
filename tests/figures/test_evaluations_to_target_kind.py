"""The evaluations_to_target figure kind: registered, and drawn from compare_curves' tables
(one panel per problem, a transfer and a cold line per pair, the budget line)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.analysis.evaluations_to_target import compare_curves
from lab.figures.entry import FIGURE_KINDS
from lab.figures.kinds.evaluations_to_target import evaluations_to_target_figure
from lab.figures.layout import data_axes
from lab.figures.style import StyleMap


def test_kind_is_registered() -> None:
    import lab.figures.kinds  # noqa: F401 - registers every kind

    assert "evaluations_to_target" in FIGURE_KINDS


def test_figure_draws_each_pair_and_the_budget() -> None:
    rng = np.random.default_rng(0)
    cold = {s: np.sort(rng.uniform(0, 1, 30)) for s in range(8)}
    warm = {s: np.minimum(1.0, 2 * c) for s, c in cold.items()}
    curves = {"nsga2": cold, "nsga2-warm": warm}
    runs, tests = [], []
    for problem in ("p1", "p2"):
        r, t = compare_curves(curves, {"nsga2-warm": "nsga2"}, problem=problem,
                              percents=(50, 90, 100))  # fmt: skip
        runs.append(r)
        tests.append(t)
    runs, tests = pd.concat(runs), pd.concat(tests)
    styles = StyleMap([("nsga2", "nsga2"), ("nsga2-warm", "nsga2_warm")])
    fig = evaluations_to_target_figure(
        runs, tests, problems=["p1", "p2"], styles=styles, budget={"p1": 30, "p2": 30}, width=7.0
    )
    axes = data_axes(fig)
    assert len(axes) == 2
    for ax in axes:
        # transfer line + filled and hollow markers, cold line, budget line
        ys = [line.get_ydata() for line in ax.get_lines()]
        assert any(np.allclose(y, 30) for y in ys if len(y) == 2)
        medians = runs[runs.problem == "p1"].groupby("percent").evaluations_other.median()
        assert any(len(y) == 3 and np.allclose(y, medians.to_numpy()) for y in ys)
