"""The camelCase wire form (YAML/JSON) to and from frozen dataclasses.

Each API dataclass names its fields in snake_case; the wire name is the
camelCase spelling unless a field's metadata gives ``wire=``. Fields the
simulator does not model but Kubernetes accepts (``resources``, ``volumes``,
...) are listed in the class's ``OPAQUE`` set and kept verbatim in its
``extra`` mapping, so real manifests load and round-trip; any other unknown
field is an error, as with ``kubectl apply`` under strict field validation.
Type mismatches are reported like the API server's JSON decoder does.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from rollsim.api.errors import FieldError
from rollsim.api.limits import INT32_RANGE, INT64_RANGE, go_float
from rollsim.api.timefmt import MAX_SECONDS, MIN_SECONDS, format_time, parse_time

T = TypeVar("T")

__all__ = ["decode", "encode", "wire_name"]

_JSON_TYPE = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "bool",
    int: "number",
    float: "number",
    type(None): "null",
}


def wire_name(field: dataclasses.Field[Any]) -> str:
    """The JSON key of a dataclass field."""
    explicit = field.metadata.get("wire")
    if explicit:
        return str(explicit)
    head, *rest = field.name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_FIELDS: dict[type, tuple[tuple[dataclasses.Field[Any], str, Any], ...]] = {}


def _fields(cls: type) -> tuple[tuple[dataclasses.Field[Any], str, Any], ...]:
    cached = _FIELDS.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    fields = tuple((f, wire_name(f), hints[f.name]) for f in dataclasses.fields(cls))
    _FIELDS[cls] = fields
    return fields


def _go_type(field: dataclasses.Field[Any], hint: Any) -> str:
    explicit = field.metadata.get("go")
    if explicit:
        return str(explicit)
    base = _strip_optional(hint)
    if base is int:
        return "int32"
    if base is bool:
        return "bool"
    if base is str:
        return "string"
    if base is float:
        return "float64"
    origin = typing.get_origin(base)
    if origin is tuple:
        return "[]" + _go_type(field, typing.get_args(base)[0]).lstrip("*")
    if origin in (Mapping, dict):
        return "map[string]string"
    if isinstance(base, type):
        return base.__name__
    return "intstr.IntOrString"


def _strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


class _Decoder:
    def __init__(self) -> None:
        self.type_errors: list[str] = []
        self.unknown: list[str] = []

    def type_error(self, value: Any, struct: str, path: str, go_type: str, shown: str = "") -> None:
        """``UnmarshalTypeError.Error()``: the JSON type, or ``number <literal>`` for a
        number the Go type cannot hold (``shown``)."""
        json_type = shown or _JSON_TYPE.get(type(value), "value")
        # encoding/json names the field path without list indexes.
        go_path = re.sub(r"\[\d+\]", "", path)
        self.type_errors.append(
            f"json: cannot unmarshal {json_type} into Go struct field "
            f"{struct}.{go_path} of type {go_type}"
        )

    def dataclass(self, cls: type[Any], value: Any, path: str, struct: str, go: str) -> Any:
        if not isinstance(value, Mapping):
            self.type_error(value, struct, path, go)
            return None
        opaque: frozenset[str] = getattr(cls, "OPAQUE", frozenset())
        known = {wire: (f, hint) for f, wire, hint in _fields(cls)}
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if key in known and not known[key][0].metadata.get("extra"):
                f, hint = known[key]
                if item is None:
                    continue
                if f.metadata.get("time"):
                    decoded = self.time(item, child, cls.__name__)
                else:
                    decoded = self.value(hint, item, child, cls.__name__, _go_type(f, hint))
                if decoded is not _INVALID:
                    kwargs[f.name] = decoded
            elif key in opaque:
                extra[key] = copy.deepcopy(item)
            else:
                self.unknown.append(child)
        if extra:
            kwargs["extra"] = extra
        return cls(**kwargs)

    def integer(self, item: int | float, path: str, struct: str, go: str) -> Any:
        """A JSON number into a Go integer: whole and in the type's range, as
        ``encoding/json``'s ``literalStore`` takes it (``strconv.ParseInt`` of the
        literal, then ``OverflowInt``); else ``cannot unmarshal number 1e+30``."""
        low, high = INT32_RANGE if go.endswith("int32") else INT64_RANGE
        whole = isinstance(item, int) or (math.isfinite(item) and item.is_integer())
        if whole and low <= item <= high:
            return int(item)
        literal = str(item) if isinstance(item, int) else go_float(item)
        self.type_error(item, struct, path, go, f"number {literal}")
        return _INVALID

    def time(self, item: Any, path: str, struct: str) -> Any:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            if math.isfinite(item) and MIN_SECONDS <= item <= MAX_SECONDS:
                return float(item)
            self.type_error(item, struct, path, "v1.Time")
            return _INVALID
        if isinstance(item, str):
            try:
                return parse_time(item)
            except ValueError:
                pass
        self.type_error(item, struct, path, "v1.Time")
        return _INVALID

    def value(self, hint: Any, item: Any, path: str, struct: str, go: str) -> Any:
        hint = _strip_optional(hint)
        if hint is Any:
            return copy.deepcopy(item)
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            result = self.dataclass(hint, item, path, struct, go)
            return _INVALID if result is None else result
        origin = typing.get_origin(hint)
        if origin is tuple:
            if not isinstance(item, list):
                self.type_error(item, struct, path, go)
                return _INVALID
            element = typing.get_args(hint)[0]
            decoded = [
                self.value(element, x, f"{path}[{i}]", struct, go.removeprefix("[]"))
                for i, x in enumerate(item)
            ]
            return tuple(x for x in decoded if x is not _INVALID)
        if origin in (Mapping, dict):
            if not isinstance(item, Mapping):
                self.type_error(item, struct, path, go)
                return _INVALID
            value_hint = typing.get_args(hint)[1]
            if value_hint is str:
                bad = [v for v in item.values() if not isinstance(v, str)]
                if bad:
                    self.type_error(bad[0], struct, path, go)
                    return _INVALID
                return {str(k): v for k, v in item.items()}
            return copy.deepcopy(dict(item))
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            # IntOrString: a string, or a number its int32 holds (intstr's UnmarshalJSON).
            if isinstance(item, str):
                return item
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                self.type_error(item, struct, path, go)
                return _INVALID
            return self.integer(item, path, struct, "int32")
        if hint is bool:
            if not isinstance(item, bool):
                self.type_error(item, struct, path, go)
                return _INVALID
            return item
        if hint is int:
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                self.type_error(item, struct, path, go)
                return _INVALID
            return self.integer(item, path, struct, go)
        if hint is float:
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                self.type_error(item, struct, path, go)
                return _INVALID
            return float(item)
        if hint is str:
            if not isinstance(item, str):
                self.type_error(item, struct, path, go)
                return _INVALID
            return item
        raise TypeError(f"unsupported wire type {hint!r}")


_INVALID = object()


def decode(cls: type[T], value: Any, kind: str, version: str) -> tuple[T | None, list[FieldError]]:
    """Decode a wire mapping into ``cls``; returns the object and the decode error, if any.

    As the API server: the first type mismatch, else every unknown field in
    one strict-decoding error, prefixed ``<Kind> in version "<v>" cannot be
    handled as a <Kind>``. A body with a decode error is not validated.
    """
    decoder = _Decoder()
    obj = decoder.dataclass(cls, value, "", cls.__name__, cls.__name__)
    if decoder.type_errors:
        problem = decoder.type_errors[0]
    elif decoder.unknown:
        problem = "strict decoding error: " + ", ".join(
            f'unknown field "{path}"' for path in decoder.unknown
        )
    else:
        return obj, []
    return obj, [
        FieldError(
            "Decode",
            "server",
            f'{kind} in version "{version}" cannot be handled as a {kind}: {problem}',
        )
    ]


def encode(obj: Any) -> Any:
    """The camelCase wire form of an API object, omitting unset and empty fields."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f, wire, _hint in _fields(type(obj)):
            value = getattr(obj, f.name)
            if f.metadata.get("extra"):
                out.update(copy.deepcopy(dict(value)))
                continue
            if value is None or value == () or (value == {} and not f.metadata.get("keep_empty")):
                continue
            if f.metadata.get("time"):
                out[wire] = format_time(value)
                continue
            if value is False or (value == 0 and f.metadata.get("omitempty")):
                continue
            if value == "" and not f.metadata.get("keep_empty"):
                continue
            out[wire] = encode(value)
        return out
    if isinstance(obj, tuple):
        return [encode(x) for x in obj]
    if isinstance(obj, Mapping):
        return {k: encode(v) for k, v in obj.items()}
    return obj
