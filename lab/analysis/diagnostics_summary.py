"""Per (problem, algorithm variant): what the runs spent their budgets on, from the final table.

One row per problem and algorithm variant (``label``) with the mean over its runs of each diagnostic of
:mod:`lab.scoring.diagnostics` (runs of one comparison have equal budgets, so the mean of the
shares is the share of all their evaluations) and the table's base rate of degenerate
architectures, so that a reader can see whether an algorithm spent more of its budget on
architectures the scoring ignores than uniform sampling of the table would.
"""

from __future__ import annotations

import pandas as pd

from lab.problems import get_problem
from lab.scoring.diagnostics import DIAGNOSTIC_COLUMNS

#: Columns of :func:`diagnostics_summary`.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "problem", "label", "n_runs", *DIAGNOSTIC_COLUMNS, "table_degenerate_rate",
)  # fmt: skip


def diagnostics_summary(final: pd.DataFrame) -> pd.DataFrame:
    """The diagnostics table of an analysis' ``final`` table (one row per run).

    Returns:
        :data:`SUMMARY_COLUMNS`, sorted by problem and variant; ``table_degenerate_rate`` is
        the share of the problem's table rows that are degenerate (NaN for a problem that no
        longer loads). Empty when the final table has no diagnostics (an older analysis).
    """
    if final.empty or not set(DIAGNOSTIC_COLUMNS) <= set(final.columns):
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    grouped = final.groupby(["problem", "label"], sort=True)
    table = grouped[list(DIAGNOSTIC_COLUMNS)].mean()
    table.insert(0, "n_runs", grouped.size())
    table = table.reset_index()
    rates = {}
    for name in table["problem"].unique():
        try:
            problem = get_problem(str(name))
            rates[name] = float(problem.degenerate_all.mean())
        except Exception:
            rates[name] = float("nan")
    table["table_degenerate_rate"] = table["problem"].map(rates)
    return table[list(SUMMARY_COLUMNS)]
