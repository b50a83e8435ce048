"""Named problems from ``benchmarks/*.yaml``, with frozen normalization from
``benchmarks/frozen.yaml``.

The frozen file records, per problem, the ideal / nadir / reference point and the exact fronts'
sizes and hypervolumes computed from the full table. Loading a problem recomputes them from the
table and refuses a mismatch, so a changed table or builder can never shift indicator values
unnoticed. ``lab bench freeze`` rewrites the file after an intended change.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import yaml

from lab.atomic_io import atomic_write_text
from lab.benchmarks.locations import project_root
from lab.benchmarks.store import benchmark_names, load_table
from lab.errors import ConfigError, DuplicateNameError, unknown_name
from lab.problems.problem import Problem
from lab.problems.spec import ProblemSpec, load_spec_file
from lab.spaces.registry import get_space
from lab.spaces.tabular import TabularSpace

SPECS_ENV = "LAB_BENCHMARKS_DIR"
FROZEN_FILE = "frozen.yaml"


def specs_dir() -> Path:
    """Folder of problem spec files: ``$LAB_BENCHMARKS_DIR`` or the checkout's ``benchmarks/``."""
    return Path(os.environ.get(SPECS_ENV) or project_root() / "benchmarks")


@functools.lru_cache(maxsize=4)
def _all_specs(directory: str) -> dict[str, ProblemSpec]:
    out: dict[str, ProblemSpec] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        if path.name == FROZEN_FILE:
            continue
        for spec in load_spec_file(path):
            if spec.name in out:
                raise DuplicateNameError(
                    f"{path}: problem {spec.name!r} is already defined in {out[spec.name].source}"
                )
            out[spec.name] = spec
    return out


def problem_specs() -> dict[str, ProblemSpec]:
    """Every declared problem, by name (whether or not its table can be built here)."""
    return dict(_all_specs(str(specs_dir())))


def problem_names(*, available_only: bool = False) -> list[str]:
    """Declared problem names; with ``available_only``, only those whose table is loadable."""
    specs = problem_specs()
    if not available_only:
        return sorted(specs)
    have = set(benchmark_names())
    return sorted(n for n, s in specs.items() if s.benchmark in have)


def frozen_values() -> dict[str, dict]:
    path = specs_dir() / FROZEN_FILE
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text()) or {}


def _space_for(table) -> object:
    if table.space.startswith("user:"):
        return TabularSpace(
            table.name,
            table.meta.get("variable_names", table.genome_columns),
            table.cardinalities,
            table.meta.get("variable_labels"),
        )
    return get_space(table.space)


def check_frozen(problem: Problem, frozen: dict, *, rtol: float = 1e-9) -> None:
    """Raise if the problem's recomputed normalization differs from its frozen values."""
    now = problem.frozen()
    for key, value in frozen.items():
        if key not in now:
            continue
        if not np.allclose(np.asarray(now[key], float), np.asarray(value, float), rtol=rtol):
            raise ConfigError(
                f"problem {problem.name!r}: frozen {key} {value} in {specs_dir() / FROZEN_FILE} "
                f"differs from {now[key]} computed from table {problem.table.name!r}; the table "
                "or its builder changed. If intended, run `lab bench freeze` and commit the file."
            )


_PROBLEMS: dict[str, Problem] = {}


def get_problem(name: str) -> Problem:
    """The problem ``name`` (loaded once per process, checked against its frozen values)."""
    if name in _PROBLEMS:
        return _PROBLEMS[name]
    specs = problem_specs()
    if name not in specs:
        raise unknown_name("problem", name, list(specs))
    spec = specs[name]
    table = load_table(spec.benchmark)
    problem = Problem(spec, table, _space_for(table))
    frozen = frozen_values().get(name)
    if frozen is not None:
        check_frozen(problem, frozen)
    _PROBLEMS[name] = problem
    return problem


def freeze(names: list[str] | None = None) -> Path:
    """Recompute and write the frozen values of ``names`` (default: every available problem)."""
    values = frozen_values()
    for name in names or problem_names(available_only=True):
        _PROBLEMS.pop(name, None)
        spec = problem_specs()[name]
        table = load_table(spec.benchmark)
        values[name] = Problem(spec, table, _space_for(table)).frozen()
    path = specs_dir() / FROZEN_FILE
    header = (
        "# Frozen normalization and exact-front statistics of every problem, computed from the\n"
        "# full tables by `lab bench freeze`. Loading a problem checks them; do not edit by hand.\n"
    )
    atomic_write_text(path, header + yaml.safe_dump(dict(sorted(values.items())), sort_keys=True))
    return path
