"""A user's own benchmark: a CSV, Parquet or JSON table plus one YAML spec. No code needed.

The spec declares the table file, how each row's genome is read (integer columns, 1-based or
string codes, or a key split into positions), list-valued per-seed metrics (expanded into one
column per seed, with the seeds a search may see and the seeds it is judged on), derived metrics
(a mean over chosen columns, unit scaling) and the problems over the table. The README documents
every field with a worked example; :class:`UserTableSpec` is the schema.

Building never writes anything: :func:`build_user_table` returns the table in memory, and the
store saves it (atomically) only once the table and its problems are valid.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.read_bounds import check_parquet_cells
from lab.benchmarks.recipes.user_table_reshape import PivotSpec, filter_rows, pivot_wide
from lab.benchmarks.recipes.user_table_space import (
    DECLARED_SPACES,
    TableLoader,
    check_space,
    computed_metric,
    declared_rows,
    metric_from_table,
    rows_of_tables,
)
from lab.benchmarks.safe_pickle import open_decompressed
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.benchmarks.templates import combinations, fill
from lab.config_file import YamlBounds, not_regular, read_yaml, validate
from lab.errors import BenchmarkFileError, ConfigError
from lab.fileio import sha256_file
from lab.registry import check_name

#: Columns of the canonical table that a metric may not be named after.
INTERNAL_COLUMNS = ("arch_id", "arch_str")
#: Genome values are stored as int16; the largest cardinality that fits.
MAX_CARDINALITY = int(np.iinfo(np.int16).max) + 1
#: Genome codes (mixed radix) are int64; the product of cardinalities must stay below this.
MAX_SPACE_SIZE = 2**62
#: A spec is a few kilobytes; anything bigger is not a spec.
SPEC_BOUNDS = YamlBounds(max_bytes=1 << 20)
DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".json")
DATA_FORMATS = ("csv", "parquet", "json")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeySpec(_Strict):
    """How a key column splits into genome positions.

    ``separator: ""`` splits into single characters (``"3112021"`` -> 7 positions); any other
    string splits on it (``"conv-skip-pool"`` with ``"-"``).
    """

    column: str
    separator: str = ""


class GenomeVariable(_Strict):
    """One genome variable, read from a column or from a position of the split key.

    ``codes`` lists the values the file uses, in genome order (strings or integers; position
    ``i`` of the list becomes genome value ``i``); without ``codes``, values are integers and
    ``base`` is subtracted (``base: 1`` for 1-based codes). ``repeat: N`` declares ``N``
    variables at consecutive key positions ``position .. position + N - 1`` that share the codes.
    """

    column: str | None = None
    position: int | None = Field(default=None, ge=0)
    repeat: int = Field(default=1, ge=1)
    name: str | None = None
    cardinality: int | None = Field(default=None, ge=1)
    base: int = 0
    codes: list[str | int] | None = None
    labels: list[str] | None = None

    @model_validator(mode="after")
    def _check(self) -> GenomeVariable:
        if (self.column is None) == (self.position is None):
            raise ConfigError(
                "give exactly one of 'column' (a table column) or 'position' (of the key)"
            )
        if self.repeat > 1 and self.position is None:
            raise ConfigError("'repeat' needs 'position' (consecutive positions of the split key)")
        if self.codes is not None:
            if len({str(c) for c in self.codes}) != len(self.codes):
                raise ConfigError(f"'codes' repeat a value: {self.codes}")
            if self.cardinality is not None and self.cardinality != len(self.codes):
                raise ConfigError(
                    f"cardinality {self.cardinality} differs from the {len(self.codes)} codes"
                )
            if self.base != 0:
                raise ConfigError("give either 'codes' or 'base', not both")
        n = self.n_choices
        if n is None:
            raise ConfigError("give 'cardinality', 'codes' or 'labels'")
        if self.labels is not None and len(self.labels) != n:
            raise ConfigError(f"'labels' has {len(self.labels)} entries for {n} choices")
        if n > MAX_CARDINALITY:
            raise ConfigError(
                f"{n} choices exceed the {MAX_CARDINALITY} a genome variable can hold (int16); "
                "split the variable into several, or encode the value as a metric instead"
            )
        return self

    @property
    def n_choices(self) -> int | None:
        if self.codes is not None:
            return len(self.codes)
        if self.cardinality is not None:
            return self.cardinality
        return len(self.labels) if self.labels is not None else None

    def value_labels(self) -> list[str]:
        if self.labels is not None:
            return list(self.labels)
        if self.codes is not None:
            return [str(c) for c in self.codes]
        return [str(i + self.base) for i in range(self.n_choices or 0)]


class MetricSpec(_Strict):
    """One metric column of the table.

    ``column`` is its name in the lab; ``source`` the file's column it is read from (default:
    ``column``), or ``mean_of`` the columns whose row-wise mean it is; ``scale`` multiplies the
    values (unit conversion, e.g. ``1.0e-6`` for parameters -> millions). In a spec that
    declares a built-in ``space``, ``table`` reads ``source`` from that built table of the space
    (joined on ``arch_id``) and ``compute`` asks the space's network builder (``params``,
    ``flops``, on the metric's ``dataset``). A ``for_each`` on the entry makes one metric per
    combination (see :mod:`lab.benchmarks.templates`).
    """

    column: str
    source: str | None = None
    mean_of: list[str] | None = Field(default=None, min_length=1)
    table: str | None = None
    compute: Literal["params", "flops"] | None = None
    scale: float = 1.0
    metric: str
    split: str
    unit: str
    direction: Literal["min", "max"]
    dataset: str | None = None
    device: str | None = None
    description: str = ""

    @field_validator("table")
    @classmethod
    def _table_name(cls, name: str | None) -> str | None:
        if name is None:
            return None
        return check_name(name, what="benchmark name", why="it names a built table")

    @model_validator(mode="after")
    def _check(self) -> MetricSpec:
        if self.source is not None and self.mean_of is not None:
            raise ConfigError("give either 'source' or 'mean_of', not both")
        if self.table is not None and self.mean_of is not None:
            raise ConfigError("'table' reads one column ('source'); 'mean_of' is for the file's")
        if self.compute is not None and (self.source, self.mean_of, self.table) != (None,) * 3:
            raise ConfigError("a 'compute' metric reads nothing: drop 'source', 'mean_of', 'table'")
        if not math.isfinite(self.scale) or self.scale == 0:
            raise ConfigError(f"scale must be a finite non-zero number, got {self.scale}")
        return self

    def info(self) -> MetricInfo:
        return MetricInfo(
            self.column, self.metric, self.split, self.unit, self.direction,
            dataset=self.dataset, device=self.device, description=self.description,
        )  # fmt: skip


class SeedsSpec(_Strict):
    """A list-valued column holding one value per training seed.

    It becomes the metric columns ``<column>_seed0 .. <column>_seed{count-1}`` plus, for the
    seeds named in ``search`` and ``report``, ``<column>_search`` and ``<column>_report`` (the
    mean over those seeds): what a search may see and what it is judged on.
    """

    column: str
    count: int = Field(ge=1, le=1000)
    search: list[int] | None = None
    report: list[int] | None = None
    metric: str
    unit: str
    direction: Literal["min", "max"]
    dataset: str | None = None
    device: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> SeedsSpec:
        for which in ("search", "report"):
            seeds = getattr(self, which)
            if seeds is None:
                continue
            if not seeds or len(set(seeds)) != len(seeds):
                raise ConfigError(f"'{which}' must list distinct seed indices, got {seeds}")
            if any(s < 0 or s >= self.count for s in seeds):
                raise ConfigError(f"'{which}' seeds {seeds} must lie in 0..{self.count - 1}")
        if self.search and self.report and set(self.search) & set(self.report):
            raise ConfigError(
                f"search seeds {self.search} and report seeds {self.report} overlap: a search "
                "would be judged on what it saw"
            )
        return self

    def metric_specs(self) -> list[MetricSpec]:
        common = {
            "metric": self.metric, "unit": self.unit, "direction": self.direction,
            "dataset": self.dataset, "device": self.device,
        }  # fmt: skip
        out = [
            MetricSpec(
                column=f"{self.column}_seed{s}",
                source=f"{self.column}_seed{s}",
                split=f"seed{s}",
                description=f"{self.description or self.column}, training seed {s}",
                **common,
            )
            for s in range(self.count)
        ]
        for which, seeds in (("search", self.search), ("report", self.report)):
            if seeds:
                out.append(
                    MetricSpec(
                        column=f"{self.column}_{which}",
                        mean_of=[f"{self.column}_seed{s}" for s in seeds],
                        split="seed" + "+".join(map(str, seeds)),
                        description=f"mean of {self.description or self.column} over training "
                        f"seeds {seeds} ({which} side)",
                        **common,
                    )
                )
        return out


class UserTableSpec(_Strict):
    """Validated YAML spec of a user table (see the README for every field)."""

    name: str
    title: str | None = None
    file: str | None = None
    format: Literal["auto", "csv", "parquet", "json"] = "auto"
    key_column: str = "key"
    where: dict[str, Any] = Field(default_factory=dict)
    pivot: PivotSpec | None = None
    space: str | None = None
    architecture_column: str | None = None
    index_column: str | None = None
    id_column: str | None = None
    key: KeySpec | None = None
    genome: list[GenomeVariable] = Field(default_factory=list)
    seeds: list[SeedsSpec] = Field(default_factory=list)
    metrics: list[MetricSpec] = Field(default_factory=list)
    problems: list[dict[str, Any]] = Field(default_factory=list)
    citation: str = ""
    licence: str = "unknown"
    source: str = ""

    @field_validator("name")
    @classmethod
    def _benchmark_name(cls, name: str) -> str:
        return check_name(name, what="benchmark name", why="it names the table's files")

    @model_validator(mode="before")
    @classmethod
    def _expand_metric_templates(cls, raw: Any) -> Any:
        """Metrics with ``for_each`` become one metric per combination, before validation."""
        if not isinstance(raw, dict) or not isinstance(raw.get("metrics"), list):
            return raw
        out = []
        for i, entry in enumerate(raw["metrics"]):
            if not isinstance(entry, dict) or "for_each" not in entry:
                out.append(entry)
                continue
            body = {k: v for k, v in entry.items() if k != "for_each"}
            for_each = entry["for_each"]
            if not isinstance(for_each, dict | list) or not for_each:
                raise ConfigError(
                    f"metrics[{i}].for_each must be a mapping of lists or a list of mappings"
                )
            try:
                out.extend(fill(body, subs) for subs in combinations(for_each))
            except (KeyError, IndexError) as exc:
                raise ConfigError(
                    f"metrics[{i}] uses placeholder {exc} not given in for_each; add it to "
                    "for_each or remove the braces"
                ) from None
            except (TypeError, ValueError, AttributeError) as exc:
                raise ConfigError(f"metrics[{i}].for_each: {exc}") from None
        return {**raw, "metrics": out}

    @model_validator(mode="after")
    def _check_space(self) -> UserTableSpec:
        """A declared space replaces the genome; without one the genome is required."""
        reads_tables = [m.column for m in self.metrics if m.table or m.compute]
        if self.space is None:
            if not self.genome:
                raise ConfigError(
                    "declare the 'genome' (how each row's architecture is read), or the built-in "
                    f"'space' the rows are in ({', '.join(DECLARED_SPACES)})"
                )
            if self.file is None:
                raise ConfigError("'file' is required (the table), unless 'space' is declared")
            if self.index_column is not None:
                raise ConfigError("'index_column' (official indices) needs 'space: nasbench201'")
            if reads_tables:
                raise ConfigError(
                    f"metrics {reads_tables} read another table or compute a cost, which needs "
                    "the built-in 'space' the rows are in (`space: nasbench201`)"
                )
            return self
        check_space(self.space)
        given = [f for f in ("genome", "key", "id_column") if getattr(self, f)]
        if given:
            raise ConfigError(
                f"with 'space: {self.space}' the space reads the architectures and numbers them; "
                f"drop {given} and name each row's architecture with 'architecture_column' "
                "(its string) or 'index_column' (its official index)"
            )
        named = [f for f in ("architecture_column", "index_column") if getattr(self, f)]
        if self.file is not None and len(named) != 1:
            raise ConfigError(
                f"with 'space: {self.space}', give exactly one of 'architecture_column' (the "
                "architecture's string) or 'index_column' (its official index)"
                + (f"; got {named}" if named else "")
            )
        if self.file is None and (named or self.where or self.pivot):
            raise ConfigError(
                f"{named or ['where/pivot']} read the spec's 'file', which it lacks; name the "
                "file, or drop them (the rows are then those of the tables the metrics read)"
            )
        if self.file is None and not any(m.table for m in self.metrics):
            raise ConfigError(
                "a spec without 'file' reads its rows from the tables its metrics name "
                "('table: NAME'); name one, or give the 'file'"
            )
        return self

    @model_validator(mode="after")
    def _check(self) -> UserTableSpec:
        if any(v.position is not None for v in self.genome) and self.key is None:
            raise ConfigError("genome variables with 'position' need a 'key' section to split")
        names = [m.column for m in self.all_metrics()]
        if not names:
            raise ConfigError("declare at least one metric ('metrics' or 'seeds')")
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ConfigError(f"metric columns must be unique, got {dup} more than once")
        n_vars = 6 if self.space == "nasbench201" else len(self.variables())
        reserved = set(INTERNAL_COLUMNS) | set(genome_columns(n_vars))
        clash = [n for n in names if n in reserved]
        if clash:
            raise ConfigError(
                f"metric column {clash[0]!r} is named like an internal column of the lab's tables "
                f"({', '.join(sorted(INTERNAL_COLUMNS))}, g0, g1, ...); name it otherwise and "
                f"read it with `source: {clash[0]}`"
            )
        return self

    def all_metrics(self) -> list[MetricSpec]:
        """The declared metrics, the per-seed expansions first."""
        return [m for s in self.seeds for m in s.metric_specs()] + list(self.metrics)

    def variables(self) -> list[tuple[str, GenomeVariable, str | None, int | None]]:
        """``(name, variable, column, key position)`` of every genome variable, ``repeat``
        expanded."""
        out = []
        for var in self.genome:
            for k in range(var.repeat):
                if var.column is not None:
                    out.append((var.name or var.column, var, var.column, None))
                else:
                    pos = int(var.position) + k  # type: ignore[arg-type]
                    base = var.name or "pos"
                    name = f"{base}{pos}" if var.repeat > 1 or var.name is None else base
                    out.append((name, var, None, pos))
        return out


# --------------------------------------------------------------------------------- reading
def load_user_spec(path: Path) -> UserTableSpec:
    """Parse and validate the YAML spec at ``path`` (through :mod:`lab.config_file`: bounded,
    safe, UTF-8 only); errors name the file and the field."""
    path = Path(path)
    try:
        _, raw = read_yaml(path, what="table spec", bounds=SPEC_BOUNDS)
    except ConfigError as exc:
        if path.suffix.lower() in DATA_SUFFIXES:
            raise ConfigError(
                f"{exc}\n  {path.name} looks like the data file: pass the YAML spec with --from "
                "and name the data file in the spec's 'file' field"
            ) from None
        raise
    return validate(UserTableSpec, raw, source=str(path), what="table spec")


def _data_format(spec: UserTableSpec, path: Path) -> str:
    if spec.format != "auto":
        return spec.format
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise ConfigError(
        f"cannot tell the format of {path.name}; set `format:` to one of {list(DATA_FORMATS)}"
    )


def _read_frame(spec: UserTableSpec, spec_path: Path, data_path: Path) -> pd.DataFrame:
    kind = _data_format(spec, data_path)
    if kind == "parquet":
        check_parquet_cells(data_path)
    try:
        if kind == "parquet":
            return pd.read_parquet(data_path)
        # A gzip or bz2 file (e.g. table.csv.gz with `format: csv`) unpacks within the bound.
        with open_decompressed(data_path) as stream:
            if kind == "csv":
                sep = "\t" if data_path.suffix.lower() in (".tsv",) else ","
                return pd.read_csv(stream, sep=sep)
            raw = json.loads(stream.read().decode("utf-8"))
    except BenchmarkFileError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BenchmarkFileError(f"{data_path}: not valid UTF-8 JSON ({exc})") from None
    except Exception as exc:
        raise BenchmarkFileError(
            f"{data_path}: unreadable as {kind} ({type(exc).__name__}: {exc}); check `file` and "
            f"`format` in {spec_path}"
        ) from None
    if isinstance(raw, dict):
        bad = next((k for k, v in raw.items() if not isinstance(v, dict)), None)
        if bad is not None:
            raise BenchmarkFileError(
                f"{data_path}: a JSON object keyed by architecture needs an object per key; "
                f"{bad!r} holds {type(raw[bad]).__name__}"
            )
        records = [{spec.key_column: k, **v} for k, v in raw.items()]
    elif isinstance(raw, list):
        bad_row = next((i for i, v in enumerate(raw) if not isinstance(v, dict)), None)
        if bad_row is not None:
            raise BenchmarkFileError(
                f"{data_path}: a JSON list needs one object per architecture; entry {bad_row} "
                f"is {type(raw[bad_row]).__name__}"
            )
        records = raw
    else:
        raise BenchmarkFileError(
            f"{data_path}: expected a JSON list of records or an object keyed by architecture"
        )
    return pd.DataFrame.from_records(records)


def _rows(mask: np.ndarray, limit: int = 5) -> str:
    idx = np.flatnonzero(mask)
    shown = ", ".join(str(int(i)) for i in idx[:limit])
    return f"{len(idx)} row(s): {shown}" + (", ..." if len(idx) > limit else "")


def _split_key(spec: UserTableSpec, frame: pd.DataFrame, where: str) -> list[list[str]]:
    assert spec.key is not None
    keys = frame[spec.key.column].astype(str).tolist()
    parts = [list(k) if spec.key.separator == "" else k.split(spec.key.separator) for k in keys]
    needed = max(p for _, _, _, p in spec.variables() if p is not None) + 1
    lengths = np.asarray([len(p) for p in parts])
    bad = lengths != lengths[0] if len(lengths) else np.zeros(0, bool)
    if len(lengths) and (bad.any() or lengths[0] < needed):
        row = int(np.argmax(bad)) if bad.any() else 0
        raise BenchmarkFileError(
            f"{where}: key {keys[row]!r} (row {row}) splits into {len(parts[row])} positions with "
            f"separator {spec.key.separator!r}, but the genome reads positions up to {needed - 1}"
            + (f" and other keys split into {lengths[0]}" if bad.any() else "")
            + "; fix 'key.separator' or the genome's 'position' fields"
        )
    # A longer key than the genome reads would be silently truncated (and distinct
    # architectures would then look like repeats of one genome): every position is declared.
    read = {p for _, _, _, p in spec.variables() if p is not None}
    unread = sorted(set(range(int(lengths[0]))) - read) if len(lengths) else []
    if unread:
        raise BenchmarkFileError(
            f"{where}: field 'genome': key {keys[0]!r} (row 0) splits into {lengths[0]} "
            f"positions with separator {spec.key.separator!r}, but the genome reads only "
            f"positions {sorted(read)}; positions {unread} are not read. Declare a variable for "
            f"each (e.g. `repeat: {lengths[0]}` from `position: 0`), or fix 'key.separator'"
        )
    return parts


def _genome_values(raw: list[Any], var: GenomeVariable, name: str, where: str) -> np.ndarray:
    """Map one variable's raw values to 0..n-1; errors name the variable and the rows."""
    n = var.n_choices or 0
    if var.codes is not None:
        index = {str(c): i for i, c in enumerate(var.codes)}
        text = [_as_code(v) for v in raw]
        out = np.asarray([index.get(t, -1) for t in text], dtype=np.int64)
        bad = out < 0
        if bad.any():
            first = text[int(np.argmax(bad))]
            raise BenchmarkFileError(
                f"{where}: genome variable {name!r} has value {first!r} ({_rows(bad)}) that is "
                f"not among its codes {[str(c) for c in var.codes]}; add it to 'codes'"
            )
        return out
    values = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (values != np.round(values))
    if bad.any():
        raise BenchmarkFileError(
            f"{where}: genome variable {name!r} holds non-integer values ({_rows(bad)}, e.g. "
            f"{raw[int(np.argmax(bad))]!r}); list the values in 'codes' to map strings"
        )
    # Range-checked as floats, before the cast: a code such as 2^70 does not fit int64, and
    # numpy would warn about the cast before the error below says what is wrong.
    offset = values - var.base
    bad = (offset < 0) | (offset >= n)
    if bad.any():
        first = int(values[int(np.argmax(bad))])
        lo, hi = var.base, var.base + n - 1
        raise BenchmarkFileError(
            f"{where}: genome variable {name!r} has value {first} ({_rows(bad)}) outside "
            f"{lo}..{hi} (cardinality {n}, base {var.base}); fix 'cardinality' or 'base' "
            "(base: 1 for 1-based codes)"
        )
    return offset.astype(np.int64)


