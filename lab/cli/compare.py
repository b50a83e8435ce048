"""``lab compare``: a head-to-head comparison from the command line, without writing a config.

The problems, algorithms, seeds and budget given on the command line become a sweep config held
in memory; it runs through the normal runner into the results store (a copy of it is stored
with the runs, so ``lab run`` on that copy, ``lab analyze`` and ``lab figures`` work on the
comparison like on any sweep), and the normal analysis follows: final indicators, paired
two-sided Wilcoxon tests against the baseline with Holm's correction, effect sizes, rankings.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import typer
import yaml

from lab.algorithms.params import DEFAULT_N_INIT
from lab.cli import options
from lab.cli.console import make_console
from lab.terminal_text import markup_safe

console = make_console()

#: Packages whose algorithms run only when named with ``--algorithms``: model-based searches
#: fit a model per step, and at hundreds of evaluations they take hours per seed on a CPU.
OPT_IN_PACKAGES = ("lab.algorithms.mobo",)


def default_algorithms() -> list[str]:
    """Every registered algorithm outside :data:`OPT_IN_PACKAGES`."""
    from lab.algorithms.registry import algorithm_names, algorithm_target

    return [n for n in algorithm_names() if not algorithm_target(n).startswith(OPT_IN_PACKAGES)]


def _names(values: list[str] | None) -> list[str]:
    """Repeated and comma-separated values, in order, without repeats."""
    out: list[str] = []
    for value in values or []:
        for name in value.split(","):
            name = name.strip()
            if name and name not in out:
                out.append(name)
    return out


def comparison_sweep(
    problems: list[str],
    algorithms: list[str],
    *,
    seeds: int,
    budget: int,
    n_init: int = DEFAULT_N_INIT,
    batch_size: int = 1,
    master_seed: int = 0,
    name: str | None = None,
) -> dict[str, Any]:
    """The sweep config (a plain mapping, as it would be written in YAML) of a comparison.

    Without ``name`` the experiment is ``compare-`` and 8 hex digits of the sweep's content, so
    that the same command resumes the same experiment and another comparison gets its own.
    """
    from lab.run_ids import canonical_json

    sweep: dict[str, Any] = {
        "problems": list(problems),
        "algorithms": list(algorithms),
        "seeds": int(seeds),
        "budget": int(budget),
        "n_init": int(n_init),
        "batch_size": int(batch_size),
        "master_seed": int(master_seed),
    }
    if name is None:
        digest = hashlib.sha256(canonical_json(sweep).encode("utf-8")).hexdigest()[:8]
        name = f"compare-{digest}"
    return {"name": name, "description": "lab compare", **sweep}


def compare_command(
    problems: list[str] = typer.Argument(
        ..., help="Problem names or glob patterns (see `lab bench list`)."
    ),
    algorithms: list[str] | None = typer.Option(
        None,
        "--algorithms",
        "-a",
        help="Algorithm names, comma-separated or repeated (default: every registered one "
        "except the model-based ones of lab.algorithms.mobo).",
    ),
    seeds: int = typer.Option(10, "--seeds", "-s", min=1, help="Seeds per problem (0..n-1)."),
    budget: int = typer.Option(500, "--budget", "-b", min=1, help="Evaluations per run."),
    n_init: int = typer.Option(
        DEFAULT_N_INIT, "--n-init", min=1, help="Size of the shared initial design."
    ),
    batch_size: int = typer.Option(1, "--batch-size", min=1, help="Evaluations per ask."),
    master_seed: int = typer.Option(0, "--master-seed", min=0, help="Seed of every run seed."),
    name: str | None = typer.Option(
        None,
        "--name",
        help="Experiment name in the results store (default: compare-<hash of the settings>).",
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="Runs at once (default: the CPUs; 1 runs in this process)."
    ),
    baseline: str | None = options.BASELINE,
    alpha: float = options.ALPHA,
    results_dir: Path | None = options.RESULTS_DIR,
    quiet: bool = options.QUIET,
) -> None:
    """Run algorithms on problems over seeds and compare them: a sweep made from the command line,
    run into the results store and analysed like any other (paired two-sided Wilcoxon tests
    against the baseline with Holm's correction, effect sizes, rankings). Rerunning the same
    command resumes it. Exits with status 1 if a run failed."""
    from lab.analysis import analyze_experiment
    from lab.cli.analyze import print_analysis
    from lab.cli.run import print_sweep_report
    from lab.experiments.config import parse_config
    from lab.experiments.runner import run_sweep
    from lab.problems.registry import audit_warnings
    from lab.results.store import ResultsStore

    raw = comparison_sweep(
        problems, _names(algorithms) or default_algorithms(), seeds=seeds, budget=budget,
        n_init=n_init, batch_size=batch_size, master_seed=master_seed, name=name,
    )  # fmt: skip
    sweep = parse_config(raw, source="lab compare")
    # The stored copy is the resolved sweep (globs expanded): `lab run` on it repeats the runs.
    text = yaml.safe_dump({**raw, "problems": list(sweep.problems)}, sort_keys=False)
    store = ResultsStore(results_dir)
    for warning in audit_warnings(list(sweep.problems)):
        console.print(f"[yellow]warning:[/] {markup_safe(warning)}")
    # Stored before running, as `lab run` does: an interrupted comparison's missing runs are
    # then part of its design.
    store.write_sweep_config(sweep.name, text, hashlib.sha256(text.encode("utf-8")).hexdigest())
    report = run_sweep(
        sweep, workers=workers, results_dir=results_dir, console=console, progress=not quiet
    )
    print_sweep_report(sweep, report, results_dir)
    if report.failed:
        raise typer.Exit(1)
    with console.status(f"analysing {sweep.name} ..."):
        result = analyze_experiment(sweep.name, root=results_dir, baseline=baseline, alpha=alpha)
    print_analysis(result, sweep.name)
