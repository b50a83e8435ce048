"""Search spaces by name (a :class:`lab.registry.Registry` of factories)."""

from __future__ import annotations

from collections.abc import Callable

from lab.registry import Registry
from lab.spaces.base import SearchSpace
from lab.spaces.nasbench201 import NasBench201Space
from lab.spaces.nasbench_graph import NasBenchGraphSpace
from lab.spaces.nasbench_macro import NasBenchMacroSpace

#: Built-in spaces: ``name -> factory`` (called with no arguments).
SPACES: Registry[Callable[[], SearchSpace]] = Registry(
    "search space",
    {
        "nasbench-graph": lambda: NasBenchGraphSpace(proteins=False),
        "nasbench-graph-proteins": lambda: NasBenchGraphSpace(proteins=True),
        "nasbench201": NasBench201Space,
        "nasbench-macro": NasBenchMacroSpace,
    },
)


#: ``prefix -> resolver`` for spaces defined by data rather than code (a user table's space is
#: ``user:<table>``); the benchmarks layer registers its resolver when it is imported.
_RESOLVERS: dict[str, Callable[[str], SearchSpace]] = {}


def register_space_resolver(prefix: str, resolver: Callable[[str], SearchSpace]) -> None:
    """Resolve every space name starting with ``prefix`` through ``resolver(name)``."""
    _RESOLVERS[prefix] = resolver


def register_space(name: str, factory: Callable[[], SearchSpace] | str) -> None:
    """Add a space ``name`` built by ``factory()`` (or ``"module:attribute"``); a duplicate
    name is an error."""
    SPACES.register(name, factory)


def space_names() -> list[str]:
    """Names of the built-in spaces."""
    return SPACES.names()


def get_space(name: str) -> SearchSpace:
    """A new instance of the built-in space ``name``."""
    for prefix, resolver in _RESOLVERS.items():
        if name.startswith(prefix):
            return resolver(name)
    return SPACES.get(name)()
