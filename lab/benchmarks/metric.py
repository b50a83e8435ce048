"""Metadata of one metric column of a benchmark table: what it measures, on which split, in which
unit, on which dataset or device, and whether larger is better."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from lab.errors import ConfigError

Direction = Literal["min", "max"]

#: Units whose complement gives an error rate: accuracy in percent or as a fraction.
ACCURACY_SCALE: dict[str, float] = {"%": 100.0, "fraction": 1.0}


@dataclass(frozen=True)
class MetricInfo:
    """One metric column.

    Attributes:
        column: column name in the table.
        metric: what is measured, e.g. ``accuracy``, ``latency``, ``params``, ``flops``.
        split: ``train``, ``val``, ``test``, ``seed0``..., or ``exact`` for quantities that are
            computed from the architecture, not measured on data.
        unit: e.g. ``%``, ``fraction``, ``ms``, ``s``, ``M`` (millions), ``MFLOPs``.
        direction: ``max`` if larger is better, else ``min``.
        dataset: dataset the value was measured on, if any.
        device: device a latency was measured on, if any.
        description: free text.
    """

    column: str
    metric: str
    split: str
    unit: str
    direction: Direction
    dataset: str | None = None
    device: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.direction not in ("min", "max"):
            raise ConfigError(
                f"metric {self.column!r}: direction must be 'min' or 'max', got {self.direction!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MetricInfo:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ConfigError(
                f"metric {data.get('column')!r}: unknown fields {sorted(unknown)}; "
                f"valid: {sorted(known)}"
            )
        return cls(**data)
