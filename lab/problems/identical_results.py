"""Rows of a table whose results are identical by construction, so that a search is charged once.

Some tables store one training result per isomorphism class of architectures and copy it to
every member (the 12-epoch NAS-Bench-201 table: 7,607 cells in 1,709 classes share their six
accuracies). A recipe declares this with the table's ``shared_results`` metadata: the columns
that hold the shared training results. Two rows are then the same evaluation of a problem when
they agree on those columns *and* on every objective and constraint value of the problem
(metrics computed or measured per architecture, such as latency, may still tell them apart);
all but one row of such a group leave the search space, and a genome of any member is
evaluated as the group's first row.

Identical values in independent columns (validation and test accuracies of three datasets) do
not arise by chance; they are the table's own record that one result was stored for the class.
Tables that train every architecture separately (the official 200-epoch file, AnalogNAS-Bench)
declare no ``shared_results`` and every row is its own evaluation.
"""

from __future__ import annotations

import numpy as np

from lab.benchmarks.table import BenchmarkTable


def shared_result_columns(table: BenchmarkTable) -> tuple[str, ...]:
    """The columns the table declares as stored once per isomorphism class (may be empty)."""
    return tuple(str(c) for c in table.meta.get("shared_results", ()) if c in table.metrics)


def representative_rows(
    table: BenchmarkTable, values: np.ndarray, eligible: np.ndarray
) -> np.ndarray:
    """For each row, the row it is evaluated as (``N`` int64; ``-1`` for rows not ``eligible``).

    Args:
        table: the benchmark table (its ``shared_results`` declaration).
        values: ``N x k`` values of the problem per row (objectives on both metrics, constraints).
        eligible: ``N`` mask of the rows in the search space before merging.

    Returns:
        The smallest eligible row of each row's group, where a group is the rows that agree on
        the shared-result columns and on ``values``; each row is its own group when the table
        declares no shared results.
    """
    n = len(table)
    out = np.where(eligible, np.arange(n, dtype=np.int64), -1)
    columns = shared_result_columns(table)
    if not columns or not eligible.any():
        return out
    rows = np.flatnonzero(eligible)
    key = np.concatenate(
        [np.stack([table.metric_values(c)[rows] for c in columns], axis=1), values[rows]], axis=1
    )
    # np.unique sorts the keys; the first occurrence of each key is its smallest row because
    # ``rows`` is ascending and the sort keeps first indices.
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    out[rows] = rows[first][inverse.ravel()]
    return out
