"""Declarative problem specs, read from ``benchmarks/*.yaml``.

A spec file names a benchmark table and a list of problems over it::

    benchmark: nasbench-graph
    problems:
      - name: "nbg-{dataset}-err-lat"
        for_each: {dataset: [cora, citeseer]}      # optional: one problem per value
        description: "GNN error vs latency on {dataset}"
        title: "GNN error vs latency, {dataset}"   # optional panel title (<= 56 characters)
        objectives:
          - {name: error, search: "val_acc_{dataset}", report: "test_acc_{dataset}",
             threshold: 0.5}                                     # optional, see below
          - {name: latency, search: "latency_{dataset}"}       # report defaults to search
        constraints:                                             # optional, raw metric units
          - {metric: "latency_{dataset}", le: 0.01}

An objective whose metric is maximized is minimized as an error (``100 - x`` for ``%``,
``1 - x`` for fractions) or negated (other units).

``threshold`` is the worst value of an objective that is still of interest, in the objective's
minimized unit (an error rate for an accuracy). It declares the problem's *region of interest*:
architectures worse than a threshold do not set the ideal / nadir point nor the reference fronts
(they are still evaluated and scored), and it is the objective threshold a Bayesian search may
take as its hypervolume reference point, as a user of Ax or BoTorch would declare it.
Declared thresholds are the problem's hypervolume reference point for the scoring and for every
algorithm that uses one (see :mod:`lab.problems.region_of_interest` for the rule the built-in
problems follow).

``degenerate: exclude`` (the default) leaves the space's degenerate architectures (see
:meth:`lab.spaces.base.SearchSpace.degenerate_mask`) out of the search space, so that what a
search may evaluate is what the scoring counts; ``include`` puts them in the space *and* in the
scoring (they may then set the fronts and be returned).

A user's spec file that declares a problem under a built-in problem's name on purpose (to
replace it) says so with a top-level ``overrides_builtin: true``; without it the second
declaration is an error, unless it is the same problem (the same spec found twice, e.g. in the
installed package and in a checkout's ``./benchmarks/``), which is one problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from lab.benchmarks.templates import combinations, fill
from lab.config_file import error_lines, read_yaml, validate
from lab.errors import ConfigError
from lab.registry import check_name


class ObjectiveSpec(BaseModel):
    """One objective: the metric a search sees and the metric it is judged on."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    search: str
    report: str | None = None
    threshold: float | None = Field(default=None, allow_inf_nan=False)

    @property
    def report_metric(self) -> str:
        return self.report or self.search


class ConstraintSpec(BaseModel):
    """``metric <= le`` or ``metric >= ge`` in the metric's raw unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str
    le: float | None = None
    ge: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> ConstraintSpec:
        if (self.le is None) == (self.ge is None):
            raise ConfigError("give exactly one of 'le' or 'ge'")
        return self


#: Longest panel title (characters): a longer one wraps into more lines than a panel of a
#: paper column has.
TITLE_MAX_CHARS = 56


class ProblemSpec(BaseModel):
    """A named multi-objective problem over one benchmark table."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    benchmark: str
    description: str = ""
    #: A figure's panel title (at most ``TITLE_MAX_CHARS``); empty: the shortened description.
    title: str = Field(default="", max_length=TITLE_MAX_CHARS)
    objectives: tuple[ObjectiveSpec, ...] = Field(min_length=2, max_length=6)
    constraints: tuple[ConstraintSpec, ...] = ()
    degenerate: Literal["exclude", "include"] = "exclude"
    source: str = ""

    @field_validator("name")
    @classmethod
    def _problem_name(cls, name: str) -> str:
        # A problem's name becomes part of file names (a figure per problem, fidelity tables).
        return check_name(name, what="problem name", why="it becomes part of file names")

    @field_validator("benchmark")
    @classmethod
    def _benchmark_name(cls, name: str) -> str:
        return check_name(name, what="benchmark name", why="it names the table's file")


