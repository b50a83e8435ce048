"""One registry style for the whole lab: ``name -> factory``, duplicates refused, unknown names
answered with the list of valid ones.

Algorithms, predictors, encodings, search spaces and figure kinds are each held in a
:class:`Registry`. An entry is either the object itself (a class or a function that builds one)
or a ``"module:attribute"`` string, imported on first use so that heavy dependencies (torch,
BoTorch, Optuna) load only when their entry is asked for::

    SPACES = Registry("search space")
    SPACES.register("nasbench201", NasBench201Space)
    SPACES.register("big", "my_package.spaces:BigSpace")   # imported by SPACES.get("big")
    SPACES.get("nasbench201")     # the class
    SPACES.get("nasbench-201")    # UnknownNameError: ... valid: big, nasbench201
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from lab.errors import DuplicateNameError, unknown_name

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one kind.

    Args:
        kind: what the entries are, for messages (``"algorithm"``).
        entries: initial ``name -> object or "module:attribute"``.
    """

    def __init__(self, kind: str, entries: Mapping[str, T | str] | None = None) -> None:
        self.kind = kind
        self._entries: dict[str, T | str] = {}
        for name, entry in (entries or {}).items():
            self.register(name, entry)

    def register(self, name: str, entry: T | str) -> None:
        """Add ``name``; a name already registered is a :class:`DuplicateNameError`."""
        if name in self._entries:
            raise DuplicateNameError(
                f"{self.kind} {name!r} is already registered (as {self.target(name)}); choose "
                "another name"
            )
        self._entries[name] = entry

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self._entries)

    def target(self, name: str) -> str:
        """Where ``name`` lives, as ``"module:attribute"``, without importing it."""
        entry = self._raw(name)
        if isinstance(entry, str):
            return entry
        return f"{getattr(entry, '__module__', '?')}:{getattr(entry, '__qualname__', entry)}"

    def get(self, name: str) -> T:
        """The entry registered as ``name`` (imported now if it was given as a string)."""
        entry = self._raw(name)
        if isinstance(entry, str):
            module, _, attribute = entry.partition(":")
            entry = getattr(importlib.import_module(module), attribute)
            self._entries[name] = entry
        return entry

    def items(self) -> list[tuple[str, T]]:
        """``(name, entry)`` of every entry, sorted by name (imports string entries)."""
        return [(name, self.get(name)) for name in self.names()]

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def _raw(self, name: str) -> T | str:
        if name not in self._entries:
            raise unknown_name(self.kind, name, list(self._entries))
        return self._entries[name]
