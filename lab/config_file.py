"""The one loader of YAML files the lab reads from users: sweeps, problem specs, figure recipes,
user table specs.

Reading a config is three steps, and each has one implementation here:

1. :func:`read_yaml` reads the file's bytes and refuses what is not a small UTF-8 text file
   (binary files, other encodings, files over :attr:`YamlBounds.max_bytes`);
2. it parses the text with PyYAML's *safe* loader (no Python tags) under
   :class:`YamlBounds`: at most so many aliases, so deep a nesting and so many nodes after alias
   expansion, so that a few hundred bytes of "billion laughs" YAML fail at once with an error
   naming the file and the bound instead of hanging whatever walks the data later;
3. :func:`validate` checks the data against a pydantic model and turns a ``ValidationError``
   into one :class:`~lab.errors.ConfigError` whose lines name the file, each field's path
   (``algorithms[2] (nsga2).params.pop_size``), what is wrong, the value given and the fix.

:func:`load_yaml_model` does all three::

    from lab.config_file import load_yaml_model

    class MySpec(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="forbid")  # unknown keys are errors
        name: str
        size: int = pydantic.Field(ge=1)

    spec = load_yaml_model("my_spec.yaml", MySpec, what="my spec")

Loaders that need the file's text too (to store it or hash it) call :func:`read_yaml` and then
:func:`validate`. Validators inside a model raise ``ValueError`` (or a
:class:`~lab.errors.ConfigError`, which is one) with a message that says what to write instead.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from lab.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class YamlBounds:
    """Limits on a YAML file, checked before anything walks its data.

    Attributes:
        max_bytes: file size in bytes.
        max_aliases: ``*alias`` references in the file.
        max_depth: nesting depth of mappings and sequences.
        max_nodes: nodes of the document once every alias is expanded (what a consumer that
            walks the data, such as pydantic or ``json.dumps``, would visit).
    """

    max_bytes: int = 4 * 1024 * 1024
    max_aliases: int = 256
    max_depth: int = 64
    max_nodes: int = 1_000_000


#: The bounds every config of the lab is read under.
DEFAULT_BOUNDS = YamlBounds()


class _BoundExceeded(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that counts aliases and nesting while it composes the node graph."""

    def __init__(self, stream: str, bounds: YamlBounds) -> None:
        super().__init__(stream)
        self._bounds = bounds
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self._bounds.max_aliases:
                raise _BoundExceeded(
                    f"more than {self._bounds.max_aliases} aliases (max_aliases); a config "
                    "needs few, write the values out"
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > self._bounds.max_depth:
                raise _BoundExceeded(
                    f"nested deeper than {self._bounds.max_depth} levels (max_depth)"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes of the tree under ``root`` with every alias expanded, computed without expanding
    (shared nodes are counted once per reference through a memo); raises past ``limit`` or on a
    recursive alias."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in active:
            raise _BoundExceeded("a recursive alias (a node contains itself)")
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > limit:
                    break
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > limit:
                    break
        active.discard(key)
        if total > limit:
            raise _BoundExceeded(
                f"more than {limit} values once aliases are expanded (max_nodes); an alias "
                "bomb or a data file, not a config"
            )
        memo[key] = total
        return total

    return size(root)


def _decode(data: bytes, source: str, what: str) -> str:
    fix = f"save the {what} as a UTF-8 text file"
    if b"\x00" in data:
        raise ConfigError(f"{source}: the {what} is a binary file, not YAML text; {fix}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{source}: the {what} is not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x}); "
            f"{fix}"
        ) from None


def parse_yaml(
    text: str,
    *,
    source: str = "<string>",
    what: str = "config",
    bounds: YamlBounds = DEFAULT_BOUNDS,
) -> Any:
    """Parse YAML ``text`` with the safe loader under ``bounds``; errors name ``source``."""
    if len(text.encode("utf-8")) > bounds.max_bytes:
        raise ConfigError(
            f"{source}: the {what} is larger than {bounds.max_bytes} bytes (max_bytes); a config "
            "is a short text file"
        )
    try:
        # The reader checks the characters already here (e.g. a form feed is refused).
        loader = _BoundedLoader(text, bounds)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML in the {what} ({exc})") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, bounds.max_nodes)
        return loader.construct_document(node)
    except _BoundExceeded as exc:
        raise ConfigError(f"{source}: the {what} is refused: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML in the {what} ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{source}: the {what} is nested too deeply to read") from None
    finally:
        loader.dispose()


def not_regular(mode: int) -> str | None:
    """What a file of ``st_mode`` ``mode`` is if it is not a regular file (``"a folder"``,
    ``"a named pipe"``, ...), for messages; ``None`` for a regular file. Only regular files
    are read: reading a named pipe or a device may never end."""
    if stat.S_ISREG(mode):
        return None
    for test, name in (
        (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):  # fmt: skip
        if test(mode):
            return name
    return "not a regular file"


def read_yaml(
    path: Path | str, *, what: str, bounds: YamlBounds = DEFAULT_BOUNDS
) -> tuple[str, Any]:
    """The text of the YAML file at ``path`` and its parsed content.

    Args:
        path: the file.
        what: what the file is, for messages (e.g. ``"sweep config"``).
        bounds: limits on size, aliases, nesting and expanded nodes.

    Raises:
        ConfigError: the file is missing or unreadable, binary, not UTF-8, over a bound, or not
            valid YAML; the message names the file.
    """
    path = Path(path)
    try:
        # Non-blocking, so that opening a named pipe does not wait for a writer forever; the
        # descriptor is checked to be a regular file before anything is read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{path}: cannot read the {what} ({exc.strerror}); check the path"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        kind = not_regular(os.fstat(fd).st_mode)
        if kind == "a folder":
            raise ConfigError(f"{path}: is a folder; give the path of the {what} file")
        if kind is not None:
            raise ConfigError(
                f"{path}: the {what} is {kind}, not a regular file; give the path of a YAML file"
            )
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(bounds.max_bytes + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > bounds.max_bytes:
        raise ConfigError(
            f"{path}: the {what} is larger than {bounds.max_bytes} bytes (max_bytes); a config "
            "is a short text file"
        )
    text = _decode(data, str(path), what)
    return text, parse_yaml(text, source=str(path), what=what, bounds=bounds)


# --- validation errors --------------------------------------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    """The candidate types an annotation allows (Optional/Union/Annotated unwrapped)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin is Union or origin is UnionType:
        return [t for arg in get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _child_types(types: list[Any], part: Any) -> list[Any]:
    """Types found one step further along a validation location ``part``."""
    out: list[Any] = []
    for tp in types:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if isinstance(part, str) and part in tp.model_fields:
                out.extend(_unwrap(tp.model_fields[part].annotation))
            elif isinstance(part, str):
                # A tagged union member: pydantic puts the tag in the location.
                for field in tp.model_fields.values():
                    if get_origin(field.annotation) is Literal and part in get_args(
                        field.annotation
                    ):
                        out.append(tp)
            continue
        origin = get_origin(tp)
        args = get_args(tp)
        if origin in (list, tuple, set, frozenset) and args and isinstance(part, int):
            out.extend(_unwrap(args[0]))
        elif origin in (dict, Mapping) and len(args) == 2:
            out.extend(_unwrap(args[1]))
    return out


def valid_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at location ``loc`` inside ``model`` (empty if the
    location is not a model)."""
    types: list[Any] = [model]
    for part in loc:
        types = _child_types(types, part)
    for tp in types:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [name for name, f in tp.model_fields.items() if not f.exclude]
    return []


def field_path(loc: tuple[Any, ...], raw: Any = None) -> str:
    """A pydantic location as a reader writes it: ``algorithms[2] (nsga2).params.pop_size``.

    ``raw`` is the data that was validated; list items that are mappings with a ``name`` (or
    plain strings) show it, so the reader finds the entry without counting.
    """
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            if isinstance(node, list | tuple) and 0 <= part < len(node):
                node = node[part]
                label = node if isinstance(node, str) else None
                if isinstance(node, dict) and isinstance(node.get("name"), str):
                    label = node["name"]
                if label is not None:
                    out += f" ({label})"
            else:
                node = None
        elif isinstance(node, dict) and part not in node and part == node.get("kind"):
            out += f" ({part})"  # pydantic puts a tagged union's tag in the location
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


_FIXES: dict[str, str] = {
    "missing": "add this field",
    "int_parsing": "give a whole number",
    "int_type": "give a whole number",
    "int_from_float": "give a whole number",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "bool_parsing": "give true or false",
    "bool_type": "give true or false",
    "string_type": "give a text value (quote it)",
    "list_type": "give a list, e.g. [a, b]",
    "tuple_type": "give a list, e.g. [a, b]",
    "dict_type": "give a mapping of fields",
    "model_type": "give a mapping of fields",
    "model_attributes_type": "give a mapping of fields",
}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def error_lines(
    exc: ValidationError,
    *,
    model: type[BaseModel] | None = None,
    raw: Any = None,
    locate: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None,
) -> list[str]:
    """One line per error of ``exc``: ``field <path>: <what is wrong> (got <value>); <fix>``.

    Args:
        exc: the validation error of ``model``.
        model: the model validated (to list the valid fields of an unknown one).
        raw: the whole document the path is shown in (see :func:`field_path`).
        locate: maps an error's location inside ``model`` to its location in ``raw`` (when
            ``model`` validated a part of the document).
    """
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        shown = locate(loc) if locate is not None else loc
        msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if kind == "extra_forbidden":
            names = valid_fields(model, loc[:-1]) if model is not None else []
            msg = "unknown field; remove it or fix its spelling"
            if names:
                msg += f" (valid fields: {', '.join(names)})"
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            msg = msg.rstrip(".")
        else:
            if kind not in ("missing", "value_error", "assertion_error") and not isinstance(
                err.get("input"), dict
            ):
                msg += f" (got {_show(err.get('input'))})"
            if kind in _FIXES:
                msg += f"; {_FIXES[kind]}"
        lines.append(f"  field {field_path(shown, raw)}: {msg}")
    return lines


def format_validation_error(
    exc: ValidationError,
    *,
    source: str,
    what: str,
    model: type[BaseModel] | None = None,
    raw: Any = None,
) -> str:
    """The message of a failed validation: ``<source>: invalid <what>`` and one line per field."""
    return f"{source}: invalid {what}\n" + "\n".join(error_lines(exc, model=model, raw=raw))


def validate(
    model: type[M],
    raw: Any,
    *,
    source: str,
    what: str,
    context: dict[str, Any] | None = None,
) -> M:
    """Validate parsed YAML ``raw`` as ``model``.

    Args:
        model: the pydantic model (``extra="forbid"`` makes unknown keys errors).
        raw: the parsed data (must be a mapping).
        source: the file (or other source) named in errors.
        what: what the data is, for messages (e.g. ``"problem spec"``).
        context: passed to pydantic validators as ``info.context``.

    Raises:
        ConfigError: ``raw`` is not a mapping or fails validation; one line per field.
    """
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{source}: a {what} must be a YAML mapping of fields (got {type(raw).__name__})"
        )
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        raise ConfigError(
            format_validation_error(exc, source=source, what=what, model=model, raw=raw)
        ) from None


def load_yaml_model(
    path: Path | str,
    model: type[M],
    *,
    what: str,
    bounds: YamlBounds = DEFAULT_BOUNDS,
    context: dict[str, Any] | None = None,
) -> M:
    """Read the YAML file at ``path`` (bounded, safe) and validate it as ``model``.

    Raises:
        ConfigError: naming the file, and for validation errors each field and its fix.
    """
    _, raw = read_yaml(path, what=what, bounds=bounds)
    return validate(model, raw, source=str(path), what=what, context=context)
