"""``for_each`` templates of specs: one entry per combination of placeholder values.

A spec entry (a problem, a metric of a table spec) with ``for_each`` stands for several: a
mapping ``{key: [values]}`` gives one per combination of its lists' values (their product), a
list ``[{key: value, ...}, ...]`` one per listed combination; ``{key}`` in every string field is
replaced by the combination's value (``str.format``).
"""

from __future__ import annotations

import itertools
from typing import Any


def fill(value: Any, subs: dict[str, Any]) -> Any:
    """``value`` with ``{key}`` placeholders replaced in every string it holds (``KeyError`` for
    a placeholder ``subs`` lacks)."""
    if isinstance(value, str):
        return value.format(**subs)
    if isinstance(value, dict):
        return {k: fill(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, subs) for v in value]
    return value


def combinations(for_each: dict[str, list[Any]] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The placeholder substitutions of a ``for_each``: the product of a mapping's lists, or the
    listed combinations as given."""
    if isinstance(for_each, list):
        return [dict(c) for c in for_each]
    keys = list(for_each)
    return [
        dict(zip(keys, values, strict=True))
        for values in itertools.product(*(for_each[k] for k in keys))
    ]
