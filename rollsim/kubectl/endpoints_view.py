"""The Endpoints object of each Service, as ``kubectl get endpoints`` reads it.

Mirrors pkg/controller/endpoint (``syncService``): a Service with a selector has
an Endpoints of its name, holding its labels, whose subsets list each selected
pod with an IP: Ready ones under ``addresses``, the others under
``notReadyAddresses``; a pod being deleted is left out. Each Service port
becomes an endpoint port at the pod's target port (``podutil.FindPort``: a named
``targetPort`` is looked up in the pod's container ports; a pod without it is
left out of that port). ``RepackSubsets`` groups addresses that share their
ports and sorts them by IP.

Built from the kubelet's pod records at the moment of the command, so it
reads what the endpoints controller would have written, without its lag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rollsim.api.core import Service, ServicePort
from rollsim.api.inert import InertObject
from rollsim.api.meta import ObjectMeta
from rollsim.pods import PodRecord

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["service_endpoints"]


def _target_port(port: ServicePort, pod: PodRecord) -> int | None:
    """``FindPort``: the numeric target port, or the container port of that name."""
    target = port.target_port if port.target_port not in (None, 0, "") else port.port
    if isinstance(target, int):
        return target
    for container in pod.template.spec.containers:
        for declared in container.extra.get("ports") or ():
            if isinstance(declared, Mapping) and declared.get("name") == target:
                number = declared.get("containerPort")
                return number if isinstance(number, int) else None
    return None


def _address(pod: PodRecord) -> dict[str, Any]:
    return {
        "ip": pod.ip,
        "nodeName": pod.node,
        "targetRef": {"kind": "Pod", "name": pod.name, "namespace": pod.namespace, "uid": pod.uid},
    }


def _subsets(svc: Service, pods: list[PodRecord]) -> list[dict[str, Any]]:
    """The Service's subsets, addresses grouped by the ports they serve."""
    groups: dict[tuple[tuple[str, int, str], ...], dict[str, list[dict[str, Any]]]] = {}
    for pod in sorted(pods, key=lambda p: p.ip):
        ports = []
        for port in svc.spec.ports:
            number = _target_port(port, pod)
            if number is not None:
                ports.append((port.name, number, port.protocol or "TCP"))
        group = groups.setdefault(tuple(ports), {"addresses": [], "notReadyAddresses": []})
        group["addresses" if pod.ready else "notReadyAddresses"].append(_address(pod))
    subsets = []
    for served, addresses in groups.items():
        subset: dict[str, Any] = {k: v for k, v in addresses.items() if v}
        if served:
            subset["ports"] = [
                {**({"name": name} if name else {}), "port": number, "protocol": protocol}
                for name, number, protocol in served
            ]
        subsets.append(subset)
    return subsets


def service_endpoints(cluster: Cluster, namespace: str | None) -> list[InertObject]:
    """The Endpoints of every Service with a selector in ``namespace`` (all if None)."""
    found = []
    for svc in cluster.store.list(Service, namespace):
        if not svc.spec.selector:
            continue
        pods = [
            p
            for p in cluster.kubelet.pods.values()
            if p.namespace == svc.metadata.namespace
            and p.ip
            and p.deleted_at is None
            and all(p.template.metadata.labels.get(k) == v for k, v in svc.spec.selector.items())
        ]
        subsets = _subsets(svc, pods) if pods else []
        meta = ObjectMeta(
            name=svc.metadata.name,
            namespace=svc.metadata.namespace,
            labels=dict(svc.metadata.labels),
            creation_timestamp=svc.metadata.creation_timestamp,
        )
        found.append(InertObject("v1", "Endpoints", meta, {"subsets": subsets} if subsets else {}))
    return found
