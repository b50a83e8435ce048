"""Named problems from the spec layers, with frozen normalization.

Problems come from two places:

* problem spec files (``benchmark:`` + ``problems:``) in every spec layer
  (:func:`lab.benchmarks.locations.spec_layers`: the built-ins shipped with the package, then the
  user's ``./benchmarks/`` and ``$LAB_BENCHMARKS_DIR``); each layer's ``frozen.yaml`` holds the
  frozen points of the problems it declares;
* the ``problems`` section of an imported user table spec, frozen when the table is imported and
  stored with the table.

The frozen values record, per problem, the ideal / nadir / reference point and the exact fronts'
sizes and hypervolumes computed from the full table. Loading a problem recomputes them from the
table and refuses a mismatch, so a changed table or builder can never shift indicator values
unnoticed; a problem without frozen values is refused with the command that freezes it
(``lab bench freeze NAME``). Two definitions of one problem name are an error naming both files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from lab.benchmarks.locations import FROZEN_FILE, SpecLayer, data_dir, spec_layers
from lab.benchmarks.store import benchmark_names, imported_problem_sections, load_table
from lab.benchmarks.store import space_of_table as _space_for
from lab.config_file import read_yaml
from lab.errors import ConfigError, DuplicateNameError, unknown_name
from lab.fileio import atomic_write_text
from lab.problems.problem import Problem
from lab.problems.spec import ProblemSpec, is_problem_spec_file, load_spec_file

__all__ = [
    "AUDIT_FILE",
    "audit_values",
    "check_frozen",
    "freeze",
    "frozen_values",
    "get_problem",
    "problem_names",
    "problem_origin",
    "problem_specs",
    "write_audit",
]

#: The problem audit (``lab bench audit``), stored beside ``frozen.yaml`` in each spec layer.
AUDIT_FILE = "audit.yaml"
AUDIT_HEADER = (
    "# Problem audit: can results on each problem tell algorithms apart? Computed from the full\n"
    "# tables by `lab bench audit` (see lab/analysis/problem_audit.py for the measures and the\n"
    "# verdict thresholds); do not edit by hand.\n"
)

FROZEN_HEADER = (
    "# Frozen normalization and exact-front statistics of every problem, computed from the\n"
    "# full tables by `lab bench freeze`. Loading a problem checks them; do not edit by hand.\n"
)


@dataclass(frozen=True)
class ProblemOrigin:
    """Where a problem is declared and where its frozen values live.

    Attributes:
        spec: the problem.
        file: the spec file that declares it.
        layer: its spec layer (``None`` for a problem of an imported user table).
        frozen: frozen values stored with an imported user table (``None`` for layer problems,
            whose values live in ``layer.frozen_file``).
    """

    spec: ProblemSpec
    file: str
    layer: SpecLayer | None
    frozen: dict[str, Any] | None = None


def _read_frozen_file(path: Path, *, command: str = "lab bench freeze") -> dict[str, dict]:
    if not path.is_file():
        return {}
    try:
        values = read_yaml(path, what="file")[1] or {}
    except ConfigError as exc:
        raise ConfigError(f"{exc}; regenerate it with `{command}`") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: expected a mapping of problem names; regenerate it")
    return values


def _fingerprint() -> tuple:
    """Changes whenever a spec file, a frozen file or an imported table's metadata changes."""
    parts: list[tuple[str, int]] = []
    for layer in spec_layers():
        for path in sorted(layer.path.glob("*.yaml")):
            parts.append((str(path), path.stat().st_mtime_ns))
    directory = data_dir()
    if directory.is_dir():
        for path in sorted(directory.glob("*.json")):
            parts.append((str(path), path.stat().st_mtime_ns))
    return tuple(parts)


_CATALOGUE: tuple[tuple, dict[str, ProblemOrigin]] | None = None


def _add(out: dict[str, ProblemOrigin], origin: ProblemOrigin) -> None:
    name = origin.spec.name
    if name in out:
        raise DuplicateNameError(
            f"problem {name!r} is declared twice: in {out[name].file} and in {origin.file}; "
            "rename one of them"
        )
    out[name] = origin


