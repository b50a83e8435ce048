"""``lab report``: one self-contained HTML page of an experiment."""

from __future__ import annotations

from pathlib import Path

import typer

from lab.cli.console import make_console
from lab.results.store import RESULTS_DIR_ENV
from lab.terminal_text import markup_safe

console = make_console()


def report_command(
    experiment: str = typer.Argument(..., help="Experiment of the results store."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="HTML file to write (default: <store>/<experiment>/report.html)."
    ),
    results_dir: Path | None = typer.Option(
        None,
        "--results-dir",
        help=f"Results store root (default: ${RESULTS_DIR_ENV} or ./results).",
    ),
    baseline: str | None = typer.Option(
        None, "--baseline", help="Baseline of the verdicts (default: the analysis', else random)."
    ),
    width: str = typer.Option(
        "double", "--width", help="Figure width: single or double column, or inches."
    ),
    recipe_dir: Path = typer.Option(
        Path("paper_figures"),
        "--recipe-dir",
        help="Folder of figure recipes: the first whose 'experiment' is this one gives the "
        "report's figures (default figures otherwise).",
    ),
) -> None:
    """Write one self-contained HTML page of an experiment: the figures of its recipe (or the
    default ones), per-problem tables with verdicts on HV and IGD+ and effect sizes, each
    problem's audit verdict, the run diagnostics, the ranking, failed and missing runs, the
    sweep config and the versions and checksums from the run manifests; nothing is fetched when
    it is opened, so it can be attached to a review."""
    from lab.figures.report import write_report

    with console.status(f"writing the report of {experiment} ..."):
        path = write_report(
            experiment,
            out,
            root=results_dir,
            baseline=baseline,
            width=_width(width),
            recipe_dirs=[recipe_dir],
        )
    size_kb = path.stat().st_size / 1024
    console.print(f"[bold]Report[/] {markup_safe(str(path))} ({size_kb:.0f} kB)", soft_wrap=True)


def _width(text: str) -> str | float:
    if text in ("single", "double"):
        return text
    try:
        return float(text)
    except ValueError:
        from lab.errors import ConfigError

        raise ConfigError(
            f"--width: {text!r} is neither single, double nor a number of inches"
        ) from None
