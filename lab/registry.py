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

It also holds the lab's one **name rule** (:func:`check_name`): the names a user's file gives to
benchmarks, problems, algorithm labels, experiments, figure recipes and surrogates become file and
folder names (``results/<experiment>/``, ``<figure>-<problem>.pdf``, ``surrogates/<name>/``), so
they are letters, digits, ``.``, ``_`` and ``-``, start with a letter or digit and are at most
:data:`MAX_NAME_LENGTH` characters: no path separator, no ``..``, no newline, nothing a shell or a
terminal reads specially.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from lab.errors import ConfigError, DuplicateNameError, unknown_name

#: The name rule, matched with ``fullmatch`` (``re.match`` with ``$`` would accept a trailing
#: newline, which then names a folder).
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: Longest name, in characters: a name is one part of file names that add a prefix and a suffix
#: (``fidelity-<problem>-<table>-summary.csv``), and file systems allow 255 bytes per part.
MAX_NAME_LENGTH = 100
#: The rule in words, for messages.
NAME_RULE = (
    f"use only letters, digits, '.', '_' and '-', starting with a letter or digit, at most "
    f"{MAX_NAME_LENGTH} characters"
)


def is_valid_name(name: object) -> bool:
    """Whether ``name`` is a string that follows the name rule (see the module docstring)."""
    return (
        isinstance(name, str)
        and len(name) <= MAX_NAME_LENGTH
        and NAME_PATTERN.fullmatch(name) is not None
    )


def check_name(
    name: object, *, what: str, why: str = "", error: type[Exception] = ConfigError
) -> str:
    """``name`` if it follows the name rule, else ``error`` (a :class:`~lab.errors.ConfigError`
    by default) naming ``what`` the name is, the value and the rule.

    Args:
        name: the name to check.
        what: what it names, for the message (``"problem name"``).
        why: what the name becomes, for the message (``"it names a folder of the results
            store"``).
        error: the exception class raised.
    """
    if is_valid_name(name):
        return name  # type: ignore[return-value]
    shown = repr(name) if len(repr(name)) <= 80 else repr(name)[:77] + "..."
    reason = f" ({why})" if why else ""
    raise error(f"invalid name {shown}: not a valid {what}; {NAME_RULE}{reason}")


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
