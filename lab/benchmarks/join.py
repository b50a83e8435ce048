"""Join benchmark tables of one search space on ``arch_id``.

Every table of a space uses the same ``arch_id`` for the same architecture (for NAS-Bench-201:
the official index, :mod:`lab.benchmarks.nasbench201_index`), so "accuracy from one benchmark,
energy from another" is a join on that id. A join checks what makes it meaningful: the tables
are of the same built-in space and agree on the architecture (string and genome) of every shared
id; a disagreement is an error naming both tables and the id, never a silent mis-join.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, ConfigError


@dataclass(frozen=True)
class JoinedTables:
    """Rows of architectures present in every joined table, ordered by ``arch_id``.

    Attributes:
        frame: ``arch_id``, ``arch_str``, the genome columns, then ``<table>:<metric>`` for every
            metric of every table.
        tables: the joined tables, by name.
        dropped: per table, how many of its rows have no partner in some other table.
    """

    frame: pd.DataFrame
    tables: dict[str, BenchmarkTable]
    dropped: dict[str, int]

    def values(self, table: str, metric: str) -> np.ndarray:
        """``n`` values of ``metric`` of ``table`` on the joined rows (float64)."""
        key = f"{table}:{metric}"
        if key not in self.frame.columns:
            from lab.errors import unknown_name

            raise unknown_name(
                f"metric of joined table {table!r}",
                metric,
                list(self.tables[table].metrics) if table in self.tables else list(self.tables),
            )
        return self.frame[key].to_numpy(np.float64)


def check_same_space(tables: Sequence[BenchmarkTable]) -> str:
    """The one built-in space of ``tables``; an error when they are of different spaces or of a
    user table's own space (whose ids mean nothing outside that table)."""
    spaces = {t.name: t.space for t in tables}
    if len(set(spaces.values())) != 1:
        raise ConfigError(
            f"tables of different search spaces cannot be joined on arch_id: {spaces}"
        )
    space = tables[0].space
    if space.startswith("user:"):
        raise ConfigError(
            f"table {tables[0].name!r} has a space of its own ({space}); its ids join only with "
            "itself. Declare the built-in space its rows are in (`space: nasbench201` in its "
            "spec) to join it with the space's other tables"
        )
    return space


def join_tables(tables: Sequence[BenchmarkTable]) -> JoinedTables:
    """Inner join of ``tables`` (two or more, one space) on ``arch_id`` (see the module doc)."""
    if len(tables) < 2:
        raise ConfigError("a join needs two or more tables")
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise ConfigError(f"a join names a table twice: {names}")
    check_same_space(tables)
    first = tables[0]
    base = first.frame[["arch_id", "arch_str", *first.genome_columns]]
    common = set(first.arch_ids.tolist())
    for t in tables[1:]:
        common &= set(t.arch_ids.tolist())
    ids = np.sort(np.fromiter(common, dtype=np.int64, count=len(common)))
    if not len(ids):
        raise BenchmarkFileError(f"tables {names} share no arch_id")
    out = base.set_index("arch_id").loc[ids].reset_index()
    for t in tables:
        part = t.frame.set_index("arch_id").loc[ids]
        if t is not first:
            genome_cols = first.genome_columns
            same = (part["arch_str"].to_numpy() == out["arch_str"].to_numpy()) & np.all(
                part[genome_cols].to_numpy() == out[genome_cols].to_numpy(), axis=1
            )
            if not same.all():
                bad = int(ids[np.argmax(~same)])
                raise BenchmarkFileError(
                    f"tables {first.name!r} and {t.name!r} disagree on arch_id {bad}: "
                    f"{out['arch_str'].iloc[int(np.argmax(~same))]!r} vs "
                    f"{part['arch_str'].iloc[int(np.argmax(~same))]!r}; one of them does not use "
                    "the space's ids (rebuild it with `lab bench build NAME`)"
                )
        for col in t.metrics:
            out[f"{t.name}:{col}"] = part[col].to_numpy(np.float64)
    dropped = {t.name: len(t) - len(ids) for t in tables}
    return JoinedTables(out, {t.name: t for t in tables}, dropped)
