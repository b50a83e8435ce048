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
(``lab bench freeze NAME``). Two definitions of one problem name are an error naming both files,
unless they are the same problem (the same spec found twice: a checkout's ``./benchmarks/``
beside an installed lab, a copy of a folder in ``$LAB_BENCHMARKS_DIR``), which is one problem
declared where it was found first, or a user's spec file replaces a built-in problem on purpose
(``overrides_builtin: true`` at its top level).

Audits (``lab bench audit``) are stored where the problem's frozen values are: in the
``audit.yaml`` beside the ``frozen.yaml`` of the spec layer that declares it, or, for a problem
of an imported user table, in ``<table>.audit.yaml`` beside the table in the data directory,
tied to the table's sha256 (a re-imported, changed table has no audit until audited again).
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
from lab.errors import BenchmarkUnavailableError, ConfigError, DuplicateNameError, unknown_name
from lab.fileio import atomic_write_text
from lab.problems.problem import Problem
from lab.problems.spec import ProblemSpec, is_problem_spec_file, read_spec_file

__all__ = [
    "AUDIT_FILE",
    "audit_file",
    "audit_hint",
    "audit_values",
    "auditable_names",
    "check_audit_writable",
    "check_frozen",
    "freeze",
    "frozen_values",
    "get_problem",
    "imported_audit_file",
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
        overrides_builtin: the declaring file says ``overrides_builtin: true``.
    """

    spec: ProblemSpec
    file: str
    layer: SpecLayer | None
    frozen: dict[str, Any] | None = None
    overrides_builtin: bool = False


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


def _is_builtin(origin: ProblemOrigin) -> bool:
    return origin.layer is not None and origin.layer.kind == "builtin"


def _add(out: dict[str, ProblemOrigin], origin: ProblemOrigin) -> None:
    """Add ``origin`` to the catalogue: a name declared twice is one problem when both
    declarations are the same problem (the first place keeps it, with its frozen points), the
    user's when its file overrides a built-in on purpose, and an error otherwise."""
    name = origin.spec.name
    first = out.get(name)
    if first is None:
        out[name] = origin
        return
    if first.spec == origin.spec and first.layer is not None and origin.layer is not None:
        return  # the same spec found twice (e.g. the package's copy and a checkout's)
    if origin.overrides_builtin and _is_builtin(first) and not _is_builtin(origin):
        out[name] = origin
        return
    fix = "rename one of them"
    if _is_builtin(first) and origin.layer is not None:
        fix += (
            f", or, to replace the built-in problem on purpose, add `overrides_builtin: true` "
            f"at the top level of {origin.file} (and freeze it there with `lab bench freeze "
            f"{name}`)"
        )
    raise DuplicateNameError(
        f"problem {name!r} is declared twice, differently: in {first.file} and in "
        f"{origin.file}; {fix}"
    )


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
            specs, overrides = read_spec_file(path)
            for spec in specs:
                _add(out, ProblemOrigin(spec, str(path), layer, overrides_builtin=overrides))
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

        builtin = bench in recipes()
        how = (
            f"build or fetch it (`lab bench fetch {bench}`, or `lab bench import {bench} --from "
            "PATH`)"
            if builtin
            else "import it (`lab bench import NAME --from SPEC`) or fix the problem's 'benchmark'"
        )
        error = BenchmarkUnavailableError if builtin else ConfigError
        raise error(
            f"problem {name!r} (declared in {origin.file}) is over benchmark {bench!r}, whose "
            f"table is not available here; {how}"
        )
    table = load_table(bench)
    problem = Problem(origin.spec, table, _space_for(table))
    check_frozen(problem, frozen, where=where)
    _PROBLEMS[name] = (origin.file, problem)
    return problem


def _builtin_readonly(name: str, origin: ProblemOrigin, what: str) -> str:
    """Why a built-in problem's ``what`` are not rewritten from here, and what to do."""
    from lab.benchmarks.locations import builtin_specs_editable

    own = (
        f"Declare your own problem in ./benchmarks/ to change it (a spec file with "
        f"`overrides_builtin: true` to keep the name {name!r})."
    )
    if builtin_specs_editable():
        return (
            f"problem {name!r} is built in ({origin.file}, the source checkout the lab runs "
            f"from); its {what} are rewritten only from that checkout (run the command in "
            f"{Path(origin.file).parent.parent}), never from another folder. {own}"
        )
    return (
        f"problem {name!r} is built into the installed package ({origin.file}); its {what} "
        f"ship with it. {own}"
    )


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
            raise ConfigError(_builtin_readonly(name, origin, "frozen points"))
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


def imported_audit_file(benchmark: str) -> Path:
    """Where the audits of an imported user table's problems live: beside the table (and its
    frozen points) in the data directory."""
    return data_dir() / f"{benchmark}.{AUDIT_FILE}"


def _imported_audits(benchmark: str, table_sha256: str | None) -> dict[str, dict]:
    """The stored audits of ``benchmark``'s problems, empty when they were computed from
    another version of the table."""
    path = imported_audit_file(benchmark)
    stored = _read_frozen_file(path, command=f"lab bench audit (or delete {path})")
    if stored.get("table_sha256") != table_sha256 or not isinstance(stored.get("problems"), dict):
        return {}
    return stored["problems"]


def audit_values() -> dict[str, dict]:
    """The stored audit of every problem that has one: the ``audit.yaml`` of the layer declaring
    it, or an imported table's ``<table>.audit.yaml`` in the data directory."""
    out: dict[str, dict] = {}
    catalogue = _catalogue()
    for layer in spec_layers():
        for name, values in _read_frozen_file(
            layer.path / AUDIT_FILE, command="lab bench audit"
        ).items():
            origin = catalogue.get(name)
            if origin is not None and origin.layer == layer:
                out.setdefault(name, values)
    for section in imported_problem_sections():
        for name, values in _imported_audits(
            section["benchmark"], section.get("table_sha256")
        ).items():
            origin = catalogue.get(name)
            if origin is not None and origin.layer is None:
                out.setdefault(name, values)
    return out


def audit_file(name: str) -> Path:
    """The file that holds (or would hold) problem ``name``'s audit."""
    origin = problem_origin(name)
    if origin.layer is None:
        return imported_audit_file(origin.spec.benchmark)
    return origin.layer.path / AUDIT_FILE


def auditable_names() -> list[str]:
    """Available problems whose audit ``lab bench audit`` can store from here: the user's own
    (spec folders and imported tables), and the built-ins only when the lab runs from its
    source checkout."""
    catalogue = _catalogue()
    return [
        n
        for n in problem_names(available_only=True)
        if catalogue[n].layer is None or catalogue[n].layer.writable  # type: ignore[union-attr]
    ]


def audit_hint(name: str) -> str:
    """The command that computes and stores ``name``'s audit, or, where no command run from
    here can store it (a built-in problem of an installed package), what to do instead."""
    origin = problem_origin(name)
    if origin.layer is None or origin.layer.writable:
        return f"run `lab bench audit {name}`"
    return (
        f"its audit would be stored with the built-in specs ({origin.layer.path}), which are "
        f"not written from here; run `lab bench audit {name}` in the source checkout, or "
        "declare your own copy in ./benchmarks/"
    )


def check_audit_writable(names: list[str]) -> None:
    """Raise, before an audit is computed, if the audit of one of ``names`` could not be stored
    (a built-in problem of an installed package, or of a checkout run from another folder)."""
    for name in names:
        origin = problem_origin(name)
        if origin.layer is not None and not origin.layer.writable:
            raise ConfigError(_builtin_readonly(name, origin, "audit"))


def write_audit(entries: dict[str, dict]) -> list[Path]:
    """Store audit ``entries`` (problem name -> audit) where each problem's frozen values live
    (the ``audit.yaml`` of its layer, or its imported table's ``<table>.audit.yaml``), keeping
    the other problems' entries. Returns the files written."""
    check_audit_writable(list(entries))
    by_layer: dict[SpecLayer, dict[str, dict]] = {}
    by_table: dict[str, dict[str, dict]] = {}
    for name, entry in entries.items():
        origin = problem_origin(name)
        if origin.layer is None:
            by_table.setdefault(origin.spec.benchmark, {})[name] = entry
        else:
            by_layer.setdefault(origin.layer, {})[name] = entry
    written = [_write_imported_audit(bench, values) for bench, values in by_table.items()]
    for layer, layer_entries in by_layer.items():
        path = layer.path / AUDIT_FILE
        values = _read_frozen_file(path, command="lab bench audit")
        values.update(layer_entries)
        text = AUDIT_HEADER + yaml.safe_dump(dict(sorted(values.items())), sort_keys=True)
        atomic_write_text(path, text)
        written.append(path)
    return written


def _write_imported_audit(benchmark: str, entries: dict[str, dict]) -> Path:
    """Merge ``entries`` into ``benchmark``'s ``<table>.audit.yaml``, tied to the table's
    current sha256 (entries of another table version are dropped)."""
    sha = next(
        (s.get("table_sha256") for s in imported_problem_sections() if s["benchmark"] == benchmark),
        None,
    )
    values = dict(_imported_audits(benchmark, sha))
    values.update(entries)
    body = {"table_sha256": sha, "problems": dict(sorted(values.items()))}
    path = imported_audit_file(benchmark)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, AUDIT_HEADER + yaml.safe_dump(body, sort_keys=True))
    return path


def audit_warnings(names: list[str]) -> list[str]:
    """A warning per problem of ``names`` whose stored audit is not ``discriminative`` (or that
    has no audit): results on it may not tell algorithms apart."""
    audits = audit_values()
    out = []
    for name in sorted(set(names)):
        entry = audits.get(name)
        if entry is None:
            out.append(
                f"problem {name!r} has no audit; {audit_hint(name)} to learn whether results "
                "on it can tell algorithms apart"
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
