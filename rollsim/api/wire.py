"""The camelCase wire form (YAML/JSON) to and from frozen dataclasses.

Each API dataclass names its fields in snake_case; the wire name is the
camelCase spelling unless a field's metadata gives ``wire=``. Fields the
simulator does not model but Kubernetes accepts (``resources``, ``volumes``,
...) are listed in the class's ``OPAQUE`` set and kept verbatim in its
``extra`` mapping, so real manifests load and round-trip; any other unknown
field is an error, as with ``kubectl apply`` under strict field validation.
Where ``OPAQUE`` maps a field to its Go type (``rollsim.api.schema``), the
value is checked against that type as it is kept, with the same words, so
validation and ``describe`` only ever meet the JSON shape the type allows.
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

from rollsim.api.container_validation import parse_quantity
from rollsim.api.errors import FieldError
from rollsim.api.hints import renamed_field_hints
from rollsim.api.limits import INT32_RANGE, INT64_RANGE, go_float
from rollsim.api.schema import ListOf, MapOf, Modelled, Node, Scalar, Struct
from rollsim.api.timefmt import format_time, parse_time

T = TypeVar("T")

__all__ = ["decode", "encode", "wire_name"]

#: ``resource.ErrFormatWrong``, which ``Quantity.UnmarshalJSON`` returns for any JSON
#: it cannot parse, an array or an object included.
QUANTITY_FORMAT_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)

#: The Go package name of the dataclasses of each module, as ``reflect.Type.String``
#: prefixes a struct's name (``v1.EnvVar``).
_GO_PACKAGE = {
    "rollsim.api.core": "v1.",
    "rollsim.api.apps": "v1.",
    "rollsim.api.meta": "v1.",
}

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
        return _GO_PACKAGE.get(base.__module__, "") + base.__name__
    # An IntOrString: its UnmarshalJSON decodes a non-string into its int32.
    return "int32"


def _strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


#: The Python hint the typed decoder reads each opaque scalar kind as.
_SCALAR_HINTS: dict[str, Any] = {
    "string": str,
    "bool": bool,
    "integer": int,
    "int_or_string": int | str,
}


class _Decoder:
    """One decoding pass, as ``encoding/json`` makes it: type mismatches are saved and
    decoding goes on; an error a type's ``UnmarshalJSON`` returns (``IntOrString``,
    ``Quantity``, ``Time``) ends it, so it wins over the saved ones; unknown fields are
    what strict decoding reports when nothing else went wrong."""

    def __init__(self) -> None:
        self.type_errors: list[str] = []
        self.returned: list[str] = []
        self.unknown: list[str] = []

    def type_error(
        self,
        value: Any,
        struct: str,
        path: str,
        go_type: str,
        shown: str = "",
        returned: bool = False,
    ) -> None:
        """``UnmarshalTypeError.Error()``: the JSON type, or ``number <literal>`` for a
        number the Go type cannot hold (``shown``)."""
        json_type = shown or _JSON_TYPE.get(type(value), "value")
        # encoding/json names the field path without list indexes.
        go_path = re.sub(r"\[\d+\]", "", path)
        (self.returned if returned else self.type_errors).append(
            f"json: cannot unmarshal {json_type} into Go struct field "
            f"{struct}.{go_path} of type {go_type}"
        )

    def dataclass(self, cls: type[Any], value: Any, path: str, struct: str, go: str) -> Any:
        if not isinstance(value, Mapping):
            self.type_error(value, struct, path, go)
            return None
        opaque: Mapping[str, Node] | frozenset[str] = getattr(cls, "OPAQUE", frozenset())
        known = {wire: (f, hint) for f, wire, hint in _fields(cls)}
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if key in known and not known[key][0].metadata.get("extra"):
                f, hint = known[key]
                if item is None:
                    continue
                schema = f.metadata.get("schema")
                if schema is not None:
                    self.check(schema, item, child, cls.__name__)
                if f.metadata.get("time"):
                    decoded = self.time(item, child, cls.__name__)
                else:
                    decoded = self.value(hint, item, child, cls.__name__, _go_type(f, hint))
                if decoded is not _INVALID:
                    kwargs[f.name] = decoded
            elif key in opaque:
                if isinstance(opaque, Mapping):
                    self.check(opaque[key], item, child, cls.__name__)
                extra[key] = copy.deepcopy(item)
            else:
                self.unknown.append(child)
        if extra:
            kwargs["extra"] = extra
        return cls(**kwargs)

    def check(self, node: Node, item: Any, path: str, struct: str) -> None:
        """An opaque value against its Go type, as ``encoding/json`` would decode it into
        that type; the value itself is kept as it came."""
        if item is None:
            # A JSON null leaves a Go value of any type at its zero.
            return
        if isinstance(node, Scalar):
            if node.kind == "quantity":
                self.quantity(item)
                return
            self.value(_SCALAR_HINTS[node.kind], item, path, struct, node.go)
        elif isinstance(node, Modelled):
            self.value(node.hint, item, path, struct, node.go)
        elif isinstance(node, ListOf):
            if not isinstance(item, list):
                self.type_error(item, struct, path, node.go)
                return
            for index, element in enumerate(item):
                self.check(node.element, element, f"{path}[{index}]", struct)
        elif not isinstance(item, Mapping):
            self.type_error(item, struct, path, node.go)
        elif isinstance(node, MapOf):
            # encoding/json's error context does not name map keys.
            for element in item.values():
                self.check(node.value, element, path, struct)
        else:
            self.members(node, item, path)

    def quantity(self, item: Any) -> None:
        """``Quantity.UnmarshalJSON``: a string or number that ``ParseQuantity`` reads;
        its error (``ErrFormatWrong``, ``ErrSuffix``) ends decoding."""
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            self.returned.append(QUANTITY_FORMAT_ERROR)
            return
        try:
            parse_quantity(item.strip() if isinstance(item, str) else str(item))
        except ValueError as err:
            self.returned.append(str(err))

    def members(self, node: Struct, item: Mapping[str, Any], path: str) -> None:
        """A struct's fields, each against its type; a field the struct does not have is
        unknown, as for a modelled struct. A shallow struct keeps whatever it holds."""
        if node.fields is None:
            return
        for key, element in item.items():
            child = f"{path}.{key}"
            field_type = node.fields.get(key)
            if field_type is None:
                self.unknown.append(child)
            else:
                self.check(field_type, element, child, node.name)

    def integer(
        self, item: int | float, path: str, struct: str, go: str, returned: bool = False
    ) -> Any:
        """A JSON number into a Go integer: whole and in the type's range, as
        ``encoding/json``'s ``literalStore`` takes it (``strconv.ParseInt`` of the
        literal, then ``OverflowInt``); else ``cannot unmarshal number 1e+30``."""
        low, high = INT32_RANGE if go.endswith("int32") else INT64_RANGE
        whole = isinstance(item, int) or (math.isfinite(item) and item.is_integer())
        if whole and low <= item <= high:
            return int(item)
        literal = str(item) if isinstance(item, int) else go_float(item)
        self.type_error(item, struct, path, go, f"number {literal}", returned)
        return _INVALID

    def time(self, item: Any, path: str, struct: str) -> Any:
        """``metav1.Time.UnmarshalJSON``: an RFC 3339 string; anything else fails its
        inner ``json.Unmarshal`` into a string, an error that ends decoding and that
        the outer decoder places at the field (``addErrorContext``): ``of type string``."""
        if not isinstance(item, str):
            self.type_error(item, struct, path, "string", returned=True)
            return _INVALID
        if isinstance(item, str):
            try:
                return parse_time(item)
            except ValueError:
                pass
        self.type_error(item, struct, path, "v1.Time", returned=True)
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
            return self.mapping(hint, item, path, struct, go)
        if origin in (typing.Union, types.UnionType):
            # IntOrString: a string, or a number its int32 holds (intstr's UnmarshalJSON,
            # whose error ends decoding).
            if isinstance(item, str):
                return item
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                self.type_error(item, struct, path, "int32", returned=True)
                return _INVALID
            return self.integer(item, path, struct, "int32", returned=True)
        return self.scalar(hint, item, path, struct, go)

    def mapping(self, hint: Any, item: Any, path: str, struct: str, go: str) -> Any:
        """A Go map with string keys; a ``map[string]string``'s values must be strings,
        reported against the element type as ``encoding/json`` does."""
        if not isinstance(item, Mapping):
            self.type_error(item, struct, path, go)
            return _INVALID
        value_hint = typing.get_args(hint)[1]
        if value_hint is str:
            bad = [v for v in item.values() if v is not None and not isinstance(v, str)]
            if bad:
                self.type_error(bad[0], struct, path, "string")
                return _INVALID
            # A JSON null leaves a map's new string element at its zero value, "".
            return {str(k): "" if v is None else v for k, v in item.items()}
        return copy.deepcopy(dict(item))

    def scalar(self, hint: Any, item: Any, path: str, struct: str, go: str) -> Any:
        """A Go bool, integer, float64 or string; a JSON bool is never a number."""
        if hint is bool:
            if not isinstance(item, bool):
                self.type_error(item, struct, path, go)
                return _INVALID
            return item
        if hint in (int, float):
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                self.type_error(item, struct, path, go)
                return _INVALID
            return self.integer(item, path, struct, go) if hint is int else float(item)
        if hint is str:
            if not isinstance(item, str):
                self.type_error(item, struct, path, go)
                return _INVALID
            return item
        raise TypeError(f"unsupported wire type {hint!r}")


_INVALID = object()


def decode(cls: type[T], value: Any, kind: str, version: str) -> tuple[T | None, list[FieldError]]:
    """Decode a wire mapping into ``cls``; returns the object and the decode error, if any.

    As the API server: the error a type's ``UnmarshalJSON`` returned (it ends
    decoding), else the first type mismatch, else every unknown field in
    one strict-decoding error, prefixed ``<Kind> in version "<v>" cannot be
    handled as a <Kind>``, followed by a hint for a field upstream renamed. A body
    with a decode error is not validated.
    """
    decoder = _Decoder()
    obj = decoder.dataclass(cls, value, "", cls.__name__, cls.__name__)
    if decoder.returned:
        problem = decoder.returned[0]
    elif decoder.type_errors:
        problem = decoder.type_errors[0]
    elif decoder.unknown:
        problem = "strict decoding error: " + ", ".join(
            f'unknown field "{path}"' for path in decoder.unknown
        )
        # After upstream's words, what a renamed field is called now (api/hints.py).
        problem += renamed_field_hints(kind, decoder.unknown)
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
