"""Imports point down the stages only, and no module imports itself through others.

Every module under ``lab/`` is parsed (not imported). Every ``import lab...`` statement counts,
also those inside functions (lazy imports): a lazy import only delays a dependency. Imports under
``if TYPE_CHECKING:`` never run, so they do not make cycles, but they must still point down the
stages (a type from a higher stage in a lower stage's signature is an upward dependency). The
stage order below is the lab's architecture, written bottom to top: a module may import modules
of its own stage or of stages below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAB = Path(__file__).resolve().parents[1] / "lab"

#: Stages from the bottom up. Top-level single modules (``lab/errors.py``, ``lab/fileio.py``, ...)
#: form the foundation below every subpackage.
STAGES: tuple[str, ...] = (
    "<foundation>",
    "spaces",
    "benchmarks",
    "problems",
    "indicators",
    "scoring",
    "algorithms",
    "results",
    "experiments",
    "stats",
    "analysis",
    "surrogates",
    "figures",
    "cli",
)

#: Modules above every stage: the Python API may import anything (lazily, to stay cheap).
TOP_MODULES = {"lab", "lab.api", "lab.__main__"}


def _module_files() -> dict[str, Path]:
    out = {}
    for path in sorted(LAB.rglob("*.py")):
        parts = list(path.relative_to(LAB.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _module_files()


def _resolve(name: str) -> str | None:
    """The module a dotted name lives in (``lab.a.b.func`` -> ``lab.a.b``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST, *, type_checking: bool) -> list[ast.Import | ast.ImportFrom]:
    """Import statements of ``tree``; those under ``if TYPE_CHECKING:`` only if asked."""
    out: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        if _is_type_checking(node) and not type_checking:
            stack.extend(node.orelse)  # type: ignore[attr-defined]
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def _imports(module: str, path: Path, *, type_checking: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _import_nodes(tree, type_checking=type_checking):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # ``from lab.a import b`` imports the submodule ``lab.a.b`` when there is one.
            names = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            if name == "lab" or name.startswith("lab."):
                target = _resolve(name)
                if target is not None and target != module:
                    found.add(target)
    return found


#: Imports that run (lazy ones included): what can form a cycle.
GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}
#: Every import, type-only ones included: what must point down the stages.
GRAPH_ALL = {module: _imports(module, path, type_checking=True) for module, path in MODULES.items()}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 2 and not (LAB / parts[1]).is_dir():
        return "<foundation>"
    return parts[1]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_every_subpackage_has_a_stage():
    packages = {stage_of(m) for m in MODULES if m not in TOP_MODULES}
    unknown = sorted(packages - set(STAGES))
    assert not unknown, f"add {unknown} to STAGES in {Path(__file__).name} at its place"


def test_no_import_cycles():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_imports_point_down_the_stages():
    rank = {stage: i for i, stage in enumerate(STAGES)}
    upward = []
    for module, targets in GRAPH_ALL.items():
        if module in TOP_MODULES:
            continue
        for target in sorted(targets):
            if target in TOP_MODULES:
                upward.append(f"{module} -> {target} (the Python API is for users only)")
            elif rank.get(stage_of(target), -1) > rank.get(stage_of(module), len(STAGES)):
                upward.append(f"{module} -> {target}")
    assert not upward, "imports pointing up the stage order:\n" + "\n".join(upward)


# The checker itself: a cycle and an upward import it must catch.
def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    ("module", "stage"),
    [("lab.errors", "<foundation>"), ("lab.results.store", "results"), ("lab.cli", "cli")],
)
def test_stage_of(module, stage):
    assert stage_of(module) == stage


def test_lazy_imports_are_seen():
    # lab.experiments.config validates algorithm names through the registry inside a validator.
    assert "lab.algorithms.registry" in GRAPH["lab.experiments.config"]


def test_type_only_imports_are_told_apart():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from lab.errors import LabError\n"
        "def f():\n    from lab.version import __version__\n"
    )
    tree = ast.parse(source)
    runtime = {n.module for n in _import_nodes(tree, type_checking=False)}
    every = {n.module for n in _import_nodes(tree, type_checking=True)}
    assert runtime == {"typing", "lab.version"}
    assert every == {"typing", "lab.version", "lab.errors"}