def _as_code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _expand_seeds(spec: UserTableSpec, frame: pd.DataFrame, where: str) -> pd.DataFrame:
    for s in spec.seeds:
        lists = frame[s.column].tolist()
        lengths = np.asarray(
            [len(v) if isinstance(v, list | tuple | np.ndarray) else -1 for v in lists]
        )
        bad = lengths != s.count
        if bad.any():
            row = int(np.argmax(bad))
            raise BenchmarkFileError(
                f"{where}: column {s.column!r} must hold a list of {s.count} per-seed values in "
                f"every row; {_rows(bad)} do not (row {row}: {lists[row]!r}); fix 'seeds.count'"
            )
        values = np.asarray([list(v) for v in lists], dtype=np.float64)
        for k in range(s.count):
            frame[f"{s.column}_seed{k}"] = values[:, k]
    return frame


def _metric_values(
    m: MetricSpec, frame: pd.DataFrame, out: pd.DataFrame, done: set[str], where: str
) -> np.ndarray:
    """Values of metric ``m``: from the file's columns, or from metrics already built
    (``done``, e.g. the per-seed columns a mean is taken over)."""
    sources = m.mean_of or [m.source or m.column]
    cols = []
    for col in sources:
        if col in done:
            cols.append(out[col].to_numpy(np.float64) / 1.0)
            continue
        if col not in frame.columns:
            raise BenchmarkFileError(
                f"{where}: metric {m.column!r} reads column {col!r}, which the file lacks; "
                f"it has {list(frame.columns)[:20]}"
            )
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(np.float64)
        bad = np.isnan(values) & frame[col].notna().to_numpy()
        if bad.any():
            raise BenchmarkFileError(
                f"{where}: metric {m.column!r}: column {col!r} holds non-numeric values "
                f"({_rows(bad)}, e.g. {frame[col].iloc[int(np.argmax(bad))]!r})"
            )
        cols.append(values)
    values = np.mean(np.stack(cols), axis=0) if len(cols) > 1 else cols[0]
    return values * m.scale


