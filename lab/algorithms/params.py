"""Typed, frozen, validated hyperparameters of the search algorithms.

Every algorithm declares its hyperparameters once, as a subclass of :class:`AlgorithmParams`
(a frozen pydantic model) named in its ``Params`` class attribute; an algorithm family's
parameters are inherited, not restated (``MOEADParams`` adds three fields to
``GeneticParams``). The registry, the sweep config (validated when it is loaded), the run
manifests and ``lab algorithms`` all read these classes::

    class MyParams(AlgorithmParams):
        step: Real = Field(default=0.1, gt=0, description="step size")

    class MySearch(Algorithm):
        name = "mine"
        Params = MyParams

    MySearch(problem, budget=50, seed=0, step=0.2).params.step   # 0.2, validated

Types are checked as a researcher expects: whole numbers for :data:`Int` (not ``True``,
``"5"`` or ``5.5``), numbers for :data:`Real`, ``true``/``false`` for booleans, and every range
(``pop_size >= 2``, a probability in ``[0, 1]``) when the parameters are built.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from lab.config_file import error_lines
from lab.errors import InputError, ParameterError

#: Size of the shared initial design when a caller gives none (architecture evaluations).
DEFAULT_N_INIT = 10


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"give a whole number, got {value!r}")
    return int(value)


def _real_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"give a number, got {value!r}")
    return float(value)


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise InputError(f"give true or false, got {value!r}")
    return value


#: A whole number (``numpy`` integers too; not booleans, strings or floats).
Int = Annotated[int, BeforeValidator(_whole_number)]
#: A real number (integers too; not booleans or strings).
Real = Annotated[float, BeforeValidator(_real_number)]
#: A probability in ``[0, 1]``.
Probability = Annotated[float, BeforeValidator(_real_number), Field(ge=0.0, le=1.0)]
#: ``true`` or ``false``.
Bool = Annotated[bool, BeforeValidator(_boolean)]


class RunSettings(BaseModel):
    """The sizes and seed of one run, shared by every algorithm, validated as a sweep config
    validates them: whole numbers (not ``True``, ``2.5`` or ``"3"``), ``budget >= 1`` and
    ``seed >= 0``, and an initial design no larger than the budget.

    Attributes:
        budget: architecture evaluations, the initial design included.
        seed: the run's seed (``numpy.random.SeedSequence`` entropy).
        batch_size: evaluations per ask.
        n_init: size of the initial design (``None``: the algorithm's default).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    budget: Int = Field(ge=1)
    seed: Int = Field(default=0, ge=0)
    batch_size: Int = Field(default=1, ge=1)
    n_init: Int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _design_within_budget(self) -> RunSettings:
        if self.n_init is not None and self.n_init > self.budget:
            raise InputError(
                f"n_init ({self.n_init}) exceeds budget ({self.budget}); the initial design is "
                "part of the budget, give n_init <= budget"
            )
        return self

    @classmethod
    def resolve(cls, *, who: str = "run settings", **values: Any) -> RunSettings:
        """Validated settings from keyword ``values``.

        Raises:
            ParameterError: one line per invalid field, naming ``who`` (``"lab.run"``).
        """
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            lines = "\n".join(error_lines(exc, model=cls))
            raise ParameterError(f"{who}: invalid run settings\n{lines}") from None


class AlgorithmParams(BaseModel):
    """Base of every algorithm's hyperparameters (none of its own): frozen, unknown names
    refused. Subclass it and add fields with defaults, ranges and a ``description``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every hyperparameter and its default (``inspect.Parameter.empty`` if required)."""
        import inspect

        return {
            name: (inspect.Parameter.empty if f.is_required() else f.get_default())
            for name, f in cls.model_fields.items()
        }

    @classmethod
    def resolve(
        cls, params: AlgorithmParams | Mapping[str, Any] | None = None, *, algorithm: str = ""
    ) -> AlgorithmParams:
        """Validated parameters from ``params`` (an instance, a mapping of overrides, or
        ``None`` for the defaults).

        Raises:
            ParameterError: an unknown name (the message lists the valid ones with their
                defaults), a wrong type or a value out of range (one line per field).
        """
        if isinstance(params, cls):
            return params
        data = dict(params.model_dump() if isinstance(params, AlgorithmParams) else params or {})
        who = f"algorithm {algorithm!r}" if algorithm else cls.__name__
        unknown = sorted(set(data) - set(cls.model_fields))
        if unknown:
            raise ParameterError(
                f"{who} has no hyperparameter(s) {unknown}; valid: {cls.signature()}"
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            lines = "\n".join(error_lines(exc, model=cls))
            raise ParameterError(f"{who}: invalid hyperparameters\n{lines}") from None

    @classmethod
    def signature(cls) -> str:
        """``name=default, ...`` of every hyperparameter (``(none)`` if there is none)."""
        parts = [
            f"{name}=(required)" if f.is_required() else f"{name}={f.get_default()!r}"
            for name, f in cls.model_fields.items()
        ]
        return ", ".join(parts) or "(none)"

    @classmethod
    def describe(cls) -> list[ParamInfo]:
        """One :class:`ParamInfo` per hyperparameter, in declaration order."""
        return [ParamInfo.of(name, f) for name, f in cls.model_fields.items()]


@dataclass(frozen=True)
class ParamInfo:
    """What ``lab algorithms`` shows of one hyperparameter."""

    name: str
    type: str
    default: str
    range: str
    description: str

    @staticmethod
    def of(name: str, field: FieldInfo) -> ParamInfo:
        default = "(required)" if field.is_required() else repr(field.get_default())
        return ParamInfo(
            name=name,
            type=_type_name(field.annotation),
            default=default,
            range=_range_text(field),
            description=field.description or "",
        )


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _type_name(get_args(annotation)[0])
    if origin is Literal:
        return "choice"
    if origin is Union or str(origin) == "<class 'types.UnionType'>":
        names = [_type_name(a) for a in get_args(annotation) if a is not type(None)]
        optional = type(None) in get_args(annotation)
        return " | ".join(names) + (" | None" if optional else "")
    if origin in (tuple, list):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        return f"list of {_type_name(args[0])}" if args else "list"
    mapping = {int: "int", float: "float", bool: "bool", str: "str"}
    return mapping.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _literal_choices(annotation: Any) -> tuple[Any, ...]:
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)
    if origin is Annotated or origin is Union or str(origin) == "<class 'types.UnionType'>":
        return tuple(c for a in get_args(annotation) for c in _literal_choices(a))
    return ()


def _bounds(field: FieldInfo) -> list[Any]:
    found = list(field.metadata)
    annotation = field.annotation
    while get_origin(annotation) is Annotated:
        args = get_args(annotation)
        found.extend(args[1:])
        annotation = args[0]
    for arg in get_args(annotation):  # Optional[Annotated[...]]
        if get_origin(arg) is Annotated:
            found.extend(get_args(arg)[1:])
    out = []
    for item in found:
        if isinstance(item, FieldInfo):
            out.extend(item.metadata)
        else:
            out.append(item)
    return out


def _range_text(field: FieldInfo) -> str:
    choices = _literal_choices(field.annotation)
    if choices:
        return "one of " + ", ".join(str(c) for c in choices)
    lo = hi = None
    lo_open = hi_open = False
    for item in _bounds(field):
        if isinstance(item, annotated_types.Ge):
            lo = item.ge
        elif isinstance(item, annotated_types.Gt):
            lo, lo_open = item.gt, True
        elif isinstance(item, annotated_types.Le):
            hi = item.le
        elif isinstance(item, annotated_types.Lt):
            hi, hi_open = item.lt, True
    if lo is not None and hi is not None:
        return f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {lo:g}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {hi:g}"
    return ""
