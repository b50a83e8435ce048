"""Command-line options that several commands share, declared once so that their flags and help
read the same everywhere."""

from __future__ import annotations

import typer

from lab.results.store import RESULTS_DIR_ENV

RESULTS_DIR = typer.Option(
    None,
    "--results-dir",
    help=f"Results store root (default: ${RESULTS_DIR_ENV} or ./results).",
)
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar or per-run lines.")
BASELINE = typer.Option(
    None,
    "--baseline",
    help="Algorithm variant the others are tested against (default: random, if present).",
)
ALPHA = typer.Option(
    0.05, "--alpha", min=0.0, max=1.0, help="Family-wise significance level (Holm)."
)
