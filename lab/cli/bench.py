"""``lab bench``: list, show, build, import and freeze benchmark tables and problems."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from lab.benchmarks.locations import data_dir
from lab.benchmarks.store import (
    benchmark_status,
    build_table,
    import_table,
    load_table,
    recipes,
)
from lab.cli.console import make_console
from lab.terminal_text import markup_safe

bench_app = typer.Typer(
    help="Benchmark tables and the problems defined over them.", no_args_is_help=True
)
console = make_console()


@bench_app.command("list")
def list_benchmarks() -> None:
    """Benchmarks (built or buildable here) and their problems."""
    from lab.problems.registry import problem_specs

    specs = problem_specs()
    table = Table(title=f"Benchmarks (tables in {markup_safe(data_dir())})")
    for col in ("benchmark", "title", "datasets", "rows", "state", "problems"):
        table.add_column(col)
    for st in benchmark_status():
        n_problems = sum(1 for s in specs.values() if s.benchmark == st.name)
        state = "built" if st.built else ("buildable" if st.available else "raw files missing")
        table.add_row(*map(markup_safe, (
            st.name, st.title, f"{len(st.datasets)}: {', '.join(st.datasets)}",
            str(st.rows or "-"), state, str(n_problems),
        )))  # fmt: skip
    console.print(table)
    ptable = Table(title="Problems")
    for col in ("problem", "benchmark", "objectives (search -> report)", "constraints"):
        ptable.add_column(col)
    available = {st.name for st in benchmark_status() if st.available}
    for name, spec in sorted(specs.items()):
        if spec.benchmark not in available:
            continue
        objs = ", ".join(
            f"{o.name}[{o.search}" + (f"->{o.report}]" if o.report else "]")
            for o in spec.objectives
        )
        cons = ", ".join(
            f"{c.metric}{' <= ' + str(c.le) if c.le is not None else ' >= ' + str(c.ge)}"
            for c in spec.constraints
        )
        ptable.add_row(*map(markup_safe, (name, spec.benchmark, objs, cons or "-")))
    console.print(ptable)
    _print_unavailable(specs, available)


def _print_unavailable(specs: dict, available: set[str]) -> None:
    """Say which declared problems are not listed (their table is not here) and which user
    table specs in the spec folders have not been imported, with the command for each."""
    from lab.benchmarks.fetch import sources
    from lab.benchmarks.locations import spec_layers
    from lab.problems.spec import is_problem_spec_file

    missing: dict[str, list[str]] = {}
    for name, spec in specs.items():
        if spec.benchmark not in available:
            missing.setdefault(spec.benchmark, []).append(name)
    fetchable = sources()
    for bench, names in sorted(missing.items()):
        if bench in recipes():
            how = recipes()[bench].how_to_get(bench in fetchable)
        else:
            how = f"no benchmark {bench!r} is built in or imported: check the spec's 'benchmark'"
        console.print(
            markup_safe(
                f"{len(names)} problem(s) over {bench} not listed (table not here): {how} "
                f"(problems: {', '.join(sorted(names))})"
            )
        )
    imported = {st.name for st in benchmark_status()}
    for layer in spec_layers()[1:]:
        for path in sorted(layer.path.glob("*.yaml")):
            if path.name != "frozen.yaml" and not is_problem_spec_file(path):
                from lab.config_file import read_yaml
                from lab.errors import ConfigError

                try:
                    table_name = (read_yaml(path, what="user table spec")[1] or {}).get("name")
                except (ConfigError, AttributeError):
                    table_name = None
                if table_name not in imported:
                    console.print(
                        markup_safe(
                            f"user table spec {path} is not imported: "
                            f"`lab bench import {table_name or 'NAME'} --from {path}`"
                        )
                    )


@bench_app.command("show")
def show(name: str = typer.Argument(..., help="A benchmark or a problem name.")) -> None:
    """Rows, metrics with units, source, licence; for a problem also its exact fronts."""
    from lab.problems.registry import get_problem, problem_specs

    if name in problem_specs():
        problem = get_problem(name)
        console.print(
            f"[bold]{markup_safe(problem.name)}[/]: {markup_safe(problem.spec.description)}"
        )
        console.print(
            f"benchmark {markup_safe(problem.table.name)}, {problem.n_architectures} architectures"
        )
        frozen = problem.frozen()
        excluded = problem.n_architectures - problem.n_searchable
        console.print(
            f"search space: {problem.n_searchable} distinct evaluations ({excluded} rows left out: "
            + (
                "degenerate architectures are included and scored"
                if problem.include_degenerate
                else f"{frozen['degenerate_rows']} degenerate"
            )
            + ", the rest identical by construction to a row in the space)"
        )
        t = Table(
            "objective", "search metric", "report metric", "unit", "threshold", "ideal", "nadir",
            "HV ref point", "search ideal", "search nadir",
        )  # fmt: skip
        s_ideal, s_nadir = problem.bounds("search")
        for i, o in enumerate(problem.spec.objectives):
            t.add_row(
                *map(markup_safe, (o.name, o.search, o.report_metric, problem.objective_units[i])),
                "-" if o.threshold is None else f"{o.threshold:.6g}",
                f"{problem.ideal[i]:.6g}", f"{problem.nadir[i]:.6g}",
                f"{problem.reference_point[i]:.6g}", f"{s_ideal[i]:.6g}", f"{s_nadir[i]:.6g}",
            )  # fmt: skip
        console.print(t)
        console.print(
            f"exact front (report): {frozen['true_front_size']} distinct objective vectors "
            f"({frozen['true_front_architectures']} architectures), hypervolume in the "
            f"normalized box {frozen['true_front_hv']:.6f}; (search): "
            f"{frozen['search_front_size']} distinct objective vectors "
            f"({frozen['search_front_architectures']} architectures), hypervolume "
            f"{frozen['search_front_hv']:.6f}. A run's hv_normalized is its hypervolume divided "
            "by the front's (1 = front found)."
        )
        console.print(
            "degenerate architectures (never set the normalization or fronts"
            + ("" if problem.include_degenerate else "; outside the search space")
            + f"): {frozen['degenerate_rows']}; rule: {markup_safe(problem.space.degenerate_rule)}"
        )
        _print_audit(problem.name)
        return
    table = load_table(name)
    meta = table.meta
    console.print(f"[bold]{markup_safe(name)}[/]: {markup_safe(meta.get('title', ''))}")
    console.print(
        f"rows: {len(table)}   genome: {len(table.cardinalities)} variables, "
        f"cardinalities {list(table.cardinalities)}   space: {markup_safe(table.space)}"
    )
    console.print(f"source: {markup_safe(meta.get('source', ''))}")
    console.print(f"licence: {markup_safe(meta.get('licence', ''))}")
    console.print(f"citation: {markup_safe(meta.get('citation', ''))}")
    if meta.get("isomorphs"):
        shared = meta.get("shared_results") or []
        console.print(
            f"isomorphic architectures: {markup_safe(str(meta['isomorphs']))}"
            + (f" (shared results: {markup_safe(', '.join(map(str, shared)))})" if shared else "")
        )
    console.print(
        markup_safe(
            f"builder version: {meta.get('builder_version')}   table sha256: "
            f"{meta.get('table_sha256', '')}"
        )
    )
    t = Table("column", "metric", "split", "dataset", "device", "unit", "direction", "min", "max")
    for col, info in table.metrics.items():
        values = table.metric_values(col)
        t.add_row(*map(markup_safe, (
            col, info.metric, info.split, info.dataset or "-", info.device or "-", info.unit,
            info.direction, f"{values.min():.6g}", f"{values.max():.6g}",
        )))  # fmt: skip
    console.print(t)
    from lab.problems.registry import get_problem, problem_specs

    fronts = Table(
        "problem", "exact front (report): distinct vectors", "architectures",
        "hypervolume in the normalized box",
    )  # fmt: skip
    for pname, spec in sorted(problem_specs().items()):
        if spec.benchmark == name:
            p = get_problem(pname)
            fronts.add_row(
                markup_safe(pname), str(len(p.true_front("report"))), str(len(p.true_front_rows("report"))),
                f"{p.true_front_hv():.6f}",
            )  # fmt: skip
    console.print(fronts)


@bench_app.command("build")
def build(
    name: str | None = typer.Argument(None, help="Benchmark to rebuild (default: all available)."),
) -> None:
    """(Re)build tables from their raw sources into the data directory."""
    if name:
        names = [name]
    else:
        names = [n for n, r in recipes().items() if r.available()]
        _print_build_skipped()
    for n in names:
        table = build_table(n)
        console.print(
            markup_safe(f"built {n}: {len(table)} rows -> {data_dir() / (n + '.parquet')}")
        )


def _print_build_skipped() -> None:
    """Say which built-in benchmarks ``lab bench build`` without a name leaves out (their raw
    files are not here) and how to get each; a built table is kept as it is."""
    from lab.benchmarks.fetch import sources

    fetchable = sources()
    for n, recipe in recipes().items():
        if not recipe.available():
            console.print(markup_safe(f"skipped {n}: {recipe.unavailable_reason(n in fetchable)}"))


@bench_app.command("import")
def import_(
    name: str = typer.Argument(..., help="Benchmark name (built-in, or the name in a user spec)."),
    source: Path = typer.Option(
        ...,
        "--from",
        help="Folder of a built-in benchmark's raw files, or a user table's YAML spec.",
    ),
) -> None:
    """Import a benchmark from files: a built-in's raw folder, or a user table's YAML spec (CSV,
    Parquet or JSON table; its problems are frozen on import)."""
    if source.is_file() and (name not in recipes() or source.suffix.lower() in (".yaml", ".yml")):
        from lab.problems.user_import import import_user_benchmark

        table, problems = import_user_benchmark(name, source)
        console.print(
            markup_safe(
                f"imported {name}: {len(table)} rows, {len(table.cardinalities)} genome "
                f"variables, metrics {list(table.metrics)} -> {data_dir() / (name + '.parquet')}"
            )
        )
        for p in problems:
            frozen = p.frozen()
            console.print(
                f"  problem {markup_safe(p.name)}: {p.n_obj} objectives, exact front (report): "
                f"{frozen['true_front_size']} distinct objective vectors "
                f"({frozen['true_front_architectures']} architectures), (search): "
                f"{frozen['search_front_size']} distinct objective vectors "
                f"({frozen['search_front_architectures']} architectures); frozen"
            )
        return
    table = import_table(name, source)
    console.print(markup_safe(f"imported {name}: {len(table)} rows, metrics {list(table.metrics)}"))


@bench_app.command("freeze")
def freeze_cmd(
    names: list[str] | None = typer.Argument(None, help="Problems (default: all available)."),
) -> None:
    """Recompute the frozen normalization of problems into the frozen.yaml beside their specs."""
    from lab.problems.registry import freeze

    for path in freeze(names or None):
        console.print(f"wrote {markup_safe(path)}")


@bench_app.command("fetch")
def fetch_cmd(
    name: str = typer.Argument(..., help="Benchmark whose raw files are public downloads."),
    mirror: str | None = typer.Option(
        None,
        "--mirror",
        help="Base URL laid out like a raw-data folder (<mirror>/<raw folder>/<file>) to use "
        "instead of the original sources.",
    ),
) -> None:
    """Download a benchmark's raw files from their original sources (with progress, sha256
    verification and resumption of partial downloads) into the data directory's raw/ folder,
    then build its table."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from lab.benchmarks.fetch import fetch

    tasks: dict[str, int] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        TimeRemainingColumn(), console=console, transient=False,
    ) as bar:  # fmt: skip

        def progress(file: str, done: int, total: int | None) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file, total=total)
            bar.update(tasks[file], completed=done, total=total)

        folder = fetch(name, mirror=mirror, progress=progress)
    console.print(markup_safe(f"raw files of {name} verified in {folder}"))
    table = build_table(name, raw_dir=folder)
    console.print(
        markup_safe(f"built {name}: {len(table)} rows -> {data_dir() / (name + '.parquet')}")
    )


