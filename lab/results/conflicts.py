"""Two designs in one experiment: runs of the same (problem, algorithm variant, seed) that
differ in anything else (a user edits ``budget`` and reruns the sweep under the same name).

Each such pair is a different run (its config hashes to another id), so the store keeps both,
but an analysis compares one run per (problem, variant, seed): it cannot tell which to use.
:func:`design_conflicts` groups them and names the sweep copies that wrote each side and the
fields in which they differ, so that the message can say which config to move to its own
experiment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Config fields that identify a (problem, variant, seed); the others are the design.
_KEY_FIELDS = ("problem", "label", "seed")


@dataclass(frozen=True)
class DesignConflict:
    """Runs of one experiment that repeat (problem, variant, seed) with another design.

    Attributes:
        fields: ``field -> sorted distinct values`` of the config fields that differ.
        sweeps: the sweep copies (``sweeps/<sha12>.yaml``) that wrote the runs, or
            ``"unknown sweep"`` for a run whose manifest names none.
        keys: the repeated (problem, label, seed) triples.
        run_ids: the runs involved.
    """

    fields: dict[str, list[str]]
    sweeps: tuple[str, ...]
    keys: tuple[tuple[str, str, int], ...]
    run_ids: tuple[str, ...]

    def describe(self, experiment: str) -> str:
        """One paragraph: what differs, where, and the fix."""
        differ = "; ".join(f"{k}: {' vs '.join(v)}" for k, v in sorted(self.fields.items()))
        problem, label, seed = self.keys[0]
        return (
            f"{len(self.keys)} (problem, algorithm, seed) combination(s) of experiment "
            f"{experiment!r} were run by {len(self.sweeps)} different sweep configs "
            f"({', '.join(self.sweeps)}), which differ in {differ or 'their settings'} "
            f"(e.g. {problem} / {label} / seed {seed}); an experiment holds one design. Give "
            "the edited config its own 'name:' (a new experiment) and run it there, or delete "
            "the old config's copy in sweeps/ and its runs to keep only the new design"
        )


def _sweep_of(manifest: dict[str, Any]) -> str:
    sha = (manifest.get("sweep") or {}).get("config_sha256")
    return f"sweeps/{sha[:12]}.yaml" if isinstance(sha, str) and sha else "unknown sweep"


def _text(value: Any) -> str:
    return str(value) if not isinstance(value, dict) else repr(sorted(value.items()))


def design_conflicts(manifests: Iterable[dict[str, Any]]) -> list[DesignConflict]:
    """Conflicts among ``manifests`` (readable manifests of one experiment), grouped by the
    set of sweep copies involved; empty when every (problem, variant, seed) has one run."""
    by_key: dict[tuple[str, str, int], dict[str, dict[str, Any]]] = defaultdict(dict)
    for m in manifests:
        config = m.get("config")
        if not isinstance(config, dict) or not isinstance(m.get("run_id"), str):
            continue
        try:
            key = tuple(config[f] for f in _KEY_FIELDS)
            hash(key)
        except (KeyError, TypeError):
            continue
        by_key[key][m["run_id"]] = m  # type: ignore[index]
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for key, runs in sorted(by_key.items(), key=lambda kv: tuple(map(str, kv[0]))):
        if len(runs) < 2:
            continue
        sweeps = tuple(sorted({_sweep_of(m) for m in runs.values()}))
        group = groups.setdefault(sweeps, {"fields": defaultdict(set), "keys": [], "ids": set()})
        configs = [m["config"] for m in runs.values()]
        for field in sorted({f for c in configs for f in c} - set(_KEY_FIELDS)):
            values = {_text(c.get(field)) for c in configs}
            if len(values) > 1:
                group["fields"][field] |= values
        group["keys"].append(key)
        group["ids"] |= set(runs)
    return [
        DesignConflict(
            fields={k: sorted(v) for k, v in g["fields"].items()},
            sweeps=sweeps,
            keys=tuple(g["keys"]),
            run_ids=tuple(sorted(g["ids"])),
        )
        for sweeps, g in groups.items()
    ]


__all__ = ["DesignConflict", "design_conflicts"]
