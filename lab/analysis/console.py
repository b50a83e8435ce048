"""A readable terminal summary of an analysis (rich): per problem, each algorithm variant's
normalized hypervolume on the report metrics (median, IQR, mean with its bootstrap interval) and
on the search metrics side by side, IGD+, and its verdicts against the baseline on both (with
A12 and its bootstrap interval); then the ranking across problems and the protocol's warnings."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Group
from rich.table import Table
from rich.text import Text

from lab.analysis.display_names import display_label, plain_text
from lab.analysis.result import AnalysisResult
from lab.analysis.significance import TESTED_METRICS
from lab.terminal_text import markup_safe

_VERDICT_STYLE = {"better": "[green]better ▲[/]", "worse": "[red]worse ▼[/]", "tie": "tie"}


def _name(label: object) -> str:
    """A variant as papers write it (``nsga2 pop_size=20`` -> ``NSGA-II pop_size=20``), safe
    for rich markup; the registry names stay in the analysis tables and files."""
    return markup_safe(plain_text(display_label(str(label))))


def _num(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}f}"


def _verdict_cell(row: pd.Series | None, is_baseline: bool) -> str:
    if is_baseline:
        return "[dim]baseline[/]"
    if row is None:
        return "-"
    text = f"{_VERDICT_STYLE.get(row['verdict'], row['verdict'])} (p={row['p_holm']:.3g}"
    if "a12_better" in row and not pd.isna(row["a12_better"]):
        better = row["a12_better"]
        low, high = row["a12_ci_low"], row["a12_ci_high"]
        if not TESTED_METRICS.get(row["metric"], True):  # lower is better: that of 1 - A12
            low, high = 1.0 - high, 1.0 - low
        text += f", A12={better:.2f} [{_num(low, 2)}, {_num(high, 2)}]"
    if "reachable" in row and not bool(row["reachable"]):
        text += ", [yellow]untestable[/]"
    return text + ")"


def problem_tables(result: AnalysisResult) -> list[Table]:
    """One table per problem, variants sorted by median report hypervolume (best first), the
    search-metric hypervolume and its verdict beside the report-metric ones."""
    summary = result.summary
    hv = summary[summary["metric"] == "hv_normalized"].set_index(["problem", "label"])
    hv_search = summary[summary["metric"] == "hv_search_normalized"].set_index(["problem", "label"])
    igd = summary[summary["metric"] == "igd_plus"].set_index(["problem", "label"])
    pw = result.pairwise
    base = pw[pw["family"] == "vs_baseline"]
    verdict_of = {(r["metric"], r["problem"], r["algorithm"]): r for _, r in base.iterrows()}
    tables = []
    for problem in sorted(hv.index.get_level_values("problem").unique()):
        part = hv.loc[problem].sort_values("median", ascending=False)
        paired = result.info.get("paired", {}).get(problem)
        test = "Wilcoxon, paired by seed" if paired else "Mann-Whitney"
        table = Table(
            title=f"{markup_safe(problem)}: normalized hypervolume of the returned set, judged on "
            "the report metrics and, beside it, on the search metrics it saw",
            caption=f"verdicts vs {_name(result.baseline)}: {test}, two-sided, Holm, "
            f"alpha={result.alpha:g}; A12 = probability of being better, 95% bootstrap interval"
            if result.baseline
            else "no baseline: no verdicts",
        )
        columns = (
            "algorithm", "runs", "report HV median", "IQR", "mean [95% CI]", "search HV median",
            "IGD+ median",
        )  # fmt: skip
        for col in columns:
            table.add_column(col, justify="left" if col == "algorithm" else "right")
        table.add_column("vs baseline (report HV)")
        table.add_column("vs baseline (search HV)")
        for label, row in part.iterrows():
            ci = f"{_num(row['mean'])} [{_num(row['ci_low'])}, {_num(row['ci_high'])}]"
            key = (problem, label)
            igd_median = igd.loc[key, "median"] if key in igd.index else None
            search_median = hv_search.loc[key, "median"] if key in hv_search.index else None
            is_base = label == result.baseline
            table.add_row(
                _name(label),
                str(int(row["count"])),
                _num(row["median"]),
                _num(row["iqr"]),
                ci,
                _num(search_median),
                _num(igd_median),
                _verdict_cell(verdict_of.get(("hv_normalized", problem, label)), is_base),
                _verdict_cell(verdict_of.get(("hv_search_normalized", problem, label)), is_base),
            )
        tables.append(table)
    return tables


def warnings_renderable(result: AnalysisResult) -> Text | None:
    """The protocol's warnings (untestable comparisons, unpaired runs), or ``None``."""
    warnings = result.info.get("warnings") or []
    if not warnings:
        return None
    return Text("\n".join(f"warning: {w}" for w in warnings), style="yellow")


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
        table.add_row(_name(label), f"{rank:.2f}")
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
            "not significantly different: "
            + "; ".join("{" + ", ".join(_name(x) for x in c) + "}" for c in cliques)
        )
    if entry.get("excluded_algorithms"):
        left_out = ", ".join(_name(x) for x in entry["excluded_algorithms"])
        lines.append(f"left out (missing on some problem): {left_out}")
    return Group(table, Text("\n".join(lines)))
