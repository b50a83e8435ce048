"""Axis labels with units, and the display scale of an objective.

Objectives are stored in the problem's raw units (``Problem.objective_units``). For reading, a
fraction is shown in percent and sub-second latencies in milliseconds; the label names the unit
actually shown, so a tick value times nothing is what the axis says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Axis titles of the analysis metrics. All are dimensionless: measured in objective space
#: normalized with the problem's frozen ideal and nadir points (hypervolumes also divided by the
#: exact front's).
METRIC_LABELS: dict[str, str] = {
    "hv_normalized": "Normalized HV",
    "hv_search_normalized": "Normalized HV (search)",
    "igd_plus": "IGD$^+$",
    "igd": "IGD",
    "gd": "GD",
    "eps_add": r"Additive $\varepsilon$",
    "spacing": "Spacing",
    "spread": "Spread",
    "hv_gap": "HV gap",
    "n_returned": "Returned architectures",
    "hv": "Hypervolume (normalized space)",
    "algo_time_s": "Algorithm time (s)",
}


@dataclass(frozen=True)
class AxisScale:
    """How an objective's raw values are shown: ``shown = raw * factor``, labelled ``label``."""

    factor: float
    label: str

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=np.float64) * self.factor


def metric_label(metric: str) -> str:
    """Axis label of an analysis metric."""
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


def objective_scale(name: str, unit: str, values: np.ndarray | None = None) -> AxisScale:
    """Display scale and axis label of objective ``name`` in raw ``unit``.

    Args:
        name: objective name (``error``, ``latency``, ...).
        unit: its raw unit from the problem (``fraction``, ``%``, ``s``, ``ms``, ``M``, ...).
        values: raw values to be shown (decides whether seconds become milliseconds).
    """
    title = name[:1].upper() + name[1:].replace("_", " ")
    top = float(np.nanmax(np.abs(values))) if values is not None and np.size(values) else None
    if unit == "fraction":
        return AxisScale(100.0, f"{title} (%)")
    if unit == "s" and top is not None and top < 1.0:
        return AxisScale(1e3, f"{title} (ms)")
    if unit == "ms" and top is not None and top < 1.0:
        return AxisScale(1e3, f"{title} (µs)")
    if not unit:
        return AxisScale(1.0, title)
    return AxisScale(1.0, f"{title} ({unit})")
