"""The Pod the API server would return for a pod record.

Mirrors the kubelet's status generation (pkg/kubelet/status/generate.go:
``GenerateContainersReadyCondition``, ``GeneratePodReadyCondition``) and the
container statuses ``convertToAPIContainerStatuses`` reports: running, waiting
or terminated, with the previous container's end as ``lastState``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rollsim.api.core import ContainerStatus, Pod, PodCondition, PodStatus
from rollsim.api.meta import ObjectMeta, OwnerReference
from rollsim.api.timefmt import format_time
from rollsim.pods import PodRecord

__all__ = [
    "DEFAULT_GRACE_PERIOD",
    "KUBELET_CONDITIONS",
    "grace_period",
    "pod_view",
    "readiness_gates",
]

#: The pod conditions the kubelet (and the scheduler) write themselves.
KUBELET_CONDITIONS = frozenset(
    {"PodScheduled", "Initialized", "Ready", "ContainersReady", "PodReadyToStartContainers"}
)

#: ``terminationGracePeriodSeconds`` when the spec leaves it unset.
DEFAULT_GRACE_PERIOD = 30


def grace_period(pod: PodRecord) -> int:
    """The pod's termination grace period in seconds."""
    grace = pod.template.spec.termination_grace_period_seconds
    return DEFAULT_GRACE_PERIOD if grace is None else grace


def readiness_gates(pod: PodRecord) -> list[str]:
    """The condition types of the pod's ``spec.readinessGates``, in order."""
    gates = pod.template.spec.extra.get("readinessGates") or ()
    return [str(g.get("conditionType", "")) for g in gates if isinstance(g, dict)]


def pod_view(pod: PodRecord) -> Pod:
    """The pod as the API server would return it."""
    spec = replace(pod.template.spec, node_name=pod.node)
    return Pod(metadata=_metadata(pod), spec=spec, status=_status(pod))


def _metadata(pod: PodRecord) -> ObjectMeta:
    """The pod's metadata: its template's labels and annotations, owned by its ReplicaSet
    (an orphan has no owner reference). A deleted pod's deletionTimestamp is when its
    grace period ends, as the API server sets it (``CheckGracefulDelete``)."""
    template = pod.template
    owners = (
        (
            OwnerReference(
                api_version="apps/v1",
                kind="ReplicaSet",
                name=pod.owner,
                uid=pod.owner_uid,
                controller=True,
                block_owner_deletion=True,
            ),
        )
        if pod.owner
        else ()
    )
    deletion = None if pod.deleted_at is None else pod.deleted_at + pod.deletion_grace
    return ObjectMeta(
        name=pod.name,
        generate_name=pod.owner + "-" if pod.owner else template.metadata.generate_name,
        namespace=pod.namespace,
        labels=dict(template.metadata.labels),
        annotations=dict(template.metadata.annotations),
        uid=pod.uid,
        creation_timestamp=pod.created,
        deletion_timestamp=deletion,
        deletion_grace_period_seconds=None if pod.deleted_at is None else pod.deletion_grace,
        generation=1,
        owner_references=owners,
    )


def _status(pod: PodRecord) -> PodStatus:
    """The pod's status; only a scheduled pod has a start time, a host and containers."""
    return PodStatus(
        phase=pod.phase,
        conditions=_conditions(pod),
        container_statuses=_container_statuses(pod) if pod.node else (),
        start_time=pod.created if pod.node else None,
        host_ip="10.0.0.1" if pod.node else "",
        pod_ip=pod.ip,
    )


def _conditions(pod: PodRecord) -> tuple[PodCondition, ...]:
    """PodScheduled alone until the pod is bound to a node; Initialized, Ready,
    ContainersReady, PodScheduled and the readiness gates' conditions from then on.
    A false Ready says why: the containers not ready, else the first gate not True."""
    scheduled = PodCondition(
        "PodScheduled",
        "True" if pod.node else "False",
        last_transition_time=pod.scheduled_at or pod.created,
    )
    if not pod.node:
        return (scheduled,)
    ready_at = pod.ready_since if pod.ready_since is not None else pod.created
    names = ", ".join(c.name for c in pod.template.spec.containers)
    if pod.containers_ready:
        containers = PodCondition("ContainersReady", "True", last_transition_time=ready_at)
    else:
        containers = PodCondition(
            "ContainersReady",
            "False",
            last_transition_time=ready_at,
            reason="ContainersNotReady",
            message=f"containers with unready status: [{names}]",
        )
    ready = replace(containers, type="Ready")
    if pod.containers_ready and not pod.ready:
        ready = replace(
            ready, status="False", reason="ReadinessGatesNotReady", message=_gate_message(pod)
        )
    # Every condition written to the pod's status, gate or not, as the API server
    # stores them, in the order they were first written.
    gates = tuple(
        PodCondition(kind, status, last_transition_time=ready_at)
        for kind, status in (pod.gates or {}).items()
    )
    return (
        PodCondition("Initialized", "True", last_transition_time=pod.created),
        ready,
        containers,
        scheduled,
        *gates,
    )


def _gate_message(pod: PodRecord) -> str:
    """Why the gates hold Ready, in ``GeneratePodReadyCondition``'s words."""
    gates = pod.gates or {}
    for gate in readiness_gates(pod):
        status = gates.get(gate)
        if status is None:
            return f'corresponding condition of pod readiness gate "{gate}" does not exist.'
        if status != "True":
            return f'the status of pod readiness gate "{gate}" is not "True", but {status}.'
    return ""


def _state(pod: PodRecord) -> dict[str, Any]:
    if pod.started and pod.started_at is not None:
        return {"running": {"startedAt": format_time(pod.started_at)}}
    if pod.phase in ("Failed", "Succeeded") and pod.last_exit is not None:
        return {"terminated": _terminated(pod.last_exit)}
    return {"waiting": {"reason": pod.waiting_reason or "ContainerCreating"}}


def _terminated(end: tuple[str, int, float, float]) -> dict[str, Any]:
    reason, code, started, finished = end
    return {
        "exitCode": code,
        "reason": reason,
        "startedAt": format_time(started),
        "finishedAt": format_time(finished),
    }


def _container_statuses(pod: PodRecord) -> tuple[ContainerStatus, ...]:
    """One status per container, all in the pod's one state: the record models the first
    container's lifecycle, so only that one counts restarts and has a last state."""
    state = _state(pod)
    last: dict[str, Any] = {}
    if pod.last_exit is not None and "terminated" not in state:
        last = {"terminated": _terminated(pod.last_exit)}
    return tuple(
        ContainerStatus(
            name=c.name,
            image=c.image,
            ready=pod.containers_ready,
            started=pod.started and pod.startup_done,
            restart_count=pod.restarts if i == 0 else 0,
            state=state,
            last_state=last if i == 0 else {},
        )
        for i, c in enumerate(pod.template.spec.containers)
    )
