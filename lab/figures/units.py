"""Axis labels with units, and the display scale of an objective.

Objectives are stored in the problem's raw units (``Problem.objective_units``). For reading, a
fraction is shown in percent and sub-second latencies in milliseconds; the label names the unit
actually shown, so a tick value times nothing is what the axis says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from lab.problems.spec import TITLE_MAX_CHARS, ProblemSpec

#: Axis titles of the analysis metrics. All are dimensionless: measured in objective space
#: normalized with the problem's frozen ideal and nadir points (hypervolumes also divided by the
#: exact front's).
METRIC_LABELS: dict[str, str] = {
    "hv_normalized": "Normalized HV (report)",
    "hv_search_normalized": "Normalized HV (search)",
    "igd_plus": "IGD$^+$ (report)",
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


#: Titles of the objectives the built-in problems use (the unit is appended from the problem).
OBJECTIVE_TITLES: dict[str, str] = {
    "error": "Error",
    "latency": "Latency",
    "params": "Params",
    "flops": "FLOPs",
    "energy": "Energy",
    "memory": "Memory",
}
#: Units shown differently from how a benchmark stores them ("MFLOPs" of a FLOPs axis is "M").
UNIT_SHOWN: dict[str, str] = {"MFLOPs": "M", "GFLOPs": "G"}

#: Display names in force (see :func:`display_names`): problem -> title, metric -> axis title.
_PROBLEM_NAMES: ContextVar[Mapping[str, str]] = ContextVar(
    "problem_names", default=MappingProxyType({})
)
_METRIC_NAMES: ContextVar[Mapping[str, str]] = ContextVar(
    "metric_names", default=MappingProxyType({})
)


@contextmanager
def display_names(
    *, problems: Mapping[str, str] | None = None, metrics: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Within the context, :func:`problem_title`, :func:`metric_label` and
    :func:`objective_scale` use these names (a recipe's ``problem_names`` and ``metric_names``):
    problem -> panel title; objective or analysis metric -> axis title (an objective's unit is
    still appended)."""
    p_token = _PROBLEM_NAMES.set(dict(problems or {}))
    m_token = _METRIC_NAMES.set(dict(metrics or {}))
    try:
        yield
    finally:
        _PROBLEM_NAMES.reset(p_token)
        _METRIC_NAMES.reset(m_token)


def problem_title(problem: str) -> str:
    """Panel title of ``problem``: its display name in force, else its name."""
    return _PROBLEM_NAMES.get().get(problem, problem)


def description_title(description: str) -> str:
    """A panel title from a problem's description: without its parenthesised asides (units and
    notes the axes already say), spaces collapsed, the first letter capitalised; ``""`` for an
    empty description.

    >>> description_title("GNN error (1 - accuracy) vs inference latency (s) on cora")
    'GNN error vs inference latency on cora'
    """
    text = description
    while True:  # innermost first: "(a (b))" leaves nothing behind
        shorter = re.sub(r"\s*\([^()]*\)", "", text)
        if shorter == text:
            break
        text = shorter
    text = re.sub(r"\s+", " ", text).strip().strip(",;")
    text = re.sub(r"\s+,", ",", text)
    return text[:1].upper() + text[1:] if text else ""


#: Longest description (characters, once shortened) used as a panel title: longer ones wrap
#: into more lines than a panel of a paper column has, and the problem keeps its name (unless
#: its spec gives a ``title``).
MAX_TITLE_CHARS = TITLE_MAX_CHARS


def default_problem_names(descriptions: Mapping[str, str]) -> dict[str, str]:
    """Problem -> panel title from its description (:func:`description_title`), for every
    problem whose description gives one of at most :data:`MAX_TITLE_CHARS`; the others keep
    their names (a recipe's ``problem_names`` names them)."""
    out = {}
    for name, description in descriptions.items():
        title = description_title(description or "")
        if title and len(title) <= MAX_TITLE_CHARS:
            out[name] = title
    return out


def spec_panel_titles(specs: Mapping[str, ProblemSpec]) -> dict[str, str]:
    """Problem -> default panel title: its spec's ``title``, else its shortened description
    (:func:`default_problem_names`); problems with neither are left out (they keep their
    names)."""
    names = default_problem_names({n: s.description for n, s in specs.items() if s.description})
    names.update({n: s.title for n, s in specs.items() if s.title})
    return names


@dataclass(frozen=True)
class AxisScale:
    """How an objective's raw values are shown: ``shown = raw * factor``, labelled ``label``."""

    factor: float
    label: str

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=np.float64) * self.factor


def metric_label(metric: str) -> str:
    """Axis label of an analysis metric (the display name in force first)."""
    named = _METRIC_NAMES.get().get(metric)
    return named or METRIC_LABELS.get(metric, metric.replace("_", " "))


def objective_scale(name: str, unit: str, values: np.ndarray | None = None) -> AxisScale:
    """Display scale and axis label of objective ``name`` in raw ``unit``.

    Args:
        name: objective name (``error``, ``latency``, ...).
        unit: its raw unit from the problem (``fraction``, ``%``, ``s``, ``ms``, ``M``, ...).
        values: raw values to be shown (decides whether seconds become milliseconds).
    """
    title = _METRIC_NAMES.get().get(name) or OBJECTIVE_TITLES.get(
        name, name[:1].upper() + name[1:].replace("_", " ")
    )
    unit = UNIT_SHOWN.get(unit, unit)
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
