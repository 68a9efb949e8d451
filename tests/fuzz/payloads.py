"""Manifest trees with raw YAML inside them, rendered as text or as Python dicts.

A mutated manifest is a list of documents (dicts) whose leaves may be
``Raw`` markers: a piece of YAML written as it stands (a tag, a 5,000-digit
integer, 10,000 nested brackets, an alias bomb) together with the Python value
a dict-mode apply gets in its place. ``render_text`` dumps the tree with
PyYAML and splices each marker's text in; ``render_dicts`` swaps each marker
for its value. Neither recurses into a marker, so deep values cost nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Raw:
    """YAML text to splice in unquoted, and the value it stands for in dict mode."""

    text: str
    value: Any
    label: str

    def __repr__(self) -> str:
        return f"Raw({self.label})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints the label, never the value (10,000 deep, or a bomb)."""
        printer.text(repr(self))


def nested_lists(depth: int) -> Raw:
    """``[[[...]]]`` ``depth`` deep (built without recursion)."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return Raw("[" * depth + "]" * depth, value, f"{depth} nested lists")


def nested_maps(depth: int) -> Raw:
    """``{a: {a: ... 1}}`` ``depth`` deep."""
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return Raw("{a: " * depth + "1" + "}" * depth, value, f"{depth} nested maps")


def digits(count: int, sign: str = "") -> Raw:
    """An integer of ``count`` nines, as YAML text and as a Python int."""
    value = 10**count - 1
    return Raw(sign + "9" * count, -value if sign == "-" else value, f"{sign}{count} digits")


def alias_bomb(levels: int, width: int) -> Raw:
    """A billion-laughs sequence: each level lists ``width`` aliases of the one before.

    In dict mode the same list object is shared, which is what ``safe_load``
    builds from the text, so the expansion happens (or not) in rollsim.
    """
    names = [f"l{i}" for i in range(levels)]
    items = [f"&{names[0]} [" + ", ".join(["lol"] * width) + "]"]
    shared: list[Any] = ["lol"] * width
    for i in range(1, levels):
        items.append(f"&{names[i]} [" + ", ".join([f"*{names[i - 1]}"] * width) + "]")
        shared = [shared] * width
    return Raw("[" + ", ".join(items) + "]", [shared], f"alias bomb {width}^{levels}")


def big_list(count: int) -> Raw:
    """A one-line list of ``count`` integers."""
    return Raw("[" + ", ".join(["1"] * count) + "]", [1] * count, f"list of {count}")


#: YAML tags and odd scalars; the value is what a dict-mode apply sees instead.
TAGGED = [
    Raw("!!int abc", "abc", "!!int abc"),
    Raw("!!float 1e", "1e", "!!float 1e"),
    Raw("!!int 0x_", "0x_", "!!int 0x_"),
    Raw("!!binary AAAA", b"\x00\x00\x00", "!!binary"),
    Raw("!!python/object/apply:os.getpid []", "os.getpid", "python tag"),
    Raw("!!python/name:os.system", "os.system", "python name tag"),
    Raw("!!set {a, b}", {"a", "b"}, "!!set"),
    Raw("!!timestamp 2001-12-14t21:59:43.10-05:00", "2001-12-14", "!!timestamp"),
    Raw("!!omap [a: 1, b: 2]", [("a", 1), ("b", 2)], "!!omap"),
    Raw("!!str 5", "5", "!!str 5"),
    Raw("!!null ''", None, "!!null"),
    Raw("!custom x", "x", "local tag"),
    Raw("0o17", 15, "octal"),
    Raw("1_000", 1000, "underscored int"),
    Raw(".inf", float("inf"), ".inf"),
    Raw("-.inf", float("-inf"), "-.inf"),
    Raw(".nan", float("nan"), ".nan"),
    Raw("0x7fffffffffffffff", 2**63 - 1, "hex int64 max"),
    Raw("1e400", float("inf"), "float overflow"),
    Raw("2001-01-01", "2001-01-01", "date scalar"),
    Raw("*undefined", None, "undefined alias"),
    Raw("&a x", "x", "unused anchor"),
    Raw("{a: 1, a: 2}", {"a": 2}, "duplicate flow key"),
    Raw("{? [a]: 1}", {("a",): 1}, "complex key"),
    Raw("[a, *b]", ["a"], "alias in flow"),
]


def _placeholder(index: int) -> str:
    return f"FUZZRAW{index:06d}X"


def _swap(tree: Any, markers: list[Raw], for_text: bool, seen: dict[int, Any] | None = None) -> Any:
    """A copy of ``tree`` with each marker replaced; a container met twice (a cycle a
    Python caller made) stays one shared container in the copy."""
    seen = {} if seen is None else seen
    if isinstance(tree, Raw):
        markers.append(tree)
        return _placeholder(len(markers) - 1) if for_text else tree.value
    if id(tree) in seen:
        return seen[id(tree)]
    if isinstance(tree, dict):
        mapping: dict[Any, Any] = {}
        seen[id(tree)] = mapping
        mapping.update((k, _swap(v, markers, for_text, seen)) for k, v in tree.items())
        return mapping
    if isinstance(tree, list):
        items: list[Any] = []
        seen[id(tree)] = items
        items.extend(_swap(v, markers, for_text, seen) for v in tree)
        return items
    return tree


def render_text(docs: list[Any]) -> str:
    """The documents as multi-document YAML, each marker's text spliced in."""
    markers: list[Raw] = []
    plain = [_swap(doc, markers, for_text=True) for doc in docs]
    text = yaml.safe_dump_all(
        plain, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10**9
    )
    for index, marker in enumerate(markers):
        text = text.replace(_placeholder(index), marker.text, 1)
    return text


def render_dicts(docs: list[Any]) -> Any:
    """The documents as Python values (one dict, or a list for several documents)."""
    markers: list[Raw] = []
    plain = [_swap(doc, markers, for_text=False) for doc in docs]
    return plain[0] if len(plain) == 1 else plain


def paths(docs: list[Any]) -> list[Path]:
    """Every (document index, key, ...) path to a value, markers as leaves."""
    found: list[Path] = []
    stack: list[tuple[Path, Any]] = [((i,), doc) for i, doc in enumerate(docs)]
    seen: set[int] = set()
    while stack:
        path, node = stack.pop()
        found.append(path)
        if isinstance(node, dict | list):
            if id(node) in seen:
                continue
            seen.add(id(node))
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
    found.sort(key=repr)
    return found


def get(docs: list[Any], path: Path) -> Any:
    node: Any = docs
    for key in path:
        node = node[key]
    return node


def put(docs: list[Any], path: Path, value: Any) -> None:
    """Set the value at ``path`` (a document index alone replaces the document)."""
    get(docs, path[:-1])[path[-1]] = value


def remove(docs: list[Any], path: Path) -> None:
    parent = get(docs, path[:-1])
    del parent[path[-1]]


def clone(docs: list[Any]) -> list[Any]:
    """A deep copy that keeps markers shared (they are immutable)."""
    return copy.deepcopy(docs, {id(m): m for m in _markers(docs)})


def _markers(docs: list[Any]) -> list[Raw]:
    found: list[Raw] = []
    _swap(docs, found, for_text=True)
    return found