def _data_path(spec_path: Path, spec: UserTableSpec) -> Path:
    """The spec's ``file``, resolved beside the spec; a regular file, else an error."""
    data_path = (spec_path.parent / str(spec.file)).resolve()
    try:
        kind = not_regular(data_path.stat().st_mode)
    except FileNotFoundError:
        raise BenchmarkFileError(
            f"{spec_path}: field 'file': {data_path} not found (paths are relative to the spec)"
        ) from None
    if kind is not None:
        # A named pipe or a device would be read forever (or block): regular files only.
        raise BenchmarkFileError(
            f"{spec_path}: field 'file': {data_path} is {kind}, not a regular file; name the "
            "table's file (.csv, .tsv, .parquet or .json)"
        )
    return data_path


def _check_columns(spec: UserTableSpec, frame: pd.DataFrame, spec_path: Path, where: str) -> None:
    variables = spec.variables()
    needed = [c for _, _, c, _ in variables if c is not None] + [s.column for s in spec.seeds]
    needed += [spec.key.column] if spec.key else []
    needed += [c for c in (spec.architecture_column, spec.index_column, spec.id_column) if c]
    missing = sorted({c for c in needed if c not in frame.columns})
    if missing:
        raise BenchmarkFileError(
            f"{where}: columns {missing} named in {spec_path} are missing; the file has "
            f"{list(frame.columns)[:20]}"
        )


