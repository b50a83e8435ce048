"""Benchmark tables by name: built lazily on first use, cached per process, rebuilt on demand."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lab.benchmarks.locations import data_dir
from lab.benchmarks.recipe import Recipe
from lab.benchmarks.recipes.nasbench201 import NasBench201LowFidelityRecipe
from lab.benchmarks.recipes.nasbench201_official import NasBench201OfficialRecipe
from lab.benchmarks.recipes.nasbench_graph import NasBenchGraphProteinsRecipe, NasBenchGraphRecipe
from lab.benchmarks.recipes.nasbench_macro import NasBenchMacroRecipe
from lab.benchmarks.recipes.user_table import build_user_table
from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, DuplicateNameError, unknown_name

_RECIPES: dict[str, Recipe] = {}
#: ``recipe`` values of tables that are listed and loaded from the data directory although no
#: built-in recipe builds them: imported user tables, and surrogate benchmarks (tables predicted
#: by a fitted surrogate, written by ``lab surrogate table``).
LISTED_RECIPES = ("UserTable", "Surrogate")
_CACHE: dict[tuple[str, str], BenchmarkTable] = {}


def register_recipe(recipe: Recipe) -> None:
    """Add a recipe; a second recipe of the same name is an error."""
    if recipe.name in _RECIPES:
        raise DuplicateNameError(f"a benchmark named {recipe.name!r} is already registered")
    _RECIPES[recipe.name] = recipe


for _r in (
    NasBenchGraphRecipe(),
    NasBenchGraphProteinsRecipe(),
    NasBench201LowFidelityRecipe(),
    NasBench201OfficialRecipe(),
    NasBenchMacroRecipe(),
):
    register_recipe(_r)


def recipes() -> dict[str, Recipe]:
    """Built-in recipes by name."""
    return dict(_RECIPES)


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
        table = build_user_table(Path(meta["spec_path"]))
    else:
        raise unknown_name("benchmark", name, list(_RECIPES) + imported_names(directory))
    table.save(directory)
    _CACHE[(name, str(directory))] = table
    return table


def import_table(name: str, source: Path, *, directory: Path | None = None) -> BenchmarkTable:
    """Import benchmark ``name`` from ``source``.

    For a built-in benchmark, ``source`` is the folder of its raw files. Otherwise ``source`` is
    a YAML spec of a user table whose ``name`` must equal ``name``.
    """
    directory = directory or data_dir()
    if name in _RECIPES:
        return build_table(name, raw_dir=Path(source), directory=directory)
    table = build_user_table(Path(source))
    if table.name != name:
        raise BenchmarkFileError(f"{source}: field 'name' is {table.name!r}, expected {name!r}")
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
        table = BenchmarkTable.load(directory, name)
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