def _catalogue() -> dict[str, ProblemOrigin]:
    global _CATALOGUE
    key = _fingerprint()
    if _CATALOGUE is not None and _CATALOGUE[0] == key:
        return _CATALOGUE[1]
    out: dict[str, ProblemOrigin] = {}
    for layer in spec_layers():
        for path in sorted(layer.path.glob("*.yaml")):
            if path.name in (FROZEN_FILE, AUDIT_FILE) or not is_problem_spec_file(path):
                continue
            for spec in load_spec_file(path):
                _add(out, ProblemOrigin(spec, str(path), layer))
    for section in imported_problem_sections():
        for entry in section["problems"]:
            spec = ProblemSpec.model_validate(entry["spec"])
            _add(out, ProblemOrigin(spec, section["spec_path"], None, entry["frozen"]))
    _CATALOGUE = (key, out)
    return out


def problem_origin(name: str) -> ProblemOrigin:
    """Where problem ``name`` is declared."""
    catalogue = _catalogue()
    if name not in catalogue:
        raise unknown_name("problem", name, list(catalogue))
    return catalogue[name]


def problem_specs() -> dict[str, ProblemSpec]:
    """Every declared problem, by name (whether or not its table can be built here)."""
    return {name: o.spec for name, o in _catalogue().items()}


def problem_names(*, available_only: bool = False) -> list[str]:
    """Declared problem names; with ``available_only``, only those whose table is loadable."""
    specs = problem_specs()
    if not available_only:
        return sorted(specs)
    have = set(benchmark_names())
    return sorted(n for n, s in specs.items() if s.benchmark in have)


def frozen_values() -> dict[str, dict]:
    """Frozen values of every problem that has them, from every layer and imported table."""
    out: dict[str, dict] = {}
    for layer in spec_layers():
        for name, values in _read_frozen_file(layer.frozen_file).items():
            origin = _catalogue().get(name)
            if origin is None or origin.layer == layer:
                out.setdefault(name, values)
    for name, origin in _catalogue().items():
        if origin.frozen is not None:
            out[name] = origin.frozen
    return out


def _frozen_of(origin: ProblemOrigin) -> tuple[dict | None, str]:
    if origin.layer is None:
        return origin.frozen, f"the imported table's metadata ({origin.file})"
    values = _read_frozen_file(origin.layer.frozen_file).get(origin.spec.name)
    return values, str(origin.layer.frozen_file)


def check_frozen(
    problem: Problem, frozen: dict, *, rtol: float = 1e-9, where: str | None = None
) -> None:
    """Raise if the problem's recomputed normalization differs from its frozen values."""
    now = problem.frozen()
    where = where or FROZEN_FILE
    for key, value in frozen.items():
        if key not in now:
            continue
        if not np.allclose(np.asarray(now[key], float), np.asarray(value, float), rtol=rtol):
            raise ConfigError(
                f"problem {problem.name!r}: frozen {key} {value} in {where} differs from "
                f"{now[key]} computed from table {problem.table.name!r}; the table or its "
                "builder changed. If intended, run `lab bench freeze "
                f"{problem.name}` and commit the file."
            )


#: Problems loaded in this process, by name, with the file that declared them (a problem of the
#: same name declared elsewhere, e.g. after changing the working folder, is loaded afresh).
_PROBLEMS: dict[str, tuple[str, Problem]] = {}


def get_problem(name: str) -> Problem:
    """The problem ``name`` (loaded once per process, checked against its frozen values)."""
    origin = problem_origin(name)
    cached = _PROBLEMS.get(name)
    if cached is not None and cached[0] == origin.file and cached[1].spec == origin.spec:
        return cached[1]
    frozen, where = _frozen_of(origin)
    if frozen is None:
        raise ConfigError(
            f"problem {name!r} (declared in {origin.file}) has no frozen normalization in "
            f"{where}; compute it from the full table with `lab bench freeze {name}`"
        )
    bench = origin.spec.benchmark
    if bench not in benchmark_names():
        from lab.benchmarks.store import recipes

        how = (
            f"build or fetch it (`lab bench fetch {bench}`, or `lab bench import {bench} --from "
            "PATH`)"
            if bench in recipes()
            else "import it (`lab bench import NAME --from SPEC`) or fix the problem's 'benchmark'"
        )
        raise ConfigError(
            f"problem {name!r} (declared in {origin.file}) is over benchmark {bench!r}, whose "
            f"table is not available here; {how}"
        )
    table = load_table(bench)
    problem = Problem(origin.spec, table, _space_for(table))
    check_frozen(problem, frozen, where=where)
    _PROBLEMS[name] = (origin.file, problem)
    return problem


