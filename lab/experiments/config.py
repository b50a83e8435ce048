"""Sweep configs: problems x algorithms (x hyperparameter grids) x seeds, read from YAML.

A sweep file looks like::

    name: quickstart                  # results go to <results root>/quickstart/ (default: file stem)
    description: "..."
    master_seed: 0                    # every run's seed derives from it (see expansion.py)
    problems: [nbg-cora-err-lat, "nb201-cifar10-*"]   # names or glob patterns
    algorithms:
      - random                        # a registry name ...
      - name: nsga2                   # ... or a mapping
        params: {pop_size: 20}        # fixed hyperparameters
        grid: {mutation_prob: [0.1, 0.3]}   # ablation: one variant per combination
        label: nsga2                  # optional display name (default: name, plus grid values)
        batch_size: 20                # optional per-algorithm override
      - name: nsga2_warm              # prior knowledge (transfer algorithms only):
        warm_start:                   #   evaluations of another problem over the same space
          problem: nbg-cora-err-lat   #   a source, a list, or {target: source(s)} per problem
          evaluations: 50             #   per source; free for the budget, drawn with the seed
          selection: front            #   or random (see lab/algorithms/warm_start.py)
    seeds: 3                          # a count (seeds 0, 1, 2) or a list of seed indices
    budget: 80                        # architecture evaluations per run, initial design included
    batch_size: 1
    n_init: 10
    init: random                      # or lhs
    threads_per_run: 1                # BLAS / torch threads inside each run (lab.threads)
    seed_batch: 8                     # at most this many seeds per task (balanced) for
                                      # algorithms that batch seeds (BO);
                                      # results do not depend on it, only speed and memory
    imports: []                       # modules imported first in every worker (own algorithms);
                                      # imported only when asked: `lab run --allow-imports`

Loading validates everything a run would need later (problem and algorithm names,
hyperparameter names, sizes) and raises :class:`lab.errors.ConfigError` naming the file, the
field and the valid values. Names follow the lab's one name rule
(:func:`lab.registry.check_name`: the experiment names a folder), a problem given by its exact
name selects that problem before it is read as a glob pattern, and the design is bounded:
problems x seeds x algorithm variants, counted before anything is expanded, is at most
:func:`max_runs` (``$LAB_MAX_RUNS``, default :data:`DEFAULT_MAX_RUNS`), so that a short file
cannot ask for a billion runs.

**Imports are code.** A module under ``imports`` runs when it is imported, and a config may
come from someone else (a shared repository, a received results store). Loading a config
therefore never imports anything unless asked (``allow_imports=True``, ``lab run
--allow-imports``); without it, every module the config names must already be imported in this
process (e.g. by the notebook that registers its algorithm), otherwise loading stops with an
error that names the modules and the option. Dry runs, checks, analyses and reports never ask.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib
import itertools
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from lab.algorithms.params import DEFAULT_N_INIT
from lab.config_file import error_lines, field_path, format_validation_error, read_yaml
from lab.errors import ConfigError, LabError
from lab.registry import check_name
from lab.run_ids import canonical_json

#: A dotted module name (what ``importlib.import_module`` takes, without relative dots).
_MODULE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
#: The option that lets a config's ``imports`` run, for messages.
ALLOW_IMPORTS_HINT = (
    "imports are code: run them only for a config you trust, with `lab run --allow-imports` "
    "(Python: load_config(path, allow_imports=True) or lab.run_sweep(..., allow_imports=True))"
)


def _module_names(value: Any) -> list[str]:
    """The module names of an ``imports`` value (one name or a list), each checked to be a
    dotted module name."""
    if value is None:
        return []
    modules = [value] if isinstance(value, str) else value
    if not isinstance(modules, list | tuple):
        raise ConfigError(f"imports must be a list of module names, got {value!r}")
    for module in modules:
        if not isinstance(module, str) or _MODULE_RE.fullmatch(module) is None:
            raise ConfigError(
                f"imports: {module!r} is not a module name (dotted identifiers, e.g. "
                "my_package.my_algorithms)"
            )
    return list(modules)


def not_imported(value: Any) -> list[str]:
    """The modules of an ``imports`` value that this process has not imported."""
    return [m for m in _module_names(value) if m not in sys.modules]


def import_modules(value: Any) -> None:
    """Import the modules of an ``imports`` value (the explicit choice of the caller)."""
    for module in _module_names(value):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ConfigError(f"imports: cannot import {module!r}: {exc}") from exc


#: Environment variable that sets :func:`max_runs`.
MAX_RUNS_ENV = "LAB_MAX_RUNS"
#: Most runs one sweep config may expand to (seeds x algorithm variants x problems) unless
#: ``$LAB_MAX_RUNS`` says otherwise: 15 times the largest sweep of ``experiments/`` (45 problems
#: x 30 seeds x 37 variants), and few enough that expanding them takes about two seconds and
#: listing them (``lab run --dry-run``) well under a minute and 1 GB. A larger design is almost
#: always a typo (``seeds: 1000000000``) or a grid that multiplies out unseen.
DEFAULT_MAX_RUNS = 50_000


def max_runs() -> int:
    """The most runs a sweep config may expand to: ``$LAB_MAX_RUNS`` or
    :data:`DEFAULT_MAX_RUNS`.

    Raises:
        ConfigError: the variable is set but is not a whole number >= 1.
    """
    raw = os.environ.get(MAX_RUNS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_RUNS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(
            f"${MAX_RUNS_ENV}={raw!r} is not a whole number >= 1; set it to the most runs a "
            f"sweep may expand to (default {DEFAULT_MAX_RUNS}) or unset it"
        )
    return value


def _too_many_runs(count: int, what: str) -> ConfigError:
    """The error of a design of ``count`` runs (``what`` says which part makes them)."""
    bound = max_runs()
    return ConfigError(
        f"{what} {count:,} runs, more than the bound of {bound:,}; use fewer seeds, "
        f"problems or grid values, or raise the bound with ${MAX_RUNS_ENV} (e.g. "
        f"{MAX_RUNS_ENV}={count} lab run ...) if you mean it"
    )


def _json_value(value: Any, where: str) -> Any:
    """``value`` if it survives canonical JSON (it becomes part of a run id), else ConfigError."""
    try:
        json.dumps(value, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{where} must be plain YAML values (numbers, strings, lists): {exc}"
        ) from None
    return value


class WarmStartEntry(BaseModel):
    """A sweep entry's prior knowledge (:mod:`lab.algorithms.warm_start`).

    ``problem`` is one source problem, a list of them, or a mapping from each of the sweep's
    problems to its source(s) (a leave-one-dataset-out or device-to-device design in one file).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    problem: str | list[str] | dict[str, str | list[str]]
    evaluations: StrictInt = Field(ge=1, le=100_000)
    selection: Literal["random", "front"] = "random"

    def sources(self, target: str) -> str | list[str] | None:
        """The source(s) of ``target`` (``None``: the mapping does not name it)."""
        if isinstance(self.problem, dict):
            return self.problem.get(target)
        return self.problem

    def resolve(self, target: str) -> dict[str, Any]:
        """The ``warm_start`` hyperparameter of the runs of ``target`` (plain JSON)."""
        sources = self.sources(target)
        if sources is None:
            raise ConfigError(
                f"warm_start.problem names no source for problem {target!r}; add "
                f"'{target}: SOURCE' to the mapping"
            )
        return {"problem": sources, "evaluations": self.evaluations, "selection": self.selection}


