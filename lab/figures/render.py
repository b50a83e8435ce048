"""Render a figure recipe: every figure as vector PDF and PNG (and SVG if asked) into
``paper_figures/<recipe>/``, the analysis' LaTeX tables beside them, and ``figures.json`` listing
what was written and from which analysis.

Everything comes from stored results: the saved analysis (recomputed from the stored runs by
:func:`lab.analysis.analyze_experiment` when missing or stale), the stored histories and the
benchmark tables. No search is rerun.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lab.analysis.result import write_json
from lab.atomic_io import atomic_write_text
from lab.figures.anytime import anytime_figure
from lab.figures.critical_difference import cd_diagram
from lab.figures.distributions import final_distribution_figure
from lab.figures.eaf import eaf_difference_figure
from lab.figures.errors import FigureError
from lab.figures.fronts import fronts_figure
from lab.figures.generalization import generalization_figure
from lab.figures.importance import importance_figure
from lab.figures.layout import data_axes, save_figure
from lab.figures.learning_curve import learning_curve_figure
from lab.figures.operation_effects import operation_effects_figure
from lab.figures.parity import parity_figure
from lab.figures.recipe import (
    AnytimeFigure,
    CriticalDifferenceFigure,
    EafDifferenceFigure,
    FinalDistributionFigure,
    FrontsFigure,
    GeneralizationFigure,
    ImportanceFigure,
    LearningCurveFigure,
    OperationEffectsFigure,
    ParityFigure,
    Recipe,
    TransferFigure,
    load_recipe,
)
from lab.figures.sources import ExperimentSource
from lab.figures.style import figure_width, paper_style
from lab.figures.transfer import transfer_figure
from lab.figures.units import metric_label
from lab.indicators.attainment import attainment_surfaces, eaf_difference

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
    """

    name: str
    kind: str
    paths: tuple[Path, ...]
    panels: int
    figure: Figure = field(repr=False, compare=False)
    note: str | None = None


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

    recipe: Recipe
    directory: Path
    figures: list[RenderedFigure] = field(default_factory=list)
    tables: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    analysis: str | None = None

    @property
    def paths(self) -> list[Path]:
        return [p for f in self.figures for p in f.paths] + list(self.tables)


@dataclass(frozen=True)
class _Drawn:
    suffix: str | None
    figure: Figure
    note: str | None = None


class _Skip(Exception):
    """A figure (or part) that the data do not allow; carries the reason."""


def default_output_dir(recipe: Recipe) -> Path:
    """``<folder of the recipe file>/<name>`` (``paper_figures/<name>`` without a file)."""
    base = Path(recipe.source).parent if recipe.source else Path("paper_figures")
    return base / recipe.name


