"""Schemas of the official NAS-Bench-201 / NATS-Bench objects, checked before any API sees them.

The official APIs trust their input: ``ArchResults.create_from_state_dict`` treats a *string*
as a file name and ``pickle.load``s (nats_bench) or ``torch.load``s (nas_201_api) it, and
``ResultsCount.load_state_dict`` copies any key into the object's attributes. A file made only
of allowed data types (dicts, lists, strings) could therefore make the API open and unpickle a
file of the attacker's choice. Every object read from a benchmark file is checked here against
the structure the official ``state_dict`` methods write (types of keys and values, known field
names only, bounded sizes); anything else is a :class:`~lab.errors.BenchmarkFileError` that names
the file and the path of the offending field.

Structures (``number`` = int or float, numpy scalars included; ``bool`` is not a number here):

* top level: ``{'meta_archs': [str], 'arch2infos': {int: ARCH}, 'evaluated_indexes': [int]}``
  where ``ARCH`` is ``{'less': STATE, 'full': STATE}`` (NAS-Bench-201 ``.pth``) or
  ``{str: STATE}`` keyed by hyper-parameter (NATS-Bench, e.g. ``'12'``, ``'200'``);
* ``STATE`` (an ``ArchResults``): ``arch_index`` int, ``arch_str`` str,
  ``all_results`` ``{(dataset str, seed int): TRIAL}``, ``dataset_seed`` ``{str: [int]}``,
  optional ``clear_net_done`` bool;
* ``TRIAL`` (a ``ResultsCount``): see :data:`TRIAL_FIELDS`.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np

from lab.errors import BenchmarkFileError

#: Largest number of architectures (``meta_archs``) accepted: the topology space has 15,625.
MAX_ARCHS = 1_000_000
#: Largest number of training epochs of one trial: the official schedules have 12 and 200.
MAX_EPOCHS = 10_000

Layout = Literal["nas-bench-201", "nats"]


class DroppedTensor:
    """Placeholder for a tensor or storage that was not read (trained weights are not needed)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<tensor dropped while reading>"

    def __setstate__(self, state: Any) -> None:
        # A pickled tensor subclass may carry state; it belongs to the dropped tensor.
        pass

    def __copy__(self) -> DroppedTensor:
        return self

    def __deepcopy__(self, memo: dict) -> DroppedTensor:
        return self


DROPPED = DroppedTensor()


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool | np.bool_) and isinstance(
        value, int | float | np.integer | np.floating
    )


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool | np.bool_) and isinstance(value, int | np.integer)


def _fail(source: Path | str, where: str, message: str) -> BenchmarkFileError:
    return BenchmarkFileError(
        f"{source}: {where}: {message}; this is not the structure of the official benchmark "
        "files, so the file is refused before any third-party code sees it"
    )


#: Short, recursion-safe representations for messages (a value read from a file may be a list
#: nested 300,000 deep, whose plain repr would raise RecursionError).
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 60, 60


