"""The figure kinds: one module per kind, each holding one recipe entry class registered with
:func:`lab.figures.entry.figure_kind`. Every module of this package is imported here, so adding
a kind is adding a module."""

from __future__ import annotations

import importlib
import pkgutil

from lab.figures.entry import FIGURE_KINDS

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["FIGURE_KINDS"]
