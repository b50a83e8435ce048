"""A surrogate model: encoding + target transforms + predictor, fitted on genomes.

It predicts one or several metric columns of a benchmark table for any genome of its search
space. ``predict`` returns raw metric units; ``predict_transformed`` returns the mean and std on
the transformed scale the predictor learned (where the predictive distribution is Gaussian).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from lab.benchmarks.table import BenchmarkTable
from lab.errors import SurrogateError
from lab.spaces.base import SearchSpace
from lab.spaces.registry import get_space
from lab.surrogates.encodings import Encoding, make_encoding
from lab.surrogates.predictors import Predictor, make_predictor
from lab.surrogates.targets import TargetTransform


@dataclass
class Surrogate:
    """A (possibly unfitted) surrogate of ``targets`` over ``space``.

    Attributes:
        space: name of the search space.
        encoding: encoding name (``+`` joins several).
        targets: metric columns predicted, in output order (length ``k``).
        transforms: one transform per target.
        predictor: the scikit-learn predictor (fitted on ``encoding`` features and transformed
            targets).
    """

    space: str
    encoding: str
    targets: tuple[str, ...]
    transforms: tuple[TargetTransform, ...]
    predictor: Predictor
    _encoder: Encoding | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.targets = tuple(self.targets)
        self.transforms = tuple(self.transforms)
        if not self.targets:
            raise SurrogateError("a surrogate needs at least one target column")
        if len(self.transforms) != len(self.targets):
            raise SurrogateError(
                f"{len(self.transforms)} transforms for {len(self.targets)} targets {self.targets}"
            )

    @classmethod
    def for_table(
        cls,
        table: BenchmarkTable,
        targets: Sequence[str],
        *,
        predictor: str | Predictor = "xgboost",
        params: dict | None = None,
        encoding: str | None = None,
        transform: str = "identity",
    ) -> Surrogate:
        """An unfitted surrogate of ``targets`` of ``table`` (``transform``: a kind or ``auto``)."""
        missing = [t for t in targets if t not in table.metrics]
        if missing:
            from lab.errors import unknown_name

            raise unknown_name(
                f"metric of benchmark {table.name!r}", missing[0], list(table.metrics)
            )
        space = get_space(table.space)
        enc = make_encoding(space, encoding)
        model = (
            predictor
            if isinstance(predictor, Predictor)
            else make_predictor(predictor, **(params or {}))
        )
        transforms = tuple(TargetTransform.for_metric(transform, table.metrics[t]) for t in targets)
        return cls(table.space, enc.name, tuple(targets), transforms, model, enc)

    @property
    def encoder(self) -> Encoding:
        if self._encoder is None:
            self._encoder = make_encoding(get_space(self.space), self.encoding)
        return self._encoder

    @property
    def search_space(self) -> SearchSpace:
        return self.encoder.space

    def features(self, genomes: np.ndarray) -> np.ndarray:
        """``n x p`` encoded features of the canonical form of each genome.

        Equivalent genomes (e.g. isomorphic NAS-Bench-Graph networks) are canonicalized first, so
        they get the same features and the same prediction.
        """
        space = self.search_space
        canon = space.canonical_genomes(genomes)
        invalid = canon[:, 0] < 0
        if invalid.any():
            bad = np.asarray(genomes).reshape(len(canon), -1)[np.argmax(invalid)].tolist()
            raise SurrogateError(f"genome {bad} denotes no architecture of {space.name}")
        return self.encoder.encode(canon)

    # ----------------------------------------------------------------------------- fitting
    def fit(self, genomes: np.ndarray, Y: np.ndarray) -> Surrogate:
        """Fit on ``n x d`` genomes and ``n x k`` raw target values; returns ``self``."""
        Y = np.asarray(Y, dtype=np.float64).reshape(len(genomes), -1)
        if Y.shape[1] != len(self.targets):
            raise SurrogateError(f"Y has {Y.shape[1]} columns, targets are {self.targets}")
        bad = ~np.isfinite(Y)
        if bad.any():
            j = int(np.flatnonzero(bad.any(axis=0))[0])
            rows = np.flatnonzero(bad[:, j])
            raise SurrogateError(
                f"target {self.targets[j]!r} holds NaN or infinite values in {len(rows)} of the "
                f"{len(Y)} rows given (rows {_first(rows)}); drop those rows or choose another "
                "target"
            )
        Z = np.column_stack([t.forward(Y[:, j]) for j, t in enumerate(self.transforms)])
        self.predictor.fit(self.features(genomes), Z)
        return self

    def fit_table(self, table: BenchmarkTable, rows: np.ndarray) -> Surrogate:
        """Fit on the given rows of ``table``.

        Raises:
            SurrogateError: a target holds NaN or infinite values in those rows (see
                :func:`finite_metric_values`).
        """
        rows = np.asarray(rows, dtype=np.int64)
        Y = np.column_stack(
            [finite_metric_values(table, t, rows, use="train on") for t in self.targets]
        )
        return self.fit(table.genomes[rows], Y)

    # --------------------------------------------------------------------------- prediction
    def predict_transformed(
        self, genomes: np.ndarray, *, return_std: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """``n x k`` mean (and std if asked) on the transformed scale."""
        X = self.features(genomes)
        if return_std:
            mean, std = self.predictor.predict(X, return_std=True)
            return mean.reshape(len(X), -1), std.reshape(len(X), -1)
        return self.predictor.predict(X).reshape(len(X), -1), None

    def predict(self, genomes: np.ndarray) -> np.ndarray:
        """``n x k`` predictions in raw metric units (the transformed mean mapped back)."""
        Z, _ = self.predict_transformed(genomes)
        return self.to_raw(Z)

    def to_raw(self, Z: np.ndarray) -> np.ndarray:
        """``n x k`` transformed values -> raw metric units."""
        return np.column_stack([t.inverse(Z[:, j]) for j, t in enumerate(self.transforms)])

    def to_transformed(self, Y: np.ndarray) -> np.ndarray:
        """``n x k`` raw values -> transformed scale."""
        Y = np.asarray(Y, dtype=np.float64).reshape(-1, len(self.targets))
        return np.column_stack([t.forward(Y[:, j]) for j, t in enumerate(self.transforms)])

    def sample(self, genomes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One draw per genome from the predictive distribution, ``n x k`` raw units.

        Gaussian on the transformed scale with the predictor's std; needs a predictor with
        ``supports_std``.
        """
        if not self.predictor.supports_std:
            raise SurrogateError(
                f"predictor {self.predictor.name!r} gives no uncertainty to draw noise from; "
                "fit the surrogate with gp, random_forest or ensemble"
            )
        mean, std = self.predict_transformed(genomes, return_std=True)
        return self.to_raw(mean + std * rng.standard_normal(mean.shape))


