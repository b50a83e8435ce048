"""``lab surrogate``: fit, evaluate, list and study surrogates; build surrogate benchmarks; check
their fidelity; explain what drives each objective."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from lab.cli.console import make_console
from lab.terminal_text import markup_safe

surrogate_app = typer.Typer(
    help="Surrogate models of benchmark tables: fit, evaluate, study, benchmark, explain.",
    no_args_is_help=True,
)
console = make_console()


def _parse_params(items: list[str] | None) -> dict[str, Any]:
    """``key=value`` pairs; values parsed as JSON when they can be (numbers, booleans, dicts)."""
    from lab.errors import ConfigError

    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"--param {item!r}: expected key=value")
        key, value = item.split("=", 1)
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip()] = value
    return out


def _parse_pairs(items: list[str] | None, option: str) -> dict[str, str]:
    from lab.errors import ConfigError

    out = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"{option} {item!r}: expected TARGET=COLUMN")
        a, b = item.split("=", 1)
        out[a.strip()] = b.strip()
    return out


def _metrics_table(title: str, metrics: dict[str, dict[str, float | None]]) -> Table:
    table = Table(title=markup_safe(title))
    names = list(next(iter(metrics.values()))) if metrics else []
    table.add_column("target")
    for n in names:
        table.add_column(markup_safe(n), justify="right")
    for target, values in metrics.items():
        table.add_row(
            markup_safe(target),
            *("" if values.get(n) is None else f"{values[n]:.4f}" for n in names),
        )
    return table


@surrogate_app.command("fit")
def fit(
    name: str = typer.Argument(..., help="Name of the saved surrogate (folder under surrogates/)."),
    benchmark: str = typer.Option(..., "--benchmark", "-b", help="Benchmark table to fit on."),
    target: list[str] = typer.Option(..., "--target", "-t", help="Metric column(s) to predict."),
    predictor: str = typer.Option("xgboost", "--predictor", "-p", help="Predictor name."),
    param: list[str] = typer.Option(None, "--param", help="Predictor hyperparameter key=value."),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Encoding (default: the space's)."
    ),
    transform: str = typer.Option("auto", "--transform", help="identity, log, log_error or auto."),
    n_train: int = typer.Option(1000, "--n-train", help="Training rows (0: every row)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the split and of the predictor."),
    force: bool = typer.Option(False, "--force", help="Replace a surrogate of the same name."),
) -> None:
    """Fit a surrogate on random rows of a table, score it on the rest and save it."""
    from lab.surrogates.fitting import fit_surrogate

    saved = fit_surrogate(
        name, benchmark=benchmark, targets=target, predictor=predictor,
        params=_parse_params(param), encoding=encoding, transform=transform,
        n_train=n_train or None, seed=seed, overwrite=force,
    )  # fmt: skip
    console.print(f"saved [bold]{markup_safe(saved.path)}[/] (fit {saved.card['fit_s']:.2f} s)")
    if saved.card["metrics"]:
        console.print(_metrics_table("held-out metrics", saved.card["metrics"]))


@surrogate_app.command("evaluate")
def evaluate(
    name: str = typer.Argument(..., help="Saved surrogate."),
    benchmark: str | None = typer.Option(
        None, "--benchmark", "-b", help="Another table of the same space."
    ),
    score_on: list[str] = typer.Option(
        None,
        "--score-on",
        help="TARGET=COLUMN: score a target's predictions on another column "
        "(cross-dataset, cross-device).",
    ),
) -> None:
    """Score a saved surrogate on the rows it was not trained on."""
    from lab.surrogates.artifact import load_surrogate
    from lab.surrogates.fitting import evaluate_saved

    saved = load_surrogate(name)
    metrics = evaluate_saved(
        saved, benchmark=benchmark, scored_on=_parse_pairs(score_on, "--score-on")
    )
    console.print(_metrics_table(f"{name}: held-out metrics", metrics))


@surrogate_app.command("ls")
def list_surrogates() -> None:
    """Saved surrogates and their cards."""
    from lab.errors import SurrogateFileError
    from lab.surrogates.artifact import read_card, surrogate_names, surrogates_dir

    table = Table(title=f"Surrogates in {markup_safe(surrogates_dir())}")
    for col in (
        "name",
        "benchmark",
        "targets",
        "predictor",
        "encoding",
        "n_train",
        "tau (held out)",
    ):
        table.add_column(col)
    for n in surrogate_names():
        try:
            card = read_card(n)
        except SurrogateFileError as exc:
            table.add_row(
                markup_safe(n), f"[red]unreadable: {markup_safe(exc)}[/]", "", "", "", "", ""
            )
            continue
        taus = ", ".join(f"{m['kendall_tau']:.3f}" for m in card["metrics"].values()) or "-"
        # A card may come from someone else: its text is printed as text.
        table.add_row(*map(markup_safe, (
            n, card["data"]["benchmark"], ", ".join(card["targets"]), card["predictor"]["name"],
            card["encoding"]["name"], str(card["split"]["n_train"]), taus,
        )))  # fmt: skip
    console.print(table)


@surrogate_app.command("curve")
def curve(
    benchmark: str = typer.Option(..., "--benchmark", "-b", help="Benchmark table."),
    target: list[str] = typer.Option(
        ..., "--target", "-t", help="Target column(s); shell patterns such as 'val_acc_*' allowed."
    ),
    predictors: str = typer.Option(
        "xgboost,random_forest,gp,mlp,knn,linear,ensemble", "--predictors", help="Comma-separated."
    ),
    sizes: str = typer.Option(
        "10,30,100,300,1000,3000", "--sizes", help="Training sizes, comma-separated."
    ),
    seeds: int = typer.Option(3, "--seeds", help="Seeds 0..N-1 per size."),
    split: str = typer.Option("random", "--split", help="random or ood."),
    region: str | None = typer.Option(
        None, "--region", help="Column defining the ood regions (default: the target)."
    ),
    test_target: str | None = typer.Option(
        None,
        "--test-target",
        help="Score on this column instead (cross-dataset/device; one target only).",
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Encoding (default: the space's)."
    ),
    transform: str = typer.Option("auto", "--transform", help="identity, log, log_error or auto."),
    out: Path = typer.Option(Path("results/surrogates"), "--out", help="Folder of the tables."),
    tag: str | None = typer.Option(
        None, "--tag", help="File name stem (default from the options)."
    ),
) -> None:
    """Learning curves: metrics vs training size per predictor, over seeds; writes the long
    results (CSV), the curve table (CSV) and a Markdown table of Kendall tau."""
    from lab.benchmarks.store import load_table
    from lab.errors import ConfigError
    from lab.fileio import atomic_write, atomic_write_text
    from lab.surrogates.evaluation import (
        Task,
        curve_markdown,
        expand_targets,
        learning_curve_table,
        run_study,
    )

    table = load_table(benchmark)
    targets = expand_targets(table, target)
    if test_target and len(targets) != 1:
        raise ConfigError("--test-target needs exactly one --target")
    tasks = [Task(t, test_target=test_target, split=split, region=region) for t in targets]
    names = [p.strip() for p in predictors.split(",") if p.strip()]
    size_list = [int(s) for s in sizes.split(",")]

    def progress(row: dict[str, Any]) -> None:
        console.print(
            f"{row['scored_on']:>24} n={row['n_train']:<5} seed={row['seed']} "
            f"{row['predictor']:>14} tau={row['kendall_tau']:.3f} fit={row['fit_s']:.1f}s",
            highlight=False,
        )

    results = run_study(
        table, tasks, names, sizes=size_list, seeds=list(range(seeds)), encoding=encoding,
        transform=transform, progress=progress,
    )  # fmt: skip
    stem = tag or f"{benchmark}-{split}" + (f"-to-{test_target}" if test_target else "")
    out.mkdir(parents=True, exist_ok=True)
    curve_table = learning_curve_table(results)
    atomic_write(out / f"{stem}-results.csv", lambda p: results.to_csv(p, index=False))
    atomic_write(out / f"{stem}-curve.csv", lambda p: curve_table.to_csv(p, index=False))
    md = curve_markdown(curve_table)
    atomic_write_text(out / f"{stem}-curve.md", md)
    console.print(markup_safe(md), highlight=False)
    console.print(
        markup_safe(f"wrote {out / (stem + '-curve.md')} and .csv, {out / (stem + '-results.csv')}")
    )


@surrogate_app.command("table")
def table_command(
    name: str = typer.Argument(..., help="Saved surrogate."),
    as_name: str = typer.Option(..., "--as", help="Name of the surrogate benchmark table."),
    noise_seed: int | None = typer.Option(
        None, "--noise-seed", help="Add predictive noise drawn with this seed."
    ),
) -> None:
    """Predict the whole space with a surrogate and save it as a benchmark table
    (``load_table(NAME)`` then works, and every algorithm runs on it)."""
    from lab.benchmarks.store import load_table
    from lab.surrogates.artifact import load_surrogate
    from lab.surrogates.benchmark import save_surrogate_table, surrogate_table

    saved = load_surrogate(name)
    source = load_table(saved.card["data"]["benchmark"])
    table = surrogate_table(saved, source, as_name, noise_seed=noise_seed)
    path = save_surrogate_table(table)
    console.print(
        f"wrote {path}: {len(table)} rows, predicted {list(saved.surrogate.targets)}, carried "
        f"{table.meta['carried']}"
    )


@surrogate_app.command("fidelity")
def fidelity(
    problem: str = typer.Argument(..., help="Built-in problem over the true table."),
    table: str = typer.Option(
        ..., "--table", help="Surrogate benchmark table of the same benchmark."
    ),
    algorithms: str = typer.Option(
        "random", "--algorithms", help="Comma-separated algorithm names."
    ),
    budget: int = typer.Option(100, "--budget", help="Evaluations per run."),
    seeds: int = typer.Option(5, "--seeds", help="Seeds 0..N-1."),
    n_init: int = typer.Option(10, "--n-init", help="Initial design size."),
    out: Path | None = typer.Option(None, "--out", help="Write the per-run and summary CSVs here."),
) -> None:
    """Run the same comparison on the surrogate table and on the true table; report the ranking
    agreement (Kendall tau) and per-algorithm hypervolume differences."""
    from lab.benchmarks.store import load_table
    from lab.fileio import atomic_write
    from lab.problems.registry import get_problem
    from lab.surrogates.benchmark import surrogate_problem
    from lab.surrogates.fidelity import fidelity_check

    true_problem = get_problem(problem)
    sur_problem = surrogate_problem(load_table(table), true_problem.spec)
    names = [a.strip() for a in algorithms.split(",") if a.strip()]
    report = fidelity_check(
        true_problem, sur_problem, names, budget=budget, seeds=list(range(seeds)), n_init=n_init
    )
    view = Table(title=f"{problem}: true table vs {table} ({seeds} seeds, budget {budget})")
    for col in (
        "algorithm",
        "HV true",
        "HV surrogate",
        "diff",
        "surrogate-found on true",
        "rank true",
        "rank surrogate",
    ):
        view.add_column(col, justify="right")
    for algo, r in report.summary.iterrows():
        view.add_row(
            algo, f"{r.hv_true:.4f}", f"{r.hv_surrogate:.4f}", f"{r.hv_diff:+.4f}",
            f"{r.hv_surrogate_found_on_true:.4f}", f"{r.rank_true:g}", f"{r.rank_surrogate:g}",
        )  # fmt: skip
    console.print(view)
    console.print(
        f"Kendall tau between the rankings: {report.kendall_tau:.3f}; same winner: {report.same_winner}"
    )
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(
            out / f"fidelity-{problem}-{table}-runs.csv",
            lambda p: report.runs.to_csv(p, index=False),
        )
        atomic_write(
            out / f"fidelity-{problem}-{table}-summary.csv", lambda p: report.summary.to_csv(p)
        )


@surrogate_app.command("importance")
def importance(
    name: str = typer.Argument(..., help="Saved surrogate."),
    out: Path = typer.Option(
        Path("results/surrogates"), "--out", help="Folder of the tables and plots."
    ),
    n_sample: int = typer.Option(2000, "--n-sample", help="Architectures sampled from the table."),
    n_repeats: int = typer.Option(5, "--repeats", help="Shuffles per position."),
    seed: int = typer.Option(0, "--seed", help="Seed of the sample and the shuffles."),
) -> None:
    """Which positions and operations drive each target: tables (CSV) and a plot (PNG + PDF)."""
    import numpy as np

    from lab.benchmarks.store import load_table
    from lab.fileio import atomic_write
    from lab.surrogates.artifact import load_surrogate
    from lab.surrogates.importance import (
        feature_importance,
        operation_effects,
        plot_importance,
        position_importance,
    )

    saved = load_surrogate(name)
    source = load_table(saved.card["data"]["benchmark"])
    sample_ss, shuffle_ss = np.random.SeedSequence(seed).spawn(2)
    rows = np.random.default_rng(sample_ss).choice(
        len(source), size=min(n_sample, len(source)), replace=False
    )
    genomes = source.genomes[np.sort(rows)]
    positions = position_importance(
        saved.surrogate, genomes, np.random.default_rng(shuffle_ss), n_repeats=n_repeats
    )
    effects = operation_effects(saved.surrogate, genomes)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"importance-{name}"
    atomic_write(Path(f"{stem}-positions.csv"), lambda p: positions.to_csv(p, index=False))
    atomic_write(Path(f"{stem}-effects.csv"), lambda p: effects.to_csv(p, index=False))
    features = feature_importance(saved.surrogate)
    if features is not None:
        atomic_write(Path(f"{stem}-features.csv"), lambda p: features.to_csv(p, index=False))
    paths = plot_importance(positions, effects, stem, title=f"surrogate {name}")
    view = Table(title=f"{markup_safe(name)}: permutation importance of each position")
    view.add_column("variable")
    targets = list(saved.surrogate.targets)
    for t in targets:
        view.add_column(markup_safe(t), justify="right")
    for variable, group in positions.groupby("variable", sort=False):
        vals = dict(zip(group["target"], group["importance"], strict=True))
        view.add_row(markup_safe(variable), *(f"{vals[t]:.3f}" for t in targets))
    console.print(view)
    console.print(
        f"wrote {stem}-positions.csv, -effects.csv, plots {', '.join(str(p) for p in paths)}"
    )


@surrogate_app.command("latency-transfer")
def latency_transfer(
    table: str = typer.Option(
        "nasbench201-12ep", "--table", "-b", help="NAS-Bench-201 table with HELP's latencies."
    ),
    seeds: int = typer.Option(30, "--seeds", help="Seeds 0..N-1 of the target-sample draw."),
    samples: int = typer.Option(10, "--samples", help="Measurements on each target device."),
    trim_pool: bool = typer.Option(
        True,
        "--trim-pool/--whole-pool",
        help="Draw the measurements from the pool trimmed to its 10-90 % latency quantiles "
        "(HELP's loader) or from the whole 900-architecture pool.",
    ),
    out: Path = typer.Option(
        Path("results/surrogates"), "--out", help="Folder of the results and the figure."
    ),
    tag: str = typer.Option("latency-transfer", "--tag", help="File name stem."),
    load: Path | None = typer.Option(
        None, "--load", help="Print (and redraw) a saved results file instead of running."
    ),
    figure: bool = typer.Option(True, "--figure/--no-figure", help="Render the PNG + PDF."),
    variants: bool = typer.Option(
        False,
        "--flops-variants",
        help="Also score the FLOPs row under other trims, tie orders and splits "
        "(writes <tag>-flops-variants.csv).",
    ),
) -> None:
    """HELP's few-shot latency transfer (NeurIPS 2021, Table 3): the FLOPs row, the lab's
    meta-learned latency model from a few target measurements over seeds (bootstrap 95 %
    intervals) and the published rows; writes <tag>.json (reload with --load),
    <tag>-summary.csv and <tag>.png/.pdf."""
    from lab.benchmarks.store import load_table
    from lab.figures.kinds.latency_transfer import latency_transfer_figure
    from lab.figures.layout import save_figure
    from lab.figures.style import paper_style
    from lab.fileio import atomic_write, atomic_write_text
    from lab.surrogates.latency_transfer_study import load_result, run_study, save_result

    if load is not None:
        result = load_result(load)
        stem = load.with_name(load.name.removesuffix(".json"))
    else:
        with console.status("fitting the prior and adapting to each device"):
            result = run_study(
                load_table(table), seeds=seeds, n_samples=samples, trim_pool=trim_pool
            )
        out.mkdir(parents=True, exist_ok=True)
        stem = out / tag
        json_path, csv_path = save_result(result, stem)
        atomic_write_text(stem.with_name(stem.name + ".md"), result.markdown())
        console.print(markup_safe(f"wrote {json_path}, {csv_path} and {stem}.md"))
    console.print(markup_safe(result.markdown()), highlight=False)
    if variants:
        from lab.surrogates.latency_transfer_study import (
            flops_trim_match_text,
            flops_variants,
            flops_variants_markdown,
        )

        source = load_table(result.config["table"])
        frame = flops_variants(source)
        path = stem.with_name(stem.name + "-flops-variants.csv")
        atomic_write(path, lambda p: frame.to_csv(p, index=False))
        console.print(markup_safe(flops_variants_markdown(frame)), highlight=False)
        console.print(markup_safe(flops_trim_match_text(source)), highlight=False)
        console.print(markup_safe(f"wrote {path}"))
    if figure:
        with paper_style():
            fig = latency_transfer_figure(result.summary_frame())
            paths = save_figure(fig, stem, ["png", "pdf"], dpi=300)
        console.print(markup_safe(f"figure: {', '.join(str(p) for p in paths)}"))


@surrogate_app.command("latency-table")
def latency_table(
    device: str = typer.Argument(..., help="Target device, e.g. eyeriss (not a source)."),
    as_name: str = typer.Option(..., "--as", help="Name of the new (surrogate) table."),
    table: str = typer.Option(
        "nasbench201-12ep", "--table", "-b", help="NAS-Bench-201 table with HELP's latencies."
    ),
    samples: int = typer.Option(10, "--samples", help="Measurements on the device."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draw of the measured architectures."),
    trim_pool: bool = typer.Option(
        True, "--trim-pool/--whole-pool", help="Draw from the trimmed or the whole pool."
    ),
) -> None:
    """Save a table with the column latency_<DEVICE>_predicted: the meta-learned latency
    model's prediction from a few measurements, a surrogate objective (search on it, judge on
    the measured latency_<DEVICE>; lab.surrogates.latency_transfer_table)."""
    from lab.benchmarks.store import load_table
    from lab.surrogates.benchmark import save_surrogate_table
    from lab.surrogates.latency_transfer_table import predicted_column, predicted_latency_table

    made = predicted_latency_table(
        load_table(table), device, as_name, n_samples=samples, seed=seed, trim_pool=trim_pool
    )
    path = save_surrogate_table(made)
    info = made.meta["latency_transfer"]
    console.print(
        markup_safe(
            f"wrote {path}: {predicted_column(device)} from {samples} measurements (arch ids "
            f"{info['measured_arch_ids']}), noise variance {info['noise_var']}"
        )
    )
