"""``lab figures``: render figure recipes (``paper_figures/*.yaml``) into PDF and PNG figures and
LaTeX tables, from the results store alone."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from lab.cli.console import make_console
from lab.results.store import RESULTS_DIR_ENV
from lab.terminal_text import markup_safe

console = make_console()

#: Where ``--all`` looks for recipes by default.
RECIPE_DIR = Path("paper_figures")


def figures_command(
    recipes: list[Path] | None = typer.Argument(
        None, help="Recipe files, e.g. paper_figures/quickstart.yaml."
    ),
    all_recipes: bool = typer.Option(
        False, "--all", help="Render every recipe (*.yaml) in --recipe-dir."
    ),
    recipe_dir: Path = typer.Option(
        RECIPE_DIR, "--recipe-dir", help="Folder of the recipes for --all."
    ),
    experiment: str | None = typer.Option(
        None, "--experiment", help="Draw from this experiment instead of the recipe's."
    ),
    results_dir: Path | None = typer.Option(
        None,
        "--results-dir",
        help=f"Results store root (default: the recipe's, else ${RESULTS_DIR_ENV} or ./results).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder (one recipe) or parent folder (several; one subfolder each). "
        "Default: <recipe folder>/<recipe name>/.",
    ),
    allow_missing: bool = typer.Option(
        False,
        "--allow-missing",
        help="Draw from the intact runs when runs of an experiment are missing or damaged "
        "(else the analysis refuses and names them).",
    ),
    no_build: bool = typer.Option(
        False,
        "--no-build",
        help="Only list the commands that would make a recipe's missing inputs (its 'inputs'); "
        "nothing is run or rendered, and the exit status is 0.",
    ),
) -> None:
    """Render figures and tables of stored results (no search is rerun; the analysis is
    recomputed from the stored runs when missing or stale).

    A recipe's inputs that are missing here (an experiment never run, a surrogate never fitted)
    are made first by the commands its 'inputs' list; --no-build only lists them.

    Exits with status 1 if a figure could not be drawn because an input file is missing, or
    (with several recipes) a recipe could not be rendered; the others are rendered anyway.
    """
    from lab.errors import ConfigError, LabError
    from lab.figures import load_recipe, render_recipe
    from lab.figures.inputs import InputsNotBuilt, build_inputs, drawing_from, missing_inputs

    paths = list(recipes or [])
    if all_recipes:
        found = sorted(recipe_dir.glob("*.yaml"))
        if not found:
            raise ConfigError(f"--all: no recipe (*.yaml) in {recipe_dir}")
        paths += [p for p in found if p not in paths]
    if not paths:
        raise ConfigError("give recipe files (e.g. paper_figures/quickstart.yaml) or --all")
    incomplete = 0
    for path in paths:
        target = None
        if out is not None:
            target = out if len(paths) == 1 else out / path.stem
        try:
            recipe = drawing_from(load_recipe(path), experiment)
            if no_build:
                # Only the list: nothing is made or rendered, so a missing input is no defect.
                items = missing_inputs(recipe, results_dir=results_dir)
                for item in items:
                    cost = f" ({item.input.cost})" if item.input.cost else ""
                    console.print(
                        f"[yellow]missing[/] {markup_safe(', '.join(item.missing))}: made by "
                        f"[bold]{markup_safe(item.input.command)}[/]{markup_safe(cost)} (not run: "
                        "--no-build)",
                        highlight=False,
                    )
                if not items:
                    console.print(
                        f"{markup_safe(str(path))}: every input is there (render it without "
                        "--no-build)",
                        highlight=False,
                    )
                continue
            else:
                build_inputs(
                    recipe,
                    results_dir=results_dir,
                    announce=lambda item, path=path: console.print(
                        f"[bold]making[/] {markup_safe(', '.join(item.missing))} for "
                        f"{markup_safe(str(path))}: {markup_safe(item.input.command)}",
                        highlight=False,
                    ),
                )
            with console.status(f"rendering {path} ..."):
                report = render_recipe(
                    recipe,
                    out_dir=target,
                    experiment=experiment,
                    results_dir=results_dir,
                    allow_missing=allow_missing,
                )
        except InputsNotBuilt as exc:
            # Not a failure: the recipe's author marked the input as too costly to make
            # unasked; say what to run.
            console.print(f"[yellow]skipped[/] {markup_safe(str(path))}: {markup_safe(str(exc))}")
            continue
        except LabError as exc:
            if len(paths) == 1:
                raise
            # With several recipes, one whose inputs are absent must not stop the others.
            console.print(f"[red]not rendered[/] {markup_safe(str(path))}: {markup_safe(str(exc))}")
            incomplete += 1
            continue
        table = Table(title=f"{report.recipe.name}", title_justify="left")
        table.add_column("figure")
        table.add_column("panels", justify="right")
        table.add_column("files")
        for fig in report.figures:
            table.add_row(fig.name, str(fig.panels), ", ".join(p.suffix[1:] for p in fig.paths))
        if report.tables:
            table.add_row("LaTeX tables", "", ", ".join(p.name for p in report.tables))
        console.print(table)
        if report.analysis:
            console.print(f"analysis: {markup_safe(report.analysis)}", highlight=False)
        for name, why in report.skipped:
            console.print(
                f"[yellow]note[/] {markup_safe(name)}: {markup_safe(why)}", highlight=False
            )
        for name, why in report.missing:
            console.print(
                f"[red]not drawn[/] {markup_safe(name)}: {markup_safe(why)}", highlight=False
            )
        incomplete += len(report.missing)
        console.print(
            f"[bold]Figures in {markup_safe(str(report.directory))}/[/] ({len(report.figures)} "
            f"figures, {len(report.tables)} tables; index in figures.json)",
            highlight=False,
            soft_wrap=True,  # a path broken over lines cannot be copied
        )
    if incomplete:
        raise typer.Exit(1)
