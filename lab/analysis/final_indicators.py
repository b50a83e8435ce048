"""Final quality of every run: indicators of the set it returns.

A run returns its feasible evaluations that are non-dominated on the SEARCH metrics
(:func:`lab.scoring.returned_set`, equal search vectors all kept; nothing feasible: an empty
set). That set is scored by :func:`lab.scoring.score_returned`: judged on the
REPORT metrics against the problem's exact report front — hypervolume (absolute and divided by
the front's), IGD, IGD+, GD, additive epsilon, spacing and spread — and, for the generalization
gap, its hypervolume is also measured on the search metrics (absolute and divided by the exact
search front's). Everything is in normalized objective space (frozen ideal 0, nadir 1, reference
point 1.1), so values are dimensionless and comparable across runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lab.analysis.run_arrays import RUN_KEYS, ProblemRuns
from lab.scoring import SCORE_COLUMNS, Yardstick, returned_set, score_returned
from lab.scoring.diagnostics import DIAGNOSTIC_COLUMNS, run_diagnostics
from lab.stats import GeneralizationStats, generalization_of_set

#: Columns of the per-run table, after :data:`~lab.analysis.run_arrays.RUN_KEYS`.
FINAL_METRICS: tuple[str, ...] = (
    "n_evaluations", "n_feasible", *SCORE_COLUMNS, "algo_time_s", *DIAGNOSTIC_COLUMNS,
)  # fmt: skip

FINAL_COLUMNS: tuple[str, ...] = (*RUN_KEYS, *FINAL_METRICS)


@dataclass(frozen=True)
class FinalIndicators:
    """Per-run results of one problem.

    Attributes:
        table: one row per run with :data:`FINAL_COLUMNS` (see :func:`final_indicators`).
        returned: per run, indices of its returned set into the run's evaluations (``p_j``).
        generalization: per run, the search-versus-report statistics of its returned set.
    """

    table: pd.DataFrame
    returned: list[np.ndarray]
    generalization: list[GeneralizationStats]


def final_indicators(block: ProblemRuns) -> FinalIndicators:
    """Final indicators of every run of one problem.

    Returns:
        :class:`FinalIndicators` whose table has, per run: ``n_evaluations``, ``n_feasible``,
        ``n_returned`` (size of the returned set); on the report metrics of the returned set
        ``hv`` (w.r.t. the problem's reference point), ``hv_normalized`` (``hv`` / hypervolume of the
        exact report front), ``igd``, ``igd_plus``, ``gd``, ``eps_add`` (against the exact
        report front; ``inf`` for an empty set), ``spacing`` and ``spread`` (NaN when
        undefined); on the search metrics ``hv_search`` and ``hv_search_normalized`` (÷ the
        exact search front's hypervolume); ``hv_gap = hv_search_normalized - hv_normalized``
        (positive when the search metrics were optimistic), ``algo_time_s`` (total seconds the
        algorithm spent deciding, evaluations excluded) and the run's diagnostics
        (:data:`~lab.scoring.diagnostics.DIAGNOSTIC_COLUMNS`: shares of its evaluations that
        were degenerate, duplicate, infeasible or outside the region of interest).
    """
    yardstick = Yardstick.of(block.problem)
    rows: list[dict[str, float | int]] = []
    returned: list[np.ndarray] = []
    general: list[GeneralizationStats] = []
    for _, sl in block:
        S, R, feasible = block.S[sl], block.R[sl], block.feasible[sl]
        ret = returned_set(S, block.returnable[sl])
        scores = score_returned(S, R, ret, yardstick)
        rows.append(
            {
                "n_evaluations": S.shape[0],
                "n_feasible": int(feasible.sum()),
                **scores.as_dict(),
                "algo_time_s": float(block.algo_time_s[sl].sum()),
                **run_diagnostics(
                    block.problem,
                    block.rows[sl],
                    block.problem.F_all[block.rows[sl]],
                    feasible,
                ).as_dict(),
            }
        )
        returned.append(ret)
        general.append(
            generalization_of_set(
                ret, S[ret], R[ret], scores.hv_search_normalized, scores.hv_normalized
            )
        )
    metrics = pd.DataFrame(rows, columns=list(FINAL_METRICS))
    table = pd.concat([block.runs.reset_index(drop=True), metrics], axis=1)
    return FinalIndicators(table=table, returned=returned, generalization=general)
