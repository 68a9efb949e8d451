"""kubectl's JSONPath dialect: ``-o jsonpath=``, ``custom-columns``, printer columns, ``wait``.

Mirrors k8s.io/client-go/util/jsonpath: a template is literal text with
``{...}`` actions (``Parser.Parse``); an action is a path (``.items[*].metadata.name``,
``..name``, ``[0]``, ``[1:3]``, ``['a.b']``, ``[?(@.type=="Ready")]``, ``.*``), a
quoted string (``{"\\n"}``), or ``range PATH`` ... ``end``. ``JSONPath.Execute``
joins the values one action finds with a space; maps and lists print as compact
JSON with sorted keys (Go's ``json.Marshal``). Missing keys find nothing, as
kubectl sets ``AllowMissingKeys(true)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["JSONPathError", "Template", "format_value", "parse", "relaxed"]


class JSONPathError(ValueError):
    """A template client-go's parser refuses; the message is its words."""


@dataclass(frozen=True)
class _Step:
    """One step of a path: ``op`` is field, recursive, wildcard, slice, union or filter."""

    op: str
    name: str = ""
    bounds: tuple[int | None, int | None, int | None] = (None, None, None)
    single: bool = False
    keys: tuple[str | int, ...] = ()
    condition: tuple[Any, str, Any] | None = None


@dataclass(frozen=True)
class _Path:
    steps: tuple[_Step, ...]


@dataclass(frozen=True)
class _Literal:
    """A quoted string, or text outside any action."""

    text: str


@dataclass(frozen=True)
class _Range:
    path: _Path
    body: tuple[Any, ...]


