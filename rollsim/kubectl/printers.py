"""``kubectl get`` tables: the columns of kubectl's built-in printers.

Mirrors pkg/printers/internalversion/printers.go (``printDeployment``,
``printReplicaSet``, ``printPod``, ``printService``, ``printEvent``), the CRDs'
printer columns (Rollout, Canary; NAME and AGE for any other kind, as the API
server's default table for a custom resource) and ``duration.HumanDuration``
for AGE. Tables go through ``tabwrite`` with
kubectl's settings (minimum width 6, padding 3).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.core import Pod, Service
from rollsim.api.timefmt import format_time, parse_time
from rollsim.kubectl.tabwriter import tabwrite

__all__ = [
    "AggregatedEvent",
    "builtin_rows",
    "human_duration",
    "pod_status_reason",
    "print_table",
    "since",
]


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``: 22s, 3m10s, 5h, 2d3h, ..."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def since(timestamp: float | None, now: float) -> str:
    """``translateTimestampSince``: the API stores whole seconds, so the age does too."""
    if timestamp is None:
        return "<unknown>"
    return human_duration(now - math.floor(timestamp))


class AggregatedEvent:
    """Identical events folded into one with a count, as the event recorder's correlator does."""

    __slots__ = ("count", "first", "kind", "last", "message", "name", "reason", "source", "type")

    def __init__(
        self, first: float, type_: str, reason: str, kind: str, name: str, message: str, source: str
    ) -> None:
        self.first = first
        self.last = first
        self.count = 1
        self.type = type_
        self.reason = reason
        self.kind = kind
        self.name = name
        self.message = message
        self.source = source


#: ``IsPodPhaseTerminal``: the phases a pod does not leave.
_TERMINAL = ("Failed", "Succeeded")


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _join(values: Sequence[str]) -> str:
    return ",".join(values)


def _deployment_rows(items: Sequence[Deployment], now: float, wide: bool) -> list[list[str]]:
    head = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    if wide:
        head += ["CONTAINERS", "IMAGES", "SELECTOR"]
    rows = [head]
    for d in items:
        s = d.status
        row = [
            d.metadata.name,
            f"{s.ready_replicas}/{d.replicas}",
            str(s.updated_replicas),
            str(s.available_replicas),
            since(d.metadata.creation_timestamp, now),
        ]
        if wide:
            containers = d.spec.template.spec.containers
            row += [
                _join([c.name for c in containers]),
                _join([c.image for c in containers]),
                str(d.spec.selector) if d.spec.selector else "<none>",
            ]
        rows.append(row)
    return rows


def _replica_set_rows(items: Sequence[ReplicaSet], now: float, wide: bool) -> list[list[str]]:
    head = ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    if wide:
        head += ["CONTAINERS", "IMAGES", "SELECTOR"]
    rows = [head]
    for rs in items:
        row = [
            rs.metadata.name,
            str(rs.replicas),
            str(rs.status.replicas),
            str(rs.status.ready_replicas),
            since(rs.metadata.creation_timestamp, now),
        ]
        if wide:
            containers = rs.spec.template.spec.containers
            row += [
                _join([c.name for c in containers]),
                _join([c.image for c in containers]),
                str(rs.spec.selector) if rs.spec.selector else "<none>",
            ]
        rows.append(row)
    return rows


def pod_status_reason(pod: Pod) -> str:
    """``printPod``'s STATUS: the phase, overridden by a waiting reason, then Terminating."""
    reason = pod.status.reason or pod.status.phase
    for status in pod.status.container_statuses:
        waiting = status.state.get("waiting")
        if waiting and waiting.get("reason"):
            reason = str(waiting["reason"])
    if pod.metadata.deletion_timestamp is not None:
        reason = "Terminating"
    return reason


