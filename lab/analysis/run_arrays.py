"""An experiment's evaluations regrouped per problem as normalized numpy arrays.

Every analysis step works on one problem at a time: its runs' evaluations are normalized once
with the problem's frozen bounds (ideal 0, nadir 1) and stored back to back, so that a run is a
slice ``offsets[j]:offsets[j + 1]`` of a few contiguous arrays instead of a pandas group.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lab.errors import AnalysisError
from lab.problems import Problem, get_problem

#: Run-identifying columns carried into every per-run analysis table, in order.
RUN_KEYS: tuple[str, ...] = (
    "experiment", "run_id", "problem", "algorithm", "label", "params", "seed",
)  # fmt: skip

#: Relative tolerance when checking stored objectives against the problem's table.
_TABLE_RTOL = 1e-9


@dataclass(frozen=True)
class ProblemRuns:
    """The runs of one problem as contiguous arrays (``N`` evaluations of ``R`` runs in total).

    Attributes:
        problem: the problem (frozen bounds, exact fronts).
        runs: ``R`` rows of :data:`RUN_KEYS`, one per run, in array order.
        offsets: ``R + 1`` int64 start offsets; run ``j`` is ``offsets[j]:offsets[j + 1]``,
            its evaluations in evaluation order.
        S: ``N x m`` normalized search objectives (minimized; ideal 0, nadir 1).
        R: ``N x m`` normalized report objectives.
        feasible: ``N`` booleans (all constraints satisfied).
        returnable: ``N`` booleans, feasible and not degenerate: the evaluations a returned set
            may hold (:meth:`lab.problems.problem.Problem.returnable_mask`).
        rows: ``N`` table rows of the evaluated architectures.
        algo_time_s: ``N`` seconds the algorithm spent per evaluation.
    """

    problem: Problem
    runs: pd.DataFrame
    offsets: np.ndarray
    S: np.ndarray
    R: np.ndarray
    feasible: np.ndarray
    returnable: np.ndarray
    rows: np.ndarray
    algo_time_s: np.ndarray

    @property
    def n_runs(self) -> int:
        return len(self.runs)

    @property
    def ref(self) -> np.ndarray:
        """The problem's hypervolume reference point in normalized report space (``m``)."""
        return self.problem.normalized_reference("report")

    def run_slice(self, j: int) -> slice:
        return slice(int(self.offsets[j]), int(self.offsets[j + 1]))

    def __iter__(self) -> Iterator[tuple[int, slice]]:
        """``(j, slice)`` for every run."""
        return ((j, self.run_slice(j)) for j in range(self.n_runs))


def _objective_columns(df: pd.DataFrame, prefix: str, m: int, problem: str) -> np.ndarray:
    cols = [f"{prefix}{k}" for k in range(m)]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(
            f"problem {problem!r} has {m} objectives but the stored histories lack column(s) "
            f"{missing}; the runs were written by an incompatible version — rerun them"
        )
    return df[cols].to_numpy(dtype=np.float64)


def problem_runs(df: pd.DataFrame, problem_name: str) -> ProblemRuns:
    """Regroup the evaluations of one problem (a slice of :func:`lab.results.load_experiment`'s
    table) into a :class:`ProblemRuns`.

    Raises:
        AnalysisError: objective columns are missing, or the stored objectives of some run
            differ from the problem's table at the stored rows (the table was rebuilt since).
    """
    problem = get_problem(problem_name)
    part = df[df["problem"] == problem_name]
    # load_experiment returns each run's evaluations contiguously and in order; sort only if a
    # caller's frame does not.
    run_codes, _ = pd.factorize(part["run_id"], sort=False)
    order = part["order"].to_numpy()
    starts = np.flatnonzero(np.r_[True, run_codes[1:] != run_codes[:-1]])
    contiguous = len(starts) == run_codes.max(initial=-1) + 1
    ordered = contiguous and bool(np.all((np.diff(order) > 0) | (np.diff(run_codes) != 0)))
    if not ordered:
        part = part.sort_values(["run_id", "order"], kind="stable")
        run_codes, _ = pd.factorize(part["run_id"], sort=False)
        starts = np.flatnonzero(np.r_[True, run_codes[1:] != run_codes[:-1]])
    offsets = np.r_[starts, len(part)].astype(np.int64)
    runs = part.iloc[starts][list(RUN_KEYS)].reset_index(drop=True)
    m = problem.n_obj
    F = _objective_columns(part, "f", m, problem_name)
    F_report = _objective_columns(part, "r", m, problem_name)
    rows = part["row"].to_numpy(dtype=np.int64)
    feasible = part["feasible"].to_numpy(dtype=bool)
    if rows.size and (rows.min() < 0 or rows.max() >= problem.n_architectures):
        raise AnalysisError(
            f"problem {problem_name!r}: stored table rows outside [0, {problem.n_architectures})"
        )
    stale = ~np.isclose(F, problem.F_all[rows], rtol=_TABLE_RTOL, atol=0.0, equal_nan=True).all(
        axis=1
    )
    stale |= ~np.isclose(
        F_report, problem.F_report_all[rows], rtol=_TABLE_RTOL, atol=0.0, equal_nan=True
    ).all(axis=1)
    if stale.any():
        bad = part["run_id"].to_numpy()[np.argmax(stale)]
        raise AnalysisError(
            f"problem {problem_name!r}: {int(stale.sum())} stored evaluations (e.g. of run "
            f"{bad}) differ from the benchmark table {problem.table.name!r} at the same rows; "
            "the table changed since the runs — rerun them or restore the table"
        )
    return ProblemRuns(
        problem=problem,
        runs=runs,
        offsets=offsets,
        S=problem.normalize(F, "search"),
        R=problem.normalize(F_report),
        feasible=feasible,
        returnable=problem.returnable_mask(rows, feasible),
        rows=rows,
        algo_time_s=part["algo_time_s"].to_numpy(dtype=np.float64),
    )
