"""YAML text as kubectl reads it: split into documents, each composed as go-yaml would.

Mirrors sigs.k8s.io/yaml (``yaml.YAMLToJSON``) over go-yaml v3's decoder, and
kubectl's YAML reader splitting a stream on ``---`` lines. Only plain data
comes out: mappings with string keys, lists, strings, numbers, booleans,
null. Nothing is constructed from a tag, and the decoder's limits (depth,
aliases, sizes) are enforced before a document is built whole.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import yaml

from rollsim.api.errors import FieldError, ValidationError
from rollsim.api.limits import (
    MAX_DEPTH,
    MAX_DOCUMENTS,
    MAX_OBJECT_BYTES,
    YAML_INT_RANGE,
    alias_ratio_exceeded,
    go_float,
    too_large,
)

__all__ = ["YAMLProblem", "compose_yaml", "split_documents", "yaml_documents"]


class _Loader(yaml.SafeLoader):
    """SafeLoader's resolver and scalar constructors (and its parser, where PyYAML
    has no libyaml): ``_Composer`` builds each document from the events itself."""


class YAMLProblem(Exception):
    """A document go-yaml or sigs.k8s.io/yaml refuses; ``str()`` is their error text."""


_TAG = "tag:yaml.org,2002:"
#: Tags go-yaml reads on a collection; a set is a mapping, omap and pairs are sequences.
_COLLECTION_TAGS = frozenset(
    {None, "!", _TAG + "map", _TAG + "seq", _TAG + "set", _TAG + "omap", _TAG + "pairs"}
)
_NO_KEY: Any = object()
_MERGE: Any = object()
#: A decimal integer as go-yaml's ``yamlStyleFloat`` accepts it (resolve.go).
_GO_DECIMAL = re.compile(r"[-+]?[0-9]+")


@dataclass
class _Open:
    """A mapping or sequence whose end event has not come yet."""

    value: Any
    anchor: str | None
    nodes: int = 1
    key: Any = _NO_KEY
    key_line: int = 0
    key_lines: dict[str, int] = dc_field(default_factory=dict)
    merges: list[Any] = dc_field(default_factory=list)


def _go_quote(text: str) -> str:
    """Go's ``%#v`` of a string."""
    return json.dumps(text, ensure_ascii=False)


def _problem(line: int, text: str) -> YAMLProblem:
    return YAMLProblem(f"yaml: line {line}: {text}" if line else f"yaml: {text}")


class _Composer:
    """Builds one document from parser events without recursing, as go-yaml's
    decoder and sigs.k8s.io/yaml's ``convertToJSONableObject`` would see it.

    Mirrors go-yaml v3 decode.go: nesting past ``MAX_DEPTH`` (``exceeded max
    depth``), an anchor inside itself (``anchor 'x' value contains itself``), the
    alias-expansion ratio (``document contains excessive aliasing``), duplicate
    keys (``mapping key "x" already defined at line N``), merge keys; and
    sigs.k8s.io/yaml: scalar keys become strings, a float that JSON cannot
    hold is refused (``json: unsupported value: NaN``).
    """

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.decoded = 0
        self.from_aliases = 0
        self.duplicates: list[str] = []
        self.root: Any = None
        self.documents = 0

    def feed(self, event: yaml.Event) -> None:
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _problem(line, "expected a single document in the stream")
        elif isinstance(event, yaml.CollectionStartEvent):
            self.start(event, line)
        elif isinstance(event, yaml.CollectionEndEvent):
            node = self.stack.pop()
            value = self.merged(node, line) if isinstance(node.value, dict) else node.value
            if node.anchor is not None:
                self.anchors[node.anchor] = (value, node.nodes)
                self.open_anchors.discard(node.anchor)
            self.attach(value, node.nodes, line)
        elif isinstance(event, yaml.AliasEvent):
            self.alias(str(event.anchor), line)
        elif isinstance(event, yaml.ScalarEvent):
            value = _scalar(event, line)
            self.decoded += 1
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, 1)
            self.attach(value, 1, line)

    def start(self, event: yaml.CollectionStartEvent, line: int) -> None:
        if event.tag not in _COLLECTION_TAGS:
            raise _problem(line, f"could not determine a constructor for the tag {event.tag!r}")
        if len(self.stack) >= MAX_DEPTH:
            raise _problem(line, f"exceeded max depth of {MAX_DEPTH}")
        if self.stack and isinstance(self.stack[-1].value, dict) and self.stack[-1].key is _NO_KEY:
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "slice"
            raise _problem(line, f"invalid map key: a {kind}")
        self.decoded += 1
        value: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
        self.stack.append(_Open(value, event.anchor))
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)

    def alias(self, anchor: str, line: int) -> None:
        if anchor in self.open_anchors:
            raise _problem(0, f"anchor '{anchor}' value contains itself")
        if anchor not in self.anchors:
            raise _problem(0, f"unknown anchor '{anchor}' referenced")
        value, nodes = self.anchors[anchor]
        # The alias is decoded once and its target's nodes again, all counted as
        # coming from aliases, as decoder.alias does.
        self.decoded += nodes + 1
        self.from_aliases += nodes
        if alias_ratio_exceeded(self.decoded, self.from_aliases):
            raise _problem(0, "document contains excessive aliasing")
        self.attach(value, nodes + 1, line)

    def attach(self, value: Any, nodes: int, line: int) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.nodes += nodes
        if isinstance(top.value, list):
            top.value.append(value)
        elif top.key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise _problem(line, "invalid map key: a collection")
            top.key, top.key_line = value if value is _MERGE else _key_text(value, line), line
        else:
            self.entry(top, value)

    def entry(self, top: _Open, value: Any) -> None:
        key, top.key = top.key, _NO_KEY
        if key is _MERGE:
            top.merges.append(value)
        elif key in top.key_lines:
            self.duplicates.append(
                f"line {top.key_line}: mapping key {_go_quote(key)} already defined "
                f"at line {top.key_lines[key]}"
            )
        else:
            top.key_lines[key] = top.key_line
            top.value[key] = value

    def merged(self, node: _Open, line: int) -> dict[str, Any]:
        """A mapping with its ``<<`` merges: its own keys win, then earlier merges."""
        if not node.merges:
            return node.value  # type: ignore[no-any-return]
        result: dict[str, Any] = {}
        for merge in node.merges:
            sources = merge if isinstance(merge, list) else [merge]
            if not all(isinstance(source, dict) for source in sources):
                raise _problem(line, "map merge requires map or sequence of maps as the value")
            for source in reversed(sources):
                result.update(source)
        result.update(node.value)
        return result