def _terminated_reason(done: Mapping[str, Any]) -> str:
    """A terminated container's word for STATUS: its reason, else its signal or exit code."""
    if done.get("reason"):
        return str(done["reason"])
    if done.get("signal"):
        return f"Signal:{done['signal']}"
    return f"ExitCode:{done.get('exitCode') or 0}"


def _containers_column(pod: Pod, reason: str) -> tuple[str, int, float | None]:
    """``printPod``'s walk of the container statuses, last to first: STATUS taken from
    a waiting or terminated container, the ready running containers counted, and the
    latest end of a previous container (``lastState.terminated.finishedAt``)."""
    ready, has_running, last_restart = 0, False, None
    for status in reversed(pod.status.container_statuses):
        finished = _map(status.last_state.get("terminated")).get("finishedAt")
        if isinstance(finished, str):
            at = parse_time(finished)
            last_restart = at if last_restart is None else max(last_restart, at)
        waiting, done = _map(status.state.get("waiting")), status.state.get("terminated")
        if waiting.get("reason"):
            reason = str(waiting["reason"])
        elif done is not None:
            reason = _terminated_reason(_map(done))
        elif status.ready and "running" in status.state:
            has_running = True
            ready += 1
    if reason == "Completed" and has_running:
        ready_condition = any(
            c.type == "Ready" and c.status == "True" for c in pod.status.conditions
        )
        reason = "Running" if ready_condition else "NotReady"
    return reason, ready, last_restart


def _pod_cells(pod: Pod, now: float) -> list[str]:
    """``printPod``: NAME, READY, STATUS, RESTARTS, AGE. STATUS is the pod's reason or
    phase (``SchedulingGated`` while gated), then what its containers say, then
    ``Terminating`` for a deleted pod not yet finished; RESTARTS says how long ago the
    last restart ended, once one is known."""
    reason = pod.status.reason or pod.status.phase
    for condition in pod.status.conditions:
        if condition.type == "PodScheduled" and condition.reason == "SchedulingGated":
            reason = "SchedulingGated"
    reason, ready, last_restart = _containers_column(pod, reason)
    if pod.metadata.deletion_timestamp is not None and pod.status.phase not in _TERMINAL:
        reason = "Terminating"
    restarts = sum(c.restart_count for c in pod.status.container_statuses)
    shown = str(restarts)
    if restarts and last_restart is not None:
        shown = f"{restarts} ({since(last_restart, now)} ago)"
    total = len(pod.spec.containers)
    return [
        pod.metadata.name,
        f"{ready}/{total}",
        reason,
        shown,
        since(pod.metadata.creation_timestamp, now),
    ]


def _readiness_gates_cell(pod: Pod) -> str:
    """``printPod -o wide``'s READINESS GATES: gates whose condition is True, of all."""
    gates = [_map(g).get("conditionType") for g in pod.spec.extra.get("readinessGates") or ()]
    if not gates:
        return "<none>"
    statuses: dict[str, str] = {}
    for condition in pod.status.conditions:
        statuses.setdefault(condition.type, condition.status)
    passed = sum(1 for gate in gates if statuses.get(str(gate)) == "True")
    return f"{passed}/{len(gates)}"


def _pod_rows(items: Sequence[Pod], now: float, wide: bool) -> list[list[str]]:
    head = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    if wide:
        head += ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]
    rows = [head]
    for pod in items:
        row = _pod_cells(pod, now)
        if wide:
            # No preemption is simulated, so no pod is ever nominated to a node.
            row += [
                pod.status.pod_ip or "<none>",
                pod.spec.node_name or "<none>",
                "<none>",
                _readiness_gates_cell(pod),
            ]
        rows.append(row)
    return rows


