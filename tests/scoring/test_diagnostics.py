"""Run diagnostics: the shares of a run's evaluations the scoring cannot credit."""

from __future__ import annotations

import numpy as np
import pytest

from lab.problems import get_problem
from lab.scoring.diagnostics import DIAGNOSTIC_COLUMNS, run_diagnostics


def test_diagnostics_of_a_hand_made_run() -> None:
    p = get_problem("anb-err-params-drop")
    degenerate = np.flatnonzero(p.degenerate_all)[:2]
    inside = np.flatnonzero(~p.degenerate_all & np.all(p.F_all < p.thresholds, axis=1))[:5]
    outside = np.flatnonzero(~p.degenerate_all & (p.F_all[:, 0] > p.thresholds[0]))[:3]
    rows = np.concatenate([inside, inside[:2], outside, degenerate])  # 12 evaluations
    F = p.F_all[rows]
    feasible = np.ones(len(rows), dtype=bool)
    feasible[-1] = False
    d = run_diagnostics(p, rows, F, feasible)
    assert d.share_degenerate == pytest.approx(2 / 12)
    # Independently: evaluations whose vector equals an earlier one's (the two repeats of
    # ``inside`` at least).
    repeats = sum(any((F[j] == F[i]).all() for j in range(i)) for i in range(len(F)))
    assert repeats >= 2
    assert d.share_duplicate == pytest.approx(repeats / 12)
    assert d.share_infeasible == pytest.approx(1 / 12)
    # Outside: the three beyond the error threshold and the feasible degenerate cell (chance).
    expected = (3 + int((p.F_all[degenerate[0]] > p.thresholds).any())) / 12
    assert d.share_outside_roi == pytest.approx(expected)
    assert list(d.as_dict()) == list(DIAGNOSTIC_COLUMNS)


def test_empty_run_has_zero_shares() -> None:
    p = get_problem("nbg-cora-err-lat")
    d = run_diagnostics(p, np.zeros(0, int), np.zeros((0, 2)), np.zeros(0, bool))
    assert set(d.as_dict().values()) == {0.0}
