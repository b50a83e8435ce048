"""Final-result summary of an experiment: per (problem, algorithm variant), the final normalized
hypervolume's median and interquartile range over seeds, from the run manifests."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from rich.table import Table

from lab.terminal_text import markup_safe

SUMMARY_COLUMNS = (
    "problem", "label", "runs", "failed", "hv_median", "hv_q25", "hv_q75", "hv_iqr",
    "wall_mean_s",
)  # fmt: skip


def final_summary(manifests: pd.DataFrame) -> pd.DataFrame:
    """One row per (problem, label) of a manifest table (:func:`lab.results.load_manifests`).

    ``runs``/``failed`` count runs by status; the ``hv_*`` columns (dimensionless, 1 = the exact
    front) are over successful runs, quartiles by numpy's linear interpolation;
    ``wall_mean_s`` is the mean wall time of a successful run in seconds.
    """
    if manifests.empty:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    rows = []
    for (problem, label), group in manifests.groupby(["problem", "label"], sort=True):
        ok = group[group["status"] == "ok"]
        hv = ok["hv_normalized"].astype(float)
        q25, q50, q75 = (hv.quantile(q) for q in (0.25, 0.5, 0.75))
        rows.append(
            {
                "problem": problem,
                "label": label,
                "runs": len(ok),
                "failed": int((group["status"] != "ok").sum()),
                "hv_median": q50,
                "hv_q25": q25,
                "hv_q75": q75,
                "hv_iqr": q75 - q25,
                "wall_mean_s": ok["wall_time_s"].astype(float).mean(),
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def summary_table(
    summary: pd.DataFrame,
    *,
    title: str = "Final normalized hypervolume",
    verdicts: Mapping[tuple[str, str], str] | None = None,
    caption: str | None = None,
) -> Table:
    """A rich table of :func:`final_summary`'s output, best median first within a problem;
    ``verdicts`` ((problem, label) -> text, e.g. the significance verdict against a baseline)
    adds a last column."""
    table = Table(title=title, caption=caption)
    for col in ("problem", "algorithm", "runs", "failed", "HV median", "HV IQR", "s / run"):
        table.add_column(col, justify="left" if col in ("problem", "algorithm") else "right")
    if verdicts is not None:
        table.add_column("vs baseline")
    ordered = summary.sort_values(["problem", "hv_median"], ascending=[True, False])
    for row in ordered.itertuples(index=False):
        has_hv = row.runs > 0
        table.add_row(
            markup_safe(row.problem),  # from manifests: untrusted text
            markup_safe(row.label),
            str(row.runs),
            f"[red]{row.failed}[/]" if row.failed else "0",
            f"{row.hv_median:.4f}" if has_hv else "-",
            f"{row.hv_iqr:.4f}" if has_hv else "-",
            f"{row.wall_mean_s:.2f}" if has_hv else "-",
            *([verdicts.get((row.problem, row.label), "-")] if verdicts is not None else []),
        )
    return table
