"""``kind: eaf_difference``: where one variant attains more often than another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import field_validator

from lab.errors import ConfigError
from lab.figures.eaf import eaf_difference_figure
from lab.figures.entry import (
    DrawContext,
    Drawn,
    ExperimentFigureEntry,
    SkipFigure,
    figure_kind,
)
from lab.figures.kinds.fronts import median_surface
from lab.figures.units import problem_title
from lab.indicators.attainment import eaf_difference

if TYPE_CHECKING:
    from lab.figures.sources import ExperimentSource


def default_pair(exp: ExperimentSource, labels: list[str], problems: list[str]) -> tuple[str, str]:
    """The best variant by mean (over ``problems``) median normalized hypervolume, against the
    baseline, or against the runner-up when the best is the baseline or there is none. The
    figure of one problem passes that problem alone: its pair is chosen by the ranking on the
    problem it draws, not over every problem of the experiment."""
    s = exp.analysis.summary
    s = s[(s["metric"] == "hv_normalized") & s["problem"].isin(problems) & s["label"].isin(labels)]
    ranked = list(s.groupby("label")["median"].mean().sort_values(ascending=False).index)
    if len(ranked) < 2:
        raise SkipFigure(
            f"an EAF difference needs 2 algorithm variants; the selection has {ranked}"
        )
    base = exp.analysis.baseline
    if base in ranked and ranked[0] != base:
        return ranked[0], base
    return ranked[0], ranked[1]


@figure_kind
class EafDifferenceFigure(ExperimentFigureEntry):
    """Per 2-objective problem, where one variant attains more often than another. ``pair``
    defaults, per problem, to the best variant on that problem by median normalized hypervolume
    against the baseline (or the runner-up when the best is the baseline)."""

    kind: Literal["eaf_difference"]
    pair: tuple[str, str] | None = None

    @field_validator("pair")
    @classmethod
    def _distinct(cls, pair: tuple[str, str] | None) -> tuple[str, str] | None:
        if pair is not None and pair[0] == pair[1]:
            raise ConfigError(f"pair needs two different variants, got {list(pair)}")
        return pair

    def default_stem(self) -> str:
        return "eaf_diff"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        exp = ctx.exp
        problems = ctx.problems(self)
        labels = ctx.labels(self)
        fixed = None
        if self.pair is not None:
            fixed = tuple(exp.labels(list(self.pair), f"{ctx.entry}.pair"))
        two = [p for p in problems if exp.problem(p).n_obj == 2]
        if not two:
            raise SkipFigure(f"EAF differences need 2-objective problems; {problems} have more")
        out: list[Drawn] = []
        notes = []
        left_out = [p for p in problems if p not in two]
        if left_out:
            notes.append(f"drawn for 2-objective problems only; left out {left_out}")
        for name in two:
            pair = fixed or default_pair(exp, labels, [name])
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
            surfaces = {pair[0]: median_surface(runs_a), pair[1]: median_surface(runs_b)}
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
                title=f"{problem_title(name)}: EAF difference over {len(seeds)} seeds",
                width=ctx.width(self),
                panel_height=self.panel_height,
            )
            out.append(Drawn(name, fig))
        if not out:
            raise SkipFigure("; ".join(notes))
        if notes:
            out[-1] = Drawn(out[-1].suffix, out[-1].figure, "; ".join(notes))
        return out