_FIELD = re.compile(r"(?:\\.|[^.\[\]\s()=!<>&|,'\"@$])+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def relaxed(expression: str) -> str:
    """``RelaxedJSONPathExpression``: ``.metadata.name`` or ``metadata.name`` as
    ``{.metadata.name}``, which custom-columns and ``--sort-by`` accept."""
    text = expression.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if not text.startswith("."):
        text = "." + text if text and text[0] not in "$@[" else text
    return "{" + text + "}"


class _Reader:
    """A cursor over one action's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self, n: int = 1) -> str:
        return self.text[self.at : self.at + n]

    def skip_spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1

    def done(self) -> bool:
        return self.at >= len(self.text)


def _split_actions(template: str) -> list[tuple[bool, str]]:
    """``(is_action, text)`` pieces: braces inside quotes do not close an action."""
    pieces: list[tuple[bool, str]] = []
    i = 0
    while i < len(template):
        start = template.find("{", i)
        if start < 0:
            pieces.append((False, template[i:]))
            break
        if start > i:
            pieces.append((False, template[i:start]))
        j, quote = start + 1, ""
        while j < len(template):
            char = template[j]
            if quote:
                if char == "\\":
                    j += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "}":
                break
            j += 1
        if j >= len(template):
            raise JSONPathError("unclosed action")
        pieces.append((True, template[start + 1 : j]))
        i = j + 1
    return pieces


def _unquote(text: str) -> str:
    """A Go string literal's value (``strconv.Unquote``), escapes included."""
    try:
        value = json.loads('"' + text[1:-1].replace('\\"', '"').replace('"', '\\"') + '"')
    except json.JSONDecodeError:
        raise JSONPathError(f"invalid string {text}") from None
    return str(value)


def _parse_literal(reader: _Reader) -> Any:
    """A filter operand that is not a path: a quoted string, a number, true/false."""
    reader.skip_spaces()
    char = reader.peek()
    if char in "\"'":
        end = reader.text.find(char, reader.at + 1)
        if end < 0:
            raise JSONPathError("unterminated string")
        raw = reader.text[reader.at : end + 1]
        reader.at = end + 1
        return _unquote('"' + raw[1:-1] + '"')
    match = _NUMBER.match(reader.text, reader.at)
    if match:
        reader.at = match.end()
        number = match.group()
        return float(number) if "." in number else int(number)
    for word, value in (("true", True), ("false", False)):
        if reader.text.startswith(word, reader.at):
            reader.at += len(word)
            return value
    raise JSONPathError(f"unrecognized character in action: {reader.peek()!r}")


def _parse_filter(reader: _Reader) -> _Step:
    """``?(@.a.b OP value)`` or ``?(@.a)``: reader is just past ``?(``."""
    reader.skip_spaces()
    left = _parse_operand(reader)
    reader.skip_spaces()
    match = re.match(r"==|!=|<=|>=|<|>", reader.text[reader.at :])
    if match is None:
        condition: tuple[Any, str, Any] = (left, "exists", None)
    else:
        reader.at += len(match.group())
        reader.skip_spaces()
        condition = (left, match.group(), _parse_operand(reader))
    reader.skip_spaces()
    if reader.peek(2) != ")]":
        raise JSONPathError("unclosed filter, expect )]")
    reader.at += 2
    return _Step("filter", condition=condition)


def _parse_operand(reader: _Reader) -> Any:
    if reader.peek() == "@":
        reader.at += 1
        return _parse_steps(reader, stop=" =!<>)")
    return _parse_literal(reader)


def _parse_bracket(reader: _Reader) -> _Step:
    """What follows ``[``: ``*``, an index, a slice, quoted keys, a union or a filter."""
    if reader.peek(2) == "?(":
        reader.at += 2
        return _parse_filter(reader)
    end = reader.text.find("]", reader.at)
    if end < 0:
        raise JSONPathError("unclosed array expect ]")
    body = reader.text[reader.at : end].strip()
    reader.at = end + 1
    if body == "*":
        return _Step("wildcard")
    if body[:1] in "'\"":
        keys = tuple(_unquote('"' + k.strip()[1:-1] + '"') for k in body.split(","))
        return _Step("union", keys=keys)
    if "," in body:
        return _Step("union", keys=tuple(int(k) for k in body.split(",")))
    parts = body.split(":")
    try:
        numbers = [int(p) if p.strip() else None for p in parts]
    except ValueError:
        raise JSONPathError(f"invalid array index {body}") from None
    if len(parts) == 1:
        return _Step("slice", bounds=(numbers[0], None, None), single=True)
    while len(numbers) < 3:
        numbers.append(None)
    return _Step("slice", bounds=(numbers[0], numbers[1], numbers[2]))


def _parse_steps(reader: _Reader, stop: str = " ") -> _Path:
    steps: list[_Step] = []
    while not reader.done() and reader.peek() not in stop:
        if reader.peek(2) == "..":
            reader.at += 2
            match = _FIELD.match(reader.text, reader.at)
            name = match.group() if match else ""
            reader.at = match.end() if match else reader.at
            steps.append(_Step("recursive", name=name.replace("\\.", ".")))
        elif reader.peek() == ".":
            reader.at += 1
            if reader.peek() == "*":
                reader.at += 1
                steps.append(_Step("wildcard"))
                continue
            match = _FIELD.match(reader.text, reader.at)
            if match is None:
                continue
            reader.at = match.end()
            steps.append(_Step("field", name=match.group().replace("\\.", ".")))
        elif reader.peek() == "[":
            reader.at += 1
            steps.append(_parse_bracket(reader))
        elif reader.peek() in "$@":
            reader.at += 1
        else:
            match = _FIELD.match(reader.text, reader.at)
            if match is None:
                raise JSONPathError(f"unrecognized character in action: {reader.peek()!r}")
            reader.at = match.end()
            steps.append(_Step("field", name=match.group().replace("\\.", ".")))
    return _Path(tuple(steps))


def _parse_action(text: str) -> Any:
    stripped = text.strip()
    if stripped[:1] in "\"'":
        return _Literal(_unquote('"' + stripped[1:-1] + '"'))
    if stripped == "end":
        return "end"
    if stripped.startswith("range "):
        return ("range", _parse_steps(_Reader(stripped[6:].strip())))
    reader = _Reader(stripped)
    path = _parse_steps(reader)
    if not reader.done():
        raise JSONPathError(f"unrecognized character in action: {reader.peek()!r}")
    return path


def parse(template: str) -> Template:
    """The template, parsed; raises ``JSONPathError`` as ``Parser.Parse`` fails."""
    stack: list[list[Any]] = [[]]
    ranges: list[_Path] = []
    for is_action, text in _split_actions(template):
        if not is_action:
            stack[-1].append(_Literal(text))
            continue
        node = _parse_action(text)
        if node == "end":
            if not ranges:
                raise JSONPathError("not in range, nothing to end")
            body = stack.pop()
            stack[-1].append(_Range(ranges.pop(), tuple(body)))
        elif isinstance(node, tuple):
            ranges.append(node[1])
            stack.append([])
        else:
            stack[-1].append(node)
    if ranges:
        raise JSONPathError("unclosed range")
    return Template(tuple(stack[0]))


def _children(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list | tuple):
        return list(value)
    return []


def _recursive(value: Any, name: str) -> list[Any]:
    found = []
    if isinstance(value, Mapping) and (not name or name in value):
        found.append(value[name] if name else value)
    for child in _children(value):
        found.extend(_recursive(child, name))
    return found


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right)):
        return False
    operators: dict[str, Callable[[Any, Any], bool]] = {
        "<": lambda a, b: a < b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        ">=": lambda a, b: a >= b,
    }
    return operators[op](left, right)


