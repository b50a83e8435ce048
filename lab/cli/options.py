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


def show_flags_as_flags() -> None:
    """``--help`` lists an on/off flag (``--debug``, ``--transfer/--no-transfer``, ``--help``)
    without a value type: typer's rich help shows ``<bool>`` beside every flag, which reads as
    if the flag took a value (``--debug true``). Applied once, before the app runs (idempotent);
    options that take values keep their types."""
    from typer.core import TyperOption

    if getattr(TyperOption.display_type_rich, "_lab_flags", False):
        return
    original = TyperOption.display_type_rich

    def display_type_rich(self, ctx):  # same signature as typer's
        if self.is_flag and not self.count and self.metavar is None:
            return None
        return original(self, ctx)

    display_type_rich._lab_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
