"""Which kinds ``kubectl describe`` has a describer of its own for, and the workload ones.

Mirrors pkg/describe/describe.go's ``describerMap`` (the built-in kinds keyed by group
and kind; any other kind goes to the generic describer), ``DeploymentDescriber`` and
``ReplicaSetDescriber`` (``describeReplicaSet``: replicas, the pods' phases as
``getPodStatusForController`` counts them, the pod template, the conditions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.core import Pod
from rollsim.controllers.controller_utils import replica_sets_by_creation
from rollsim.controllers.deployment import util
from rollsim.kubectl.cmdutil import Kubectl
from rollsim.kubectl.describe import (
    Settings,
    annotations_multiline,
    describe_deployment,
    describe_events,
    describe_pod_template,
    labels_multiline,
    object_events,
)
from rollsim.kubectl.describe_pods import describe_pod
from rollsim.kubectl.describe_services import SERVICE_DESCRIBERS
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["DESCRIBERS", "events_of"]


def events_of(k: Kubectl, obj: Any, settings: Settings) -> Any:
    """The object's events when describe shows them, else None."""
    if not settings.show_events:
        return None
    meta = obj.metadata
    return object_events(k, obj.kind, meta.name, meta.namespace)


def _deployment(k: Kubectl, d: Deployment, settings: Settings) -> str:
    """``DeploymentDescriber.Describe``: the Deployment, its old and new ReplicaSets."""
    rss = k.cluster.store.owned_replica_sets(d.metadata.uid)
    new_rs = util.find_new_replica_set(d, rss)
    _, all_old = util.find_old_replica_sets(d, rss)
    return describe_deployment(
        d, replica_sets_by_creation(all_old), new_rs, events_of(k, d, settings), k.cluster.now
    )


def pod_phases(k: Kubectl, owner_uid: str, namespace: str) -> str:
    """``getPodStatusForController``: the owned pods counted by phase, as describe's
    ``Pods Status`` line prints them."""
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in k.cluster.list("pod", namespace):
        owners = [r for r in pod.metadata.owner_references if r.controller]
        if owners and owners[0].uid == owner_uid and pod.status.phase in counts:
            counts[pod.status.phase] += 1
    return (
        f"{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed"
    )


def _controlled_by(obj: Any) -> str:
    """``printController``: ``Kind/name`` of the controller reference, if any."""
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return f"Controlled By:\t{ref.kind}/{ref.name}\n"
    return ""


def _pod(k: Kubectl, pod: Pod, settings: Settings) -> str:
    """``PodDescriber.Describe``: the kubelet's view of the pod."""
    return describe_pod(pod, events_of(k, pod, settings), k.cluster.now)


def _replica_set(k: Kubectl, rs: ReplicaSet, settings: Settings) -> str:
    """``describeReplicaSet``."""
    meta = rs.metadata
    out = f"Name:\t{meta.name}\n"
    out += f"Namespace:\t{meta.namespace}\n"
    out += f"Selector:\t{rs.spec.selector if rs.spec.selector else '<none>'}\n"
    out += labels_multiline("Labels", meta.labels)
    out += annotations_multiline("Annotations", meta.annotations)
    out += _controlled_by(rs)
    out += f"Replicas:\t{rs.status.replicas} current / {rs.replicas} desired\n"
    out += f"Pods Status:\t{pod_phases(k, meta.uid, meta.namespace)}\n"
    out += describe_pod_template(rs.spec.template)
    if rs.status.conditions:
        out += "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n"
        out += "".join(f"  {c.type} \t{c.status}\t{c.reason}\n" for c in rs.status.conditions)
    events = events_of(k, rs, settings)
    if events is not None:
        out += describe_events(events, k.cluster.now)
    return tabwrite(out, 0, 2)


#: ``describerMap``: (group, kind) to the kind's describer.
DESCRIBERS: dict[tuple[str, str], Callable[[Kubectl, Any, Settings], str]] = {
    ("apps", "Deployment"): _deployment,
    ("apps", "ReplicaSet"): _replica_set,
    ("", "Pod"): _pod,
    **SERVICE_DESCRIBERS,
}