def render_recipe(
    recipe: Recipe | Path | str,
    *,
    out_dir: Path | str | None = None,
    experiment: str | None = None,
    results_dir: Path | str | None = None,
) -> RenderReport:
    """Render every figure of ``recipe`` and copy the analysis' LaTeX tables.

    Args:
        recipe: a recipe or the path of its YAML file.
        out_dir: output folder (default :func:`default_output_dir`).
        experiment: draw from this experiment instead of the recipe's.
        results_dir: results store root instead of the recipe's ``results_dir``.

    Returns:
        :class:`RenderReport`.

    Raises:
        ConfigError: the recipe is invalid.
        FigureError: a problem, algorithm or pair named by the recipe is not in the experiment.
        UnknownNameError: no such experiment.
        AnalysisError: the experiment has no complete run to analyse.
    """
    if not isinstance(recipe, Recipe):
        recipe = load_recipe(recipe)
    if experiment is not None:
        recipe = recipe.model_copy(update={"experiment": experiment})
    directory = Path(out_dir) if out_dir is not None else default_output_dir(recipe)
    report = RenderReport(recipe=recipe, directory=directory)
    where = recipe.source or f"recipe {recipe.name!r}"
    source = None
    if recipe.experiment is not None:
        source = ExperimentSource(
            recipe.experiment,
            root=results_dir if results_dir is not None else recipe.results_dir,
            baseline=recipe.baseline,
            where=where,
            display_names=recipe.display_names,
        )
    old_files = _previous_files(directory)
    with paper_style():
        for i, spec in enumerate(recipe.figures):
            entry = f"figures[{i}] ({spec.kind})"
            try:
                drawn = _DRAW[spec.kind](spec, _Context(recipe, source, entry, where))
            except _Skip as why:
                report.skipped.append((spec.stem(), str(why)))
                continue
            except FileNotFoundError as exc:
                report.missing.append((spec.stem(), str(exc)))
                continue
            for d in drawn:
                name = spec.stem() if d.suffix is None else f"{spec.stem()}-{d.suffix}"
                paths = save_figure(d.figure, directory / name, recipe.formats, dpi=recipe.dpi)
                report.figures.append(
                    RenderedFigure(
                        name, spec.kind, tuple(paths), len(data_axes(d.figure)), d.figure, d.note
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


# ----------------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class _Context:
    recipe: Recipe
    source: ExperimentSource | None
    entry: str
    where: str

    @property
    def exp(self) -> ExperimentSource:
        if self.source is None:  # the recipe validator requires an experiment; be explicit
            raise FigureError(f"{self.where}: {self.entry} needs 'experiment'")
        return self.source

    def width(self, spec: Any) -> float:
        return figure_width(spec.width if spec.width is not None else self.recipe.width)

    def problems(self, spec: Any) -> list[str]:
        chosen = spec.problems if spec.problems is not None else self.recipe.problems
        field_name = f"{self.entry}.problems" if spec.problems is not None else "problems"
        return self.exp.problems(chosen, field_name)

    def labels(self, spec: Any) -> list[str]:
        chosen = spec.algorithms if spec.algorithms is not None else self.recipe.algorithms
        field_name = f"{self.entry}.algorithms" if spec.algorithms is not None else "algorithms"
        return self.exp.labels(chosen, field_name)

    def layout(self, spec: Any) -> dict[str, Any]:
        return {
            "width": self.width(spec),
            "columns": spec.columns,
            "panel_height": spec.panel_height,
        }


def _draw_anytime(spec: AnytimeFigure, ctx: _Context) -> list[_Drawn]:
    a = ctx.exp.analysis
    fig = anytime_figure(
        a.traces,
        problems=ctx.problems(spec),
        labels=ctx.labels(spec),
        styles=ctx.exp.styles,
        metric=spec.metric,
        logx=spec.logx,
        logy=spec.logy,
        band=spec.band,
        n_init=ctx.exp.init_sizes,
        **ctx.layout(spec),
    )
    return [_Drawn(None, fig)]


def _draw_final(spec: FinalDistributionFigure, ctx: _Context) -> list[_Drawn]:
    fig = final_distribution_figure(
        ctx.exp.analysis.final,
        problems=ctx.problems(spec),
        labels=ctx.labels(spec),
        styles=ctx.exp.styles,
        metric=spec.metric,
        kind=spec.style,
        points=spec.points,
        **ctx.layout(spec),
    )
    return [_Drawn(None, fig)]


def _median_surface(runs: list[np.ndarray]) -> np.ndarray:
    level = math.ceil(len(runs) / 2)
    table = attainment_surfaces(runs, levels={"median": level})
    return table.drop(columns=["surface", "level", "percentile"]).to_numpy(dtype=float)


def _draw_fronts(spec: FrontsFigure, ctx: _Context) -> list[_Drawn]:
    exp = ctx.exp
    labels = ctx.labels(spec)
    out = []
    for name in ctx.problems(spec):
        prob = exp.problem(name)
        m = prob.n_obj
        show = spec.show
        if show == "auto":
            show = "attainment" if m == 2 else "median_run"
        if show == "attainment" and m != 2:
            raise FigureError(
                f"{ctx.where}: field {ctx.entry}.show: attainment surfaces are drawn for 2 "
                f"objectives; problem {name!r} has {m}; use show: median_run or seed"
            )
        sets = exp.run_sets(name)
        series: dict[str, np.ndarray] = {}
        for lab in labels:
            if lab not in sets:
                continue
            if show == "attainment":
                series[lab] = _median_surface([r.points for r in sets[lab]])
            else:
                run = (
                    exp.median_run(name, lab)
                    if show == "median_run"
                    else exp.seed_run(name, lab, int(spec.seed))
                )
                if run is not None:
                    series[lab] = run.points
        note = {
            "attainment": "median attainment surfaces",
            "median_run": "run of median HV",
            "seed": f"seed {spec.seed}",
        }[show]
        fig = fronts_figure(
            true_front=prob.true_front("report") if spec.true_front else None,
            series=series,
            labels=labels,
            styles=exp.styles,
            objective_names=prob.objective_names,
            objective_units=prob.objective_units,
            lower=prob.ideal,
            upper=prob.reference_point,
            mode="staircase" if show == "attainment" else "points",
            title=f"{name}: {note}",
            width=ctx.width(spec),
            columns=spec.columns,
            panel_height=spec.panel_height,
        )
        missing = [lab for lab in labels if lab not in series]
        out.append(_Drawn(name, fig, f"no runs of {missing} on {name}" if missing else None))
    return out


def default_pair(exp: ExperimentSource, labels: list[str], problems: list[str]) -> tuple[str, str]:
    """The best variant by mean (over problems) median normalized hypervolume, against the
    baseline, or against the runner-up when the best is the baseline or there is none."""
    s = exp.analysis.summary
    s = s[(s["metric"] == "hv_normalized") & s["problem"].isin(problems) & s["label"].isin(labels)]
    ranked = list(s.groupby("label")["median"].mean().sort_values(ascending=False).index)
    if len(ranked) < 2:
        raise _Skip(f"an EAF difference needs 2 algorithm variants; the selection has {ranked}")
    base = exp.analysis.baseline
    if base in ranked and ranked[0] != base:
        return ranked[0], base
    return ranked[0], ranked[1]


def _draw_eaf(spec: EafDifferenceFigure, ctx: _Context) -> list[_Drawn]:
    exp = ctx.exp
    problems = ctx.problems(spec)
    labels = ctx.labels(spec)
    if spec.pair is not None:
        pair = tuple(exp.labels(list(spec.pair), f"{ctx.entry}.pair"))
    else:
        pair = default_pair(exp, labels, problems)
    two = [p for p in problems if exp.problem(p).n_obj == 2]
    if not two:
        raise _Skip(f"EAF differences need 2-objective problems; {problems} have more")
    out: list[_Drawn] = []
    notes = []
    left_out = [p for p in problems if p not in two]
    if left_out:
        notes.append(f"drawn for 2-objective problems only; left out {left_out}")
    for name in two:
        prob = exp.problem(name)
        sets = exp.run_sets(name)
        by_seed = [{r.seed: r.points for r in sets.get(lab, [])} for lab in pair]
        # moocore compares equal numbers of runs: use the seeds both variants completed.
        seeds = sorted(set(by_seed[0]) & set(by_seed[1]))
        if not seeds:
            notes.append(f"{pair[0]} and {pair[1]} share no seed on {name}")
            continue
        runs_a = [by_seed[0][s] for s in seeds]
        runs_b = [by_seed[1][s] for s in seeds]
        rects = eaf_difference(runs_a, runs_b, objective_names=prob.objective_names)
        surfaces = {pair[0]: _median_surface(runs_a), pair[1]: _median_surface(runs_b)}
        fig = eaf_difference_figure(
            rects,
            pair=pair,
            surfaces=surfaces,
            true_front=prob.true_front("report"),
            styles=exp.styles,
            objective_names=prob.objective_names,
            objective_units=prob.objective_units,
            lower=prob.ideal,
            upper=prob.reference_point,
            title=f"{name}: EAF difference over {len(seeds)} seeds",
            width=ctx.width(spec),
            panel_height=spec.panel_height,
        )
        out.append(_Drawn(name, fig))
    if not out:
        raise _Skip("; ".join(notes))
    if notes:
        out[-1] = _Drawn(out[-1].suffix, out[-1].figure, "; ".join(notes))
    return out


def _draw_cd(spec: CriticalDifferenceFigure, ctx: _Context) -> list[_Drawn]:
    exp = ctx.exp
    labels = ctx.labels(spec)
    problems = ctx.problems(spec)
    entry = exp.analysis.ranking["metrics"].get(spec.metric, {})
    higher = bool(entry.get("higher_is_better", spec.metric != "igd_plus"))
    title = f"{metric_label(spec.metric)}: average rank (1 = best)"
    full = problems == exp.all_problems and labels == exp.all_labels
    if entry.get("available") and full:
        excluded = list(entry.get("excluded_algorithms") or [])
        ranks = {str(k): float(v) for k, v in entry["average_ranks"].items()}
        fig = cd_diagram(
            ranks,
            styles=exp.styles,
            critical_difference=float(entry["critical_difference"]),
            cliques=entry["cliques"],
            title=title,
            note=f"Nemenyi, α = {exp.analysis.alpha:g}, {entry['n_problems']} problems"
            + (f"; not run on every problem: {', '.join(excluded)}" if excluded else ""),
            width=ctx.width(spec),
        )
        return [_Drawn(None, fig, f"left out {excluded}" if excluded else None)]
    # A subset of problems or variants, or the analysis could not rank: rank here from the
    # per-problem medians (the analysis' aggregate), with the critical difference when defined.
    final = exp.analysis.final
    data = final[final["problem"].isin(problems) & final["label"].isin(labels)]
    if data["label"].nunique() < 2:
        raise _Skip(
            f"ranking needs at least 2 algorithm variants; found {sorted(data['label'].unique())}"
        )
    if len(problems) >= 2:
        from lab.stats import StatsInputError, rank_algorithms

        try:
            res = rank_algorithms(
                data,
                higher_is_better=higher,
                alpha=exp.analysis.alpha,
                value_col=spec.metric,
                algorithm_col="label",
            )
        except StatsInputError as exc:
            raise _Skip(f"cannot rank: {exc}") from None
        fig = cd_diagram(
            {str(k): float(v) for k, v in res.average_ranks.items()},
            styles=exp.styles,
            critical_difference=res.critical_difference,
            cliques=res.cliques,
            title=title,
            note=f"Nemenyi, α = {res.alpha:g}, {res.n_problems} problems",
            width=ctx.width(spec),
        )
        return [_Drawn(None, fig)]
    medians = data.groupby("label")[spec.metric].median()
    ranks = (-medians if higher else medians).rank(method="average")
    note = f"One problem ({problems[0]}): ranks of the median over seeds; no critical difference"
    fig = cd_diagram(
        {str(k): float(v) for k, v in ranks.items()},
        styles=exp.styles,
        critical_difference=None,
        title=title,
        note=note,
        width=ctx.width(spec),
    )
    return [_Drawn(None, fig, note)]


def _draw_generalization(spec: GeneralizationFigure, ctx: _Context) -> list[_Drawn]:
    fig = generalization_figure(
        ctx.exp.analysis.final,
        problems=ctx.problems(spec),
        labels=ctx.labels(spec),
        styles=ctx.exp.styles,
        **ctx.layout(spec),
    )
    return [_Drawn(None, fig)]


def _draw_transfer(spec: TransferFigure, ctx: _Context) -> list[_Drawn]:
    a = ctx.exp.analysis
    problems = ctx.problems(spec)
    ts = a.transfer_summary
    with_targets = [p for p in problems if (ts["problem"] == p).any()] if len(ts) else []
    if not with_targets:
        raise _Skip(
            f"no transfer target for {problems} (no other dataset or device over the same table "
            "with the same objectives, or the analysis ran with --no-transfer)"
        )
    fig = transfer_figure(
        ts,
        a.summary,
        problems=with_targets,
        labels=ctx.labels(spec),
        styles=ctx.exp.styles,
        **ctx.layout(spec),
    )
    left = [p for p in problems if p not in with_targets]
    return [_Drawn(None, fig, f"no transfer target for {left}" if left else None)]


def _read_table(spec: Any, ctx: _Context) -> pd.DataFrame:
    path = Path(spec.table)
    if not path.is_file():
        raise FileNotFoundError(
            f"{ctx.where}: field {ctx.entry}.table: no file {path} (relative paths are read "
            "from the current directory; write the table with the surrogate laboratory first)"
        )
    try:
        if path.suffix == ".parquet":
            table = pd.read_parquet(path)
        elif path.suffix in (".csv", ".tsv"):
            table = pd.read_csv(path, sep="\t" if path.suffix == ".tsv" else ",")
        else:
            raise FigureError(
                f"{ctx.where}: field {ctx.entry}.table: {path} is neither .parquet nor .csv"
            )
    except (OSError, ValueError) as exc:
        raise FigureError(
            f"{ctx.where}: field {ctx.entry}.table: cannot read {path} ({exc})"
        ) from None
    missing = [theirs for theirs in spec.rename.values() if theirs not in table.columns]
    if missing:
        raise FigureError(
            f"{ctx.where}: field {ctx.entry}.rename: {path} has no column(s) {missing}; "
            f"its columns: {list(table.columns)}"
        )
    return table.rename(columns={theirs: ours for ours, theirs in spec.rename.items()})


def _table_figure(ctx: _Context, draw: Callable[[], Figure]) -> list[_Drawn]:
    try:
        return [_Drawn(None, draw())]
    except ValueError as exc:
        raise FigureError(f"{ctx.where}: {ctx.entry}: {exc}") from None


def _draw_learning_curve(spec: LearningCurveFigure, ctx: _Context) -> list[_Drawn]:
    table = _read_table(spec, ctx)
    return _table_figure(
        ctx,
        lambda: learning_curve_figure(
            table,
            metric=spec.metric,
            predictors=spec.predictors,
            logx=spec.logx,
            width=ctx.width(spec),
            columns=spec.columns,
            panel_height=spec.panel_height,
        ),
    )


def _draw_parity(spec: ParityFigure, ctx: _Context) -> list[_Drawn]:
    if spec.surrogates is not None:
        from lab.figures.surrogate_source import parity_table

        table = parity_table(spec.surrogates)
    else:
        table = _read_table(spec, ctx)
    return _table_figure(
        ctx,
        lambda: parity_figure(
            table,
            predictors=spec.predictors,
            value_label=spec.value_label,
            width=ctx.width(spec),
            columns=spec.columns,
            panel_height=spec.panel_height,
        ),
    )


def _draw_importance(spec: ImportanceFigure, ctx: _Context) -> list[_Drawn]:
    table = _read_table(spec, ctx)
    return _table_figure(
        ctx,
        lambda: importance_figure(
            table,
            top=spec.top,
            predictors=spec.predictors,
            value_label=spec.value_label,
            width=ctx.width(spec),
            columns=spec.columns,
            panel_height=spec.panel_height,
        ),
    )


def _draw_effects(spec: OperationEffectsFigure, ctx: _Context) -> list[_Drawn]:
    table = _read_table(spec, ctx)
    if spec.predictors and "predictor" in table.columns:
        table = table[table["predictor"].isin(spec.predictors)]
    return _table_figure(
        ctx,
        lambda: operation_effects_figure(
            table,
            value_label=spec.value_label,
            width=ctx.width(spec),
            columns=spec.columns,
            panel_height=spec.panel_height,
        ),
    )


_DRAW: dict[str, Callable[[Any, _Context], list[_Drawn]]] = {
    "anytime": _draw_anytime,
    "final_distribution": _draw_final,
    "fronts": _draw_fronts,
    "eaf_difference": _draw_eaf,
    "critical_difference": _draw_cd,
    "generalization": _draw_generalization,
    "transfer": _draw_transfer,
    "learning_curve": _draw_learning_curve,
    "parity": _draw_parity,
    "importance": _draw_importance,
    "operation_effects": _draw_effects,
}


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