@dataclass(frozen=True)
class _Rows:
    """Every row's genome, id and architecture string, and the genome's description."""

    genomes: np.ndarray
    arch_ids: np.ndarray
    arch_str: np.ndarray
    cardinalities: tuple[int, ...]
    space: str
    labels: list[list[str]] | None = None
    names: list[str] | None = None


def _genome_rows(spec: UserTableSpec, frame: pd.DataFrame, spec_path: Path, where: str) -> _Rows:
    """Rows of a table in its own space: genomes read as the spec's ``genome`` declares."""
    from lab.spaces.encoding import genome_codes

    variables = spec.variables()
    cards = [v.n_choices or 0 for _, v, _, _ in variables]
    size = math.prod(cards)
    if size >= MAX_SPACE_SIZE:
        raise ConfigError(
            f"{spec_path}: field 'genome': the cardinalities {cards} span {size:.3g} genomes, "
            f"more than the 2^62 a genome code (int64) can number; merge variables or drop "
            "constant ones"
        )
    key_parts = _split_key(spec, frame, where) if spec.key else None
    genomes = np.empty((len(frame), len(variables)), dtype=np.int64)
    for j, (name, var, column, pos) in enumerate(variables):
        raw = frame[column].tolist() if column is not None else [p[pos] for p in key_parts]  # type: ignore[index]
        genomes[:, j] = _genome_values(raw, var, name, where)
    dup = pd.DataFrame(genomes).duplicated(keep=False).to_numpy()
    if dup.any():
        raise BenchmarkFileError(
            f"{where}: {_rows(dup)} share a genome with another row; each architecture must "
            "appear once (average repeated runs before importing, pivot a long table with "
            "'pivot', or add the distinguishing variable to 'genome')"
        )
    if spec.id_column is not None:
        ids = pd.to_numeric(frame[spec.id_column], errors="coerce").to_numpy(np.float64)
        bad = ~np.isfinite(ids) | (ids != np.round(ids)) | (np.abs(ids) >= 2**62)
        if bad.any():
            raise BenchmarkFileError(
                f"{where}: field 'id_column' ({spec.id_column!r}) must hold integers; "
                f"{_rows(bad)} hold {frame[spec.id_column].iloc[int(np.argmax(bad))]!r}; fill "
                "them in or drop 'id_column' (ids are then the genomes' codes)"
            )
        arch_ids = ids.astype(np.int64)
        dup_ids = pd.Series(arch_ids).duplicated(keep=False).to_numpy()
        if dup_ids.any():
            raise BenchmarkFileError(
                f"{where}: field 'id_column' ({spec.id_column!r}) repeats ids ({_rows(dup_ids)})"
            )
    else:
        arch_ids = genome_codes(genomes, cards)
    labels = [v.value_labels() for _, v, _, _ in variables]
    if spec.architecture_column is not None:
        arch_col = spec.architecture_column
    elif spec.key is not None:
        arch_col = spec.key.column
    else:
        arch_col = None
    if arch_col is not None:
        arch_str = frame[arch_col].astype(str)
        dup = arch_str.duplicated(keep=False).to_numpy()
        if dup.any():
            raise BenchmarkFileError(
                f"{where}: architecture {arch_str[dup].iloc[0]!r} appears more than once "
                f"({_rows(dup)})"
            )
    else:
        arch_str = pd.Series(
            ["-".join(lab[g] for lab, g in zip(labels, row, strict=True)) for row in genomes]
        )
    return _Rows(
        genomes, arch_ids, arch_str.to_numpy(), tuple(cards), f"user:{spec.name}", labels,
        [name for name, _, _, _ in variables],
    )  # fmt: skip


