"""``kind: critical_difference``: average ranks across problems."""

from __future__ import annotations

from typing import Literal

from lab.figures.critical_difference import cd_diagram
from lab.figures.entry import (
    DrawContext,
    Drawn,
    ExperimentFigureEntry,
    SkipFigure,
    figure_kind,
)
from lab.figures.units import metric_label


@figure_kind
class CriticalDifferenceFigure(ExperimentFigureEntry):
    """Average ranks across problems with the Nemenyi critical difference (with one problem:
    that problem's ranks and a note)."""

    kind: Literal["critical_difference"]
    metric: Literal["hv_normalized", "igd_plus"] = "hv_normalized"

    def default_stem(self) -> str:
        return f"cd_{self.metric}"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        exp = ctx.exp
        labels = ctx.labels(self)
        problems = ctx.problems(self)
        entry = exp.analysis.ranking["metrics"].get(self.metric, {})
        higher = bool(entry.get("higher_is_better", self.metric != "igd_plus"))
        title = f"{metric_label(self.metric)}: average rank (1 = best)"
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
                width=ctx.width(self),
            )
            return [Drawn(None, fig, f"left out {excluded}" if excluded else None)]
        # A subset of problems or variants, or the analysis could not rank: rank here from the
        # per-problem medians (the analysis' aggregate), with the critical difference when
        # defined.
        final = exp.analysis.final
        data = final[final["problem"].isin(problems) & final["label"].isin(labels)]
        if data["label"].nunique() < 2:
            raise SkipFigure(
                "ranking needs at least 2 algorithm variants; found "
                f"{sorted(data['label'].unique())}"
            )
        if len(problems) >= 2:
            from lab.stats import StatsInputError, rank_algorithms

            try:
                res = rank_algorithms(
                    data,
                    higher_is_better=higher,
                    alpha=exp.analysis.alpha,
                    value_col=self.metric,
                    algorithm_col="label",
                )
            except StatsInputError as exc:
                raise SkipFigure(f"cannot rank: {exc}") from None
            fig = cd_diagram(
                {str(k): float(v) for k, v in res.average_ranks.items()},
                styles=exp.styles,
                critical_difference=res.critical_difference,
                cliques=res.cliques,
                title=title,
                note=f"Nemenyi, α = {res.alpha:g}, {res.n_problems} problems",
                width=ctx.width(self),
            )
            return [Drawn(None, fig)]
        medians = data.groupby("label")[self.metric].median()
        ranks = (-medians if higher else medians).rank(method="average")
        note = (
            f"One problem ({problems[0]}): ranks of the median over seeds; no critical difference"
        )
        fig = cd_diagram(
            {str(k): float(v) for k, v in ranks.items()},
            styles=exp.styles,
            critical_difference=None,
            title=title,
            note=note,
            width=ctx.width(self),
        )
        return [Drawn(None, fig, note)]
