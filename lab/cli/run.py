"""``lab run``: execute a sweep config into the results store (resumable)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from lab.cli import options
from lab.cli.console import make_console
from lab.terminal_text import markup_safe

if TYPE_CHECKING:
    import pandas as pd

    from lab.experiments.config import SweepConfig
    from lab.experiments.runner import SweepReport

console = make_console()


def run_command(
    config: Path = typer.Argument(
        ..., help="Sweep config (YAML), e.g. experiments/quickstart.yaml."
    ),
    executor: str = typer.Option("local", "--executor", "-e", help="local (process pool) or ray."),
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-w",
        help="Runs at once (local default: CPUs / threads_per_run; 1 runs "
        "in this process; ray default: the cluster's CPUs).",
    ),
    address: str | None = typer.Option(
        None,
        "--address",
        help="Ray cluster to join (e.g. auto, ray://head:10001); default: start "
        "a local Ray instance.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List the runs and their state; run nothing (imports nothing)."
    ),
    allow_imports: bool = typer.Option(
        False,
        "--allow-imports",
        help="Import the modules the config lists under 'imports' (they are code: only for a "
        "config you trust). Without it such a config is refused.",
    ),
    results_dir: Path | None = options.RESULTS_DIR,
    quiet: bool = options.QUIET,
) -> None:
    """Run every run of a sweep not yet complete in the store; print the final summary.

    Rerunning skips completed runs and retries failed ones (and reruns runs whose benchmark
    table changed since). Exits with status 1 if a run failed. A config's 'imports' run only
    with --allow-imports, never on --dry-run.
    """
    from lab.errors import ConfigError
    from lab.experiments.config import load_config, refuse_imports_on_dry_run
    from lab.experiments.executors import EXECUTORS
    from lab.experiments.expansion import expand
    from lab.experiments.runner import plan_table, run_sweep
    from lab.problems.registry import audit_warnings
    from lab.results.store import ResultsStore

    if executor not in EXECUTORS:
        raise ConfigError(
            f"--executor: unknown executor {executor!r}; valid: {', '.join(EXECUTORS)}"
        )
    if dry_run:
        refuse_imports_on_dry_run(config)
    sweep = load_config(config, allow_imports=allow_imports and not dry_run)
    store = ResultsStore(results_dir)
    for warning in audit_warnings(list(sweep.problems)):
        console.print(f"[yellow]warning:[/] {markup_safe(warning)}")
    if dry_run:
        console.print(plan_table(sweep, expand(sweep), store))
        return
    report = run_sweep(
        sweep, executor=executor, workers=workers, address=address, results_dir=results_dir,
        console=console, progress=not quiet,
    )  # fmt: skip
    print_sweep_report(sweep, report, results_dir)
    if report.failed:
        raise typer.Exit(1)


def print_sweep_report(sweep: SweepConfig, report: SweepReport, results_dir: Path | None) -> None:
    """The final summary of a sweep (median and IQR of the final normalized hypervolume per
    problem and variant, recomputed from the histories: a resumed sweep shows what its runs
    hold, not what their manifests claim) and what ran, failed or was already done."""
    from lab.experiments.verify import verified_manifests
    from lab.results.manifest_summary import final_summary, summary_table
    from lab.results.query import load_manifests
    from lab.results.store import ResultsStore

    ids = {spec.run_id for spec in report.runs}
    manifests, check = verified_manifests(
        ResultsStore(results_dir), sweep.name, load_manifests(sweep.name, root=results_dir)
    )
    manifests = manifests[manifests["run_id"].isin(ids)]
    verdicts, caption = baseline_verdicts(manifests)
    console.print(
        summary_table(
            final_summary(manifests),
            title=f"{sweep.name}: final normalized hypervolume (median and IQR over seeds)",
            verdicts=verdicts,
            caption=caption,
        )
    )
    console.print(
        f"{len(report.runs)} runs: {len(report.ok)} ran ok, {len(report.failed)} failed, "
        f"{len(report.already_done)} already done, {len(report.done_elsewhere)} done by another "
        f"sweep; {report.wall_time_s:.1f} s. Results in {report.results_dir}"
    )
    if report.failed:
        console.print(
            f"[red]{len(report.failed)} run(s) failed[/]; see `lab results show {sweep.name} "
            "--failed`; rerun the same command to retry them."
        )
    odd = [r for r in check.inconsistent if r in ids]
    if odd:
        console.print(
            f"[yellow]{len(odd)} run(s) hold values that do not recompute[/] (the summary "
            f"shows the recomputed ones); see `lab results check {sweep.name}`."
        )


#: Significance level of the verdicts in the summary (the analysis' default).
SUMMARY_ALPHA = 0.05


def baseline_verdicts(
    manifests: pd.DataFrame, *, alpha: float = SUMMARY_ALPHA
) -> tuple[dict[tuple[str, str], str] | None, str | None]:
    """Per (problem, variant), its verdict against the baseline on the final normalized
    hypervolume, by the analysis' protocol (:func:`lab.analysis.significance.pairwise_table`:
    two-sided, paired by seed where possible, Holm, A12); a comparison whose seeds cannot reach
    ``alpha`` says how many seeds would. ``(None, None)`` without a baseline or with one seed.

    Returns:
        The verdict texts and the table's caption (the protocol, in words).
    """
    from lab.analysis.significance import pairwise_table, resolve_baseline
    from lab.stats.attainable import seeds_needed

    final = manifests[manifests["status"] == "ok"]
    if final.empty or final.groupby(["problem", "label"])["seed"].nunique().max() < 2:
        return None, None
    baseline = resolve_baseline(final, None)
    if baseline is None:
        return None, None
    table = pairwise_table(final, baseline=baseline, alpha=alpha, metrics={"hv_normalized": True})
    table = table[table["family"] == "vs_baseline"]
    out: dict[tuple[str, str], str] = {}
    for problem in final["problem"].unique():
        out[(str(problem), baseline)] = "[dim]baseline[/]"
    for _, row in table.iterrows():
        key = (str(row["problem"]), str(row["algorithm"]))
        if not bool(row["reachable"]):
            k = int((table["problem"] == row["problem"]).sum())
            need = seeds_needed(alpha, k, paired=bool(row["paired"]))
            out[key] = f"[yellow]needs {need} seeds[/]"
            continue
        verdict = str(row["verdict"])
        style = {"better": "green", "worse": "red"}.get(verdict)
        mark = {"better": "better ▲", "worse": "worse ▼"}.get(verdict, verdict)
        text = f"[{style}]{mark}[/]" if style else mark
        out[key] = f"{text} A12 {float(row['a12_better']):.2f}, p {float(row['p_holm']):.2g}"
    caption = (
        f"vs {baseline}: two-sided Wilcoxon (paired by seed) or Mann-Whitney, Holm, "
        f"alpha={alpha:g}; A12 = chance to beat the baseline on a seed. Full analysis: "
        "`lab analyze`."
    )
    return out, caption