def _first(values: np.ndarray, count: int = 5) -> str:
    shown = ", ".join(str(int(v)) for v in values[:count])
    return shown + (f", ... ({len(values) - count} more)" if len(values) > count else "")


def finite_metric_values(
    table: BenchmarkTable, column: str, rows: np.ndarray, *, use: str = "use"
) -> np.ndarray:
    """The raw values of metric ``column`` at ``rows`` of ``table``, checked finite.

    A table's import refuses NaN and infinite values only in objective columns; any other
    metric may hold them (a device that was never measured), and a predictor cannot learn from
    or be scored on them.

    Args:
        table: the benchmark table.
        column: a metric column.
        rows: row positions (``n``).
        use: what the values are for, for the message (``"train on"``, ``"score on"``).

    Returns:
        ``n`` float64 values.

    Raises:
        SurrogateError: naming the benchmark, the metric, how many rows are not finite and the
            first of their architecture ids, and the fix.
    """
    values = np.asarray(table.metric_values(column), dtype=np.float64)[rows]
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        ids = np.asarray(table.arch_ids)[np.asarray(rows)[bad]]
        raise SurrogateError(
            f"benchmark {table.name!r}: metric {column!r} is NaN or infinite in {bad.size} of "
            f"the {len(values)} rows to {use} (arch ids {_first(ids)}); a surrogate cannot "
            f"{use} them: choose another target, or give those rows values in the table's file "
            "and import it again"
        )
    return values