_RESOLVER = _Loader("")


def _key_text(key: Any, line: int) -> str:
    """A scalar key as sigs.k8s.io/yaml's ``yamlMapKeyToString`` writes it."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return go_float(key)
    raise _problem(line, "unsupported map key of type: <nil>, key: <nil>")


def _resolve(text: str, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged scalar (``str`` for a quoted one), as PyYAML resolves it."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, implicit)  # type: ignore[no-untyped-call]
    return tag


class _UnknownTag(Exception):
    """A tag no constructor reads; the composer names its line."""


def _scalar(event: yaml.ScalarEvent, line: int) -> Any:
    """A scalar's value as go-yaml resolves it and JSON holds it."""
    if event.tag is None and not event.implicit[0]:
        return event.value  # quoted: a string, whatever it spells
    try:
        return _scalar_value(event.tag, event.value, event.implicit)
    except _UnknownTag as unknown:
        raise _problem(line, f"could not determine a constructor for the tag {unknown}") from None


# Documents repeat their scalars (ports, "true", names); the values are immutable.
@functools.lru_cache(maxsize=4096)
def _scalar_value(given: str | None, text: str, implicit: tuple[bool, bool]) -> Any:
    explicit = given not in (None, "!")
    tag = given if given is not None and explicit else _resolve(text, implicit)
    if tag in (_TAG + "str", _TAG + "timestamp", _TAG + "value"):
        return text
    if tag == _TAG + "merge":
        return _MERGE
    node = yaml.ScalarNode(tag, text)
    if tag == _TAG + "null" and text in ("", "~", "null", "Null", "NULL"):
        return None
    if tag == _TAG + "bool" and text.lower() in _RESOLVER.bool_values:
        return _RESOLVER.bool_values[text.lower()]
    if tag == _TAG + "int":
        value = _yaml_int(text, node)
        if isinstance(value, int) or not explicit:
            return value
    if tag == _TAG + "float":
        return _yaml_float(text, node)
    if tag == _TAG + "binary":
        try:
            return base64.b64decode(text.encode("ascii"), validate=False).decode("utf-8", "replace")
        except (ValueError, UnicodeEncodeError):
            raise _problem(0, "!!binary value contains invalid base64 data") from None
    if explicit and tag.startswith(_TAG) and tag[len(_TAG) :] in ("null", "bool", "int"):
        resolved = _resolve(text, (True, False))
        raise _problem(
            0, f"cannot decode !!{resolved.removeprefix(_TAG)} `{text}` as a !!{tag[len(_TAG) :]}"
        )
    raise _UnknownTag(repr(tag))


