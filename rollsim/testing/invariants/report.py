"""Reporting broken invariants: the ``InvariantViolation`` error and its readable text.

A report lists each violation once (``dedupe``), then the events that led to
the first one (``events_context``), so a shrunk counterexample reads as a
story: what the controllers did, and which rule it broke.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rollsim.testing.observe import Violation

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["InvariantViolation", "dedupe", "events_context", "format_report"]

#: The event reasons that tell a rollout's story (scaling, rollback, pod failures).
_STORY_REASONS = (
    "ScalingReplicaSet",
    "DeploymentRollback",
    "Killing",
    "BackOff",
    "Unhealthy",
    "Failed",
)


class InvariantViolation(AssertionError):
    """Rollout invariants were broken; ``violations`` lists them, the message reports them."""

    def __init__(self, violations: Sequence[Violation], context: str = "") -> None:
        self.violations = list(violations)
        self.context = context
        super().__init__(format_report(self.violations, context))


def format_report(violations: Sequence[Violation], context: str = "") -> str:
    """A readable report: one block per violation, then ``context`` (e.g. the events)."""
    count = len(violations)
    lines = [f"{count} rollout invariant violation{'s' if count != 1 else ''}:"]
    lines += [str(v) for v in violations]
    if context:
        lines += ["", context]
    return "\n".join(lines)


def dedupe(violations: Iterable[Violation]) -> list[Violation]:
    """The first of each (object, invariant, expected, actual), in order: the online
    and the settled-state checks may both find the same breach."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for v in violations:
        key = (v.object, v.invariant, v.expected, v.actual)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def events_context(cluster: Cluster, violations: Sequence[Violation], count: int = 12) -> str:
    """The events up to the first violation, as ``kubectl get events`` would list them."""
    if not violations:
        return ""
    first = min(v.time for v in violations)
    events = [e for e in cluster.events if e.time <= first and e.reason in _STORY_REASONS]
    if not events:
        return ""
    lines = [f"last events up to t={first:g}:"]
    lines += [
        f"  t={e.time:g} {e.kind.lower()}/{e.name} {e.reason}: {e.message}" for e in events[-count:]
    ]
    return "\n".join(lines)