def _matches(item: Any, condition: tuple[Any, str, Any]) -> bool:
    left, op, right = condition
    found = _walk([item], left.steps)
    if op == "exists":
        return bool(found)
    rights = _walk([item], right.steps) if isinstance(right, _Path) else [right]
    return any(_compare(a, op, b) for a in found for b in rights)


def _apply(step: _Step, value: Any) -> list[Any]:
    if step.op == "field":
        if isinstance(value, Mapping) and step.name in value:
            return [value[step.name]]
        return []
    if step.op == "recursive":
        return _recursive(value, step.name)
    if step.op == "wildcard":
        return _children(value)
    if step.op == "union":
        if isinstance(value, Mapping):
            return [value[k] for k in step.keys if k in value]
        if isinstance(value, list | tuple):
            return [
                value[k] for k in step.keys if isinstance(k, int) and -len(value) <= k < len(value)
            ]
        return []
    if not isinstance(value, list | tuple):
        return []
    if step.op == "filter":
        assert step.condition is not None
        return [item for item in value if _matches(item, step.condition)]
    start, end, stride = step.bounds
    if step.single:
        index = start if start is not None else 0
        return [value[index]] if -len(value) <= index < len(value) else []
    return list(value[slice(start, end, stride)])


def _walk(values: Sequence[Any], steps: Sequence[_Step]) -> list[Any]:
    for step in steps:
        values = [found for value in values for found in _apply(step, value)]
    return list(values)


def format_value(value: Any) -> str:
    """One found value as ``JSONPath.PrintResults`` writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, Mapping | list | tuple):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # Go's json.Marshal escapes HTML characters.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Template:
    """A parsed template: ``execute`` prints it over one object (a wire dict)."""

    nodes: tuple[Any, ...]

    def find(self, document: Any) -> list[list[Any]]:
        """The values each path action finds (``JSONPath.FindResults``)."""
        return [_walk([document], node.steps) for node in self.nodes if isinstance(node, _Path)]

    def execute(self, document: Any) -> str:
        """``JSONPath.Execute``: literal text, and each action's values joined by spaces."""
        return self._run(self.nodes, document)

    def _run(self, nodes: Sequence[Any], current: Any) -> str:
        out = []
        for node in nodes:
            if isinstance(node, _Literal):
                out.append(node.text)
            elif isinstance(node, _Range):
                for item in _walk([current], node.path.steps):
                    out.append(self._run(node.body, item))
            else:
                out.append(" ".join(format_value(v) for v in _walk([current], node.steps)))
        return "".join(out)