def _service_rows(items: Sequence[Service], now: float, wide: bool) -> list[list[str]]:
    head = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    if wide:
        head.append("SELECTOR")
    rows = [head]
    for svc in items:
        ports = []
        for p in svc.spec.ports:
            ports.append(
                f"{p.port}:{p.node_port}/{p.protocol}" if p.node_port else f"{p.port}/{p.protocol}"
            )
        external = "<pending>" if svc.spec.type == "LoadBalancer" else "<none>"
        row = [
            svc.metadata.name,
            svc.spec.type,
            svc.spec.cluster_ip or "<none>",
            external,
            ",".join(ports) or "<none>",
            since(svc.metadata.creation_timestamp, now),
        ]
        if wide:
            row.append(
                ",".join(f"{k}={v}" for k, v in sorted(svc.spec.selector.items())) or "<none>"
            )
        rows.append(row)
    return rows


def _rollout_rows(items: Sequence[Any], now: float) -> list[list[str]]:
    """The Rollout CRD's printer columns."""
    rows = [["NAME", "DESIRED", "CURRENT", "UP-TO-DATE", "AVAILABLE", "AGE"]]
    for r in items:
        s = r.status
        rows.append(
            [
                r.metadata.name,
                str(r.replicas),
                str(s.replicas),
                str(s.updated_replicas),
                str(s.available_replicas),
                since(r.metadata.creation_timestamp, now),
            ]
        )
    return rows


def _canary_rows(items: Sequence[Any], now: float) -> list[list[str]]:
    """Flagger's Canary printer columns."""
    rows = [["NAME", "STATUS", "WEIGHT", "LASTTRANSITIONTIME"]]
    for c in items:
        s = c.status
        rows.append(
            [
                c.metadata.name,
                s.phase,
                str(s.canary_weight),
                format_time(s.last_transition_time) if s.last_transition_time is not None else "",
            ]
        )
    return rows


def _default_rows(items: Sequence[Any], now: float) -> list[list[str]]:
    """NAME and AGE: the table the API server serves for a custom resource whose CRD
    declares no other printer columns (``tableconvertor.New`` with the default
    columns), and the AnalysisTemplate CRD's own columns (Age alone)."""
    rows = [["NAME", "AGE"]]
    for obj in items:
        rows.append([obj.metadata.name, since(obj.metadata.creation_timestamp, now)])
    return rows


def _event_rows(items: Sequence[AggregatedEvent], now: float) -> list[list[str]]:
    rows = [["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]]
    for e in items:
        seen = since(e.last, now)
        if e.count > 1:
            seen = f"{seen} (x{e.count} over {since(e.first, now)})"
        rows.append([seen, e.type, e.reason, f"{e.kind.lower()}/{e.name}", e.message])
    return rows


def builtin_rows(kind: str, items: Sequence[Any], now: float, wide: bool) -> list[list[str]] | None:
    """The header and rows of the kinds printed here; None for any other kind."""
    if kind == "Deployment":
        return _deployment_rows(items, now, wide)
    if kind == "ReplicaSet":
        return _replica_set_rows(items, now, wide)
    if kind == "Pod":
        return _pod_rows(items, now, wide)
    if kind == "Service":
        return _service_rows(items, now, wide)
    if kind == "Event":
        return _event_rows(items, now)
    if kind == "Rollout":
        return _rollout_rows(items, now)
    if kind == "Canary":
        return _canary_rows(items, now)
    if kind == "AnalysisTemplate":
        return _default_rows(items, now)
    return None


def print_table(
    kind: str, items: Sequence[Any], now: float, wide: bool = False, with_namespace: bool = False
) -> str:
    """The ``kubectl get`` table for ``items`` of one kind; ``with_namespace`` (``-A``)
    puts each object's namespace first, as ``printers.go`` does for a listing across
    namespaces."""
    rows = builtin_rows(kind, items, now, wide) or _default_rows(items, now)
    if with_namespace:
        rows = [["NAMESPACE", *rows[0]]] + [
            [obj.metadata.namespace, *row] for obj, row in zip(items, rows[1:], strict=True)
        ]
    return tabwrite("".join("\t".join(row) + "\n" for row in rows), 6, 3)