def _space_rows(
    spec: UserTableSpec, frame: pd.DataFrame | None, load: TableLoader, where: str
) -> _Rows:
    """Rows of a table in a declared built-in space: named by string or official index, or,
    without a file, the architectures every table the metrics read has."""
    assert spec.space is not None
    if frame is None:
        from lab.benchmarks.nasbench201_index import official_index
        from lab.spaces.registry import get_space

        names = list(dict.fromkeys(m.table for m in spec.metrics if m.table))
        ids = rows_of_tables(names, load, where)
        space = get_space(spec.space)
        genomes = official_index().genomes_of_indices(ids)
        strings = [space.architecture_string(g) for g in genomes]
        return _Rows(genomes, ids, np.asarray(strings), space.cardinalities, spec.space)
    if spec.architecture_column is not None:
        field, kind = "architecture_column", "string"
    else:
        field, kind = "index_column", "index"
    column = getattr(spec, field)
    rows = declared_rows(
        spec.space, frame[column].tolist(), kind=kind, where=where, field=f"{field} ({column!r})"
    )
    return _Rows(
        rows.genomes, rows.arch_ids, np.asarray(rows.arch_str), rows.cardinalities, spec.space
    )


def _metric_column(
    m: MetricSpec,
    spec: UserTableSpec,
    frame: pd.DataFrame | None,
    out: pd.DataFrame,
    done: set[str],
    load: TableLoader,
    where: str,
) -> np.ndarray:
    """Values of one metric: read from another table, computed by the space, or from the
    file's columns."""
    assert spec.space is not None or (m.table is None and m.compute is None)
    arch_str = out["arch_str"].tolist()
    if m.compute is not None:
        return computed_metric(str(spec.space), m.compute, m.dataset, arch_str) * m.scale
    if m.table is not None:
        values = metric_from_table(
            load(m.table), m.source or m.column, out["arch_id"].to_numpy(np.int64), arch_str,
            str(spec.space), where,
        )  # fmt: skip
        return values * m.scale
    if frame is None:
        raise ConfigError(
            f"{where}: metric {m.column!r} reads the file, and the spec has none; read it from "
            "a table ('table: NAME') or give the 'file'"
        )
    return _metric_values(m, frame, out, done, where)


