"""A user's own benchmark: a CSV or Parquet file plus a short YAML spec. No code needed.

Example spec (``my-bench.yaml``)::

    name: my-bench
    file: my-bench.csv            # relative to the spec, CSV or Parquet
    architecture_column: arch     # canonical architecture string (unique per row)
    id_column: idx                # optional stable integer id; default: row order after sorting
    genome:
      - {column: op1, cardinality: 5}
      - {column: op2, cardinality: 5, labels: [a, b, c, d, e]}
    metrics:
      - {column: val_acc, metric: accuracy, split: val, unit: "%", direction: max, dataset: c10}
      - {column: latency, metric: latency, split: exact, unit: ms, direction: min, device: gpu}
    citation: "..."
    licence: "..."
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lab.benchmarks.checksums import sha256_file
from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.errors import BenchmarkFileError, ConfigError
from lab.spaces.tabular import TabularSpace


class GenomeVariable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str
    cardinality: int = Field(ge=1)
    labels: list[str] | None = None


class MetricSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str
    metric: str
    split: str
    unit: str
    direction: Literal["min", "max"]
    dataset: str | None = None
    device: str | None = None
    description: str = ""


class UserTableSpec(BaseModel):
    """Validated YAML spec of a user table."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    file: str
    architecture_column: str
    id_column: str | None = None
    genome: list[GenomeVariable] = Field(min_length=1)
    metrics: list[MetricSpec] = Field(min_length=1)
    citation: str = ""
    licence: str = "unknown"
    source: str = ""

    @field_validator("metrics")
    @classmethod
    def _unique_metrics(cls, v: list[MetricSpec]) -> list[MetricSpec]:
        names = [m.column for m in v]
        if len(set(names)) != len(names):
            raise ValueError(f"metric columns must be unique, got {names}")
        return v


def load_user_spec(path: Path) -> UserTableSpec:
    """Parse and validate the YAML spec at ``path``; errors name the file and the field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: spec file not found") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML ({exc})") from exc
    try:
        return UserTableSpec.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"  field {'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()
        ]
        raise ConfigError(f"{path}: invalid table spec\n" + "\n".join(lines)) from exc


def build_user_table(spec_path: Path) -> BenchmarkTable:
    """Build the canonical table from a user spec and its data file."""
    spec_path = Path(spec_path)
    spec = load_user_spec(spec_path)
    data_path = (spec_path.parent / spec.file).resolve()
    if not data_path.is_file():
        raise BenchmarkFileError(f"{spec_path}: field 'file': {data_path} not found")
    try:
        if data_path.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(data_path)
        else:
            frame = pd.read_csv(data_path)
    except Exception as exc:
        raise BenchmarkFileError(f"{data_path}: unreadable ({type(exc).__name__}: {exc})") from exc
    needed = [spec.architecture_column, *(g.column for g in spec.genome)]
    needed += [m.column for m in spec.metrics] + ([spec.id_column] if spec.id_column else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise BenchmarkFileError(
            f"{data_path}: columns {missing} named in {spec_path} are missing; "
            f"the file has {list(frame.columns)}"
        )
    if frame[spec.architecture_column].duplicated().any():
        dup = frame[spec.architecture_column][frame[spec.architecture_column].duplicated()].iloc[0]
        raise BenchmarkFileError(f"{data_path}: architecture {dup!r} appears more than once")
    for var in spec.genome:
        col = frame[var.column]
        if not pd.api.types.is_integer_dtype(col) or col.min() < 0 or col.max() >= var.cardinality:
            raise BenchmarkFileError(
                f"{data_path}: genome column {var.column!r} must hold integers in "
                f"0..{var.cardinality - 1} (cardinality in {spec_path})"
            )
        if var.labels is not None and len(var.labels) != var.cardinality:
            raise ConfigError(
                f"{spec_path}: genome {var.column!r}: labels must have cardinality entries"
            )
    for m in spec.metrics:
        if not pd.api.types.is_numeric_dtype(frame[m.column]):
            raise BenchmarkFileError(f"{data_path}: metric column {m.column!r} is not numeric")
    if spec.id_column is None:
        frame = frame.sort_values(spec.architecture_column).reset_index(drop=True)
        ids = np.arange(len(frame), dtype=np.int64)
    else:
        ids = frame[spec.id_column].to_numpy(np.int64)
    out = pd.DataFrame({"arch_id": ids, "arch_str": frame[spec.architecture_column].astype(str)})
    genome_cols = [g.column for g in spec.genome]
    if frame[genome_cols].duplicated().any():
        raise BenchmarkFileError(f"{data_path}: two rows share one genome; genomes must be unique")
    for new, var in zip(genome_columns(len(spec.genome)), spec.genome, strict=True):
        out[new] = frame[var.column].to_numpy(np.int16)
    metrics = {m.column: MetricInfo(**m.model_dump()) for m in spec.metrics}
    for m in spec.metrics:
        out[m.column] = frame[m.column].to_numpy(np.float64)
    space = TabularSpace(
        spec.name,
        [g.column for g in spec.genome],
        [g.cardinality for g in spec.genome],
        [g.labels or [str(i) for i in range(g.cardinality)] for g in spec.genome],
    )
    table = BenchmarkTable(spec.name, out, metrics, space.cardinalities, f"user:{spec.name}")
    table.meta.update(
        {
            "title": spec.name,
            "source": spec.source or str(data_path.name),
            "citation": spec.citation,
            "licence": spec.licence,
            "recipe": "UserTable",
            "builder_version": 1,
            "raw_sha256": {data_path.name: sha256_file(data_path)},
            "spec": spec.model_dump(),
            "spec_path": str(spec_path.resolve()),
            "variable_labels": [list(c) for c in space.choices],
            "variable_names": list(space.variable_names),
            "datasets": sorted({m.dataset for m in spec.metrics if m.dataset}),
        }
    )
    return table
