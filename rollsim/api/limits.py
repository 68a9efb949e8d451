"""The limits a manifest meets before it is decoded, in one place, with upstream's numbers.

* ``MAX_REQUEST_BODY_BYTES``: the API server refuses a request body over 3 MiB
  (``MaxRequestBodyBytes`` in k8s.io/apiserver/pkg/server/config.go, answered with
  ``Request entity too large: limit is 3145728``). rollsim applies a file in one
  step, all documents or none, so the whole text is one request body.
* ``MAX_OBJECT_BYTES``: etcd refuses an object over 1.5 MiB (``--max-request-bytes``,
  ``etcdserver: request is too large``); one document is one object.
* ``MAX_DEPTH``: apimachinery's JSON decoder and go-yaml stop at 10000 levels of
  nesting (``exceeded max depth of 10000``). rollsim's own code recurses over
  the opaque fields it keeps (``copy.deepcopy``, the YAML printer: three or four
  Python frames a level) under Python's recursion limit of 1000, so it stops at
  100, which no real manifest comes near (a PodSpec's affinity is about 12 deep).
* ``MAX_DOCUMENTS``: rollsim's own limit, as upstream has none: kubectl sends a
  file's objects one request each, while rollsim decodes, validates and plans
  them all before it writes any, so a file of thousands of objects would run
  for seconds before the first is refused or applied.
* Alias expansion: go-yaml's ``allowedAliasRatio`` (decode.go), mirrored by
  ``alias_ratio_exceeded``.

``jsonable`` checks a manifest given as Python data (a dict) the way
``json.Marshal`` would see it, without recursing, and returns a plain copy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from rollsim.api.errors import FieldError, GoText

__all__ = [
    "INT32_RANGE",
    "INT64_RANGE",
    "MAX_DEPTH",
    "MAX_DOCUMENTS",
    "MAX_OBJECT_BYTES",
    "MAX_REQUEST_BODY_BYTES",
    "YAML_INT_RANGE",
    "alias_ratio_exceeded",
    "go_float",
    "jsonable",
    "too_large",
]

MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024
MAX_OBJECT_BYTES = 3 * 512 * 1024
MAX_DEPTH = 100
MAX_DOCUMENTS = 1000

INT32_RANGE = (-(2**31), 2**31 - 1)
INT64_RANGE = (-(2**63), 2**63 - 1)
#: go-yaml resolves a plain integer to int64 or else uint64; beyond, to a float.
YAML_INT_RANGE = (-(2**63), 2**64 - 1)

_ALIAS_RATIO_LOW = 400_000
_ALIAS_RATIO_HIGH = 4_000_000


def too_large(size: int) -> FieldError | None:
    """The API server's refusal of a request body of ``size`` bytes, if it is over."""
    if size <= MAX_REQUEST_BODY_BYTES:
        return None
    return FieldError("Decode", "", f"Request entity too large: limit is {MAX_REQUEST_BODY_BYTES}")


def alias_ratio_exceeded(decoded: int, from_aliases: int) -> bool:
    """go-yaml's test (``decoder.unmarshal`` with ``allowedAliasRatio``): past 1000
    nodes and 100 of them from aliases, at most 99% may come from aliases up to
    400,000 nodes, scaling down to 10% at 4,000,000."""
    if from_aliases <= 100 or decoded <= 1000:
        return False
    if decoded <= _ALIAS_RATIO_LOW:
        allowed = 0.99
    elif decoded >= _ALIAS_RATIO_HIGH:
        allowed = 0.10
    else:
        span = _ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW
        allowed = 0.99 - 0.89 * (decoded - _ALIAS_RATIO_LOW) / span
    return from_aliases / decoded > allowed


def go_float(value: float) -> str:
    """A float64 as Go's ``encoding/json`` writes it (``1e+30``, ``2.5``, ``100``):
    the shortest digits that read back, positional between 1e-6 and 1e21, else in
    exponent form with no leading zero in the exponent."""
    shortest = repr(value)
    if value == 0 or 1e-6 <= abs(value) < 1e21:
        return format(Decimal(shortest), "f").removesuffix(".0")
    mantissa, exponent = shortest.split("e")
    return f"{mantissa.removesuffix('.0')}e{exponent[0]}{exponent[1:].lstrip('0')}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(text: str) -> str:
    """Go's ``json.Marshal`` writes text that is not UTF-8 with U+FFFD in its place;
    a lone surrogate is such text."""
    return _SURROGATE.sub("\ufffd", text)