def _audit_table(entries: dict[str, dict], title: str) -> Table:
    t = Table(
        "problem", "front (vectors)", "best 1/3/10 share", "search front, report HV",
        "random 100 / 500", "headroom [95% CI]", "val->test rho", "verdict", title=title,
    )  # fmt: skip
    for name, a in sorted(entries.items()):
        share = a["hv_share_best"]
        rnd = a["random_median"]
        rho = a["rank_correlation"]
        low, high = a.get("headroom_interval") or (a["headroom"], a["headroom"])
        t.add_row(
            markup_safe(name), str(a["front_size"]), f"{share[1]:.3f} / {share[3]:.3f} / {share[10]:.3f}",
            f"{a['search_front_report_hv']:.3f}", f"{rnd[100]:.3f} / {rnd[500]:.3f}",
            f"{a['headroom']:+.3f} [{low:+.3f}, {high:+.3f}]",
            "-" if rho is None else f"{rho:+.2f}", markup_safe(a["verdict"]),
        )  # fmt: skip
    return t


def _print_audit(name: str) -> None:
    from lab.problems.registry import audit_file, audit_hint, audit_values

    entry = audit_values().get(name)
    if entry is None:
        console.print(markup_safe(f"audit: none stored; {audit_hint(name)}"))
        return
    console.print(_audit_table({name: entry}, markup_safe(f"audit ({audit_file(name)})")))