class AlgorithmEntry(BaseModel):
    """One algorithm of a sweep, with fixed hyperparameters and an optional ablation grid."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, list[Any]] = Field(default_factory=dict)
    batch_size: int | None = Field(default=None, ge=1)
    warm_start: WarmStartEntry | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _known_algorithm(cls, name: str) -> str:
        from lab.algorithms.registry import algorithm_names

        if name not in algorithm_names():
            raise ConfigError(
                f"unknown algorithm {name!r}; valid: {', '.join(algorithm_names())} (or "
                "register your own, list its module under 'imports' and pass --allow-imports)"
            )
        return name

    @field_validator("label")
    @classmethod
    def _label_chars(cls, label: str | None) -> str | None:
        if label is None:
            return None
        return check_name(label, what="algorithm label", why="it names the variant in tables")

    @field_validator("grid")
    @classmethod
    def _non_empty_grid(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for key, values in grid.items():
            if not values:
                raise ConfigError(f"grid {key!r} has no values; give a non-empty list")
            if len({json.dumps(v, sort_keys=True, default=str) for v in values}) != len(values):
                raise ConfigError(f"grid {key!r} repeats a value: {values}")
        return _json_value(grid, "grid values")

    @model_validator(mode="after")
    def _plain_params(self) -> AlgorithmEntry:
        _json_value(self.params, "params")
        both = sorted(set(self.params) & set(self.grid))
        if both:
            raise ConfigError(f"{both} appear in both params and grid; keep each in one of them")
        if "warm_start" in self.params or "warm_start" in self.grid:
            raise ConfigError(
                "give warm_start as a key of the algorithm entry (beside params), not inside "
                "params or grid: the sweep resolves its source per problem and checks it"
            )
        if self.warm_start is not None:
            from lab.algorithms.registry import params_class

            if "warm_start" not in params_class(self.name).model_fields:
                from lab.algorithms.registry import algorithm_names

                takers = [
                    n for n in algorithm_names() if "warm_start" in params_class(n).model_fields
                ]
                raise ConfigError(
                    f"algorithm {self.name!r} takes no warm_start; algorithms that do: "
                    f"{', '.join(takers)}"
                )
        return self

    def warm_start_for(self, problem: str) -> dict[str, Any] | None:
        """The resolved ``warm_start`` hyperparameter of this entry's runs of ``problem``
        (``None``: a cold start): the source(s) of that problem, evaluations and selection."""
        if self.warm_start is None:
            return None
        return self.warm_start.resolve(problem)


class SweepConfig(BaseModel):
    """A validated sweep. ``problems`` holds resolved problem names (globs expanded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    # Validated first (fields validate in order): plugin modules register their algorithms.
    imports: tuple[str, ...] = ()
    master_seed: StrictInt = Field(default=0, ge=0)
    problems: tuple[str, ...] = Field(min_length=1)
    algorithms: tuple[AlgorithmEntry, ...] = Field(min_length=1)
    seeds: tuple[int, ...]
    budget: int = Field(ge=1)
    batch_size: int = Field(default=1, ge=1)
    n_init: int = Field(default=DEFAULT_N_INIT, ge=1)
    init: Literal["random", "lhs"] = "random"
    threads_per_run: int = Field(default=1, ge=1)
    seed_batch: int = Field(default=8, ge=1)
    source: str = Field(default="", exclude=True)
    source_sha256: str = Field(default="", exclude=True)

    @field_validator("name")
    @classmethod
    def _safe_name(cls, name: str) -> str:
        return check_name(
            name, what="experiment name", why="it names a folder of the results store"
        )

    @field_validator("imports", mode="before")
    @classmethod
    def _imported_modules(cls, value: Any) -> Any:
        # Validating never imports (see the module docstring): the modules must be imported
        # already, by the caller's explicit choice (parse_config(allow_imports=True)) or code.
        missing = not_imported(value)
        if missing:
            raise ConfigError(
                f"imports: module(s) {missing} are not imported, and loading a config imports "
                f"nothing by itself; {ALLOW_IMPORTS_HINT}"
            )
        return [value] if isinstance(value, str) else value

    @field_validator("problems", mode="before")
    @classmethod
    def _expand_problems(cls, value: Any) -> Any:
        from lab.problems.registry import problem_names

        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        available = problem_names(available_only=True)
        declared = set(problem_names())
        out: list[str] = []
        for pattern in value:
            if not isinstance(pattern, str):
                raise ConfigError(f"{pattern!r} is not a problem name or glob pattern")
            # An exact name always selects itself, before it is read as a glob pattern (a name
            # such as "tp-[red]x" would otherwise match "tp-rx", "tp-ex", "tp-dx" but not itself).
            if pattern in available:
                hits = [pattern]
            elif pattern in declared:
                raise ConfigError(
                    f"problem {pattern!r} is declared but its benchmark table is not available "
                    "here; build or import it (`lab bench list` shows what is available)"
                )
            elif any(ch in pattern for ch in "*?["):
                hits = fnmatch.filter(available, pattern)
            else:
                hits = []
            if not hits:
                raise ConfigError(
                    f"{pattern!r} matches no available problem; valid: {', '.join(available)}"
                )
            out.extend(h for h in hits if h not in out)
        return out

    @field_validator("seeds", mode="before")
    @classmethod
    def _seed_list(cls, value: Any) -> Any:
        message = "give a count >= 1 (seeds 0..count-1) or a list of distinct integers >= 0"
        if isinstance(value, bool):
            raise ConfigError(message)
        if isinstance(value, int):
            if value < 1:
                raise ConfigError(f"{message}, got {value}")
            # Checked before the list is built: a count of 10^9 would take tens of GB.
            if value > max_runs():
                raise _too_many_runs(value, f"{value:,} seeds make at least")
            return list(range(value))
        if isinstance(value, list | tuple):
            if not value or any(
                isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in value
            ):
                raise ConfigError(f"{message}, got {value}")
            if len(set(value)) != len(value):
                raise ConfigError(f"seeds repeat a value: {value}")
            return list(value)
        raise ConfigError(f"{message}, got {value!r}")

    @field_validator("algorithms", mode="before")
    @classmethod
    def _algorithm_list(cls, value: Any) -> Any:
        if isinstance(value, str | dict):
            return [value]
        return value

    def run_count(self) -> int:
        """Runs the sweep expands to (problems x seeds x algorithm variants), computed without
        expanding anything."""
        return len(self.problems) * len(self.seeds) * sum(variant_count(a) for a in self.algorithms)

    @model_validator(mode="after")
    def _sizes(self) -> SweepConfig:
        # First, before anything below expands the grids (10^8 variants would take minutes and
        # then all memory).
        count = self.run_count()
        if count > max_runs():
            raise _too_many_runs(
                count,
                f"the design ({len(self.problems)} problem(s) x {len(self.seeds)} seed(s) x "
                f"{sum(variant_count(a) for a in self.algorithms)} algorithm variant(s)) makes",
            )
        if self.n_init > self.budget:
            raise ConfigError(
                f"n_init ({self.n_init}) exceeds budget ({self.budget}); the initial design is "
                "part of the budget"
            )
        from lab.problems.registry import frozen_values

        frozen = frozen_values()
        for name in self.problems:
            rows = frozen.get(name, {}).get("table_rows")
            if rows is not None and self.budget > rows:
                raise ConfigError(
                    f"budget ({self.budget}) exceeds the {rows} architectures of problem {name!r}"
                )
        seen: dict[str, int] = {}
        for i, entry in enumerate(self.algorithms):
            for label, _ in algorithm_variants(entry):
                if label in seen:
                    raise ConfigError(
                        f"algorithms[{seen[label]}] and algorithms[{i}] both produce the label "
                        f"{label!r}; give them distinct 'label' values"
                    )
                seen[label] = i
        self._check_warm_starts()
        return self

    def _check_warm_starts(self) -> None:
        """Every warm start names, for every problem, sources that exist, are over the same
        space and share no search or report metric with it (leakage)."""
        entries = [(i, e) for i, e in enumerate(self.algorithms) if e.warm_start is not None]
        if not entries:
            return
        from lab.algorithms.warm_start import WarmStart, check_source
        from lab.problems.registry import get_problem, problem_names

        available = set(problem_names(available_only=True))
        for i, entry in entries:
            where = f"algorithms[{i}] ({entry.name}).warm_start"
            if isinstance(entry.warm_start.problem, dict):
                extra = sorted(set(entry.warm_start.problem) - set(self.problems))
                if extra:
                    raise ConfigError(
                        f"{where}.problem maps problem(s) {extra} that the sweep does not run "
                        f"(its problems: {', '.join(self.problems)}); remove them or fix the names"
                    )
            for name in self.problems:
                resolved = entry.warm_start_for(name)
                try:
                    warm = WarmStart.model_validate(resolved)
                except ValidationError as exc:
                    raise ConfigError(f"{where}: {exc.errors()[0]['msg']}") from None
                target = get_problem(name)
                for source in warm.problem:
                    if source not in available:
                        raise ConfigError(
                            f"{where}.problem: {source!r} is no available problem; valid: "
                            f"{', '.join(sorted(available))}"
                        )
                    try:
                        check_source(target, get_problem(source))
                    except LabError as exc:
                        raise ConfigError(f"{where}.problem: {exc}") from None


def _format_value(value: Any) -> str:
    return value if isinstance(value, str) else canonical_json(value)


def variant_count(entry: AlgorithmEntry) -> int:
    """Variants of one algorithm entry: the product of its grid's lengths (1 without a grid)."""
    return math.prod(len(values) for values in entry.grid.values())


def algorithm_variants(entry: AlgorithmEntry) -> list[tuple[str, dict[str, Any]]]:
    """``(label, params)`` of every grid combination of one algorithm entry, in grid order
    (the last grid key varies fastest). Without a grid: one variant, labelled by name."""
    keys = list(entry.grid)
    out = []
    for values in itertools.product(*(entry.grid[k] for k in keys)):
        point = dict(zip(keys, values, strict=True))
        params = {**entry.params, **point}
        if entry.label is not None:
            label = entry.label
        else:
            label = entry.name
        if point:
            label += "(" + ",".join(f"{k}={_format_value(v)}" for k, v in point.items()) + ")"
        out.append((label, params))
    return out


def check_hyperparameters(config: SweepConfig, raw: Any, source: str) -> None:
    """Validate every algorithm variant's hyperparameters against the algorithm's ``Params``
    class (names, types, ranges); the error names the file, the entry and the field
    (``algorithms[2] (moead).params.pop_size``, ``algorithms[0] (nsga2).grid.pop_size[1]``)."""
    from lab.algorithms.registry import params_class

    lines: list[str] = []
    for i, entry in enumerate(config.algorithms):
        cls = params_class(entry.name)
        unknown = [k for k in [*entry.params, *entry.grid] if k not in cls.model_fields]
        for key in unknown:
            where = "grid" if key in entry.grid else "params"
            lines.append(
                f"  field {field_path(('algorithms', i, where, key), raw)}: algorithm "
                f"{entry.name!r} has no hyperparameter(s) [{key!r}]; valid: {cls.signature()}"
            )
        if unknown:
            continue
        for _, params in algorithm_variants(entry):
            try:
                cls.model_validate(params)
            except ValidationError as exc:
                point = {k: params[k] for k in entry.grid}

                def locate(loc: tuple, i: int = i, grid: dict = entry.grid, point=point) -> tuple:
                    key = loc[0]
                    if key in point:
                        return ("algorithms", i, "grid", key, grid[key].index(point[key]), *loc[1:])
                    return ("algorithms", i, "params", *loc)

                for line in error_lines(exc, model=cls, raw=raw, locate=locate):
                    if line not in lines:
                        lines.append(line)
    if lines:
        raise ConfigError(f"{source}: invalid sweep config\n" + "\n".join(lines))


def parse_config(
    raw: Any,
    *,
    source: str = "<config>",
    default_name: str | None = None,
    allow_imports: bool = False,
) -> SweepConfig:
    """Validate an already-parsed mapping (``source`` names it in errors).

    Args:
        raw: the parsed YAML mapping.
        source: what names it in errors (the file).
        default_name: the experiment name when the mapping has none.
        allow_imports: import the modules under ``imports`` first (they are code: only for a
            config you trust). Without it they must be imported already, else ConfigError.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: a sweep config must be a YAML mapping of fields")
    if allow_imports:
        try:
            import_modules(raw.get("imports"))
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None
    data = dict(raw)
    if default_name is not None:
        data.setdefault("name", default_name)
    data.pop("source", None)
    data.pop("source_sha256", None)
    try:
        config = SweepConfig.model_validate(data)
    except ValidationError as exc:
        message = format_validation_error(
            exc, source=source, what="sweep config", model=SweepConfig, raw=data
        )
        raise ConfigError(message) from None
    except LabError as exc:
        raise ConfigError(f"{source}: invalid sweep config: {exc}") from None
    check_hyperparameters(config, data, source)
    return config


def refuse_imports_on_dry_run(path: Path | str) -> None:
    """Refuse a dry run of a config whose ``imports`` are not imported: a dry run never runs
    code, and without its modules the config's own algorithms are unknown."""
    _, raw = read_yaml(path, what="sweep config")
    missing = not_imported(raw.get("imports")) if isinstance(raw, dict) else []
    if missing:
        raise ConfigError(
            f"{path}: imports: the sweep needs module(s) {missing}, and --dry-run never imports "
            "code, so its runs cannot be listed; run it with `lab run --allow-imports` if you "
            "trust the config"
        )


def load_config(path: Path | str, *, allow_imports: bool = False) -> SweepConfig:
    """Read and validate a sweep config file; the experiment name defaults to its stem.

    ``allow_imports`` imports the modules the config lists under ``imports`` (code: only for a
    config you trust); without it they must be imported already (see the module docstring).
    """
    path = Path(path)
    text, raw = read_yaml(path, what="sweep config")
    config = parse_config(
        raw, source=str(path), default_name=path.stem, allow_imports=allow_imports
    )
    return config.model_copy(
        update={
            "source": str(path),
            "source_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
    )
