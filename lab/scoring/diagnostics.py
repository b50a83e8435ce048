"""What a run spent its budget on: the share of its evaluations that the scoring cannot credit.

A fair comparison needs every algorithm to spend its budget on architectures the scoring counts.
For each run this measures, over its evaluations in order:

``share_degenerate``
    degenerate architectures by the space's rule (outside the search space unless the problem
    includes them; a stored run from before that rule may hold some);
``share_duplicate``
    evaluations whose search objective vector equals an earlier evaluation's of the same run
    (an isomorph whose result the table copied, or a different network with the same values);
``share_infeasible``
    evaluations that violate a constraint;
``share_outside_roi``
    feasible evaluations worse than a declared threshold in some search objective (outside the
    problem's region of interest: they add no hypervolume).

Each is a fraction of the run's evaluations (``0`` for an empty run).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from lab.problems.problem import Problem

#: The diagnostics' names, in display order.
DIAGNOSTIC_COLUMNS: tuple[str, ...] = (
    "share_degenerate",
    "share_duplicate",
    "share_infeasible",
    "share_outside_roi",
)


@dataclass(frozen=True)
class RunDiagnostics:
    """The diagnostics of one run (fractions of its evaluations, see the module docstring)."""

    share_degenerate: float
    share_duplicate: float
    share_infeasible: float
    share_outside_roi: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def run_diagnostics(
    problem: Problem, rows: np.ndarray, F: np.ndarray, feasible: np.ndarray
) -> RunDiagnostics:
    """Diagnostics of one run.

    Args:
        problem: the run's problem (degenerate rule, thresholds).
        rows: ``n`` table rows evaluated, in order.
        F: ``n x m`` search objectives of those evaluations (raw, minimized; or normalized, as
            long as ``problem.thresholds`` are compared in the same units: raw here).
        feasible: ``n`` booleans as recorded.
    """
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    if n == 0:
        return RunDiagnostics(0.0, 0.0, 0.0, 0.0)
    F = np.asarray(F, dtype=np.float64).reshape(n, -1)
    feasible = np.asarray(feasible, dtype=bool)
    _, first = np.unique(F, axis=0, return_index=True)
    outside = feasible & np.any(F > problem.thresholds, axis=1)
    return RunDiagnostics(
        share_degenerate=float(problem.degenerate_all[rows].mean()),
        share_duplicate=float(1.0 - len(first) / n),
        share_infeasible=float((~feasible).mean()),
        share_outside_roi=float(outside.mean()),
    )
