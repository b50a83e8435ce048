"""Front axes for an objective whose exact front crowds into the low end of a long span: the
``auto`` rule's cases, a log axis with plain, non-colliding tick labels, ``none`` and explicit
flags, and a recipe's unknown objective named in its error."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lab.errors import FigureError, InputError
from lab.figures.fronts import fronts_figure
from lab.figures.kinds.fronts import FrontsFigure
from lab.figures.layout import data_axes
from lab.figures.layout_check import layout_problems
from lab.figures.long_tail import log_axis_limits, wants_log_axis
from lab.figures.style import StyleMap, paper_style

LABELS = ["random", "nsga2"]
STYLES = StyleMap((lab, lab) for lab in LABELS)


def test_rule_needs_positive_long_and_crowded_spans():
    crowded = np.r_[np.linspace(1.0, 5.0, 8), 40.0, 90.0]  # 8 of 10 in the low tenth of 1..100
    assert wants_log_axis(crowded, 1.0, 100.0)
    assert not wants_log_axis(np.linspace(1.0, 100.0, 10), 1.0, 100.0)  # spread out
    assert not wants_log_axis(crowded / 10.0, 1.0, 9.0)  # under a decade
    assert not wants_log_axis(crowded - 1.0, 0.0, 99.0)  # not positive
    assert not wants_log_axis(np.array([]), 1.0, 100.0)
    # The linear axes' 5 % margin, taken in decades: 2 decades -> 0.1 decade each side.
    assert log_axis_limits(1.0, 100.0) == pytest.approx((10**-0.1, 10**2.1))


def _kwargs() -> dict:
    """Error 5-30 %, latency 0.5-100 ms with most of the exact front below 5 ms."""
    latency = np.array([100.0, 40.0, 4.0, 3.0, 2.0, 1.5, 1.0, 0.8, 0.6, 0.5])
    error = np.linspace(5.0, 30.0, len(latency))
    front = np.c_[error, latency]
    return {
        "true_front": front,
        "series": {"random": front[::3] * [1.1, 1.5], "nsga2": front[::2] * [1.02, 1.1]},
        "labels": LABELS,
        "styles": STYLES,
        "objective_names": ["error", "latency"],
        "objective_units": ["%", "ms"],
        "lower": front.min(axis=0),
        "upper": np.array([30.0, 110.0]),
    }


@pytest.mark.parametrize("mode", ["staircase", "points"])
def test_auto_draws_the_crowded_objective_on_a_plain_log_axis(mode: str):
    with paper_style():
        fig = fronts_figure(mode=mode, **_kwargs())
        ax = data_axes(fig)[0]
        assert (ax.get_xscale(), ax.get_yscale()) == ("linear", "log")
        fig.canvas.draw()
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        # Plain numbers at 1, 2, 5 of each decade (no "2 x 10^1").
        assert set(labels) >= {"1", "2", "5", "10", "20", "50", "100"}
        assert all("times" not in t and "^" not in t for t in labels)
        assert ax.get_ylim() == pytest.approx(log_axis_limits(0.5, 110.0))
        assert layout_problems(fig) == []


def test_none_and_flags_choose_the_axes():
    with paper_style():
        ax = data_axes(fronts_figure(mode="points", log_axes="none", **_kwargs()))[0]
        assert (ax.get_xscale(), ax.get_yscale()) == ("linear", "linear")
        ax = data_axes(fronts_figure(mode="points", log_axes=[True, False], **_kwargs()))[0]
        assert (ax.get_xscale(), ax.get_yscale()) == ("log", "linear")
    bad = _kwargs() | {"lower": np.array([0.0, 0.5])}
    with pytest.raises(InputError, match="objective 0 cannot have a log axis"):
        fronts_figure(mode="points", log_axes=[True, False], **bad)
    with pytest.raises(InputError, match="2 flags"):
        fronts_figure(mode="points", log_axes=[True], **_kwargs())


def test_recipe_names_objectives_and_rejects_unknown_ones():
    entry = FrontsFigure(kind="fronts", log_axes=["latency"])
    ctx = SimpleNamespace(where="r.yaml", entry="figures[0] (fronts)")
    assert entry._log_flags(ctx, "p", ["error", "latency"]) == [False, True]
    assert "Logarithmic axes: latency." in entry.caption()
    with pytest.raises(FigureError, match=r"r\.yaml: field figures\[0\] \(fronts\)\.log_axes"):
        FrontsFigure(kind="fronts", log_axes=["params"])._log_flags(ctx, "p", ["error", "latency"])
