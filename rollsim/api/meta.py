"""Object metadata and label selectors (meta/v1).

``LabelSelector.matches`` mirrors ``metav1.LabelSelectorAsSelector`` followed
by ``Selector.Matches``: every matchLabels pair and every matchExpressions
requirement must hold. ``parse_selector`` reads the ``-l`` syntax of kubectl
(``app=web,tier!=db,env in (a,b),!canary``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rollsim.api.schema import OBJECT_META_FIELDS

__all__ = [
    "LabelSelector",
    "LabelSelectorRequirement",
    "ObjectMeta",
    "OwnerReference",
    "controller_of",
    "parse_selector",
]


@dataclass(frozen=True)
class OwnerReference:
    api_version: str = ""
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: bool = False
    block_owner_deletion: bool = False


@dataclass(frozen=True)
class ObjectMeta:
    OPAQUE = OBJECT_META_FIELDS

    name: str = ""
    generate_name: str = ""
    namespace: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    uid: str = ""
    resource_version: str = ""
    generation: int = field(default=0, metadata={"omitempty": True, "go": "int64"})
    creation_timestamp: float | None = field(default=None, metadata={"time": True})
    deletion_timestamp: float | None = field(default=None, metadata={"time": True})
    deletion_grace_period_seconds: int | None = field(default=None, metadata={"go": "int64"})
    owner_references: tuple[OwnerReference, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


def controller_of(obj: Any) -> OwnerReference | None:
    """``metav1.GetControllerOf``: the owner reference marked as the controller, if any."""
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref  # type: ignore[no-any-return]
    return None


@dataclass(frozen=True)
class LabelSelectorRequirement:
    key: str = ""
    operator: str = ""
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False


@dataclass(frozen=True)
class LabelSelector:
    match_labels: Mapping[str, str] = field(default_factory=dict)
    match_expressions: tuple[LabelSelectorRequirement, ...] = ()

    @property
    def empty(self) -> bool:
        """An empty selector selects everything; Deployments reject it."""
        return not self.match_labels and not self.match_expressions

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.match_labels.items()) and all(
            r.matches(labels) for r in self.match_expressions
        )

    def __str__(self) -> str:
        """The selector as kubectl prints it (``app=web,tier in (a,b)``)."""
        parts = [f"{k}={v}" for k, v in sorted(self.match_labels.items())]
        for r in self.match_expressions:
            if r.operator == "Exists":
                parts.append(r.key)
            elif r.operator == "DoesNotExist":
                parts.append(f"!{r.key}")
            else:
                op = "in" if r.operator == "In" else "notin"
                parts.append(f"{r.key} {op} ({','.join(sorted(r.values))})")
        return ",".join(parts)


_TERM = re.compile(
    r"^\s*(?:(?P<neg>!)\s*(?P<nkey>[\w./-]+)"
    r"|(?P<key>[\w./-]+)\s*(?:(?P<op>==|!=|=)\s*(?P<value>[\w./-]*)"
    r"|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?)\s*$"
)


def parse_selector(text: str) -> LabelSelector:
    """Parse kubectl's ``-l`` selector syntax; raises ``ValueError`` on bad input."""
    match_labels: dict[str, str] = {}
    expressions: list[LabelSelectorRequirement] = []
    for term in _split_terms(text):
        m = _TERM.match(term)
        if not m:
            raise ValueError(f"unable to parse requirement: {term.strip()!r}")
        if m["neg"]:
            expressions.append(LabelSelectorRequirement(m["nkey"], "DoesNotExist"))
        elif m["setop"]:
            values = tuple(v.strip() for v in m["values"].split(",") if v.strip())
            op = "In" if m["setop"] == "in" else "NotIn"
            expressions.append(LabelSelectorRequirement(m["key"], op, values))
        elif m["op"] == "!=":
            expressions.append(LabelSelectorRequirement(m["key"], "NotIn", (m["value"],)))
        elif m["op"]:
            match_labels[m["key"]] = m["value"]
        else:
            expressions.append(LabelSelectorRequirement(m["key"], "Exists"))
    return LabelSelector(match_labels, tuple(expressions))


def _split_terms(text: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += ch
    if current.strip():
        terms.append(current)
    return terms
