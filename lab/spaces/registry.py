"""Search spaces by name."""

from __future__ import annotations

from collections.abc import Callable

from lab.errors import unknown_name
from lab.spaces.base import SearchSpace
from lab.spaces.nasbench201 import NasBench201Space
from lab.spaces.nasbench_graph import NasBenchGraphSpace
from lab.spaces.nasbench_macro import NasBenchMacroSpace

_SPACES: dict[str, Callable[[], SearchSpace]] = {
    "nasbench-graph": lambda: NasBenchGraphSpace(proteins=False),
    "nasbench-graph-proteins": lambda: NasBenchGraphSpace(proteins=True),
    "nasbench201": NasBench201Space,
    "nasbench-macro": NasBenchMacroSpace,
}


#: ``prefix -> resolver`` for spaces defined by data rather than code (a user table's space is
#: ``user:<table>``); the benchmarks layer registers its resolver when it is imported.
_RESOLVERS: dict[str, Callable[[str], SearchSpace]] = {}


def register_space_resolver(prefix: str, resolver: Callable[[str], SearchSpace]) -> None:
    """Resolve every space name starting with ``prefix`` through ``resolver(name)``."""
    _RESOLVERS[prefix] = resolver


def space_names() -> list[str]:
    """Names of the built-in spaces."""
    return sorted(_SPACES)


def get_space(name: str) -> SearchSpace:
    """A new instance of the built-in space ``name``."""
    for prefix, resolver in _RESOLVERS.items():
        if name.startswith(prefix):
            return resolver(name)
    if name not in _SPACES:
        raise unknown_name("search space", name, list(_SPACES))
    return _SPACES[name]()
