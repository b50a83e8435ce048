"""Search → report generalization per objective: how well the search metric of each objective
ranks the returned architectures on its report metric (Kendall's tau-b, Spearman's rho).

The hypervolume side (``hv_search``, ``hv``, ``hv_gap``) is per run and lives in the final
table (:mod:`lab.analysis.final_indicators`); this table is per run and objective.
"""

from __future__ import annotations

import pandas as pd

from lab.analysis.run_arrays import RUN_KEYS, ProblemRuns
from lab.stats import GeneralizationStats

GENERALIZATION_COLUMNS: tuple[str, ...] = (
    *RUN_KEYS, "objective", "objective_index", "search_metric", "report_metric", "n_returned",
    "kendall_tau", "spearman_rho",
)  # fmt: skip


def generalization_table(block: ProblemRuns, stats: list[GeneralizationStats]) -> pd.DataFrame:
    """One row per (run, objective) of one problem.

    Args:
        block: the problem's runs.
        stats: per run (in ``block`` order), the statistics of its returned set
            (:attr:`lab.analysis.final_indicators.FinalIndicators.generalization`).

    Returns:
        :data:`GENERALIZATION_COLUMNS`: the objective's name, index and its search / report
        metric columns of the table, the size of the returned set, and Kendall's tau-b and
        Spearman's rho between search and report values over the returned set (NaN with
        fewer than 3 architectures or a constant column; 1 when the search metric is the
        report metric).
    """
    specs = block.problem.spec.objectives
    records = []
    for j, g in enumerate(stats):
        keys = block.runs.iloc[j].to_dict()
        for k, obj in enumerate(specs):
            records.append(
                {
                    **keys,
                    "objective": obj.name,
                    "objective_index": k,
                    "search_metric": obj.search,
                    "report_metric": obj.report_metric,
                    "n_returned": g.n_returned,
                    "kendall_tau": float(g.kendall_tau[k]),
                    "spearman_rho": float(g.spearman_rho[k]),
                }
            )
    return pd.DataFrame(records, columns=list(GENERALIZATION_COLUMNS))
