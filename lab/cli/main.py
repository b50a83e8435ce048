"""``lab``: the laboratory's command line. Subcommands live in one module each."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from lab.benchmarks.locations import DATA_DIR_ENV
from lab.cli.algorithms import algorithms_command
from lab.cli.analyze import analyze_command
from lab.cli.bench import bench_app
from lab.cli.compare import compare_command
from lab.cli.error_report import DEBUG_ENV, LabGroup, print_error
from lab.cli.figures import figures_command
from lab.cli.help_text import tidy_help
from lab.cli.report import report_command
from lab.cli.results import results_app
from lab.cli.run import run_command
from lab.cli.surrogate import surrogate_app
from lab.errors import LabError

app = typer.Typer(
    cls=LabGroup,
    name="lab",
    help="Multi-objective NAS laboratory: benchmarks, searches, analysis and figures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(bench_app, name="bench")
app.add_typer(results_app, name="results")
app.add_typer(surrogate_app, name="surrogate")
app.command("run")(run_command)
app.command("analyze")(analyze_command)
app.command("compare")(compare_command)
app.command("figures")(figures_command)
app.command("report")(report_command)
app.command("algorithms")(algorithms_command)


@app.callback()
def main(
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help=f"Folder of built benchmark tables (default: ${DATA_DIR_ENV} or the user cache).",
    ),
    debug: bool = typer.Option(
        False, "--debug", help=f"Show the traceback of an error (also ${DEBUG_ENV}=1)."
    ),
) -> None:
    """Global options."""
    if data_dir is not None:
        os.environ[DATA_DIR_ENV] = str(data_dir)
    if debug:
        os.environ[DEBUG_ENV] = "1"


# Last, once every command is registered: help paragraphs without the source's line breaks.
tidy_help(app)


def run() -> None:
    """Entry point. Errors of commands are reported by :class:`~lab.cli.error_report.LabGroup`
    (one message, exit status 2 for bad input or files, 1 for a defect); this catches the lab's
    errors raised outside a command as well."""
    try:
        app()
    except LabError as exc:
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            raise
        print_error(str(exc))
        raise SystemExit(2) from None
