"""``lab analyze``: analyse an experiment of the results store (indicators, traces,
generalization, transfer, statistics) and write its tables and LaTeX tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from lab.cli import options
from lab.cli.console import make_console
from lab.terminal_text import markup_safe

if TYPE_CHECKING:
    import pandas as pd

    from lab.analysis import AnalysisResult

console = make_console()


def analyze_command(
    experiment: str = typer.Argument(..., help="Experiment name (see `lab results ls`)."),
    baseline: str | None = options.BASELINE,
    alpha: float = options.ALPHA,
    results_dir: Path | None = options.RESULTS_DIR,
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the bootstrap intervals."),
    trace_points: int = typer.Option(
        20, "--trace-points", min=1, help="Log-spaced points of the anytime traces."
    ),
    transfer: bool = typer.Option(
        True,
        "--transfer/--no-transfer",
        help="Score returned sets on the other datasets/devices of the same table.",
    ),
    allow_missing: bool = typer.Option(
        False,
        "--allow-missing",
        help="Analyse the intact runs even if runs of the design are missing or damaged "
        "(they are listed).",
    ),
) -> None:
    """Final indicators, anytime traces, generalization, transfer, summaries over seeds,
    pairwise tests and rankings; writes Parquet/CSV/LaTeX to <experiment>/analysis/."""
    from lab.analysis import analyze_experiment

    with console.status(f"analysing {experiment} ..."):
        result = analyze_experiment(
            experiment,
            root=results_dir,
            baseline=baseline,
            alpha=alpha,
            seed=seed,
            trace_points=trace_points,
            transfer=transfer,
            allow_missing=allow_missing,
        )
    print_analysis(result, experiment)


def diagnostics_renderable(result: AnalysisResult) -> Table | None:
    """The runs' diagnostics (mean shares of their evaluations per problem and algorithm),
    or ``None`` for an analysis without them."""
    from lab.analysis.diagnostics_summary import diagnostics_summary

    return diagnostics_table(diagnostics_summary(result.final))


def diagnostics_table(summary: pd.DataFrame) -> Table | None:
    """A rich table of :func:`lab.analysis.diagnostics_summary.diagnostics_summary`'s output
    (``None`` when it is empty)."""
    if summary.empty:
        return None
    table = Table(
        "problem", "algorithm", "runs", "degenerate", "duplicate", "infeasible",
        "outside region", "table's degenerate rate",
        title="what the budgets were spent on (share of evaluations, mean over runs)",
    )  # fmt: skip
    for row in summary.itertuples(index=False):
        table.add_row(
            markup_safe(str(row.problem)), markup_safe(str(row.label)), str(row.n_runs),
            f"{row.share_degenerate:.1%}", f"{row.share_duplicate:.1%}",
            f"{row.share_infeasible:.1%}", f"{row.share_outside_roi:.1%}",
            f"{row.table_degenerate_rate:.1%}",
        )  # fmt: skip
    return table


def print_analysis(result: AnalysisResult, experiment: str) -> None:
    """What ``lab analyze`` prints: per-problem tables with the significance verdicts, the
    ranking, the protocol's warnings and where the files went."""
    from lab.analysis.console import problem_tables, ranking_renderable, warnings_renderable

    info = result.info
    console.print(
        f"[bold]{markup_safe(experiment)}[/]: {info['n_runs']} runs, {len(info['problems'])} "
        f"problem(s), {len(info['algorithms'])} algorithm variant(s); baseline: "
        f"{markup_safe(result.baseline or 'none')}"
    )
    if info.get("dropped_runs"):
        console.print(
            f"[yellow]{len(info['dropped_runs'])} run(s) of the design missing or damaged, "
            "left out (--allow-missing):[/]"
        )
        for line in info["dropped_runs"]:
            console.print(f"  {markup_safe(line)}", highlight=False)
    if info["n_failed"]:
        console.print(
            f"[yellow]{info['n_failed']} failed run(s) left out[/] "
            f"(see `lab results show {experiment} --failed`)"
        )
    for table in problem_tables(result):
        console.print(table)
    diagnostics = diagnostics_renderable(result)
    if diagnostics is not None:
        console.print(diagnostics)
    console.print(ranking_renderable(result))
    warnings = warnings_renderable(result)
    if warnings is not None:
        console.print(warnings)
    total = sum(info["timings_s"].values())
    console.print(
        f"wrote {len(result.paths)} files to {result.directory} in {total:.1f} s", highlight=False
    )
