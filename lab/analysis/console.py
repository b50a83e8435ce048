"""A readable terminal summary of an analysis (rich): per problem, each algorithm variant's
normalized hypervolume (median, IQR, mean with its bootstrap interval), IGD+ and its verdict
against the baseline; then the ranking across problems."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from lab.analysis.result import AnalysisResult

_VERDICT_STYLE = {"better": "[green]better ▲[/]", "worse": "[red]worse ▼[/]", "tie": "tie"}


def _num(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}f}"


def _verdict_cell(row: pd.Series | None, is_baseline: bool) -> str:
    if is_baseline:
        return "[dim]baseline[/]"
    if row is None:
        return "-"
    return f"{_VERDICT_STYLE.get(row['verdict'], row['verdict'])} (p={row['p_holm']:.3g})"


def problem_tables(result: AnalysisResult) -> list[Table]:
    """One table per problem, variants sorted by median normalized hypervolume (best first)."""
    summary = result.summary
    hv = summary[summary["metric"] == "hv_normalized"].set_index(["problem", "label"])
    igd = summary[summary["metric"] == "igd_plus"].set_index(["problem", "label"])
    pw = result.pairwise
    verdicts = pw[(pw["metric"] == "hv_normalized") & (pw["family"] == "vs_baseline")]
    verdict_of = {(r["problem"], r["algorithm"]): r for _, r in verdicts.iterrows()}
    tables = []
    for problem in sorted(hv.index.get_level_values("problem").unique()):
        part = hv.loc[problem].sort_values("median", ascending=False)
        paired = result.info.get("paired", {}).get(problem)
        test = "Wilcoxon, paired by seed" if paired else "Mann-Whitney"
        table = Table(
            title=f"{escape(problem)}: normalized hypervolume of the returned set (report metrics)",
            caption=f"verdict vs {escape(str(result.baseline))}: {test}, Holm, "
            f"alpha={result.alpha:g}"
            if result.baseline
            else "no baseline: no verdicts",
        )
        for col in ("algorithm", "runs", "HV median", "IQR", "mean [95% CI]", "IGD+ median"):
            table.add_column(col, justify="left" if col == "algorithm" else "right")
        table.add_column("vs baseline")
        for label, row in part.iterrows():
            ci = f"{_num(row['mean'])} [{_num(row['ci_low'])}, {_num(row['ci_high'])}]"
            igd_median = (
                igd.loc[(problem, label), "median"] if (problem, label) in igd.index else None
            )
            table.add_row(
                escape(str(label)),
                str(int(row["count"])),
                _num(row["median"]),
                _num(row["iqr"]),
                ci,
                _num(igd_median),
                _verdict_cell(verdict_of.get((problem, label)), label == result.baseline),
            )
        tables.append(table)
    return tables


def ranking_renderable(result: AnalysisResult) -> Group | Text:
    """The ranking across problems: average ranks, Friedman p-value, critical difference."""
    entry = result.ranking.get("metrics", {}).get("hv_normalized")
    if entry is None:
        return Text("no ranking")
    if not entry.get("available"):
        return Text(f"Ranking across problems: not computed — {entry.get('reason')}")
    table = Table(
        title=f"Ranking across {entry['n_problems']} problems (median normalized hypervolume "
        "per problem; rank 1 = best)"
    )
    table.add_column("algorithm")
    table.add_column("average rank", justify="right")
    for label, rank in entry["average_ranks"].items():
        table.add_row(escape(label), f"{rank:.2f}")
    friedman = entry.get("friedman_p")
    lines = [
        f"Friedman p = {friedman:.3g}"
        if friedman is not None
        else "Friedman test: needs at least 3 algorithms",
        f"Nemenyi critical difference (alpha={result.ranking['alpha']:g}): "
        f"{entry['critical_difference']:.3f} ranks",
    ]
    cliques = entry.get("cliques") or []
    if cliques:
        lines.append(
            "not significantly different: " + "; ".join("{" + ", ".join(c) + "}" for c in cliques)
        )
    if entry.get("excluded_algorithms"):
        lines.append(f"left out (missing on some problem): {entry['excluded_algorithms']}")
    return Group(table, Text("\n".join(lines)))