def _no_tables(name: str) -> BenchmarkTable:
    raise ConfigError(
        f"this spec reads table {name!r}; build it through the store (`lab bench import`, "
        "lab.benchmarks.import_table), which loads the tables it names"
    )


def build_user_table(spec_path: Path, *, load_table: TableLoader | None = None) -> BenchmarkTable:
    """Build the canonical table from a user spec and its data file (nothing is written).

    ``load_table(name)`` loads the built tables the spec's metrics read (``table: NAME``); the
    store passes its own, over its data directory.
    """
    spec_path = Path(spec_path)
    spec = load_user_spec(spec_path)
    load = load_table or _no_tables
    frame: pd.DataFrame | None = None
    data_path: Path | None = None
    where = f"spec {spec_path}"
    if spec.file is not None:
        data_path = _data_path(spec_path, spec)
        where = f"{data_path.name} (spec {spec_path})"
        frame = _read_frame(spec, spec_path, data_path)
        if len(frame) == 0:
            raise BenchmarkFileError(f"{data_path}: the table has no rows")
        if spec.where:
            frame = filter_rows(frame, spec.where, where)
        if spec.pivot is not None:
            frame = pivot_wide(frame, spec.pivot, where)
        _check_columns(spec, frame, spec_path, where)
    if spec.space is None:
        assert frame is not None
        rows = _genome_rows(spec, frame, spec_path, where)
    else:
        rows = _space_rows(spec, frame, load, where)
    if frame is not None:
        frame = _expand_seeds(spec, frame, where)
    out = pd.DataFrame({"arch_id": rows.arch_ids, "arch_str": rows.arch_str})
    for col, values in zip(genome_columns(len(rows.cardinalities)), rows.genomes.T, strict=True):
        out[col] = values.astype(np.int16)
    metrics: dict[str, MetricInfo] = {}
    for m in spec.all_metrics():
        out[m.column] = _metric_column(m, spec, frame, out, set(metrics), load, where)
        metrics[m.column] = m.info()
    out = out.sort_values("arch_id", kind="stable").reset_index(drop=True)
    table = BenchmarkTable(spec.name, out, metrics, rows.cardinalities, rows.space)
    joined = sorted({m.table for m in spec.metrics if m.table})
    table.meta.update(
        {
            "title": spec.title or spec.name,
            "source": spec.source or (data_path.name if data_path else f"joined {joined}"),
            "citation": spec.citation,
            "licence": spec.licence,
            "recipe": "UserTable",
            "builder_version": 2,
            "raw_sha256": {data_path.name: sha256_file(data_path)} if data_path else {},
            "joined_tables": {n: load(n).meta.get("table_sha256") for n in joined},
            "spec": spec.model_dump(mode="json"),
            "spec_path": str(spec_path.resolve()),
            "variable_labels": rows.labels,
            "variable_names": rows.names,
            "datasets": sorted({m.dataset for m in spec.all_metrics() if m.dataset}),
        }
    )
    return table
