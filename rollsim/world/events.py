"""The event recorder: what ``kubectl get events`` and ``describe`` show.

Mirrors client-go's ``record.EventRecorder`` as a controller holds it: bound to
the component that reports (``deployment-controller``, ``kubelet``...), it
appends one ``Event`` per call to the cluster's log, stamped with the clock.
"""

from __future__ import annotations

from typing import NamedTuple

from rollsim.world.clock import Clock

__all__ = ["Event", "EventLog", "EventRecorder"]


class Event(NamedTuple):
    """One Kubernetes event: when, Normal/Warning, reason, the object, and the message."""

    time: float
    type: str
    reason: str
    kind: str
    name: str
    message: str
    namespace: str = "default"
    source: str = ""


class EventLog:
    """Every event of a cluster, in the order they happened."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.events: list[Event] = []

    def recorder(self, source: str) -> EventRecorder:
        """A recorder for the component ``source``."""
        return EventRecorder(self, source)

    def append(
        self,
        type_: str,
        reason: str,
        kind: str,
        name: str,
        message: str,
        namespace: str = "default",
        source: str = "",
    ) -> None:
        self.events.append(
            Event(self._clock.now, type_, reason, kind, name, message, namespace, source)
        )


class EventRecorder:
    """``record.EventRecorder`` of one component."""

    __slots__ = ("_log", "source")

    def __init__(self, log: EventLog, source: str) -> None:
        self._log = log
        self.source = source

    def event(
        self,
        type_: str,
        reason: str,
        kind: str,
        name: str,
        message: str,
        namespace: str = "default",
        source: str | None = None,
    ) -> None:
        """Record an event about ``kind``/``name``; ``source`` overrides the component
        for the rare event another component reports (the scheduler's ``Scheduled``)."""
        self._log.append(
            type_, reason, kind, name, message, namespace, self.source if source is None else source
        )
