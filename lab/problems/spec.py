"""Declarative problem specs, read from ``benchmarks/*.yaml``.

A spec file names a benchmark table and a list of problems over it::

    benchmark: nasbench-graph
    problems:
      - name: "nbg-{dataset}-err-lat"
        for_each: {dataset: [cora, citeseer]}      # optional: one problem per value
        description: "GNN error vs latency on {dataset}"
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
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lab.errors import ConfigError


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
            raise ValueError("give exactly one of 'le' or 'ge'")
        return self


class ProblemSpec(BaseModel):
    """A named multi-objective problem over one benchmark table."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    benchmark: str
    description: str = ""
    objectives: tuple[ObjectiveSpec, ...] = Field(min_length=2, max_length=6)
    constraints: tuple[ConstraintSpec, ...] = ()
    source: str = ""


class _TemplateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    for_each: dict[str, list[Any]] = Field(default_factory=dict)
    objectives: list[dict[str, Any]]
    constraints: list[dict[str, Any]] = Field(default_factory=list)


class _SpecFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    benchmark: str
    problems: list[_TemplateSpec]


def _fill(value: Any, subs: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**subs)
    if isinstance(value, dict):
        return {k: _fill(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, subs) for v in value]
    return value


def _format_errors(exc: ValidationError) -> str:
    return "\n".join(
        f"  field {'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()
    )


def load_spec_file(path: Path) -> list[ProblemSpec]:
    """Expand one spec file into problem specs; errors name the file and the field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML ({exc})") from exc
    try:
        spec_file = _SpecFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid problem spec\n{_format_errors(exc)}") from exc
    out: list[ProblemSpec] = []
    for i, template in enumerate(spec_file.problems):
        keys = list(template.for_each)
        for values in itertools.product(*(template.for_each[k] for k in keys)):
            subs = dict(zip(keys, values, strict=True))
            try:
                out.append(
                    ProblemSpec.model_validate(
                        {
                            "name": _fill(template.name, subs),
                            "benchmark": spec_file.benchmark,
                            "description": _fill(template.description, subs),
                            "objectives": _fill(template.objectives, subs),
                            "constraints": _fill(template.constraints, subs),
                            "source": str(path.name),
                        }
                    )
                )
            except KeyError as exc:
                raise ConfigError(
                    f"{path}: problems[{i}] uses placeholder {exc} not given in for_each"
                ) from exc
            except ValidationError as exc:
                raise ConfigError(f"{path}: problems[{i}] ({subs})\n{_format_errors(exc)}") from exc
    return out