@bench_app.command("thresholds")
def thresholds_cmd(
    names: list[str] = typer.Argument(..., help="Problems to compute the rule's thresholds for."),
) -> None:
    """Region-of-interest thresholds by the built-in problems' rule (the worse of the exact
    search and report fronts' nadirs plus 10 % of their range, rounded up to two significant
    digits), beside the ones each problem declares: values to put under `threshold:` in your
    own problem specs."""
    from lab.problems.region_of_interest import rule_thresholds
    from lab.problems.registry import get_problem

    t = Table("problem", "objective", "unit", "declared", "rule")
    for name in names:
        problem = get_problem(name)
        for i, (o, value) in enumerate(
            zip(problem.spec.objectives, rule_thresholds(problem), strict=True)
        ):
            t.add_row(
                problem.name, o.name, problem.objective_units[i],
                "-" if o.threshold is None else f"{o.threshold:g}", f"{value:g}",
            )  # fmt: skip
    console.print(t)


@bench_app.command("audit")
def audit_cmd(
    names: list[str] | None = typer.Argument(None, help="Problems (default: all available)."),
    seeds: int = typer.Option(30, min=10, help="Random-search seeds (at least 10)."),
) -> None:
    """Audit problems: can results on them tell algorithms apart? Measures, from the full table,
    the front size in distinct vectors, the front hypervolume share of its best 1/3/10 points,
    the report hypervolume of the exact search front, random search's median report hypervolume
    at 100 and 500 evaluations with a bootstrap interval, and the val->test rank correlation on
    the front, gives a verdict (discriminative, saturating, noise-dominated, or borderline when
    the interval spans two) and stores it beside the frozen points: in the audit.yaml of the
    spec folder declaring the problem, or, for an imported table's problems, in
    <table>.audit.yaml in the data directory. Without names: every available problem whose
    audit can be stored from here."""
    from rich.progress import Progress

    from lab.analysis.problem_audit import audit_problems
    from lab.problems.registry import (
        auditable_names,
        check_audit_writable,
        get_problem,
        write_audit,
    )

    todo = names or auditable_names()
    check_audit_writable(todo)  # before minutes of work, not after
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("auditing", total=len(todo))

        def step(name: str) -> None:
            progress.update(task, advance=1, description=f"auditing {name}")

        entries = audit_problems([get_problem(n) for n in todo], seeds=seeds, progress=step)
    console.print(_audit_table(entries, "problem audit"))
    for path in write_audit(entries):
        console.print(f"wrote {markup_safe(path)}")


