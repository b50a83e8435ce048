"""Long tables in a user spec: a row filter (``where``) and a pivot from long to wide (``pivot``).

A long hardware table has one row per architecture x device x framework x task; the lab's
table has one row per architecture. The spec says how to get there, with no code::

    where: {framework: [tflite, tensorrt]}        # keep these rows
    pivot:
      index: arch                                 # one row per value of this column
      columns: [device, framework, task]          # what the other rows of an architecture vary
      values:
        - latency_ms                              # latency_ms_pixel3_tflite_cifar10, ...
        - {name: energy_mj, over: [device]}       # energy_mj_pixel3, ...: the same on every
        - {name: accuracy, over: [task]}          #   framework and task; accuracy_cifar10, ...
      keep: [params]                              # one value per architecture

A value is spread over every combination of ``columns``, or, with ``over``, of those columns
only: it must then be the same on all rows of an architecture that share those columns (an
accuracy depends on the task, not on the device it was timed on). ``keep`` columns are values
over no column. ``where`` compares values as text (``batch: 1`` keeps the rows whose ``batch``
reads ``1``); the pivoted column of value ``v`` and column values ``a, b`` is ``v_a_b``
(``separator`` between the parts). A combination a value was never measured on (energy on a
device without a power meter) has no column. Two rows for one ``index`` and combination, a
value that differs where ``over`` says it may not, a filter that keeps nothing: each is an error
naming the file, the field, the rows and the fix.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lab.errors import BenchmarkFileError, ConfigError


class PivotValue(BaseModel):
    """A value spread over some of the pivot's columns only (``over``; none: one per row)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    over: list[str]


class PivotSpec(BaseModel):
    """How a long table becomes one row per architecture (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    index: str
    columns: list[str] = Field(min_length=1)
    values: list[str | PivotValue] = Field(default_factory=list)
    keep: list[str] = Field(default_factory=list)
    separator: str = "_"

    @model_validator(mode="after")
    def _check(self) -> PivotSpec:
        if not self.values and not self.keep:
            raise ConfigError("give the 'values' to pivot (or the 'keep' columns)")
        for v in self.spread():
            extra = [c for c in v.over if c not in self.columns]
            if extra:
                raise ConfigError(
                    f"value {v.name!r}: 'over' names {extra}, not among 'columns' {self.columns}"
                )
        return self

    def spread(self) -> list[PivotValue]:
        """Every value with the columns it is spread over (``keep``: none)."""
        out = [
            v if isinstance(v, PivotValue) else PivotValue(name=v, over=list(self.columns))
            for v in self.values
        ]
        return out + [PivotValue(name=k, over=[]) for k in self.keep]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _missing(frame: pd.DataFrame, columns: list[str], where: str, field: str) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise BenchmarkFileError(
            f"{where}: field {field!r} names columns {absent} that the file lacks; it has "
            f"{list(frame.columns)[:20]}"
        )


def filter_rows(frame: pd.DataFrame, conditions: dict[str, Any], where: str) -> pd.DataFrame:
    """The rows whose every ``column`` reads as one of its listed values (text comparison)."""
    _missing(frame, list(conditions), where, "where")
    keep = np.ones(len(frame), dtype=bool)
    for column, wanted in conditions.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        texts = frame[column].map(_text)
        hit = texts.isin([_text(v) for v in values]).to_numpy()
        if not hit.any():
            present = sorted(texts.unique().tolist())[:20]
            raise BenchmarkFileError(
                f"{where}: field 'where': no row has {column!r} in {values}; the file's values "
                f"are {present}"
            )
        keep &= hit
    if not keep.any():
        raise BenchmarkFileError(f"{where}: field 'where': no row meets all of {conditions}")
    return frame.loc[keep].reset_index(drop=True)


def pivot_wide(frame: pd.DataFrame, pivot: PivotSpec, where: str) -> pd.DataFrame:
    """One row per ``pivot.index`` value, each value spread over the combinations of its
    columns (see the module docstring)."""
    names = [v.name for v in pivot.spread()]
    _missing(frame, [pivot.index, *pivot.columns, *names], where, "pivot")
    keys = [pivot.index, *pivot.columns]
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        rows = np.flatnonzero(dup)
        first = frame.iloc[rows[0]][keys].map(_text).to_dict()
        raise BenchmarkFileError(
            f"{where}: field 'pivot': {len(rows)} rows repeat an ({', '.join(keys)}) combination "
            f"(rows {rows[:5].tolist()}, e.g. {first}); add the column that tells them apart to "
            "'pivot.columns', or keep one of them with 'where'"
        )
    index = pd.Index(pd.unique(frame[pivot.index]), name=pivot.index)
    parts: dict[str, pd.Series] = {}
    for value in pivot.spread():
        group = [pivot.index, *value.over]
        varying = frame.groupby(group, sort=False)[value.name].nunique(dropna=False) > 1
        if varying.any():
            at = varying.index[int(np.argmax(varying.to_numpy()))]
            at = at if isinstance(at, tuple) else (at,)
            rows = np.all(
                [frame[c].map(_text) == _text(a) for c, a in zip(group, at, strict=True)], axis=0
            )
            seen = frame.loc[rows, value.name].unique().tolist()[:5]
            other = [c for c in pivot.columns if c not in value.over]
            raise BenchmarkFileError(
                f"{where}: field 'pivot': {value.name!r} differs between rows of "
                f"{dict(zip(group, map(_text, at), strict=True))} ({seen}), which differ only in "
                f"{other}; spread it over those too ('over'), or filter the rows ('where')"
            )
        first = frame.groupby(group, sort=False)[value.name].first()
        if not value.over:
            _add(parts, value.name, first.reindex(index), pivot, where)
            continue
        wide = first.unstack(value.over)
        for combo in wide.columns:
            column = wide[combo].reindex(index)
            if column.notna().any():  # a combination never measured has no column
                parts_of = combo if isinstance(combo, tuple) else (combo,)
                name = pivot.separator.join([value.name, *map(_text, parts_of)])
                _add(parts, name, column, pivot, where)
    return pd.DataFrame(parts, index=index).reset_index()


def _add(parts: dict[str, pd.Series], name: str, column: pd.Series, pivot: PivotSpec, where: str):
    """Add one wide column; a name taken twice (or the index's) is an error, not an overwrite."""
    if name in parts or name == pivot.index:
        raise BenchmarkFileError(
            f"{where}: field 'pivot': two columns would be named {name!r}; rename a column of "
            "the file or set 'pivot.separator'"
        )
    parts[name] = column
