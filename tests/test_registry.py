"""lab.registry: one registry style (name -> factory, duplicates refused, unknown names listed)."""

from __future__ import annotations

import pytest

from lab.errors import DuplicateNameError, UnknownNameError
from lab.registry import Registry


def test_lazy_entries_are_imported_on_first_use() -> None:
    reg: Registry = Registry("codec", {"json": "json:dumps"})
    assert reg.target("json") == "json:dumps"
    import json

    assert reg.get("json") is json.dumps and reg["json"] is json.dumps
    assert reg.target("json") == "json:dumps"
    assert "json" in reg and list(reg) == ["json"] and len(reg) == 1


def test_duplicates_are_refused_and_unknown_names_listed() -> None:
    reg: Registry = Registry("codec", {"b": dict, "a": list})
    with pytest.raises(
        DuplicateNameError, match=r"codec 'a' is already registered \(as builtins:list\)"
    ):
        reg.register("a", tuple)
    with pytest.raises(UnknownNameError, match=r"unknown codec 'c'; valid: a, b"):
        reg.get("c")
    assert reg.items() == [("a", list), ("b", dict)]


def test_the_lab_registries_share_the_style() -> None:
    from lab.algorithms.registry import ALGORITHMS
    from lab.benchmarks.store import recipes
    from lab.spaces.registry import SPACES, get_space
    from lab.surrogates.encodings.registry import encodings, make_encoding
    from lab.surrogates.predictors.registry import PREDICTORS, predictor_class

    assert isinstance(ALGORITHMS, Registry) and isinstance(SPACES, Registry)
    assert isinstance(PREDICTORS, Registry) and isinstance(encodings("nasbench201"), Registry)
    assert recipes()
    for lookup, wrong, kind in (
        (ALGORITHMS.get, "nsga-2", "algorithm"),
        (get_space, "nasbench-202", "search space"),
        (predictor_class, "xgb", "predictor"),
        (lambda n: make_encoding("nasbench201", n), "paths", "encoding of space 'nasbench201'"),
    ):
        with pytest.raises(UnknownNameError, match=f"unknown {kind} '{wrong}'; valid: "):
            lookup(wrong)
