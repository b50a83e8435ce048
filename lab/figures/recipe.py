"""Figure recipes: which experiment, problems, algorithms, indicators and layout a set of paper
figures shows, in one YAML file under ``paper_figures/``::

    name: quickstart              # output folder paper_figures/<name>/ (default: the file stem)
    experiment: quickstart        # the results-store experiment (figures of runs need it)
    results_dir: null             # store root (default: $LAB_RESULTS_DIR or ./results)
    baseline: null                # for the analysis, if it has to be (re)run
    problems: null                # default: every problem of the experiment (panel order)
    algorithms: null              # variant labels (default: all; legend order)
    display_names: {}             # variant label -> name shown in legends
    problem_names: {}             # problem -> panel title (default: the problem's name)
    metric_names: {}              # objective or indicator -> axis title ("error": "Top-1 error")
    formats: [pdf, png]
    dpi: 300
    width: single                 # single (3.3 in), double (6.9 in) or inches
    tables: true                  # copy the analysis' LaTeX tables beside the figures
    inputs:                       # the commands that make the inputs, run when they are missing
      - command: lab run experiments/quickstart.yaml
        experiments: [quickstart]
    figures:
      - kind: anytime             # one entry per figure; see FIGURE_KINDS
        metric: hv_normalized
        logx: true

Every figure entry also takes ``name`` (file stem), ``problems``, ``algorithms``, ``width``,
``columns`` (panels per row) and ``panel_height`` (inches), overriding the recipe's. Surrogate
figures read a saved table (``table``: Parquet or CSV, relative to the current directory) and
need no experiment; ``rename`` maps the figure's column names to the table's. The kinds and
their options are the classes of :mod:`lab.figures.kinds`.

Every field is checked on load; an error names the file, the field and the valid values.
"""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import model_validator as _model_validator

from lab.config_file import read_yaml, validate
from lab.errors import ConfigError
from lab.figures.entry import FIGURE_KINDS, FigureEntry, Width, check_file_name
from lab.figures.kinds import FIGURE_KINDS as _LOADED  # noqa: F401 (registers every kind)

#: One recipe entry: the kind's class, chosen by its ``kind`` field.
FigureSpec = Annotated[Union[tuple(FIGURE_KINDS.values())], Field(discriminator="kind")]  # noqa: UP007

#: Kinds drawn from an experiment's runs (the others read saved tables).
EXPERIMENT_KINDS: frozenset[str] = frozenset(
    k for k, cls in FIGURE_KINDS.items() if cls.needs_experiment
)


class RecipeInput(BaseModel):
    """A command of the lab that makes some of a recipe's inputs, and what it makes.

    Attributes:
        command: a ``lab ...`` command line, run from the current directory.
        files: files it writes (relative to the current directory).
        surrogates: saved surrogates it writes.
        experiments: experiments of the results store it runs.
        automatic: run it when its outputs are missing (``false`` for inputs too costly to make
            unasked, e.g. hours of Bayesian optimization: ``lab figures`` then names the
            command and skips the recipe).
        cost: what the command costs, in words, shown when it is listed or run.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str
    files: list[Path] = Field(default_factory=list)
    surrogates: list[str] = Field(default_factory=list)
    experiments: list[str] = Field(default_factory=list)
    automatic: bool = True
    cost: str | None = None

    @field_validator("command")
    @classmethod
    def _lab_command(cls, command: str) -> str:
        try:
            words = shlex.split(command)
        except ValueError as exc:
            raise ConfigError(f"cannot split the command into words ({exc})") from None
        # Only the lab's own commands: a recipe is data, and running it must not run a shell.
        if len(words) < 2 or words[0] != "lab":
            raise ConfigError(
                f"must be a command of the lab ('lab <command> ...'), got {command!r}"
            )
        return command

    @_model_validator(mode="after")
    def _makes_something(self) -> RecipeInput:
        if not (self.files or self.surrogates or self.experiments):
            raise ConfigError(
                "say what the command makes: 'files', 'surrogates' or 'experiments' (so that "
                "it runs only when they are missing)"
            )
        return self

    def argv(self) -> list[str]:
        """The command's words after ``lab``."""
        return shlex.split(self.command)[1:]


class FigureRecipe(BaseModel):
    """A set of figures (and tables) rendered into ``paper_figures/<name>/``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    experiment: str | None = None
    results_dir: Path | None = None
    baseline: str | None = None
    problems: list[str] | None = Field(default=None, min_length=1)
    algorithms: list[str] | None = Field(default=None, min_length=1)
    display_names: dict[str, str] = Field(default_factory=dict)
    problem_names: dict[str, str] = Field(default_factory=dict)
    metric_names: dict[str, str] = Field(default_factory=dict)
    formats: list[Literal["pdf", "png", "svg"]] = Field(default=["pdf", "png"], min_length=1)
    dpi: int = Field(default=300, ge=50, le=1200)
    width: Width = "single"
    tables: bool = True
    inputs: list[RecipeInput] = Field(default_factory=list)
    figures: list[FigureSpec] = Field(min_length=1)  # type: ignore[valid-type]
    source: str | None = Field(default=None, exclude=True)
    source_sha256: str | None = Field(default=None, exclude=True)

    @field_validator("name")
    @classmethod
    def _file_name(cls, value: str) -> str:
        return check_file_name(value, "name")  # type: ignore[return-value]

    @field_validator("formats")
    @classmethod
    def _unique_formats(cls, formats: list[str]) -> list[str]:
        if len(set(formats)) != len(formats):
            raise ConfigError(f"formats repeat a value: {formats}")
        return formats

    @_model_validator(mode="after")
    def _consistent(self) -> FigureRecipe:
        kinds = [f.kind for f in self.figures]
        needs = sorted({k for k in kinds if k in EXPERIMENT_KINDS})
        if needs and self.experiment is None:
            raise ConfigError(
                f"figures of kind {needs} are drawn from an experiment's runs; set 'experiment' "
                "(an experiment of the results store, see `lab results ls`)"
            )
        stems = [f.stem() for f in self.figures]
        dupes = sorted({s for s in stems if stems.count(s) > 1})
        if dupes:
            raise ConfigError(
                f"two figures would write the same files {dupes}; give them distinct 'name's"
            )
        return self


def parse_recipe(
    raw: Any, *, source: str = "<recipe>", default_name: str | None = None
) -> FigureRecipe:
    """Validate an already-parsed mapping (``source`` names it in errors)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: a figure recipe must be a YAML mapping of fields")
    data = dict(raw)
    if default_name is not None:
        data.setdefault("name", default_name)
    data.pop("source", None)
    data.pop("source_sha256", None)
    return validate(FigureRecipe, data, source=source, what="figure recipe")


def load_recipe(path: Path | str) -> FigureRecipe:
    """Read and validate a recipe file; its name defaults to the file's stem."""
    path = Path(path)
    text, raw = read_yaml(path, what="figure recipe")
    recipe = parse_recipe(raw, source=str(path), default_name=path.stem)
    return recipe.model_copy(
        update={
            "source": str(path),
            "source_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
    )


__all__ = [
    "EXPERIMENT_KINDS",
    "FIGURE_KINDS",
    "FigureEntry",
    "FigureRecipe",
    "FigureSpec",
    "RecipeInput",
    "load_recipe",
    "parse_recipe",
]
