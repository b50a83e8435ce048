"""Front figures draw every returned point: points outside the box (ideal point to reference
point) sit on its edge with a hollow marker, inside the axes, for 2, 3 and 4+ objectives."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba

from lab.figures.clipping import OUTSIDE_LABEL, axis_limits, clip_to_box
from lab.figures.fronts import fronts_figure
from lab.figures.fronts_many import parallel_coordinates_figure, per_algorithm_figure
from lab.figures.layout import data_axes
from lab.figures.style import StyleMap, paper_style

LABELS = ["random", "nsga2"]
STYLES = StyleMap((lab, lab) for lab in LABELS)


def _series(m: int) -> dict[str, np.ndarray]:
    """Random: 6 points, 4 of them beyond the reference point 1 (as in a run with a small
    returned set); NSGA-II: 3 points, all inside."""
    inside = np.full((2, m), 0.5)
    inside[1, 0] = 0.2
    beyond = np.full((4, m), 0.4)
    beyond[0, 0], beyond[1, 1], beyond[2, m - 1], beyond[3, :] = 1.6, 2.5, 3.0, 1.2
    return {"random": np.vstack([inside, beyond]), "nsga2": np.full((3, m), 0.3) + [0.1, 0, 0][:1]}


def _kwargs(m: int) -> dict:
    return {
        "true_front": np.full((2, m), 0.1),
        "series": _series(m),
        "labels": LABELS,
        "styles": STYLES,
        "objective_names": [f"o{k}" for k in range(m)],
        "objective_units": [""] * m,
        "lower": np.zeros(m),
        "upper": np.ones(m),
    }


def test_clip_to_box_moves_outside_points_onto_the_edge():
    pts = np.array([[0.5, 0.5], [1.5, 0.2], [-0.1, 3.0]])
    clipped, outside = clip_to_box(pts, np.zeros(2), np.ones(2))
    assert outside.tolist() == [False, True, True]
    assert clipped.tolist() == [[0.5, 0.5], [1.0, 0.2], [0.0, 1.0]]
    assert axis_limits(0.0, 2.0) == pytest.approx((-0.1, 2.1))


def _scatter_points(ax) -> list[tuple[np.ndarray, bool]]:
    """``(offsets, hollow)`` of every scatter of ``ax`` except the grey true front."""
    out = []
    for c in ax.collections:
        if not isinstance(c, PathCollection) or not len(c.get_offsets()):
            continue
        faces = c.get_facecolors()
        if len(faces) and np.allclose(faces[0], to_rgba("#9A9A9A")):
            continue  # the exact front
        out.append((np.asarray(c.get_offsets()), len(faces) == 0 or faces[0][3] == 0))
    return out


def _inside_view(ax, xy: np.ndarray) -> bool:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return bool(np.all((xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)))


def test_three_objective_panels_show_every_returned_point():
    with paper_style():
        fig = per_algorithm_figure(**_kwargs(3))
    axes = data_axes(fig)
    assert [ax.get_title() for ax in axes] == ["Random", "NSGA-II"]
    for ax, lab, n_out in zip(axes, LABELS, (4, 0), strict=True):
        drawn = _scatter_points(ax)
        assert sum(len(xy) for xy, _ in drawn) == len(_series(3)[lab])
        assert sum(len(xy) for xy, hollow in drawn if hollow) == n_out
        assert all(_inside_view(ax, xy) for xy, _ in drawn)
        # The hollow markers sit on the box edge: the reference point is 1 on every axis.
        for xy, hollow in drawn:
            if hollow:
                assert np.all(xy <= 1.0) and np.any(xy == 1.0, axis=1).sum() >= 3
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert OUTSIDE_LABEL in legend


def test_two_objective_points_and_staircases_show_every_returned_point():
    for mode in ("points", "staircase"):
        with paper_style():
            fig = fronts_figure(mode=mode, **_kwargs(2))
        ax = data_axes(fig)[0]
        hollow = [ln for ln in ax.lines if ln.get_markerfacecolor() == "none"]
        assert sum(len(ln.get_xdata()) for ln in hollow) == 4
        for ln in hollow:
            xy = np.c_[ln.get_xdata(), ln.get_ydata()]
            assert _inside_view(ax, xy) and np.all(np.any(xy == 1.0, axis=1))


def test_parallel_coordinates_mark_values_beyond_the_reference_point():
    m = 4
    with paper_style():
        fig = parallel_coordinates_figure(**_kwargs(m))
    ax = data_axes(fig)[0]
    hollow = [ln for ln in ax.lines if ln.get_markerfacecolor() == "none"]
    # 4 coordinates of random's points lie beyond 1 (one point has all four): 3 + 4.
    assert sum(len(ln.get_ydata()) for ln in hollow) == 3 + m
    low, high = ax.get_ylim()
    assert all(np.all(np.asarray(ln.get_ydata()) <= 1.0) for ln in ax.lines)
    assert high > 1.0 and low < 0.0
