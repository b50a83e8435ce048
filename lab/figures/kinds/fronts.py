"""``kind: fronts``: each variant's set against the exact front, in objective space."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from lab.errors import ConfigError, FigureError
from lab.figures.entry import DrawContext, Drawn, ExperimentFigureEntry, figure_kind
from lab.figures.fronts import fronts_figure
from lab.figures.fronts_many import parallel_coordinates_figure, per_algorithm_figure
from lab.figures.units import problem_title
from lab.indicators.attainment import attainment_surfaces


def median_surface(runs: list[np.ndarray]) -> np.ndarray:
    """Minimal points of the median attainment surface of ``runs`` (each ``p x m``)."""
    level = math.ceil(len(runs) / 2)
    table = attainment_surfaces(runs, levels={"median": level})
    return table.drop(columns=["surface", "level", "percentile"]).to_numpy(dtype=float)


@figure_kind
class FrontsFigure(ExperimentFigureEntry):
    """Per problem, the exact front and each variant's set: its median attainment surface
    (``attainment``, 2 objectives), the returned set of its median-hypervolume run
    (``median_run``) or of one seed (``seed``); ``auto``: attainment in 2-D, median run above.

    With 3 or more objectives, ``many_objectives`` says how: ``per_algorithm`` (default for 3:
    one panel per variant, its set over the exact front projected on the first two objectives,
    coloured by the third), ``parallel_coordinates`` (default for 4 and more: one panel per
    variant, one line per architecture across the normalized objectives) or ``pairs`` (one
    panel per pair of objectives, every variant in it)."""

    kind: Literal["fronts"]
    show: Literal["auto", "attainment", "median_run", "seed"] = "auto"
    seed: int | None = Field(default=None, ge=0)
    true_front: bool = True
    many_objectives: Literal["auto", "per_algorithm", "parallel_coordinates", "pairs"] = "auto"
    #: Logarithmic axes of the 2-D and ``pairs`` panels: ``auto`` (an objective whose exact
    #: front crowds into the low tenth of a span of over a decade), ``none``, or the names of
    #: the objectives to draw on a log axis.
    log_axes: Literal["auto", "none"] | list[str] = "auto"

    @model_validator(mode="after")
    def _seed_given(self) -> FrontsFigure:
        if self.show == "seed" and self.seed is None:
            raise ConfigError("show: seed needs 'seed' (a seed index of the experiment)")
        if self.show != "seed" and self.seed is not None:
            raise ConfigError(f"'seed' is only used with show: seed (show is {self.show!r})")
        return self

    def default_stem(self) -> str:
        return "fronts"

    def _log_caption(self) -> str:
        """The caption's sentence on logarithmic axes (empty without any)."""
        if self.log_axes == "auto":
            return (
                " An axis is logarithmic where the exact front crowds into the lowest tenth of "
                "a span of over a decade."
            )
        if self.log_axes == "none" or not self.log_axes:
            return ""
        return f" Logarithmic axes: {', '.join(self.log_axes)}."

    def _log_flags(self, ctx: DrawContext, problem: str, objectives: list[str]) -> str | list[bool]:
        """``log_axes`` for :func:`fronts_figure`: as given, or one flag per objective."""
        if isinstance(self.log_axes, str):
            return self.log_axes
        unknown = [o for o in self.log_axes if o not in objectives]
        if unknown:
            raise FigureError(
                f"{ctx.where}: field {ctx.entry}.log_axes: {unknown} are not objectives of "
                f"problem {problem!r} (its objectives: {list(objectives)})"
            )
        return [o in self.log_axes for o in objectives]

    def caption(self) -> str:
        """Which metrics and which sets the figure shows, and how points outside its box are
        drawn (written beside it and into the report)."""
        what = {
            "auto": "median attainment surface (2 objectives) or the set of its run of median "
            "report HV (3 and more)",
            "attainment": "median attainment surface over seeds",
            "median_run": "returned set of its run of median report HV",
            "seed": f"returned set of seed {self.seed}",
        }[self.show]
        return (
            f"Each variant's {what}, on the report metrics (the sets were chosen on the search "
            "metrics), in raw units"
            + (", over the exact report front (grey)" if self.true_front else "")
            + ". Axes span the ideal point to the hypervolume reference point (dotted); every "
            "returned point is drawn, those outside that box hollow on its edge. With 3 "
            "objectives: objectives 1 and 2 as axes, objective 3 as colour; with 4 and more: "
            "one line per architecture across the objectives normalized to 0 (ideal) and 1 "
            "(reference point)." + self._log_caption()
        )

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        exp = ctx.exp
        labels = ctx.labels(self)
        out = []
        for name in ctx.problems(self):
            prob = exp.problem(name)
            m = prob.n_obj
            show = self.show
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
                    series[lab] = median_surface([r.points for r in sets[lab]])
                else:
                    run = (
                        exp.median_run(name, lab)
                        if show == "median_run"
                        else exp.seed_run(name, lab, int(self.seed))
                    )
                    if run is not None:
                        series[lab] = run.points
            what = {
                "attainment": "median attainment surfaces",
                "median_run": "run of median HV",
                "seed": f"seed {self.seed}",
            }[show]
            common = {
                "true_front": prob.true_front("report") if self.true_front else None,
                "series": series,
                "labels": labels,
                "styles": exp.styles,
                "objective_names": prob.objective_names,
                "objective_units": prob.objective_units,
                "lower": prob.ideal,
                "upper": prob.reference_point,
                "title": f"{problem_title(name)}: {what}",
                "width": ctx.width(self),
                "columns": self.columns,
                "panel_height": self.panel_height,
            }
            style = self.many_objectives
            if style == "auto":
                style = "per_algorithm" if m == 3 else "parallel_coordinates"
            if m == 2 or style == "pairs":
                fig = fronts_figure(
                    mode="staircase" if show == "attainment" else "points",
                    log_axes=self._log_flags(ctx, name, prob.objective_names),
                    **common,
                )
            elif style == "per_algorithm":
                fig = per_algorithm_figure(**common)
            else:
                fig = parallel_coordinates_figure(**common)
            missing = [lab for lab in labels if lab not in series]
            out.append(Drawn(name, fig, f"no runs of {missing} on {name}" if missing else None))
        return out
