"""A multi-objective problem over a benchmark table.

Objective matrices are precomputed for every row of the table (minimized, raw units), so that
evaluating a batch of genomes is two vectorized look-ups: genome -> canonical code -> row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import moocore
import numpy as np

from lab.benchmarks.table import BenchmarkTable
from lab.errors import ConfigError, InputError, InvalidArchitectureError
from lab.problems.identical_results import representative_rows
from lab.problems.pareto import nondominated_mask
from lab.problems.spec import ProblemSpec
from lab.spaces.base import SearchSpace
from lab.spaces.encoding import genome_codes

if TYPE_CHECKING:
    from lab.problems.pymoo_problem import PymooProblem

#: Reference point in normalized objective space (ideal = 0, nadir = 1).
NORMALIZED_REFERENCE = 1.1
#: The two kinds of metrics: what a search sees, what it is judged on.
KINDS: tuple[str, str] = ("search", "report")
#: Spaces with at most this many genomes get a dense genome-code -> row look-up table.
DENSE_LOOKUP_MAX = 5_000_000


@dataclass(frozen=True)
class Evaluation:
    """The result of evaluating ``n`` genomes on an ``m``-objective, ``c``-constraint problem.

    Attributes:
        rows: ``n`` row indices into the table.
        arch_ids: ``n`` canonical architecture ids.
        F: ``n x m`` search-metric objectives (minimized, raw units).
        F_report: ``n x m`` report-metric objectives (minimized, raw units).
        G: ``n x c`` constraint values, feasible iff ``<= 0``.
    """

    rows: np.ndarray
    arch_ids: np.ndarray
    F: np.ndarray
    F_report: np.ndarray
    G: np.ndarray

    @property
    def feasible(self) -> np.ndarray:
        return np.all(self.G <= 0.0, axis=1)


def objective_values(table: BenchmarkTable, column: str) -> tuple[np.ndarray, str]:
    """Column as a minimized objective and its unit: error for accuracies, negation otherwise."""
    info = table.metrics.get(column)
    if info is None:
        from lab.errors import unknown_name

        raise unknown_name(f"metric of benchmark {table.name!r}", column, list(table.metrics))
    values = table.metric_values(column)
    if info.direction == "min":
        return values, info.unit
    if info.unit == "%":
        return 100.0 - values, "%"
    if info.unit == "fraction":
        return 1.0 - values, "fraction"
    return -values, f"-{info.unit}"


class Problem:
    """A named problem: objectives, constraints, frozen normalization and exact fronts.

    Args:
        spec: the problem's declarative spec.
        table: the benchmark table it is defined over.
        space: the table's search space (genome canonicalization).
    """

    def __init__(self, spec: ProblemSpec, table: BenchmarkTable, space: SearchSpace) -> None:
        if tuple(space.cardinalities) != tuple(table.cardinalities):
            raise ConfigError(
                f"problem {spec.name!r}: space {space.name} has cardinalities "
                f"{space.cardinalities}, table {table.name} has {table.cardinalities}"
            )
        self.spec = spec
        self.name = spec.name
        self.table = table
        self.space = space
        self.cardinalities = np.asarray(space.cardinalities, dtype=np.int64)
        search, report, units = [], [], []
        for obj in spec.objectives:
            s, unit = objective_values(table, obj.search)
            r, _ = objective_values(table, obj.report_metric)
            search.append(s)
            report.append(r)
            units.append(unit)
        self.objective_names = tuple(o.name for o in spec.objectives)
        self.objective_units = tuple(units)
        self.F_all = np.stack(search, axis=1)
        self.F_report_all = np.stack(report, axis=1)
        cons = []
        for c in spec.constraints:
            values = table.metric_values(c.metric)
            cons.append(values - c.le if c.le is not None else c.ge - values)
        self.G_all = np.stack(cons, axis=1) if cons else np.zeros((len(table), 0))
        self.feasible_all = np.all(self.G_all <= 0.0, axis=1)
        if not self.feasible_all.any():
            raise ConfigError(f"problem {spec.name!r}: no architecture satisfies the constraints")
        if not np.all(np.isfinite(self.F_all)) or not np.all(np.isfinite(self.F_report_all)):
            raise ConfigError(f"problem {spec.name!r}: the table has missing objective values")
        self.arch_ids_all = table.arch_ids
        self.genomes_all = table.genomes
        codes = genome_codes(self.genomes_all, self.cardinalities)
        order = np.argsort(codes)
        self._sorted_codes = codes[order]
        self._sorted_rows = order
        self._dense_rows: np.ndarray | None = None
        self._front_rows: dict[str, np.ndarray] = {}
        #: Degenerate architectures by the space's declared rule (flagged in every table).
        self.degenerate_all = np.asarray(space.degenerate_mask(self.genomes_all), dtype=bool)
        #: Whether degenerate architectures are in the search space and the scoring.
        self.include_degenerate = spec.degenerate == "include"
        #: Row each table row is evaluated as: itself, the first row of its group of identical
        #: results (:mod:`lab.problems.identical_results`), or ``-1`` outside the search space.
        self.evaluated_as_all = representative_rows(
            table,
            np.concatenate([self.F_all, self.F_report_all, self.G_all], axis=1),
            self.include_degenerate | ~self.degenerate_all,
        )
        #: Rows a search may evaluate (``N``): in the space and first of their group.
        self.searchable_all = self.evaluated_as_all == np.arange(len(table))
        self._searchable_rows = np.flatnonzero(self.searchable_all)
        #: Per objective, the worst value of interest (``inf`` where the spec declares none).
        self.thresholds = np.array(
            [np.inf if o.threshold is None else float(o.threshold) for o in spec.objectives]
        )
        self._bounds = {kind: self._front_bounds(kind) for kind in KINDS}
        #: Report-metric normalization (the one every score is judged in).
        self.ideal, self.nadir = self._bounds["report"]
        #: The usual point 10 % of the exact report front's range beyond its nadir, from the
        #: whole table: the scoring's reference point where no threshold is declared, and the
        #: ``oracle`` ablation of the Bayesian searches.
        self.oracle_point = self.ideal + NORMALIZED_REFERENCE * (self.nadir - self.ideal)
        #: The hypervolume reference point (``m``, raw report units) of the scoring: the
        #: declared thresholds (on both metrics), else :attr:`oracle_point` (on the search
        #: metrics then 1.1 of the search front's own normalization).
        self.reference_point = np.where(
            np.isfinite(self.thresholds), self.thresholds, self.oracle_point
        )

    # ------------------------------------------------------------------------------ dimensions
    @property
    def n_var(self) -> int:
        return len(self.cardinalities)

    @property
    def n_obj(self) -> int:
        return self.F_all.shape[1]

    @property
    def n_constr(self) -> int:
        return self.G_all.shape[1]

    @property
    def n_architectures(self) -> int:
        """Rows of the table (row indices run over ``0 .. n_architectures - 1``)."""
        return len(self.table)

    @property
    def n_searchable(self) -> int:
        """Distinct evaluations a search may make: table rows in the search space, each group of
        identical results counted once."""
        return len(self._searchable_rows)

    # ------------------------------------------------------------------------------ evaluation
    def rows(self, genomes: np.ndarray) -> np.ndarray:
        """Table row each genome is evaluated as (``n``), ``-1`` where the genome denotes no
        architecture of the search space (not in the table, or degenerate and excluded)."""
        if self.space.size <= DENSE_LOOKUP_MAX:
            if self._dense_rows is None:
                # One table from raw genome code to row folds canonicalization into the look-up.
                self._dense_rows = self._rows_by_search(self.space.all_genomes())
            return self._dense_rows[genome_codes(self.space.validate(genomes), self.cardinalities)]
        return self._rows_by_search(genomes)

    def _rows_by_search(self, genomes: np.ndarray) -> np.ndarray:
        codes = self.space.canonical_codes(genomes)
        pos = np.searchsorted(self._sorted_codes, codes)
        pos = np.minimum(pos, len(self._sorted_codes) - 1)
        hit = (self._sorted_codes[pos] == codes) & (codes >= 0)
        # A row outside the search space is no architecture of it; a row of a group of
        # identical results is evaluated as the group's first row.
        return np.where(hit, self.evaluated_as_all[self._sorted_rows[pos]], -1)

    def is_valid(self, genomes: np.ndarray) -> np.ndarray:
        """Boolean mask: does each genome denote an architecture of the table?"""
        return self.rows(genomes) >= 0

    def evaluate(self, genomes: np.ndarray) -> Evaluation:
        """Evaluate ``n x d`` genomes; ``ValueError`` if any denotes no architecture."""
        rows = self.rows(genomes)
        if (rows < 0).any():
            bad = np.asarray(genomes)[np.argmax(rows < 0)]
            raise InvalidArchitectureError(
                f"{self.name}: genome {bad.tolist()} denotes no architecture"
            )
        return self.evaluate_rows(rows)

    def evaluate_rows(self, rows: np.ndarray) -> Evaluation:
        """Evaluate table rows directly (``n`` indices)."""
        rows = np.asarray(rows, dtype=np.int64)
        return Evaluation(
            rows=rows,
            arch_ids=self.arch_ids_all[rows],
            F=self.F_all[rows],
            F_report=self.F_report_all[rows],
            G=self.G_all[rows],
        )

    def sample_rows(self, n: int, rng: np.random.Generator, *, replace: bool = False) -> np.ndarray:
        """``n`` table rows drawn uniformly over the distinct evaluations of the search space
        (:attr:`searchable_all`)."""
        return self._searchable_rows[rng.choice(self.n_searchable, size=n, replace=replace)]

    # --------------------------------------------------------------------------- normalization
    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in KINDS:
            raise InputError(f"kind must be 'search' or 'report', got {kind!r}")

    def objectives_of(self, kind: str) -> np.ndarray:
        """``N x m`` raw objectives of every row on the ``search`` or ``report`` metrics."""
        self._check_kind(kind)
        return self.F_all if kind == "search" else self.F_report_all

    def bounds(self, kind: str = "report") -> tuple[np.ndarray, np.ndarray]:
        """Frozen ``(ideal, nadir)`` (``m`` each, raw units) of the ``kind`` metrics."""
        self._check_kind(kind)
        return self._bounds[kind]

    def normalize(self, F: np.ndarray, kind: str = "report") -> np.ndarray:
        """``n x m`` raw objectives -> normalized (ideal -> 0, nadir -> 1 of the ``kind``
        metrics' exact front; the reference point is 1.1 in every objective).

        Search and report metrics are normalized by their own fronts, so that a constant offset
        between them (validation errors above test errors) cancels: the search HV and the report
        HV of a set are on one scale.
        """
        ideal, nadir = self.bounds(kind)
        return (np.asarray(F, dtype=np.float64) - ideal) / (nadir - ideal)

    def normalized_reference(self, kind: str = "report") -> np.ndarray:
        """The hypervolume reference point in the ``kind`` metrics' normalized space (``m``): the
        declared thresholds normalized by that kind's front, ``1.1`` where none is declared."""
        declared = np.isfinite(self.thresholds)
        scaled = self.normalize(np.where(declared, self.thresholds, 0.0)[None, :], kind)[0]
        return np.where(declared, scaled, NORMALIZED_REFERENCE)

    def scored_mask(self, kind: str = "report") -> np.ndarray:
        """Rows that may set the ``kind`` front and normalization (``N``): feasible, not
        degenerate, and within the region of interest (every objective <= its threshold)."""
        F = self.objectives_of(kind)
        inside = np.all(F <= self.thresholds, axis=1)
        return self.feasible_all & (self.include_degenerate | ~self.degenerate_all) & inside

    def returnable_mask(self, rows: np.ndarray, feasible: np.ndarray | None = None) -> np.ndarray:
        """Mask over evaluated ``rows`` (``n``): may each be part of a run's returned set?

        Feasible (``feasible`` as recorded, else the table's constraints) and not degenerate
        (unless the problem includes degenerate architectures, and then scores them): a
        degenerate architecture is not an answer the lab credits, just as it never sets the
        normalization or the exact fronts (otherwise a parameter-free cell faster than every
        front member could score above the front). Searches cannot propose one (it is outside
        the search space); a stored history from an older run may still hold some.
        """
        rows = np.asarray(rows, dtype=np.int64)
        ok = self.feasible_all[rows] if feasible is None else np.asarray(feasible, dtype=bool)
        return ok & (self.include_degenerate | ~self.degenerate_all[rows])

    def true_front_rows(self, kind: str = "report") -> np.ndarray:
        """Rows of the exact Pareto front on ``search`` or ``report`` metrics of the rows that
        may set it (:meth:`scored_mask`), sorted by the objectives; every architecture of an
        objective vector is listed (isomorphic cells share vectors)."""
        self._check_kind(kind)
        if kind not in self._front_rows:
            F = self.objectives_of(kind)
            scored = np.flatnonzero(self.scored_mask(kind))
            if len(scored) == 0:
                raise ConfigError(
                    f"problem {self.name!r}: no feasible, non-degenerate architecture lies in "
                    f"the region of interest on the {kind} metrics (thresholds "
                    f"{self.thresholds.tolist()}); loosen the objectives' thresholds"
                )
            rows = scored[nondominated_mask(F[scored])]
            self._front_rows[kind] = rows[np.lexsort(F[rows].T[::-1])]
        return self._front_rows[kind]

    def true_front(self, kind: str = "report") -> np.ndarray:
        """``k x m`` raw objectives of the exact front: its *distinct* vectors, sorted
        lexicographically. This is the reference set of IGD, IGD+ and GD: an objective vector
        shared by several architectures counts once."""
        F = self.objectives_of(kind)
        return np.unique(F[self.true_front_rows(kind)], axis=0)

    def true_front_hv(self, kind: str = "report") -> float:
        """Hypervolume of the normalized exact front w.r.t. the normalized reference point."""
        front = self.normalize(self.true_front(kind), kind)
        return float(moocore.hypervolume(front, ref=self.normalized_reference(kind)))

    def _front_bounds(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        front = self.objectives_of(kind)[self.true_front_rows(kind)]
        ideal, nadir = front.min(axis=0), front.max(axis=0)
        flat = nadir <= ideal
        nadir = np.where(flat, ideal + 1.0, nadir)  # a constant objective still normalizes
        return ideal, nadir

    def frozen(self) -> dict[str, object]:
        """The values frozen in ``benchmarks/frozen.yaml`` for this problem.

        ``ideal`` / ``nadir`` normalize the report metrics, ``search_ideal`` / ``search_nadir``
        the search metrics; ``reference_point`` is the hypervolume reference point of both (raw
        units: the declared thresholds) and ``oracle_point`` the 1.1 point of the exact report
        front; ``*_front_size`` count distinct objective vectors, ``*_front_architectures`` the
        architectures holding them; ``searchable_rows`` counts the distinct evaluations of the
        search space.
        """
        search_ideal, search_nadir = self.bounds("search")
        return {
            "ideal": [float(x) for x in self.ideal],
            "nadir": [float(x) for x in self.nadir],
            "reference_point": [float(x) for x in self.reference_point],
            "oracle_point": [float(x) for x in self.oracle_point],
            "search_ideal": [float(x) for x in search_ideal],
            "search_nadir": [float(x) for x in search_nadir],
            "true_front_size": len(self.true_front("report")),
            "true_front_architectures": len(self.true_front_rows("report")),
            "true_front_hv": round(self.true_front_hv("report"), 12),
            "search_front_size": len(self.true_front("search")),
            "search_front_architectures": len(self.true_front_rows("search")),
            "search_front_hv": round(self.true_front_hv("search"), 12),
            "degenerate_rows": int(self.degenerate_all.sum()),
            "searchable_rows": int(self.n_searchable),
            "table_rows": int(self.n_architectures),
        }

    def as_pymoo(self) -> PymooProblem:
        """This problem as a :class:`pymoo.core.problem.Problem` over the integer genome (search
        metrics as objectives), for ``pymoo.optimize.minimize``; see
        :mod:`lab.problems.pymoo_problem`."""
        from lab.problems.pymoo_problem import PymooProblem

        return PymooProblem(self)

    def __repr__(self) -> str:
        return (
            f"Problem({self.name!r}, benchmark={self.table.name!r}, objectives="
            f"{list(self.objective_names)}, constraints={self.n_constr})"
        )