@bench_app.command("join")
def join_cmd(
    names: list[str] = typer.Argument(..., help="Two or more benchmarks of one search space."),
    metric: list[str] = typer.Option(
        [],
        "--metric",
        "-m",
        help="TABLE:METRIC to compare across the join (repeat; rank correlations of each pair).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Write the joined rows (arch_id, arch_str, genome, TABLE:METRIC ...) to this .csv "
        "or .parquet file.",
    ),
) -> None:
    """Join benchmarks of one space on arch_id (the same id is the same architecture in every
    table of a space): how many rows match, and the Spearman and Kendall rank correlations of
    the --metric columns on the joined rows."""
    from itertools import combinations

    from scipy.stats import kendalltau, spearmanr

    from lab.benchmarks.join import join_tables
    from lab.errors import ConfigError

    joined = join_tables([load_table(n) for n in names])
    console.print(
        markup_safe(
            f"joined {', '.join(names)} on arch_id ({joined.tables[names[0]].space}): "
            f"{len(joined.frame)} rows; rows without a partner: {joined.dropped}"
        )
    )
    columns = []
    for entry in metric:
        table, sep, col = entry.partition(":")
        if not sep or table not in joined.tables:
            raise ConfigError(f"--metric {entry!r}: give TABLE:METRIC with TABLE one of {names}")
        columns.append((entry, joined.values(table, col)))
    if len(columns) >= 2:
        t = Table("metric", "metric", "rows", "Spearman", "Kendall tau")
        for (a, x), (b, y) in combinations(columns, 2):
            ok = np.isfinite(x) & np.isfinite(y)
            t.add_row(
                markup_safe(a), markup_safe(b), str(int(ok.sum())),
                f"{spearmanr(x[ok], y[ok]).statistic:+.3f}",
                f"{kendalltau(x[ok], y[ok]).statistic:+.3f}",
            )  # fmt: skip
        console.print(t)
    if out is not None:
        from lab.fileio import atomic_write

        if out.suffix.lower() == ".parquet":
            atomic_write(out, lambda p: joined.frame.to_parquet(p, index=False))
        else:
            atomic_write(out, lambda p: joined.frame.to_csv(p, index=False))
        console.print(f"wrote {markup_safe(out)}")
