"""Render a figure recipe: every figure as vector PDF and PNG (and SVG if asked) into
``paper_figures/<recipe>/``, the analysis' LaTeX tables beside them, and ``figures.json`` listing
what was written and from which analysis.

Everything comes from stored results: the saved analysis (recomputed from the stored runs by
:func:`lab.analysis.analyze_experiment` when missing or stale), the stored histories and the
benchmark tables. No search is rerun.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from lab.figures.entry import DrawContext, SkipFigure
from lab.figures.layout import data_axes, save_figure
from lab.figures.recipe import FigureRecipe, load_recipe
from lab.figures.sources import ExperimentSource
from lab.figures.style import paper_style
from lab.figures.units import display_names, spec_panel_titles
from lab.fileio import atomic_write_text, write_json
from lab.registry import NAME_RULE, is_valid_name

INDEX_FILE = "figures.json"
#: Version of the index layout.
INDEX_SCHEMA = 1


@dataclass(frozen=True)
class RenderedFigure:
    """One figure written to disk.

    Attributes:
        name: file stem (``<figure>`` or ``<figure>-<problem>``).
        kind: the recipe entry's kind.
        paths: the files written (one per format).
        panels: axes that show data (colour bars and legends excluded).
        figure: the matplotlib figure (for inspection; not shown).
        note: what the figure left out or how it differs from the recipe's default, if anything.
        caption: what the figure shows and how to read it (for the paper's caption).
    """

    name: str
    kind: str
    paths: tuple[Path, ...]
    panels: int
    figure: Figure = field(repr=False, compare=False)
    note: str | None = None
    caption: str | None = None


@dataclass
class RenderReport:
    """What :func:`render_recipe` did.

    Attributes:
        recipe: the recipe rendered.
        directory: the output folder.
        figures: the figures written.
        tables: the LaTeX tables copied.
        skipped: ``(figure, reason)`` of recipe entries (or parts) not drawn for a reason of the
            data (one problem, no 2-objective problem, no transfer target).
        missing: ``(figure, reason)`` of entries not drawn because an input file is missing.
        analysis: how the experiment's analysis was obtained (``None`` without experiment).
    """

    recipe: FigureRecipe
    directory: Path
    figures: list[RenderedFigure] = field(default_factory=list)
    tables: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    analysis: str | None = None

    @property
    def paths(self) -> list[Path]:
        return [p for f in self.figures for p in f.paths] + list(self.tables)


def default_output_dir(recipe: FigureRecipe) -> Path:
    """``<folder of the recipe file>/<name>`` (``paper_figures/<name>`` without a file)."""
    base = Path(recipe.source).parent if recipe.source else Path("paper_figures")
    return base / recipe.name


def render_recipe(
    recipe: FigureRecipe | Path | str,
    *,
    out_dir: Path | str | None = None,
    experiment: str | None = None,
    results_dir: Path | str | None = None,
    source: ExperimentSource | None = None,
    allow_missing: bool = False,
) -> RenderReport:
    """Render every figure of ``recipe`` and copy the analysis' LaTeX tables.

    Args:
        recipe: a recipe or the path of its YAML file.
        out_dir: output folder (default :func:`default_output_dir`).
        experiment: draw from this experiment instead of the recipe's.
        results_dir: results store root instead of the recipe's ``results_dir``.
        source: an already loaded experiment (its analysis is reused) instead of loading the
            recipe's.
        allow_missing: draw from the intact runs when runs of the experiment's design are
            missing or damaged (else the analysis refuses, naming them).

    Returns:
        :class:`RenderReport`.

    Raises:
        ConfigError: the recipe is invalid.
        FigureError: a problem, algorithm or pair named by the recipe is not in the experiment.
        UnknownNameError: no such experiment.
        AnalysisError: the experiment has no complete run to analyse.
    """
    if not isinstance(recipe, FigureRecipe):
        recipe = load_recipe(recipe)
    if experiment is not None:
        recipe = recipe.model_copy(update={"experiment": experiment})
    directory = Path(out_dir) if out_dir is not None else default_output_dir(recipe)
    report = RenderReport(recipe=recipe, directory=directory)
    where = recipe.source or f"recipe {recipe.name!r}"
    if source is None and recipe.experiment is not None:
        source = ExperimentSource(
            recipe.experiment,
            root=results_dir if results_dir is not None else recipe.results_dir,
            baseline=recipe.baseline,
            where=where,
            display_names=recipe.display_names,
            allow_missing=allow_missing,
        )
    old_files = _previous_files(directory)
    # Panel titles: the recipe's problem_names, else each problem's description.
    titles = {**_described_problems(source), **recipe.problem_names}
    names = display_names(problems=titles, metrics=recipe.metric_names)
    with paper_style(), names:
        for i, spec in enumerate(recipe.figures):
            entry = f"figures[{i}] ({spec.kind})"
            try:
                drawn = spec.draw(DrawContext(recipe, source, entry, where))
            except SkipFigure as why:
                report.skipped.append((spec.stem(), str(why)))
                continue
            except FileNotFoundError as exc:
                report.missing.append((spec.stem(), str(exc)))
                continue
            for d in drawn:
                name = spec.stem() if d.suffix is None else f"{spec.stem()}-{d.suffix}"
                if not is_valid_name(name):
                    # The suffix names a problem of the results store, which may come from
                    # someone else: a name such as "../x" must not write outside the folder.
                    report.skipped.append((name, f"not a valid file name; {NAME_RULE}"))
                    continue
                paths = save_figure(d.figure, directory / name, recipe.formats, dpi=recipe.dpi)
                report.figures.append(
                    RenderedFigure(
                        name,
                        spec.kind,
                        tuple(paths),
                        len(data_axes(d.figure)),
                        d.figure,
                        d.note,
                        spec.caption(),
                    )
                )
                if d.note:
                    report.skipped.append((name, d.note))
    if source is not None:
        report.analysis = source.analysis_status
        if recipe.tables:
            report.tables = _copy_tables(source, directory)
    _write_index(report, source)
    _remove_stale(old_files, report, directory)
    return report


def _described_problems(source: ExperimentSource | None) -> dict[str, str]:
    """Problem -> panel title from its spec's ``title``, else its description, for the
    experiment's problems."""
    if source is None:
        return {}
    from lab.problems import problem_specs

    specs = problem_specs()
    return spec_panel_titles({n: specs[n] for n in set(source.all_problems) if n in specs})


def _copy_tables(source: ExperimentSource, directory: Path) -> list[Path]:
    """The analysis' LaTeX tables, copied beside the figures."""
    out = []
    for name in source.analysis.info.get("latex_tables", []):
        src = source.analysis.directory / name
        if src.is_file():
            dst = directory / name
            atomic_write_text(dst, src.read_text(encoding="utf-8"))
            out.append(dst)
    return out


def _previous_files(directory: Path) -> list[str]:
    import json

    try:
        index = json.loads((directory / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(f) for f in index.get("files", []) if isinstance(f, str)]


def _remove_stale(old_files: list[str], report: RenderReport, directory: Path) -> None:
    """Delete files an earlier rendering of this recipe wrote and this one did not (a figure
    renamed or dropped from the recipe); only names listed in the old index are touched."""
    now = {p.name for p in report.paths}
    for name in old_files:
        if name not in now and "/" not in name and name != INDEX_FILE:
            (directory / name).unlink(missing_ok=True)


def _write_index(report: RenderReport, source: ExperimentSource | None) -> None:
    r = report.recipe
    index: dict[str, Any] = {
        "index_schema": INDEX_SCHEMA,
        "recipe": r.name,
        "recipe_source": r.source,
        "recipe_sha256": r.source_sha256,
        "experiment": r.experiment,
        "files": [p.name for p in report.paths],
        "figures": [
            {
                "name": f.name,
                "kind": f.kind,
                "files": [p.name for p in f.paths],
                "panels": f.panels,
                "note": f.note,
                "caption": f.caption,
            }
            for f in report.figures
        ],
        "tables": [p.name for p in report.tables],
        "skipped": [{"figure": n, "reason": why} for n, why in report.skipped],
        "missing": [{"figure": n, "reason": why} for n, why in report.missing],
    }
    if source is not None:
        info = source.analysis.info
        index["analysis"] = {
            "directory": str(source.analysis.directory),
            "created_at": info.get("created_at"),
            "runs_fingerprint": info.get("runs_fingerprint"),
            "n_runs": info.get("n_runs"),
            "baseline": info.get("baseline"),
            "status": source.analysis_status,
        }
    report.directory.mkdir(parents=True, exist_ok=True)
    write_json(report.directory / INDEX_FILE, index)
