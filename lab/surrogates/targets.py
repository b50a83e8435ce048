"""Target transforms: what a predictor learns instead of the raw metric.

* ``identity``: the raw value.
* ``log``: ``log(y)``, for positive cost metrics (latency, parameters, FLOPs) whose errors are
  relative rather than absolute.
* ``log_error``: ``-log(scale - y)`` for an accuracy with ``scale`` 100 (``%``) or 1
  (``fraction``): it stretches the top of the range where architectures crowd, which helps a
  predictor rank the best ones. It is increasing in ``y`` (larger is still better).

Every transform is strictly increasing, so rankings are the same on both scales; predictive stds
and sampled noise live on the transformed scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.benchmarks.metric import ACCURACY_SCALE, MetricInfo
from lab.errors import SurrogateError

TRANSFORMS = ("identity", "log", "log_error")
#: Margin above the largest possible accuracy, so that ``log_error`` stays finite at 100 %.
ERROR_MARGIN = {"%": 0.5, "fraction": 0.005}


@dataclass(frozen=True)
class TargetTransform:
    """A strictly increasing map of one metric column.

    Attributes:
        kind: one of :data:`TRANSFORMS`.
        scale: upper end of an accuracy (``log_error`` only), plus a small margin.
    """

    kind: str = "identity"
    scale: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in TRANSFORMS:
            raise SurrogateError(f"unknown target transform {self.kind!r}; valid: {TRANSFORMS}")

    @classmethod
    def for_metric(cls, kind: str, info: MetricInfo) -> TargetTransform:
        """The transform ``kind`` for metric ``info`` (``auto``: ``log_error`` for accuracies in
        ``%`` or ``fraction``, ``log`` for other metrics that are minimized, else ``identity``)."""
        if kind == "auto":
            if info.metric == "accuracy" and info.unit in ACCURACY_SCALE:
                kind = "log_error"
            elif info.direction == "min" and info.metric in ("latency", "params", "flops"):
                kind = "log"
            else:
                kind = "identity"
        if kind == "log_error":
            if info.unit not in ACCURACY_SCALE:
                raise SurrogateError(
                    f"transform 'log_error' needs an accuracy in % or fraction; metric "
                    f"{info.column!r} has unit {info.unit!r}"
                )
            return cls(kind, ACCURACY_SCALE[info.unit] + ERROR_MARGIN[info.unit])
        return cls(kind)

    def forward(self, y: np.ndarray) -> np.ndarray:
        """Raw values -> transformed values (same shape)."""
        y = np.asarray(y, dtype=np.float64)
        if self.kind == "identity":
            return y
        if self.kind == "log":
            if np.any(y <= 0):
                raise SurrogateError("transform 'log' needs positive values")
            return np.log(y)
        if np.any(y >= self.scale):
            raise SurrogateError(f"transform 'log_error' needs values below {self.scale}")
        return -np.log(self.scale - y)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        """Transformed values -> raw values (same shape)."""
        z = np.asarray(z, dtype=np.float64)
        if self.kind == "identity":
            return z
        if self.kind == "log":
            return np.exp(z)
        return self.scale - np.exp(-z)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "scale": self.scale}