def _short(value: Any) -> str:
    return _REPR.repr(value)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _check_dict(value: Any, source: Path | str, where: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(source, where, f"expected a dict, got {_type_name(value)}")
    return value


def _check_values(
    mapping: dict, source: Path | str, where: str, ok: Callable[[Any], bool], what: str
) -> None:
    """Every value of ``mapping`` passes ``ok``; checked once per value *type* (every check here
    depends on the type only), which keeps big dicts of floats cheap."""
    for kind in set(map(type, mapping.values())):
        for key, value in mapping.items():
            if type(value) is kind:
                if not ok(value):
                    raise _fail(
                        source, f"{where}[{_short(key)}]", f"expected {what}, got {_short(value)}"
                    )
                break


def _check_keys(mapping: dict, source: Path | str, where: str, ok: Callable, what: str) -> None:
    for kind in set(map(type, mapping)):
        for key in mapping:
            if type(key) is kind:
                if not ok(key):
                    raise _fail(source, where, f"key {_short(key)} is not {what}")
                break


def _number_dict(keys_ok: Callable, key_what: str, *, none_values: bool = False) -> Callable:
    def check(value: Any, source: Path | str, where: str) -> None:
        _check_dict(value, source, where)
        _check_keys(value, source, where, keys_ok, key_what)
        ok = (lambda v: v is None or _is_number(v)) if none_values else _is_number
        _check_values(value, source, where, ok, "a number")

    return check


def _optional(check: Callable) -> Callable:
    def wrapped(value: Any, source: Path | str, where: str) -> None:
        if value is not None:
            check(value, source, where)

    return wrapped


def _scalar(kind: Callable[[Any], bool], what: str) -> Callable:
    def check(value: Any, source: Path | str, where: str) -> None:
        if not kind(value):
            raise _fail(source, where, f"expected {what}, got {_type_name(value)} {_short(value)}")

    return check


def _check_epochs(value: Any, source: Path | str, where: str) -> None:
    if not _is_int(value) or not 1 <= value <= MAX_EPOCHS:
        raise _fail(
            source, where, f"expected a number of epochs in [1, {MAX_EPOCHS}], got {_short(value)}"
        )


def _check_str_list(value: Any, source: Path | str, where: str) -> None:
    if not isinstance(value, list | tuple):
        raise _fail(source, where, f"expected a list of strings, got {_type_name(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise _fail(source, f"{where}[{i}]", f"expected a string, got {_type_name(item)}")


def _check_number_list(value: Any, source: Path | str, where: str) -> None:
    if not isinstance(value, list | tuple):
        raise _fail(source, where, f"expected a list of numbers, got {_type_name(value)}")
    for i, item in enumerate(value):
        if not _is_number(item):
            raise _fail(source, f"{where}[{i}]", f"expected a number, got {_type_name(item)}")


def _check_arch_config(value: Any, source: Path | str, where: str) -> None:
    _check_dict(value, source, where)
    _check_keys(value, source, where, lambda k: isinstance(k, str), "a string")
    _check_values(
        value, source, where,
        lambda v: v is None or isinstance(v, str | bool) or _is_number(v), "a string or a number",
    )  # fmt: skip


def _check_weights(value: Any, source: Path | str, where: str) -> None:
    """Trained weights: absent, or a state dict whose tensors were dropped while reading."""
    if value is None or isinstance(value, DroppedTensor):
        return
    _check_dict(value, source, where)
    _check_keys(value, source, where, lambda k: isinstance(k, str), "a string")
    _check_values(value, source, where, lambda v: isinstance(v, DroppedTensor), "a tensor")


_is_str = _scalar(lambda v: isinstance(v, str), "a string")

#: ``field -> check`` of one trial (``ResultsCount.state_dict()``); no other field is accepted.
TRIAL_FIELDS: dict[str, Callable[[Any, Path | str, str], None]] = {
    "name": _optional(_is_str),
    "net_state_dict": _check_weights,
    "train_acc1es": _optional(_number_dict(_is_int, "an epoch number")),
    "train_acc5es": _optional(_number_dict(_is_int, "an epoch number")),
    "train_losses": _optional(_number_dict(_is_int, "an epoch number")),
    "train_times": _optional(_number_dict(_is_int, "an epoch number", none_values=True)),
    "arch_config": _optional(_check_arch_config),
    "params": _scalar(_is_number, "a number"),
    "flop": _scalar(_is_number, "a number"),
    "seed": _scalar(_is_int, "an integer"),
    "epochs": _check_epochs,
    "latency": _optional(_check_number_list),
    "eval_names": _check_str_list,
    "eval_acc1es": _number_dict(lambda k: isinstance(k, str), "a string"),
    "eval_times": _optional(
        _number_dict(lambda k: isinstance(k, str), "a string", none_values=True)
    ),
    "eval_losses": _optional(
        _number_dict(lambda k: isinstance(k, str), "a string", none_values=True)
    ),
}
#: Fields every trial must have: those the lab's queries read.
TRIAL_REQUIRED: frozenset[str] = frozenset(
    {"params", "flop", "seed", "epochs", "latency", "eval_names", "eval_acc1es"}
)
#: Fields of one architecture's results (``ArchResults.state_dict()``).
ARCH_FIELDS: frozenset[str] = frozenset(
    {"arch_index", "arch_str", "all_results", "dataset_seed", "clear_net_done"}
)
ARCH_REQUIRED: frozenset[str] = frozenset({"arch_index", "arch_str", "all_results", "dataset_seed"})


def _check_fields(
    state: dict, source: Path | str, where: str, known: frozenset[str] | set[str], required
) -> None:
    unknown = sorted(map(repr, set(state) - set(known)))
    if unknown:
        raise _fail(source, where, f"unknown fields {unknown[:5]}; expected only {sorted(known)}")
    missing = sorted(set(required) - set(state))
    if missing:
        raise _fail(source, where, f"missing fields {missing}")


def check_trial(state: Any, source: Path | str, where: str) -> None:
    """Check one trial (``ResultsCount`` state) in place; raise naming ``source`` and ``where``."""
    _check_dict(state, source, where)
    _check_fields(state, source, where, set(TRIAL_FIELDS), TRIAL_REQUIRED)
    for name, value in state.items():
        TRIAL_FIELDS[name](value, source, f"{where}[{name!r}]")


def check_arch_results(state: Any, source: Path | str, where: str) -> None:
    """Check one architecture's results (``ArchResults`` state) and each of its trials."""
    _check_dict(state, source, where)
    _check_fields(state, source, where, ARCH_FIELDS, ARCH_REQUIRED)
    if not _is_int(state["arch_index"]):
        raise _fail(source, f"{where}['arch_index']", "expected an integer")
    if not isinstance(state["arch_str"], str):
        raise _fail(source, f"{where}['arch_str']", "expected a string")
    if "clear_net_done" in state and not isinstance(state["clear_net_done"], bool):
        raise _fail(source, f"{where}['clear_net_done']", "expected true or false")
    seeds = _check_dict(state["dataset_seed"], source, f"{where}['dataset_seed']")
    for dataset, values in seeds.items():
        at = f"{where}['dataset_seed'][{_short(dataset)}]"
        if not isinstance(dataset, str):
            raise _fail(source, at, "expected a dataset name (string) as key")
        if not isinstance(values, list | tuple) or not all(_is_int(s) for s in values):
            raise _fail(source, at, f"expected a list of integer seeds, got {_short(values)}")
    trials = _check_dict(state["all_results"], source, f"{where}['all_results']")
    for key, trial in trials.items():
        at = f"{where}['all_results'][{_short(key)}]"
        if not (
            isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and _is_int(key[1])
        ):
            raise _fail(source, at, "expected a (dataset, seed) key")
        check_trial(trial, source, at)


def check_arch_entry(entry: Any, source: Path | str, where: str, layout: Layout) -> None:
    """Check the results of one architecture: ``{'less', 'full'}`` or ``{hp: state}``."""
    _check_dict(entry, source, where)
    if layout == "nas-bench-201":
        _check_fields(entry, source, where, {"less", "full"}, {"less", "full"})
    else:
        _check_keys(entry, source, where, lambda k: isinstance(k, str), "a hyper-parameter name")
    for hp, state in entry.items():
        check_arch_results(state, source, f"{where}[{_short(hp)}]")


def check_meta_archs(value: Any, source: Path | str, where: str = "'meta_archs'") -> list[str]:
    """``meta_archs``: a list of at most :data:`MAX_ARCHS` architecture strings."""
    if isinstance(value, list | tuple) and len(value) > MAX_ARCHS:
        raise _fail(source, where, f"{len(value)} architectures, more than the bound {MAX_ARCHS}")
    _check_str_list(value, source, where)
    return list(value)


def check_official_dict(data: Any, source: Path | str, layout: Layout) -> dict[str, Any]:
    """Check the whole benchmark dict (the object the official API constructors take).

    Returns ``data`` unchanged; raises :class:`~lab.errors.BenchmarkFileError` naming ``source``
    and the path of the first field that is not in the official structure.
    """
    if not isinstance(data, dict):
        raise _fail(source, "top level", f"expected the benchmark dict, got {_type_name(data)}")
    keys = {"meta_archs", "arch2infos", "evaluated_indexes"}
    _check_fields(data, source, "top level", keys, keys)
    n_archs = len(check_meta_archs(data["meta_archs"], source))
    arch2infos = _check_dict(data["arch2infos"], source, "'arch2infos'")
    for index, entry in arch2infos.items():
        if not _is_int(index) or not 0 <= index < n_archs:
            raise _fail(
                source, f"'arch2infos'[{_short(index)}]",
                f"expected an architecture index in [0, {n_archs})",
            )  # fmt: skip
        check_arch_entry(entry, source, f"'arch2infos'[{index!r}]", layout)
    evaluated = data["evaluated_indexes"]
    if not isinstance(evaluated, list | tuple | set | frozenset) or not all(
        _is_int(i) for i in evaluated
    ):
        raise _fail(source, "'evaluated_indexes'", "expected a list of architecture indices")
    return data


__all__ = [
    "DROPPED",
    "MAX_ARCHS",
    "MAX_EPOCHS",
    "TRIAL_FIELDS",
    "DroppedTensor",
    "check_arch_entry",
    "check_arch_results",
    "check_meta_archs",
    "check_official_dict",
    "check_trial",
]
