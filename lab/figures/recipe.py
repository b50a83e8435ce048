"""Figure recipes: which experiment, problems, algorithms, indicators and layout a set of paper
figures shows, in one YAML file under ``paper_figures/``::

    name: quickstart              # output folder paper_figures/<name>/ (default: the file stem)
    experiment: quickstart        # the results-store experiment (figures of runs need it)
    results_dir: null             # store root (default: $LAB_RESULTS_DIR or ./results)
    baseline: null                # for the analysis, if it has to be (re)run
    problems: null                # default: every problem of the experiment (panel order)
    algorithms: null              # variant labels (default: all; legend order)
    display_names: {}             # label -> name shown in legends
    formats: [pdf, png]
    dpi: 300
    width: single                 # single (3.3 in), double (6.9 in) or inches
    tables: true                  # copy the analysis' LaTeX tables beside the figures
    figures:
      - kind: anytime             # one entry per figure; see FIGURE_KINDS
        metric: hv_normalized
        logx: true

Every figure entry also takes ``name`` (file stem), ``problems``, ``algorithms``, ``width``,
``columns`` (panels per row) and ``panel_height`` (inches), overriding the recipe's. Surrogate
figures read a saved table (``table``: Parquet or CSV, relative to the current directory) and
need no experiment; ``rename`` maps the figure's column names to the table's.

Every field is checked on load; an error names the file, the field and the valid values.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic import model_validator as _model_validator

from lab.errors import ConfigError
from lab.yaml_io import read_yaml

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

Width = Literal["single", "double"] | Annotated[float, Field(gt=0.5, le=20.0)]


def _check_name(value: str | None, what: str) -> str | None:
    if value is not None and not _NAME_RE.match(value):
        raise ValueError(
            f"{what} {value!r} must start with a letter or digit and use only letters, digits, "
            "'.', '_' and '-' (it becomes a file name)"
        )
    return value


class _Figure(BaseModel):
    """Fields every figure entry has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    width: Width | None = None
    columns: int | None = Field(default=None, ge=1, le=6)
    panel_height: float | None = Field(default=None, gt=0.3, le=10.0)

    @field_validator("name")
    @classmethod
    def _file_name(cls, value: str | None) -> str | None:
        return _check_name(value, "name")

    def stem(self) -> str:
        """File stem of the figure (``name``, else its kind and main option)."""
        return self.name or self.default_stem()

    def default_stem(self) -> str:
        return str(getattr(self, "kind", "figure"))


class _ExperimentFigure(_Figure):
    """A figure of an experiment's runs."""

    problems: list[str] | None = Field(default=None, min_length=1)
    algorithms: list[str] | None = Field(default=None, min_length=1)


class AnytimeFigure(_ExperimentFigure):
    """Indicator of the returned set vs evaluations: median over seeds and IQR band, one panel
    per problem."""

    kind: Literal["anytime"]
    metric: Literal["hv_normalized", "igd_plus", "hv_search_normalized"] = "hv_normalized"
    logx: bool = True
    logy: bool = False
    band: bool = True

    def default_stem(self) -> str:
        return f"anytime_{self.metric}"


FINAL_METRICS = Literal[
    "hv_normalized",
    "igd_plus",
    "igd",
    "gd",
    "eps_add",
    "spacing",
    "spread",
    "hv_search_normalized",
    "hv_gap",
    "n_returned",
]


class FinalDistributionFigure(_ExperimentFigure):
    """Final indicator per run: box or violin per variant with every seed's point, one panel
    per problem."""

    kind: Literal["final_distribution"]
    metric: FINAL_METRICS = "hv_normalized"
    style: Literal["box", "violin"] = "box"
    points: bool = True

    def default_stem(self) -> str:
        return f"final_{self.metric}"