def _yaml_int(text: str, node: yaml.ScalarNode) -> Any:
    """An integer as go-yaml resolves it: int64 or uint64, else a float, else a string.

    PyYAML's own conversion is used for the YAML 1.1 forms it reads (``0x``,
    ``0b``, ``1_000``); a text too long for any 64-bit integer never reaches
    ``int()``, whose digit limit would raise.
    """
    digits = text.replace("_", "")
    if len(digits) <= 70:
        try:
            value = _RESOLVER.construct_yaml_int(node)
        except (ValueError, IndexError):
            # IndexError: PyYAML reads the sign of an empty ``!!int`` scalar first.
            return text
        low, high = YAML_INT_RANGE
        if low <= value <= high:
            return value
    if _GO_DECIMAL.fullmatch(digits):
        number = float(digits)
        if math.isfinite(number):
            return number
    return text


def _yaml_float(text: str, node: yaml.ScalarNode) -> float:
    """A float, refused when JSON cannot hold it, as ``json.Marshal`` refuses NaN."""
    try:
        value = float(_RESOLVER.construct_yaml_float(node))
    except ValueError:
        raise _problem(0, f"cannot decode !!str `{text}` as a !!float") from None
    if math.isfinite(value):
        return value
    name = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
    raise YAMLProblem(f"json: unsupported value: {name}")


def _events(text: str) -> Iterator[yaml.Event]:
    """The parser's events: libyaml's (go-yaml is a port of it, so the errors
    read the same) when PyYAML was built with it."""
    parser: Any = yaml.CSafeLoader(text) if yaml.__with_libyaml__ else _Loader(text)
    try:
        while True:
            event = parser.get_event()
            yield event
            if isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        parser.dispose()


def compose_yaml(text: str) -> Any:
    """One YAML document as JSON-shaped data (None when empty); raises
    ``YAMLProblem`` with go-yaml's words for what kubectl's decoder refuses."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise YAMLProblem("yaml: invalid Unicode character") from None
    composer = _Composer()
    try:
        for event in _events(text):
            composer.feed(event)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = (err.problem or "invalid YAML").replace(" here", " in this context")
        raise _problem(mark.line + 1 if mark else 0, problem) from None
    except yaml.reader.ReaderError:
        raise YAMLProblem("yaml: control characters are not allowed") from None
    if composer.duplicates:
        raise YAMLProblem("yaml: unmarshal errors:\n  " + "\n  ".join(composer.duplicates))
    return composer.root


def split_documents(text: str) -> list[tuple[str, int]]:
    """Split on ``---`` lines as kubectl's YAML reader does: (document, first line)."""
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    first = 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        rest = line[3:].strip() if line.startswith("---") else None
        if rest is not None and (not rest or rest.startswith("#")):
            chunks.append(("".join(current), first))
            current, first = [], number + 1
        else:
            current.append(line)
    chunks.append(("".join(current), first))
    return chunks


def yaml_documents(text: str, source: str) -> tuple[list[tuple[Any, int]], ValidationError | None]:
    """Each non-empty document with its first line (1-based), up to the first that
    cannot be read, and that document's error.

    As kubectl's stream reader: the documents before a broken one are read (and
    applied); nothing after it is, since the stream cannot be resynchronised.
    A YAML error reads as kubectl's (``error converting YAML to JSON: yaml:
    line N: ...``, N counted within the document) and names the document
    when the text has several. A text over the API server's request limit is
    refused before it is parsed, a document over etcd's object limit before
    it is parsed.
    """
    oversize = too_large(len(text)) or too_large(len(text.encode("utf-8", "surrogatepass")))
    if oversize is not None:
        raise ValidationError([oversize], source=source)
    chunks = split_documents(text)
    count = sum(1 for chunk, _ in chunks if chunk.strip())
    if count > MAX_DOCUMENTS:
        detail = f"too many documents: {count} (rollsim's limit is {MAX_DOCUMENTS} per apply)"
        raise ValidationError([FieldError("Decode", "", detail)], source=source)
    documents: list[tuple[Any, int]] = []
    for index, (chunk, first) in enumerate(chunks, start=1):
        where = (
            f" (document {index} of {len(chunks)}, from line {first})" if len(chunks) > 1 else ""
        )
        if len(chunk.encode("utf-8", "surrogatepass")) > MAX_OBJECT_BYTES:
            raise ValidationError(
                [FieldError("Decode", "", f"etcdserver: request is too large{where}")],
                source=source,
            )
        try:
            doc = compose_yaml(chunk)
        except YAMLProblem as problem:
            error = ValidationError(
                [FieldError("Decode", "yaml", f"error converting YAML to JSON: {problem}{where}")],
                source=source,
            )
            return documents, error
        if doc is not None:
            documents.append((doc, first))
    return documents, None