def _scalar(value: Any, path: str) -> tuple[Any, FieldError | None]:
    """One leaf as JSON holds it, or why it cannot be held."""
    if value is None or isinstance(value, bool):
        return value, None
    if isinstance(value, str):
        return value if value.isascii() else _replace_surrogates(value), None
    if isinstance(value, int):
        low, high = YAML_INT_RANGE
        if low <= value <= high:
            return value, None
        if value.bit_length() <= 1023:
            # A number beyond int64 and uint64 is a float64 to Go's decoders.
            return float(value), None
        return None, _unsupported(path, GoText("number"), "number out of range")
    if isinstance(value, float):
        if math.isfinite(value):
            return value, None
        name = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
        return None, _unsupported(path, GoText(name), f"json: unsupported value: {name}")
    name = type(value).__name__
    return None, _unsupported(path, GoText(name), f"json: unsupported type: {name}")


def _unsupported(path: str, shown: GoText, detail: str) -> FieldError:
    return FieldError("Invalid value", path or "<root>", detail, shown)


def json_size_at_least(document: Any) -> int:
    """A lower bound on the bytes ``json.Marshal`` would write for ``document``.

    Each container is measured once however often it is shared (post-order, with
    an explicit stack), so a YAML-style alias bomb given as Python data costs its
    distinct nodes, not its expansion. A container inside itself counts nothing
    more: ``jsonable`` reports the cycle.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)] if _is_container(document) else []
    while stack:
        value, expanded = stack.pop()
        ident = id(value)
        if not expanded:
            if ident in sizes or ident in on_path:
                continue
            on_path.add(ident)
            stack.append((value, True))
            stack.extend((child, False) for child in _children(value) if _is_container(child))
            continue
        on_path.discard(ident)
        # Brackets, a comma between items, and a quoted key and colon per entry.
        total = 2 + max(len(value) - 1, 0)
        if isinstance(value, Mapping):
            total += sum(len(str(key)) + 3 for key in value)
        for child in _children(value):
            total += sizes.get(id(child), 0) if _is_container(child) else _leaf_size(child)
        sizes[ident] = total
    return sizes.get(id(document), 0) if _is_container(document) else _leaf_size(document)


def _is_container(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def _children(value: Any) -> Iterable[Any]:
    return value.values() if isinstance(value, Mapping) else value


def _leaf_size(value: Any) -> int:
    # A string in quotes; anything else at least one character.
    return len(value) + 2 if isinstance(value, str) else 1


def jsonable(document: Any) -> tuple[Any, list[FieldError]]:
    """A plain JSON-shaped copy of ``document`` (dicts with string keys, lists,
    strings, finite numbers, booleans, null), or the field errors that stop it.

    Walks with an explicit stack, so neither depth nor a cycle can overflow it;
    a container seen again on its own path is a cycle, as ``json.Marshal``
    reports (``encountered a cycle``). Nesting past ``MAX_DEPTH`` is refused, and
    so is a document whose JSON would pass ``MAX_REQUEST_BODY_BYTES``.
    """
    errors: list[FieldError] = []
    root: list[Any] = [None]
    # (container to fill, key or index in it, value, path, ids of the containers above)
    stack: list[tuple[Any, Any, Any, str, frozenset[int]]] = [(root, 0, document, "", frozenset())]
    # One list shared a million times is a small object in Python and a request
    # body the API server refuses: measured before anything is copied.
    oversize = too_large(json_size_at_least(document))
    if oversize is not None:
        return None, [oversize]
    while stack and len(errors) < 10:
        target, slot, value, path, above = stack.pop()
        if not isinstance(value, (Mapping, list, tuple)):
            target[slot], error = _scalar(value, path)
            if error is not None:
                errors.append(error)
            continue
        if id(value) in above:
            kind = "map[string]interface {}" if isinstance(value, Mapping) else "[]interface {}"
            errors.append(
                _unsupported(
                    path, GoText(kind), f"json: unsupported value: encountered a cycle via {kind}"
                )
            )
            continue
        if len(above) >= MAX_DEPTH:
            errors.append(_unsupported(path, GoText("..."), f"exceeded max depth of {MAX_DEPTH}"))
            continue
        inner = above | {id(value)}
        if isinstance(value, Mapping):
            copy: dict[str, Any] = {}
            target[slot] = copy
            for key, item in value.items():
                if not isinstance(key, str):
                    errors.append(_bad_key(key, path))
                    continue
                copy[key] = None
                stack.append((copy, key, item, f"{path}.{key}" if path else key, inner))
        else:
            items: list[Any] = [None] * len(value)
            target[slot] = items
            for index, item in enumerate(value):
                stack.append((items, index, item, f"{path}[{index}]", inner))
    return root[0], errors


def _bad_key(key: Any, path: str) -> FieldError:
    name = type(key).__name__
    return _unsupported(
        path, GoText(repr(key)), f"json: unsupported type: map[{name}]interface {{}}"
    )