def freeze(names: list[str] | None = None) -> list[Path]:
    """Recompute and write the frozen values of ``names`` into the ``frozen.yaml`` of the layer
    that declares each. Returns the files written.

    Without ``names``: every available problem of the user's folders (``./benchmarks/``,
    ``$LAB_BENCHMARKS_DIR``); the built-in ones only when the working folder is the source
    checkout itself (its ``./benchmarks/`` is the built-in folder), so that running from
    elsewhere never rewrites the checkout's files unasked.
    """
    catalogue = _catalogue()
    if names is None:
        available = set(problem_names(available_only=True))
        here = (Path.cwd() / "benchmarks").resolve()
        names = [
            n
            for n, o in catalogue.items()
            if n in available
            and o.layer is not None
            and o.layer.writable
            and (o.layer.kind != "builtin" or o.layer.path.resolve() == here)
        ]
    by_layer: dict[SpecLayer, list[str]] = {}
    for name in names:
        origin = problem_origin(name)
        if origin.layer is None:
            raise ConfigError(
                f"problem {name!r} belongs to the user table spec {origin.file} and is frozen "
                f"when the table is imported; re-import it with `lab bench import "
                f"{origin.spec.benchmark} --from {origin.file}`"
            )
        if not origin.layer.writable:
            raise ConfigError(
                f"problem {name!r} is built into the installed package ({origin.file}); its "
                "frozen points ship with it. Declare your own problem in ./benchmarks/ to "
                "change it."
            )
        by_layer.setdefault(origin.layer, []).append(name)
    written = []
    for layer, layer_names in by_layer.items():
        values = _read_frozen_file(layer.frozen_file)
        for name in layer_names:
            _PROBLEMS.pop(name, None)
            spec = catalogue[name].spec
            table = load_table(spec.benchmark)
            values[name] = Problem(spec, table, _space_for(table)).frozen()
        text = FROZEN_HEADER + yaml.safe_dump(dict(sorted(values.items())), sort_keys=True)
        layer.frozen_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(layer.frozen_file, text)
        written.append(layer.frozen_file)
    return written


def audit_values() -> dict[str, dict]:
    """The stored audit of every problem that has one (``audit.yaml`` of the layer declaring
    it)."""
    out: dict[str, dict] = {}
    for layer in spec_layers():
        for name, values in _read_frozen_file(
            layer.path / AUDIT_FILE, command="lab bench audit"
        ).items():
            origin = _catalogue().get(name)
            if origin is not None and origin.layer == layer:
                out.setdefault(name, values)
    return out


def write_audit(entries: dict[str, dict]) -> list[Path]:
    """Store audit ``entries`` (problem name -> audit) in the ``audit.yaml`` of the layer that
    declares each problem, keeping the other problems' entries. Returns the files written."""
    by_layer: dict[SpecLayer, dict[str, dict]] = {}
    for name, entry in entries.items():
        origin = problem_origin(name)
        if origin.layer is None or not origin.layer.writable:
            raise ConfigError(
                f"problem {name!r} ({origin.file}) is not declared in a writable spec folder; "
                "its audit cannot be stored (audit your own problems in ./benchmarks/)"
            )
        by_layer.setdefault(origin.layer, {})[name] = entry
    written = []
    for layer, layer_entries in by_layer.items():
        path = layer.path / AUDIT_FILE
        values = _read_frozen_file(path, command="lab bench audit")
        values.update(layer_entries)
        text = AUDIT_HEADER + yaml.safe_dump(dict(sorted(values.items())), sort_keys=True)
        atomic_write_text(path, text)
        written.append(path)
    return written


def audit_warnings(names: list[str]) -> list[str]:
    """A warning per problem of ``names`` whose stored audit is not ``discriminative`` (or that
    has no audit): results on it may not tell algorithms apart."""
    audits = audit_values()
    out = []
    for name in sorted(set(names)):
        entry = audits.get(name)
        if entry is None:
            out.append(
                f"problem {name!r} has no audit; run `lab bench audit {name}` to learn whether "
                "results on it can tell algorithms apart"
            )
        elif entry.get("verdict") != "discriminative":
            out.append(
                f"problem {name!r} is {entry.get('verdict')} by its audit "
                f"({entry.get('verdict_reason', '')}; random search at 500 evaluations reaches "
                f"{entry['random_median'][500]:.3f}, the exact search front "
                f"{entry['search_front_report_hv']:.3f}); differences between algorithms on it "
                "may mean little (see `lab bench show " + name + "`)"
            )
    return out
