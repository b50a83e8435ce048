"""A user table in a built-in search space (``space: nasbench201`` in its spec).

Rows name their architecture by the space's own string (``architecture_column``) or by the
official NAS-Bench-201 index (``index_column``); either way the table gets the space's genomes,
its canonical strings and its ids (the official index, as every NAS-Bench-201-space table:
:mod:`lab.benchmarks.nasbench201_index`). The table's space is then the built-in one, so its
degenerate rule, isomorphism handling, encodings and network builder apply to the table's
problems as to the built-in tables', and the spec may ask for computed metrics
(``compute: params`` or ``flops``, from the space's network builder) and for metrics of another
built table of the space (``table: NAME``, joined on ``arch_id``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, ConfigError, InvalidArchitectureError

#: Loads a built table by name (the store's ``load_table`` over its data directory).
TableLoader = Callable[[str], BenchmarkTable]

#: Built-in spaces a table spec may declare.
DECLARED_SPACES = ("nasbench201",)
#: ``compute:`` values: what the space's network builder computes for a dataset.
COMPUTED = ("params", "flops")


@dataclass(frozen=True)
class DeclaredRows:
    """The rows of a declared-space table: ``n x d`` genomes, ``n`` ids and strings."""

    genomes: np.ndarray
    arch_ids: np.ndarray
    arch_str: list[str]
    cardinalities: tuple[int, ...]


def check_space(name: str) -> str:
    if name not in DECLARED_SPACES:
        raise ConfigError(
            f"space {name!r} cannot be declared by a table spec; valid: {list(DECLARED_SPACES)} "
            "(or leave 'space' out and declare the genome)"
        )
    return name


def _rows(mask: np.ndarray) -> str:
    idx = np.flatnonzero(mask)
    return f"{len(idx)} row(s): " + ", ".join(str(int(i)) for i in idx[:5])


def _nb201_from_strings(values: list, where: str, field: str) -> np.ndarray:
    from lab.spaces.nasbench201 import string_to_genome

    out = np.empty((len(values), 6), dtype=np.int64)
    for i, value in enumerate(values):
        try:
            out[i] = string_to_genome(str(value))
        except InvalidArchitectureError as exc:
            raise BenchmarkFileError(f"{where}: field {field}, row {i}: {exc}") from None
    return out


def _nb201_from_indices(values: list, where: str, field: str) -> np.ndarray:
    from lab.benchmarks.nasbench201_index import official_index

    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(np.float64)
    bad = ~np.isfinite(numbers) | (numbers != np.round(numbers)) | (numbers < 0)
    bad |= numbers >= 15625
    if bad.any():
        raise BenchmarkFileError(
            f"{where}: field {field} must hold official NAS-Bench-201 indices 0..15624; "
            f"{_rows(bad)} hold {values[int(np.argmax(bad))]!r}"
        )
    return official_index().genomes_of_indices(numbers.astype(np.int64), where=where)


#: ``space -> (genomes from strings, genomes from official indices)``
_READERS: dict[str, tuple[Callable, Callable]] = {
    "nasbench201": (_nb201_from_strings, _nb201_from_indices),
}


def declared_rows(space: str, values: list, *, kind: str, where: str, field: str) -> DeclaredRows:
    """Genomes, ids and canonical strings of rows named by ``values`` (``kind``: ``string`` or
    ``index``); a repeated architecture is an error naming the rows."""
    from lab.benchmarks.nasbench201_index import official_index
    from lab.spaces.registry import get_space

    space_obj = get_space(check_space(space))
    from_strings, from_indices = _READERS[space]
    genomes = (from_strings if kind == "string" else from_indices)(values, where, field)
    canonical = space_obj.canonical_genomes(genomes)
    ids = official_index().indices_of_genomes(canonical)
    dup = pd.Series(ids).duplicated(keep=False).to_numpy()
    if dup.any():
        raise BenchmarkFileError(
            f"{where}: field {field}: {_rows(dup)} name an architecture another row names too "
            f"(e.g. {values[int(np.argmax(dup))]!r}); each architecture must appear once (filter "
            "the rows with 'where', or pivot a long table with 'pivot')"
        )
    strings = [space_obj.architecture_string(g) for g in canonical]
    return DeclaredRows(canonical, ids, strings, space_obj.cardinalities)


def computed_metric(space: str, what: str, dataset: str | None, arch_str: list[str]) -> np.ndarray:
    """``params`` (M) or ``flops`` (MFLOPs) of every row by the space's network builder on
    ``dataset`` (see :mod:`lab.spaces.nasbench201_cost` for the conventions)."""
    from lab.spaces.nasbench201_cost import nasbench201_params_flops

    if what not in COMPUTED:
        raise ConfigError(f"compute: {what!r} is not one of {list(COMPUTED)}")
    if dataset is None:
        raise ConfigError(
            f"compute: {what} needs the metric's 'dataset' (cifar10, cifar100 or ImageNet16-120)"
        )
    params, flops = nasbench201_params_flops(tuple(arch_str), dataset)
    return np.asarray(params if what == "params" else flops, dtype=np.float64)


def rows_of_tables(names: list[str], load: TableLoader, where: str) -> np.ndarray:
    """Official ids present in every named built table (a spec without its own file)."""
    ids: set[int] | None = None
    for name in names:
        table_ids = set(load(name).arch_ids.tolist())
        ids = table_ids if ids is None else ids & table_ids
    if not ids:
        raise BenchmarkFileError(f"{where}: the tables {names} share no architecture")
    return np.sort(np.fromiter(ids, dtype=np.int64, count=len(ids)))


def metric_from_table(
    table: BenchmarkTable,
    column: str,
    arch_ids: np.ndarray,
    arch_str: list[str],
    space: str,
    where: str,
) -> np.ndarray:
    """Values of ``column`` of the built ``table`` for the rows ``arch_ids``, joined on
    ``arch_id`` (the table must be of ``space`` and agree on every row's architecture)."""
    table_name = table.name
    if table.space != space:
        raise ConfigError(
            f"{where}: a metric reads table {table_name!r}, of space {table.space}, not {space}; "
            "tables join on arch_id only within one space"
        )
    if column not in table.metrics:
        from lab.errors import unknown_name

        raise unknown_name(f"metric of benchmark {table_name!r}", column, list(table.metrics))
    frame = table.frame.set_index("arch_id")
    present = np.isin(arch_ids, frame.index.to_numpy())
    if not present.all():
        raise BenchmarkFileError(
            f"{where}: table {table_name!r} lacks {int((~present).sum())} of the spec's "
            f"{len(arch_ids)} architectures (e.g. arch_id {int(arch_ids[np.argmax(~present)])}); "
            "drop those rows with 'where', or read the metric from a table that has them"
        )
    part = frame.loc[arch_ids]
    wrong = part["arch_str"].to_numpy() != np.asarray(arch_str)
    if wrong.any():
        raise BenchmarkFileError(
            f"{where}: table {table_name!r} names arch_id {int(arch_ids[np.argmax(wrong)])} "
            f"{part['arch_str'].iloc[int(np.argmax(wrong))]!r}, the spec "
            f"{arch_str[int(np.argmax(wrong))]!r}; rebuild it (`lab bench build {table_name}`)"
        )
    return part[column].to_numpy(np.float64)
