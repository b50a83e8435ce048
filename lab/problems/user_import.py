"""Importing a user table spec with its problems: build the table, expand the spec's
``problems`` section, check every objective column, compute the frozen normalization and exact
fronts, and only then save the table (with its problems) in one go."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lab.benchmarks.recipes.user_table import load_user_spec
from lab.benchmarks.store import import_table, space_of_table
from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, ConfigError
from lab.problems.problem import Problem
from lab.problems.spec import ProblemSpec, ProblemTemplate, expand_templates


def _templates(spec_path: Path) -> list[ProblemTemplate]:
    from lab.config_file import validate

    raw = load_user_spec(spec_path).problems
    return [
        validate(ProblemTemplate, entry, source=f"{spec_path}: problems[{i}]", what="problem")
        for i, entry in enumerate(raw)
    ]


def check_objective_columns(spec: ProblemSpec, table: BenchmarkTable, where: str) -> None:
    """Every column a problem reads exists and is finite; errors name the column and rows."""
    needed = [(f"objective {o.name!r} search", o.search) for o in spec.objectives]
    needed += [(f"objective {o.name!r} report", o.report_metric) for o in spec.objectives]
    needed += [(f"constraint on {c.metric!r}", c.metric) for c in spec.constraints]
    for role, column in needed:
        if column not in table.metrics:
            raise ConfigError(
                f"{where}: problem {spec.name!r}: {role} metric {column!r} is not a metric of "
                f"{table.name!r}; valid: {', '.join(table.metrics)}"
            )
        values = table.metric_values(column)
        bad = ~np.isfinite(values)
        if bad.any():
            rows = np.flatnonzero(bad)
            shown = table.frame["arch_str"].iloc[rows[:5]].tolist()
            raise BenchmarkFileError(
                f"{where}: problem {spec.name!r} reads column {column!r} ({role}), which holds "
                f"NaN or infinite values in {len(rows)} row(s), architectures {shown}"
                + (" ..." if len(rows) > 5 else "")
                + "; fill them in or drop those rows from the file"
            )


def import_user_benchmark(
    name: str, spec_path: Path, *, directory: Path | None = None
) -> tuple[BenchmarkTable, list[Problem]]:
    """Import the user table ``name`` from ``spec_path`` and freeze its problems.

    Nothing is written unless the table and every problem are valid. A problem name that another
    spec or table already declares is an error naming both files.
    """
    spec_path = Path(spec_path)
    templates = _templates(spec_path)
    problems: list[Problem] = []

    def prepare(table: BenchmarkTable) -> None:
        from lab.problems.registry import problem_origin, problem_specs

        specs = expand_templates(templates, benchmark=table.name, path=spec_path)
        existing = problem_specs()
        for spec in specs:
            if spec.benchmark != table.name:
                raise ConfigError(
                    f"{spec_path}: problem {spec.name!r} names benchmark {spec.benchmark!r}; the "
                    f"problems of a table spec are over that table ({table.name!r})"
                )
            if spec.name in existing and existing[spec.name].benchmark != table.name:
                raise ConfigError(
                    f"{spec_path}: problem {spec.name!r} is already declared in "
                    f"{problem_origin(spec.name).file}; rename one of them"
                )
            check_objective_columns(spec, table, str(spec_path))
            problems.append(Problem(spec, table, space_of_table(table)))
        table.meta["problems"] = [
            {"spec": p.spec.model_dump(mode="json"), "frozen": p.frozen()} for p in problems
        ]

    table = import_table(name, spec_path, directory=directory, prepare=prepare)
    return table, problems
