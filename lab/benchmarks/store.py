"""Benchmark tables by name: built lazily on first use, cached per process, rebuilt on demand."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.benchmarks.locations import data_dir
from lab.benchmarks.recipe import Recipe
from lab.benchmarks.recipes.analognas import AnalogNasBenchRecipe
from lab.benchmarks.recipes.nasbench201 import NasBench201LowFidelityRecipe
from lab.benchmarks.recipes.nasbench201_official import NasBench201OfficialRecipe
from lab.benchmarks.recipes.nasbench_graph import NasBenchGraphProteinsRecipe, NasBenchGraphRecipe
from lab.benchmarks.recipes.nasbench_macro import NasBenchMacroRecipe
from lab.benchmarks.recipes.user_table import build_user_table
from lab.benchmarks.table import BenchmarkTable
from lab.errors import (
    BenchmarkFileError,
    CachedTableChangedError,
    ConfigError,
    unknown_name,
)
from lab.registry import Registry
from lab.spaces.base import SearchSpace
from lab.spaces.registry import get_space, register_space_resolver
from lab.spaces.tabular import TabularSpace

#: Built-in benchmark recipes by name.
_RECIPES: Registry[Recipe] = Registry("benchmark")
#: ``recipe`` values of tables that are listed and loaded from the data directory although no
#: built-in recipe builds them: imported user tables, and surrogate benchmarks (tables predicted
#: by a fitted surrogate, written by ``lab surrogate table``).
LISTED_RECIPES = ("UserTable", "Surrogate")
_CACHE: dict[tuple[str, str], BenchmarkTable] = {}


def register_recipe(recipe: Recipe) -> None:
    """Add a recipe; a second recipe of the same name is an error."""
    _RECIPES.register(recipe.name, recipe)


for _r in (
    NasBenchGraphRecipe(),
    NasBenchGraphProteinsRecipe(),
    NasBench201LowFidelityRecipe(),
    NasBench201OfficialRecipe(),
    NasBenchMacroRecipe(),
    AnalogNasBenchRecipe(),
):
    register_recipe(_r)


def recipes() -> dict[str, Recipe]:
    """Built-in recipes by name."""
    return dict(_RECIPES.items())


def _built_meta(name: str, directory: Path) -> dict | None:
    path = directory / f"{name}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def imported_names(directory: Path | None = None) -> list[str]:
    """Names of user tables and surrogate benchmarks in the data directory."""
    directory = directory or data_dir()
    if not directory.is_dir():
        return []
    names = []
    for path in sorted(directory.glob("*.json")):
        meta = _built_meta(path.stem, directory)
        if meta and meta.get("recipe") in LISTED_RECIPES and path.stem not in _RECIPES:
            names.append(path.stem)
    return names


def benchmark_names(directory: Path | None = None) -> list[str]:
    """Every benchmark that can be loaded here: built-ins whose sources are present, imports."""
    builtin = [
        n for n, r in _RECIPES.items() if r.available() or _built_meta(n, directory or data_dir())
    ]
    return builtin + imported_names(directory)


def _is_current(name: str, directory: Path) -> bool:
    meta = _built_meta(name, directory)
    if meta is None:
        return False
    if name in _RECIPES:
        return meta.get("builder_version") == _RECIPES[name].builder_version
    return True


def build_table(
    name: str, *, raw_dir: Path | None = None, directory: Path | None = None
) -> BenchmarkTable:
    """(Re)build benchmark ``name`` from its raw sources and save it in the data directory."""
    directory = directory or data_dir()
    if name in _RECIPES:
        table = _RECIPES[name].build(raw_dir)
    elif name in imported_names(directory):
        meta = _built_meta(name, directory) or {}
        if meta.get("recipe") == "Surrogate":
            raise BenchmarkFileError(
                f"{directory / (name + '.json')}: {name!r} is a surrogate benchmark; rebuild it "
                f"with `lab surrogate table {meta.get('surrogate', 'SURROGATE')} --as {name}`"
            )
        raise BenchmarkFileError(
            f"{directory / (name + '.json')}: {name!r} is a user table; rebuild it (and refreeze "
            f"its problems) with `lab bench import {name} --from {meta.get('spec_path', 'SPEC')}`"
        )
    else:
        raise unknown_name("benchmark", name, _RECIPES.names() + imported_names(directory))
    table.save(directory)
    _CACHE[(name, str(directory))] = table
    return table


def import_table(
    name: str,
    source: Path,
    *,
    directory: Path | None = None,
    prepare: Callable[[BenchmarkTable], None] | None = None,
) -> BenchmarkTable:
    """Import benchmark ``name`` from ``source``.

    For a built-in benchmark, ``source`` is the folder of its raw files. Otherwise ``source`` is
    a YAML spec of a user table whose ``name`` must equal ``name``; ``prepare(table)`` runs on
    the built table before anything is written (the problems layer freezes the spec's problems
    there), so a failure leaves the data directory untouched.
    """
    directory = directory or data_dir()
    source = Path(source)
    if name in _RECIPES:
        if source.is_file() and source.suffix.lower() in (".yaml", ".yml"):
            raise BenchmarkFileError(
                f"{source}: {name!r} is the name of a built-in benchmark; give your table "
                "another 'name' in its spec (and import it under that name)"
            )
        return build_table(name, raw_dir=source, directory=directory)
    table = build_user_table(source, load_table=lambda n: load_table(n, directory=directory))
    if table.name != name:
        raise BenchmarkFileError(f"{source}: field 'name' is {table.name!r}, expected {name!r}")
    if prepare is not None:
        prepare(table)
    table.save(directory)
    _CACHE[(name, str(directory))] = table
    return table


def load_table(name: str, *, directory: Path | None = None) -> BenchmarkTable:
    """The table ``name``: from the process cache, the data directory, or built on first use."""
    directory = directory or data_dir()
    key = (name, str(directory))
    if key in _CACHE:
        return _CACHE[key]
    if name not in _RECIPES and name not in imported_names(directory):
        raise unknown_name("benchmark", name, benchmark_names(directory))
    if _is_current(name, directory):
        try:
            table = BenchmarkTable.load(directory, name)
        except CachedTableChangedError as exc:
            recipe = _RECIPES.get(name) if name in _RECIPES else None
            if recipe is None or not recipe.available():
                raise
            # The raw files are here: rebuild rather than use (or refuse) a modified copy.
            warnings.warn(f"{exc}; rebuilding it from the raw files", stacklevel=2)
            return build_table(name, directory=directory)
        _CACHE[key] = table
        return table
    return build_table(name, directory=directory)


@dataclass(frozen=True)
class BenchmarkStatus:
    """One line of ``lab bench list``."""

    name: str
    title: str
    built: bool
    available: bool
    rows: int | None
    datasets: tuple[str, ...]


def benchmark_status(directory: Path | None = None) -> list[BenchmarkStatus]:
    """Status of every built-in and imported benchmark."""
    directory = directory or data_dir()
    out = []
    for name, recipe in _RECIPES.items():
        meta = _built_meta(name, directory)
        out.append(
            BenchmarkStatus(
                name, recipe.title, meta is not None, recipe.available() or meta is not None,
                meta.get("n_rows") if meta else None, recipe.datasets,
            )
        )  # fmt: skip
    for name in imported_names(directory):
        meta = _built_meta(name, directory) or {}
        out.append(
            BenchmarkStatus(
                name, meta.get("title", name), True, True, meta.get("n_rows"),
                tuple(meta.get("datasets", ())),
            )
        )  # fmt: skip
    return out


def clear_cache() -> None:
    """Forget tables loaded in this process (tests use it)."""
    _CACHE.clear()


def imported_problem_sections(directory: Path | None = None) -> list[dict]:
    """The frozen ``problems`` of every imported user table: one ``{"benchmark", "spec_path",
    "table_sha256", "problems": [{"spec", "frozen"}, ...]}`` per table that declares problems."""
    directory = directory or data_dir()
    out = []
    for name in imported_names(directory):
        meta = _built_meta(name, directory) or {}
        if meta.get("recipe") == "UserTable" and meta.get("problems"):
            out.append(
                {
                    "benchmark": name,
                    "spec_path": meta.get("spec_path", name),
                    "table_sha256": meta.get("table_sha256"),
                    "problems": meta["problems"],
                }
            )
    return out


def space_of_table(table: BenchmarkTable) -> SearchSpace:
    """The search space of ``table``: a built-in space, or the space its user spec declares."""
    if table.space.startswith("user:"):
        if table.meta.get("variable_labels") is None:
            raise ConfigError(
                f"benchmark {table.name!r}: its metadata lacks the genome labels; re-import it "
                "with `lab bench import`"
            )
        return TabularSpace(
            table.name,
            table.meta.get("variable_names", table.genome_columns),
            table.cardinalities,
            table.meta.get("variable_labels"),
        )
    return get_space(table.space)


def _user_space(space_name: str) -> SearchSpace:
    """Resolver of ``user:<table>`` space names: the space of that imported table."""
    name = space_name.removeprefix("user:")
    for (cached, _), table in _CACHE.items():
        if cached == name:
            return space_of_table(table)
    return space_of_table(load_table(name))


register_space_resolver("user:", _user_space)