class FrontsFigure(_ExperimentFigure):
    """Per problem, the exact front and each variant's set: its median attainment surface
    (``attainment``, 2 objectives), the returned set of its median-hypervolume run
    (``median_run``) or of one seed (``seed``); ``auto``: attainment in 2-D, median run above.
    With 3 or more objectives, one panel per pair of objectives."""

    kind: Literal["fronts"]
    show: Literal["auto", "attainment", "median_run", "seed"] = "auto"
    seed: int | None = Field(default=None, ge=0)
    true_front: bool = True

    @_model_validator(mode="after")
    def _seed_given(self) -> FrontsFigure:
        if self.show == "seed" and self.seed is None:
            raise ValueError("show: seed needs 'seed' (a seed index of the experiment)")
        if self.show != "seed" and self.seed is not None:
            raise ValueError(f"'seed' is only used with show: seed (show is {self.show!r})")
        return self

    def default_stem(self) -> str:
        return "fronts"


class EafDifferenceFigure(_ExperimentFigure):
    """Per 2-objective problem, where one variant attains more often than another. ``pair``
    defaults to the best variant by median normalized hypervolume against the baseline (or the
    runner-up when the best is the baseline)."""

    kind: Literal["eaf_difference"]
    pair: tuple[str, str] | None = None

    @field_validator("pair")
    @classmethod
    def _distinct(cls, pair: tuple[str, str] | None) -> tuple[str, str] | None:
        if pair is not None and pair[0] == pair[1]:
            raise ValueError(f"pair needs two different variants, got {list(pair)}")
        return pair

    def default_stem(self) -> str:
        return "eaf_diff"


class CriticalDifferenceFigure(_ExperimentFigure):
    """Average ranks across problems with the Nemenyi critical difference (with one problem:
    that problem's ranks and a note)."""

    kind: Literal["critical_difference"]
    metric: Literal["hv_normalized", "igd_plus"] = "hv_normalized"

    def default_stem(self) -> str:
        return f"cd_{self.metric}"


class GeneralizationFigure(_ExperimentFigure):
    """Search-metric vs report-metric normalized hypervolume per run, one panel per problem."""

    kind: Literal["generalization"]

    def default_stem(self) -> str:
        return "generalization"


class TransferFigure(_ExperimentFigure):
    """Normalized hypervolume of the returned sets on the other datasets/devices of the same
    table, one panel per source problem that has transfer targets."""

    kind: Literal["transfer"]

    def default_stem(self) -> str:
        return "transfer"


class _TableFigure(_Figure):
    """A figure of a saved surrogate table."""

    table: Path
    rename: dict[str, str] = Field(default_factory=dict)
    predictors: list[str] | None = Field(default=None, min_length=1)


class LearningCurveFigure(_TableFigure):
    """A surrogate metric vs training-set size per predictor (mean ± std over seeds)."""

    kind: Literal["learning_curve"]
    metric: str = "kendall_tau"
    logx: bool = True

    def default_stem(self) -> str:
        return f"learning_curve_{self.metric}"


class ParityFigure(_TableFigure):
    """Predicted vs true values on held-out architectures, one panel per predictor and target;
    from a saved table (``table``) or from saved surrogates (``surrogates``: their predictions
    on the rows of their table they were not trained on)."""

    kind: Literal["parity"]
    table: Path | None = None  # type: ignore[assignment]
    surrogates: list[str] | None = Field(default=None, min_length=1)
    #: Axis label with unit, or target -> label (default: none; the target titles the panel).
    value_label: str | dict[str, str] = "value"

    @_model_validator(mode="after")
    def _one_source(self) -> ParityFigure:
        if (self.table is None) == (self.surrogates is None):
            raise ValueError(
                "give exactly one of 'table' (a saved parity table) or 'surrogates' (names of "
                "saved surrogates, see `lab surrogate ls`)"
            )
        return self

    def default_stem(self) -> str:
        return "parity"


class ImportanceFigure(_TableFigure):
    """The most important features (operations) of a surrogate, one panel per predictor."""

    kind: Literal["importance"]
    top: int = Field(default=12, ge=1, le=100)
    value_label: str = "Importance"

    def default_stem(self) -> str:
        return "importance"


class OperationEffectsFigure(_TableFigure):
    """The change of a surrogate's prediction per (position, operation), one heatmap per
    target."""

    kind: Literal["operation_effects"]
    value_label: str = "Effect"

    def default_stem(self) -> str:
        return "operation_effects"


