"""``kind: parity``: predicted vs true values on held-out architectures."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from lab.errors import ConfigError
from lab.figures.entry import DrawContext, Drawn, figure_kind
from lab.figures.parity import parity_figure
from lab.figures.table_entry import TableFigureEntry, table_figure


@figure_kind
class ParityFigure(TableFigureEntry):
    """Predicted vs true values on held-out architectures, one panel per predictor and target;
    from a saved table (``table``) or from saved surrogates (``surrogates``: their predictions
    on the rows of their table they were not trained on)."""

    kind: Literal["parity"]
    table: Path | None = None  # type: ignore[assignment]
    surrogates: list[str] | None = Field(default=None, min_length=1)
    #: Axis label with unit, or target -> label (default: none; the target titles the panel).
    value_label: str | dict[str, str] = "value"

    @model_validator(mode="after")
    def _one_source(self) -> ParityFigure:
        if (self.table is None) == (self.surrogates is None):
            raise ConfigError(
                "give exactly one of 'table' (a saved parity table) or 'surrogates' (names of "
                "saved surrogates, see `lab surrogate ls`)"
            )
        return self

    def default_stem(self) -> str:
        return "parity"

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        if self.surrogates is not None:
            from lab.figures.surrogate_source import parity_table

            table = parity_table(self.surrogates)
        else:
            table = self.read_table(ctx)
        return table_figure(
            ctx,
            lambda: parity_figure(
                table,
                predictors=self.predictors,
                value_label=self.value_label,
                **ctx.layout(self),
            ),
        )
