"""Fidelity of a surrogate benchmark: does a comparison of algorithms reach the same conclusions
on the surrogate table as on the true table?

Each algorithm runs with the same seeds and budget on both problems. Per run, the quality is the
normalized hypervolume of its returned architectures on a problem's report metrics
(:func:`lab.scoring.transfer_score`: HV divided by the HV of the problem's exact report front,
both in the problem's frozen normalization, reference point 1.1; architectures infeasible on that
problem left out). Reported:

* ``hv_true`` / ``hv_surrogate``: mean normalized HV on the true problem and on the surrogate
  problem, ``hv_diff = hv_surrogate - hv_true``;
* ``hv_surrogate_found_on_true``: the architectures returned on the surrogate, scored on the true
  table (what a user of the surrogate benchmark would actually get);
* the ranks of the algorithms by mean HV on each table, and Kendall's tau between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lab.algorithms.params import DEFAULT_N_INIT
from lab.errors import SurrogateError
from lab.problems.problem import Problem
from lab.scoring import transfer_score
from lab.surrogates.metrics import kendall_tau


@dataclass(frozen=True)
class FidelityReport:
    """Result of :func:`fidelity_check`.

    Attributes:
        runs: one row per (algorithm, seed): ``hv_true``, ``hv_surrogate``,
            ``hv_surrogate_found_on_true``.
        summary: one row per algorithm: the means, ``hv_diff``, ``rank_true``,
            ``rank_surrogate``.
        kendall_tau: agreement of the two rankings (``nan`` with fewer than 2 algorithms or
            when one ranking is constant).
    """

    runs: pd.DataFrame
    summary: pd.DataFrame
    kendall_tau: float

    @property
    def same_winner(self) -> bool:
        """Whether the best algorithm by mean HV is the same on both tables."""
        s = self.summary
        return bool(s["hv_true"].idxmax() == s["hv_surrogate"].idxmax())


def normalized_hv(problem: Problem, rows: np.ndarray) -> float:
    """Normalized HV of the report objectives of table ``rows`` (a result set) on ``problem``
    (:func:`lab.scoring.transfer_score`)."""
    return transfer_score(problem, rows).hv_normalized


def _row_map(source: Problem, target: Problem) -> np.ndarray:
    """For each row of ``source``'s table, the row of ``target``'s table with the same arch id."""
    order = np.argsort(target.arch_ids_all)
    pos = np.searchsorted(target.arch_ids_all, source.arch_ids_all, sorter=order)
    pos = np.minimum(pos, len(order) - 1)
    rows = order[pos]
    if not np.array_equal(target.arch_ids_all[rows], source.arch_ids_all):
        raise SurrogateError(
            f"tables {source.table.name!r} and {target.table.name!r} do not hold the same "
            "architectures; a fidelity check needs the surrogate table of the true one"
        )
    return rows


def fidelity_check(
    true_problem: Problem,
    surrogate_problem: Problem,
    algorithms: Sequence[str],
    *,
    budget: int,
    seeds: Sequence[int],
    n_init: int = DEFAULT_N_INIT,
    batch_size: int = 1,
) -> FidelityReport:
    """Run ``algorithms`` on both problems with the same seeds and compare (see module doc)."""
    from lab.algorithms.registry import make_algorithm

    if true_problem.objective_names != surrogate_problem.objective_names:
        raise SurrogateError(
            f"problems have different objectives: {true_problem.objective_names} vs "
            f"{surrogate_problem.objective_names}"
        )
    to_true = _row_map(surrogate_problem, true_problem)
    runs = []
    for name in algorithms:
        for seed in seeds:
            row = {"algorithm": name, "seed": int(seed)}
            for key, problem in (("true", true_problem), ("surrogate", surrogate_problem)):
                algo = make_algorithm(
                    name, problem, budget=budget, seed=int(seed), n_init=n_init,
                    batch_size=batch_size,
                )  # fmt: skip
                algo.run()
                found = algo.history.rows[algo.result_rows()]
                row[f"hv_{key}"] = normalized_hv(problem, found)
                if key == "surrogate":
                    row["hv_surrogate_found_on_true"] = normalized_hv(true_problem, to_true[found])
            runs.append(row)
    runs_df = pd.DataFrame(runs)
    summary = runs_df.groupby("algorithm")[
        ["hv_true", "hv_surrogate", "hv_surrogate_found_on_true"]
    ].mean()
    summary["hv_diff"] = summary["hv_surrogate"] - summary["hv_true"]
    summary["rank_true"] = summary["hv_true"].rank(ascending=False)
    summary["rank_surrogate"] = summary["hv_surrogate"].rank(ascending=False)
    tau = float("nan")
    if (
        len(summary) >= 2
        and summary["hv_true"].nunique() > 1
        and summary["hv_surrogate"].nunique() > 1
    ):
        tau = kendall_tau(summary["hv_true"].to_numpy(), summary["hv_surrogate"].to_numpy())
    return FidelityReport(runs_df, summary, tau)
