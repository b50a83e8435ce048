"""``lab``: the laboratory's command line. Subcommands live in one module each."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console

from lab.benchmarks.locations import DATA_DIR_ENV
from lab.cli.analyze import analyze_command
from lab.cli.bench import bench_app
from lab.cli.figures import figures_command
from lab.cli.help_text import tidy_help
from lab.cli.results import results_app
from lab.cli.run import run_command
from lab.cli.surrogate import surrogate_app
from lab.errors import LabError

app = typer.Typer(
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
app.command("figures")(figures_command)


@app.callback()
def main(
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help=f"Folder of built benchmark tables (default: ${DATA_DIR_ENV} or the user cache).",
    ),
) -> None:
    """Global options."""
    if data_dir is not None:
        os.environ[DATA_DIR_ENV] = str(data_dir)


# Last, once every command is registered: help paragraphs without the source's line breaks.
tidy_help(app)


def run() -> None:
    """Entry point that turns the lab's own errors into one readable line and exit code 2.

    Click (standalone mode) handles usage errors and ``typer.Exit`` codes itself; only the
    lab's own errors are caught here, so users never see a traceback for bad input.
    """
    try:
        app()
    except LabError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
        raise SystemExit(2) from None
