"""What every figure kind shares: the recipe entry's common fields, how a kind draws
(:meth:`FigureEntry.draw` with a :class:`DrawContext`), and the registry of kinds.

A figure kind is one module in :mod:`lab.figures.kinds` holding one :class:`FigureEntry`
subclass decorated with :func:`figure_kind`: its fields are the recipe entry's options (checked
when a recipe is loaded) and its ``draw`` method makes the figures. Nothing else has to be
edited to add a kind; the recipe schema, the renderer and the error messages find it in
:data:`FIGURE_KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from matplotlib.figure import Figure
from pydantic import BaseModel, ConfigDict, Field, field_validator

from lab.errors import DuplicateNameError, FigureError
from lab.figures.style import figure_width
from lab.registry import check_name

Width = Literal["single", "double"] | Annotated[float, Field(gt=0.5, le=20.0)]


def check_file_name(value: str | None, what: str) -> str | None:
    """``value`` if it follows the lab's name rule (:func:`lab.registry.check_name`), else
    ``ConfigError``."""
    if value is None:
        return None
    return check_name(value, what=what, why="it becomes a file name")


@dataclass(frozen=True)
class Drawn:
    """One figure a recipe entry made: ``suffix`` is appended to the entry's file stem (one
    figure per problem), ``note`` says what it left out or how it differs from the default."""

    suffix: str | None
    figure: Figure
    note: str | None = None


class SkipFigure(Exception):
    """A figure (or part) that the data do not allow; carries the reason."""


class FigureEntry(BaseModel):
    """Fields every figure entry of a recipe has.

    Attributes:
        name: file stem (default :meth:`default_stem`).
        width: ``single`` / ``double`` column or inches (default: the recipe's).
        columns: panels per row (default: chosen from the panels and the width).
        panel_height: inches per panel row.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Whether the kind draws from an experiment's runs (the recipe then needs ``experiment``).
    needs_experiment: ClassVar[bool] = False

    name: str | None = None
    width: Width | None = None
    columns: int | None = Field(default=None, ge=1, le=6)
    panel_height: float | None = Field(default=None, gt=0.3, le=10.0)

    @field_validator("name")
    @classmethod
    def _file_name(cls, value: str | None) -> str | None:
        return check_file_name(value, "name")

    def stem(self) -> str:
        """File stem of the figure (``name``, else its kind and main option)."""
        return self.name or self.default_stem()

    def default_stem(self) -> str:
        return str(getattr(self, "kind", "figure"))

    def caption(self) -> str | None:
        """What the figure shows and how to read it, in words (written into the index and the
        report beside it); ``None`` when the figure says it itself."""
        return None

    def draw(self, ctx: DrawContext) -> list[Drawn]:
        """The figures of this entry (raise :class:`SkipFigure` when the data do not allow it,
        ``FileNotFoundError`` when an input file is missing)."""
        raise NotImplementedError


class ExperimentFigureEntry(FigureEntry):
    """A figure of an experiment's runs; ``problems`` and ``algorithms`` select panels and
    series (default: the recipe's, else all)."""

    needs_experiment: ClassVar[bool] = True

    problems: list[str] | None = Field(default=None, min_length=1)
    algorithms: list[str] | None = Field(default=None, min_length=1)


#: Figure kind -> its entry class, filled by :func:`figure_kind` as :mod:`lab.figures.kinds`
#: imports its modules.
FIGURE_KINDS: dict[str, type[FigureEntry]] = {}

E = TypeVar("E", bound=type[FigureEntry])


def figure_kind(cls: E) -> E:
    """Register ``cls`` under the value of its ``kind: Literal[...]`` field; refuses a kind
    registered twice."""
    annotation = cls.model_fields["kind"].annotation
    kind = getattr(annotation, "__args__", (None,))[0]
    if not isinstance(kind, str):
        raise TypeError(f"{cls.__name__}.kind must be annotated Literal['<kind>']")
    if kind in FIGURE_KINDS and FIGURE_KINDS[kind] is not cls:
        raise DuplicateNameError(
            f"figure kind {kind!r} registered twice ({FIGURE_KINDS[kind].__name__})"
        )
    FIGURE_KINDS[kind] = cls
    return cls


@dataclass(frozen=True)
class DrawContext:
    """What an entry draws with: the recipe (defaults, display names), the experiment (when the
    recipe has one), and how errors name the entry."""

    # The recipe (a :class:`lab.figures.recipe.FigureRecipe`, which imports this module) and
    # the :class:`lab.figures.sources.ExperimentSource`, typed loosely to keep imports acyclic.
    recipe: Any
    source: Any
    entry: str
    where: str

    @property
    def exp(self) -> Any:
        if self.source is None:  # the recipe validator requires an experiment; be explicit
            raise FigureError(f"{self.where}: {self.entry} needs 'experiment'")
        return self.source

    def width(self, spec: FigureEntry) -> float:
        return figure_width(spec.width if spec.width is not None else self.recipe.width)

    def problems(self, spec: ExperimentFigureEntry) -> list[str]:
        chosen = spec.problems if spec.problems is not None else self.recipe.problems
        field_name = f"{self.entry}.problems" if spec.problems is not None else "problems"
        return self.exp.problems(chosen, field_name)

    def labels(self, spec: ExperimentFigureEntry) -> list[str]:
        chosen = spec.algorithms if spec.algorithms is not None else self.recipe.algorithms
        field_name = f"{self.entry}.algorithms" if spec.algorithms is not None else "algorithms"
        return self.exp.labels(chosen, field_name)

    def layout(self, spec: FigureEntry) -> dict[str, Any]:
        """``width``, ``columns`` and ``panel_height`` keyword arguments of a plot function."""
        return {
            "width": self.width(spec),
            "columns": spec.columns,
            "panel_height": spec.panel_height,
        }

    def problem_titles(self, problems: list[str]) -> dict[str, str]:
        """Problem -> panel title (the recipe's ``problem_names``, else the name)."""
        return {p: self.recipe.problem_names.get(p, p) for p in problems}

    @property
    def metric_names(self) -> dict[str, str]:
        """Objective or indicator name -> axis title (the recipe's ``metric_names``)."""
        return dict(self.recipe.metric_names)
