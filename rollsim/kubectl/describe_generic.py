"""``kubectl describe`` for a kind without a describer of its own: Rollouts, Canaries,
AnalysisTemplates, any custom resource, the stored kinds kubectl has no describer for.

Mirrors pkg/describe/describe.go: ``genericDescriber.Describe`` (Name, Namespace,
Labels, Annotations, then the rest of the object), ``printUnstructuredContent`` (fields
in byte order, maps and lists indented two spaces a level, scalars after a tab) and
``smartLabelFor`` (camelCase split into title-cased words, the common acronyms upper
case), at kubectl 1.34 (v0.34.10).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rollsim.api.limits import go_float
from rollsim.api.manifest import to_dict
from rollsim.kubectl.describe import annotations_multiline, describe_events, labels_multiline
from rollsim.kubectl.printers import AggregatedEvent
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["describe_generic", "go_print", "smart_label", "unstructured_content"]

#: What the generic describer prints itself, before the walk, or never.
_SKIPPED = frozenset(
    {
        ".metadata.managedFields",
        ".metadata.name",
        ".metadata.namespace",
        ".metadata.labels",
        ".metadata.annotations",
    }
)
#: ``smartLabelFor``'s acronyms, printed upper case.
_ACRONYMS = frozenset({"API", "URL", "UID", "OSB", "GUID"})
#: ``camelcase.Split``'s classes: lower, upper, digit, anything else.
_RUNS = re.compile(r"[a-z]+|[A-Z]+|[0-9]+|[^a-zA-Z0-9]+")


def _camelcase_split(field: str) -> list[str]:
    """fatih/camelcase ``Split``: runs of one character class, then the last capital of an
    upper-case run handed to the lower-case run after it (``PDFLoader``: PDF, Loader)."""
    runs = _RUNS.findall(field)
    for i in range(len(runs) - 1):
        if runs[i][:1].isupper() and runs[i + 1][:1].islower():
            runs[i + 1] = runs[i][-1] + runs[i + 1]
            runs[i] = runs[i][:-1]
    return [run for run in runs if run]


def smart_label(field: str) -> str:
    """``smartLabelFor``: ``apiVersion`` is ``API Version``, ``lastAppliedSpec`` is
    ``Last Applied Spec``; a name with anything but letters and ``-`` is kept as it is."""
    if not all(char.isalpha() or char == "-" for char in field):
        return field
    words = []
    for part in _camelcase_split(field):
        if part == "_":
            continue
        words.append(part.upper() if part.upper() in _ACRONYMS else part[:1].upper() + part[1:])
    return " ".join(words)


def go_print(value: Any) -> str:
    """A decoded JSON value as Go's ``%v`` prints it from an unstructured object."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # JSON numbers that are integers decode to int64 in unstructured content.
        if value.is_integer() and abs(value) < 2**63:
            return str(int(value))
        return _go_float_v(value)
    if isinstance(value, list):
        return "[" + " ".join(go_print(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_print(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def _go_float_v(value: float) -> str:
    """``%v`` of a float64: the shortest digits, exponent form below 1e-4 or from 1e21."""
    if 1e-4 <= abs(value) < 1e21:
        return go_float(value)
    mantissa, _, exponent = repr(value).partition("e")
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa.removesuffix('.0')}e{sign}{exponent.lstrip('+-').zfill(2)}"


def unstructured_content(
    content: Mapping[str, Any],
    level: int = 0,
    skip_prefix: str = "",
    skip: frozenset[str] = _SKIPPED,
) -> str:
    """``printUnstructuredContent``: every field but the ``skip`` paths, in sorted order."""
    out = ""
    indent = "  " * level
    for field in sorted(content):
        value = content[field]
        path = f"{skip_prefix}.{field}"
        if path in skip:
            continue
        if isinstance(value, Mapping):
            out += f"{indent}{smart_label(field)}:\n"
            out += unstructured_content(value, level + 1, path, skip)
        elif isinstance(value, list):
            out += f"{indent}{smart_label(field)}:\n"
            for child in value:
                if isinstance(child, Mapping):
                    out += unstructured_content(child, level + 1, path, skip)
                else:
                    out += f"{indent}  {go_print(child)}\n"
        else:
            out += f"{indent}{smart_label(field)}:\t{go_print(value)}\n"
    return out


def describe_generic(obj: Any, events: Sequence[AggregatedEvent] | None, now: float) -> str:
    """``genericDescriber.Describe`` over the object's wire form; ``events`` None when
    describe shows none (several objects, ``--show-events=false``)."""
    wire = to_dict(obj)
    metadata = wire.get("metadata") or {}
    out = f"Name:\t{metadata.get('name', '')}\n"
    out += f"Namespace:\t{metadata.get('namespace', '')}\n"
    out += labels_multiline("Labels", metadata.get("labels") or {})
    out += annotations_multiline("Annotations", metadata.get("annotations") or {})
    out += unstructured_content(wire)
    if events is not None:
        out += describe_events(events, now)
    return tabwrite(out, 0, 2)