class ProblemTemplate(BaseModel):
    """One entry of a ``problems:`` list, before its ``for_each`` placeholders are filled."""

    model_config = ConfigDict(extra="forbid")
    name: str
    benchmark: str | None = None
    description: str = ""
    title: str = ""
    #: ``{key: [values]}`` (one problem per combination of the lists' values) or
    #: ``[{key: value, ...}, ...]`` (one problem per listed combination, e.g. per-problem
    #: thresholds filled into ``threshold: "{error_max}"``).
    for_each: dict[str, list[Any]] | list[dict[str, Any]] = Field(default_factory=dict)
    objectives: list[dict[str, Any]]
    constraints: list[dict[str, Any]] = Field(default_factory=list)
    degenerate: Literal["exclude", "include"] = "exclude"


class _SpecFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    benchmark: str | None = None
    #: The file's problems replace built-in problems of the same names on purpose.
    overrides_builtin: StrictBool = False
    problems: list[ProblemTemplate]


def is_problem_spec_file(path: Path) -> bool:
    """Whether the YAML file at ``path`` declares problems over a table (``benchmark:`` +
    ``problems:``) rather than a user table (``name:`` with ``file:`` or a declared ``space:``,
    read by ``lab bench import``; a problem spec file has neither at its top level).
    """
    try:
        _, raw = read_yaml(path, what="spec file")
    except ConfigError:
        return True  # let the loader report what is wrong with it
    table_keys = {"name", "file", "space"}
    return not (isinstance(raw, dict) and table_keys & set(raw) and "benchmark" not in raw)


def expand_templates(
    templates: list[ProblemTemplate], *, benchmark: str | None, path: Path, field: str = "problems"
) -> list[ProblemSpec]:
    """One problem spec per template and ``for_each`` combination; placeholders are filled in
    every string field, ``benchmark`` included (a template's own ``benchmark`` overrides the
    file's). Errors name ``path`` and the entry."""
    out: list[ProblemSpec] = []
    for i, template in enumerate(templates):
        for subs in combinations(template.for_each):
            where = f"{path}: {field}[{i}]" + (f" ({subs})" if subs else "")
            bench = template.benchmark or benchmark
            if bench is None:
                raise ConfigError(
                    f"{where}: no benchmark; add `benchmark: NAME` to the file or to the problem"
                )
            try:
                out.append(
                    ProblemSpec.model_validate(
                        {
                            "name": fill(template.name, subs),
                            "benchmark": fill(bench, subs),
                            "description": fill(template.description, subs),
                            "title": fill(template.title, subs),
                            "objectives": fill(template.objectives, subs),
                            "constraints": fill(template.constraints, subs),
                            "degenerate": template.degenerate,
                            "source": str(path.name),
                        }
                    )
                )
            except (KeyError, IndexError) as exc:
                raise ConfigError(
                    f"{where} uses placeholder {exc} not given in for_each; add it to for_each "
                    "or remove the braces"
                ) from None
            except ValidationError as exc:
                lines = error_lines(exc, model=ProblemSpec)
                raise ConfigError(f"{where}\n" + "\n".join(lines)) from None
    names = [p.name for p in out]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(
                f"{path}: {field} declare problem {name!r} more than once; give each for_each "
                "combination its own name (use the placeholders in 'name')"
            )
    return out


def load_spec_file(path: Path) -> list[ProblemSpec]:
    """Expand one spec file into problem specs; errors name the file and the field."""
    return read_spec_file(path)[0]


def read_spec_file(path: Path) -> tuple[list[ProblemSpec], bool]:
    """The problem specs of one spec file and its ``overrides_builtin`` flag."""
    path = Path(path)
    _, raw = read_yaml(path, what="problem spec")
    spec_file = validate(_SpecFile, raw, source=str(path), what="problem spec")
    specs = expand_templates(spec_file.problems, benchmark=spec_file.benchmark, path=path)
    return specs, spec_file.overrides_builtin
