"""``lab results``: list experiments in the results store and show one as a summary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from lab.cli.console import make_console
from lab.errors import ConfigError
from lab.results.store import RESULTS_DIR_ENV
from lab.terminal_text import markup_safe

if TYPE_CHECKING:
    import pandas as pd

results_app = typer.Typer(
    help="Query the results store (one folder per experiment).", no_args_is_help=True
)
console = make_console()

_ROOT_HELP = f"Results store root (default: ${RESULTS_DIR_ENV} or ./results)."


@results_app.command("ls")
def ls(
    results_dir: Path | None = typer.Option(None, "--results-dir", help=_ROOT_HELP),
) -> None:
    """Experiments in the store with their run counts."""
    from lab.results.query import list_experiments
    from lab.results.store import results_root

    df = list_experiments(results_dir)
    table = Table(title=f"Experiments in {markup_safe(results_root(results_dir))}")
    for col in df.columns:
        table.add_column(col)
    for row in df.itertuples(index=False):
        table.add_row(*(markup_safe(v) for v in row))  # folder names: untrusted text
    console.print(table)


def _print_issues(
    experiment: str, results_dir: Path | None, *, brief: bool, verification=None
) -> int:
    """Print the damaged, partial and foreign files, the missing runs of the design, two
    designs in one experiment, and runs whose recorded values do not recompute
    (``verification``: :func:`lab.experiments.verify.verify_runs`, computed if ``None``) or
    whose table changed; returns how many problems were found (locked runs and stale locks
    are shown, not counted)."""
    from lab.experiments.design import check_design
    from lab.experiments.verify import verify_runs
    from lab.results.conflicts import design_conflicts
    from lab.results.integrity import PROBLEM_KINDS, check_runs_folder
    from lab.results.store import ResultsStore

    store = ResultsStore(results_dir)
    issues = check_runs_folder(store, experiment)
    design = check_design(store, experiment)
    conflicts = design_conflicts(store.manifests(experiment))
    check = verification if verification is not None else verify_runs(store, experiment)
    problems = [i for i in issues if i.kind in PROBLEM_KINDS]
    rows = [(i.path.name, i.kind, i.what) for i in issues if not brief or i.kind in PROBLEM_KINDS]
    rows += [(design.describe(r), "missing", "run of the design without a manifest; `lab run` "
              "redoes it") for r in design.missing]  # fmt: skip
    rows += [(str(p), "unreadable sweep", e) for p, e in design.unreadable.items()]
    rows += [(", ".join(c.sweeps), "two designs", c.describe(experiment)) for c in conflicts]
    rows += [(f"{r}.json", "inconsistent", w) for r, w in sorted(check.inconsistent.items())]
    rows += [(f"{r}.json", "stale", w) for r, w in sorted(check.stale.items())]
    if not brief:
        rows += [(p, "unverified", f"{w}; its runs' values were not recomputed")
                 for p, w in sorted(check.unverified.items())]  # fmt: skip
    n_problems = (
        len(problems) + len(design.missing) + len(design.unreadable) + len(conflicts)
        + len(check.inconsistent) + len(check.stale)
    )  # fmt: skip
    if rows:
        table = Table(title=f"{experiment}: files and runs not counted as intact runs")
        for col in ("file or run", "kind", "what is wrong"):
            table.add_column(col)
        for row in rows:
            table.add_row(*(markup_safe(str(v)) for v in row))
        console.print(table)
        if brief and n_problems:
            console.print(
                f"[yellow]{n_problems} problem(s) in the store[/]: they are not counted above "
                f"(details: `lab results check {experiment}`)"
            )
    return n_problems


@results_app.command("check")
def check(
    experiment: str = typer.Argument(..., help="Experiment name (see `lab results ls`)."),
    results_dir: Path | None = typer.Option(None, "--results-dir", help=_ROOT_HELP),
) -> None:
    """List damaged, partial and foreign files of an experiment and the runs of its design
    that are missing; exit status 1 if there is any. Warns (without failing) where the library
    versions the runs recorded differ from the running ones."""
    from lab.results.query import load_manifests

    manifests = load_manifests(experiment, root=results_dir)
    n_problems = _print_issues(experiment, results_dir, brief=False)
    _print_version_differences(experiment, results_dir)
    n_ok = int((manifests["status"] == "ok").sum()) if len(manifests) else 0
    console.print(
        f"{experiment}: {len(manifests)} run(s) recorded ({n_ok} ok, {len(manifests) - n_ok} "
        f"failed); {n_problems} problem(s)",
        highlight=False,
    )
    if n_problems:
        raise typer.Exit(1)


def _print_version_differences(experiment: str, results_dir: Path | None) -> None:
    """Warn where the runs' recorded library versions differ from the running ones (a rerun
    of the same config may then give another history); not counted as a problem."""
    from lab.experiments.verify import version_differences
    from lab.results.store import ResultsStore

    differences = version_differences(ResultsStore(results_dir).manifests(experiment))
    for name, what in differences.items():
        console.print(
            f"[yellow]warning[/]: {markup_safe(name)}: {markup_safe(what)}; the same config "
            "may not give the same history with other versions"
        )


def diagnostics_table(manifests: pd.DataFrame) -> Table | None:
    """Mean shares of the runs' evaluations that were degenerate, duplicate, infeasible or
    outside the region of interest, per (problem, algorithm), as recomputed from the histories;
    ``None`` when none could be recomputed."""
    from lab.analysis.diagnostics_summary import diagnostics_summary
    from lab.cli.analyze import diagnostics_table as render
    from lab.scoring.diagnostics import DIAGNOSTIC_COLUMNS

    if manifests.empty or not set(DIAGNOSTIC_COLUMNS) <= set(manifests.columns):
        return None
    return render(diagnostics_summary(manifests.dropna(subset=list(DIAGNOSTIC_COLUMNS))))


@results_app.command("show")
def show(
    experiment: str = typer.Argument(..., help="Experiment name (see `lab results ls`)."),
    results_dir: Path | None = typer.Option(None, "--results-dir", help=_ROOT_HELP),
    runs: bool = typer.Option(False, "--runs", help="Also list every run."),
    failed: bool = typer.Option(False, "--failed", help="Also show the errors of failed runs."),
    export: Path | None = typer.Option(
        None, "--export", help="Write the tidy table (every evaluation) to a .parquet or .csv file."
    ),
) -> None:
    """Final normalized hypervolume per problem and algorithm (median, IQR over seeds),
    recomputed from each run's history where its benchmark table is available here."""
    from lab.experiments.verify import verified_manifests
    from lab.results.manifest_summary import final_summary, summary_table
    from lab.results.query import load_experiment, load_manifests
    from lab.results.store import ResultsStore

    manifests, verification = verified_manifests(
        ResultsStore(results_dir), experiment, load_manifests(experiment, root=results_dir)
    )
    console.print(
        summary_table(
            final_summary(manifests),
            title=f"{experiment}: final normalized hypervolume (median and IQR over seeds)",
        )
    )
    diagnostics = diagnostics_table(manifests)
    if diagnostics is not None:
        console.print(diagnostics)
    _print_issues(experiment, results_dir, brief=True, verification=verification)
    if runs:
        table = Table(title=f"{experiment}: runs")
        cols = ("problem", "label", "seed", "status", "hv_normalized", "wall_time_s", "run_id")
        for col in cols:
            table.add_column(col)
        for row in manifests.itertuples(index=False):
            values = [getattr(row, c) for c in cols]
            table.add_row(*(f"{v:.4f}" if isinstance(v, float) else markup_safe(v) for v in values))
        console.print(table)
    if failed:
        from lab.results.store import ResultsStore

        store = ResultsStore(results_dir)
        for run_id in manifests.loc[manifests["status"] != "ok", "run_id"]:
            manifest = store.read_manifest(experiment, run_id) or {}
            config = manifest.get("config") or {}
            error = manifest.get("error") or {}
            console.print(
                f"[red]failed[/] {markup_safe(str(config.get('problem')))} "
                f"{markup_safe(str(config.get('label')))} seed {markup_safe(config.get('seed'))} "
                f"[dim]{markup_safe(run_id)}[/]"
            )
            console.print(markup_safe(error.get("traceback") or str(error)), highlight=False)
    if export is not None:
        if export.suffix not in (".parquet", ".csv"):
            raise ConfigError(f"--export {export}: use a .parquet or .csv file name")
        tidy = load_experiment(experiment, root=results_dir)
        from lab.fileio import atomic_write

        if export.suffix == ".parquet":
            atomic_write(export, lambda tmp: tidy.to_parquet(tmp, index=False))
        else:
            atomic_write(export, lambda tmp: tidy.to_csv(tmp, index=False))
        console.print(
            f"wrote {len(tidy)} evaluations of {tidy['run_id'].nunique()} runs to {export}"
        )
