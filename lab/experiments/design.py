"""The design of an experiment: every run its sweep configs ask for, and which are not in the
store as intact runs.

Each sweep that writes into an experiment leaves a copy of its config in
``<experiment>/sweeps/``; expanding those copies gives the run ids the experiment was meant to
hold. An analysis that silently used fewer (a deleted manifest, a truncated history) could make
an algorithm vanish from a comparison; :func:`check_design` names what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lab.config_file import parse_yaml
from lab.errors import ConfigError, LabError
from lab.experiments.config import SweepConfig, not_imported, parse_config
from lab.experiments.expansion import RunSpec, expand
from lab.results.integrity import manifest_problem
from lab.results.store import ResultsStore


@dataclass
class DesignCheck:
    """Runs of the design that the store does not hold intact.

    Attributes:
        expected: ``run_id -> RunSpec`` of every run of the stored sweep configs.
        missing: run ids without a manifest.
        damaged: ``run_id -> what is wrong`` for manifests that are not intact runs.
        failed: run ids whose manifest records a failure (reported, not an integrity issue).
        unreadable: ``sweep copy -> error`` of stored sweep configs that cannot be expanded
            (their runs are then unknown).
    """

    expected: dict[str, RunSpec] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    damaged: dict[str, str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)

    @property
    def incomplete(self) -> list[str]:
        """Run ids of the design that an analysis would drop silently: missing or damaged."""
        return sorted({*self.missing, *self.damaged})

    def describe(self, run_id: str) -> str:
        """``problem / label / seed <s> (<run_id>)`` of a run of the design."""
        spec = self.expected.get(run_id)
        if spec is None:
            return run_id
        return f"{spec.problem} / {spec.label} / seed {spec.seed} ({run_id})"


def stored_config(store: ResultsStore, path: Path, experiment: str) -> SweepConfig:
    """A sweep copy of the results store, read under the store's bounds
    (:meth:`~lab.results.store.ResultsStore.read_sweep_copy`) and parsed *without importing*
    what it names.

    A config's ``imports`` are modules to import (own algorithms): code. A results store may
    come from someone else, so reading it never imports a module that this process has not
    imported already; such a sweep's runs are reported as unknown instead.
    """
    text = store.read_sweep_copy(path)
    raw = parse_yaml(text, source=str(path), what="stored sweep config")
    foreign = not_imported(raw.get("imports")) if isinstance(raw, dict) else []
    if foreign:
        raise ConfigError(
            f"{path}: the sweep imports {foreign}; the lab does not import code named in a "
            "results store, so its runs are unknown here (import those modules first, e.g. "
            "from Python, or pass --allow-missing)"
        )
    return parse_config(raw, source=str(path), default_name=experiment).model_copy(
        update={"name": experiment}
    )


def check_design(store: ResultsStore, experiment: str) -> DesignCheck:
    """Compare the runs of ``experiment``'s stored sweep configs with the store."""
    out = DesignCheck()
    for path in store.sweep_copies(experiment):
        try:
            config = stored_config(store, path, experiment)
        except LabError as exc:
            out.unreadable[str(path)] = str(exc)
            continue
        for spec in expand(config):
            out.expected[spec.run_id] = spec
    for run_id in out.expected:
        if not store.paths(experiment, run_id).manifest.is_file():
            out.missing.append(run_id)
            continue
        problem = manifest_problem(store, experiment, run_id)
        if problem is not None:
            out.damaged[run_id] = problem
        elif (store.read_manifest(experiment, run_id) or {}).get("status") != "ok":
            out.failed.append(run_id)
    return out


__all__ = ["DesignCheck", "check_design", "stored_config"]