FigureSpec = Annotated[
    AnytimeFigure
    | FinalDistributionFigure
    | FrontsFigure
    | EafDifferenceFigure
    | CriticalDifferenceFigure
    | GeneralizationFigure
    | TransferFigure
    | LearningCurveFigure
    | ParityFigure
    | ImportanceFigure
    | OperationEffectsFigure,
    Field(discriminator="kind"),
]

#: Figure kind -> its entry class.
FIGURE_KINDS: dict[str, type[_Figure]] = {
    cls.model_fields["kind"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (
        AnytimeFigure,
        FinalDistributionFigure,
        FrontsFigure,
        EafDifferenceFigure,
        CriticalDifferenceFigure,
        GeneralizationFigure,
        TransferFigure,
        LearningCurveFigure,
        ParityFigure,
        ImportanceFigure,
        OperationEffectsFigure,
    )
}
#: Kinds drawn from an experiment's runs (the others read surrogate tables).
EXPERIMENT_KINDS: frozenset[str] = frozenset(
    k for k, cls in FIGURE_KINDS.items() if issubclass(cls, _ExperimentFigure)
)


class Recipe(BaseModel):
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
    formats: list[Literal["pdf", "png", "svg"]] = Field(default=["pdf", "png"], min_length=1)
    dpi: int = Field(default=300, ge=50, le=1200)
    width: Width = "single"
    tables: bool = True
    figures: list[FigureSpec] = Field(min_length=1)
    source: str | None = None
    source_sha256: str | None = None

    @field_validator("name")
    @classmethod
    def _file_name(cls, value: str) -> str:
        return _check_name(value, "name")  # type: ignore[return-value]

    @field_validator("formats")
    @classmethod
    def _unique_formats(cls, formats: list[str]) -> list[str]:
        if len(set(formats)) != len(formats):
            raise ValueError(f"formats repeat a value: {formats}")
        return formats

    @_model_validator(mode="after")
    def _consistent(self) -> Recipe:
        kinds = [f.kind for f in self.figures]
        needs = sorted({k for k in kinds if k in EXPERIMENT_KINDS})
        if needs and self.experiment is None:
            raise ValueError(
                f"figures of kind {needs} are drawn from an experiment's runs; set 'experiment' "
                "(an experiment of the results store, see `lab results ls`)"
            )
        stems = [f.stem() for f in self.figures]
        dupes = sorted({s for s in stems if stems.count(s) > 1})
        if dupes:
            raise ValueError(
                f"two figures would write the same files {dupes}; give them distinct 'name's"
            )
        return self


def _format_location(loc: tuple[Any, ...], raw: Any) -> str:
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        elif out.startswith("figures[") and out.count(".") == 0 and part in FIGURE_KINDS:
            out += f" ({part})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def _valid_fields(loc: tuple[Any, ...]) -> list[str]:
    if len(loc) >= 3 and loc[0] == "figures" and loc[2] in FIGURE_KINDS:
        return list(FIGURE_KINDS[loc[2]].model_fields)
    return [k for k in Recipe.model_fields if k not in ("source", "source_sha256")]


def _format_errors(exc: ValidationError, raw: Any) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown field; valid fields: {', '.join(_valid_fields(loc[:-1]))}"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            msg = f"'kind' must be one of: {', '.join(FIGURE_KINDS)}"
        lines.append(f"  field {_format_location(loc, raw)}: {msg}")
    return "\n".join(lines)


def parse_recipe(raw: Any, *, source: str = "<recipe>", default_name: str | None = None) -> Recipe:
    """Validate an already-parsed mapping (``source`` names it in errors)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: a figure recipe must be a YAML mapping of fields")
    data = dict(raw)
    if default_name is not None:
        data.setdefault("name", default_name)
    data.pop("source", None)
    data.pop("source_sha256", None)
    try:
        return Recipe.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid figure recipe\n{_format_errors(exc, data)}") from None


def load_recipe(path: Path | str) -> Recipe:
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
