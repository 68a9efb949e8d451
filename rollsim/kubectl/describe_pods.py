"""``kubectl describe pod``: the kubelet's view of a pod, as kubectl 1.34 prints it.

Mirrors pkg/describe/describe.go (kubectl v0.34.10): ``describePod`` (node, start
time, status, IPs, the controller, containers with their state, conditions,
volumes, QoS class, node selectors, tolerations, events), ``describeContainers`` and
its parts (``describeContainerBasicInfo``, ``describeContainerPorts``,
``describeStatus``, ``describeResources``, ``describeContainerProbe``,
``describeContainerEnvVars``, ``describeContainerVolumes``) and
``printTolerationsMultilineWithIndent``; the QoS class as
pkg/apis/core/v1/helper/qos ``GetPodQOS`` computes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from rollsim.api.container_validation import parse_quantity
from rollsim.api.core import Container, ContainerStatus, Pod, Probe
from rollsim.api.timefmt import parse_time
from rollsim.kubectl.describe import (
    annotations_multiline,
    describe_events,
    describe_probe,
    labels_multiline,
    rfc1123z,
)
from rollsim.kubectl.printers import AggregatedEvent
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["describe_pod", "pod_qos_class"]

_QOS_RESOURCES = ("cpu", "memory")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _resources(container: Container) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    resources = _map(container.extra.get("resources"))
    return _map(resources.get("requests")), _map(resources.get("limits"))


def pod_qos_class(pod: Pod) -> str:
    """``GetPodQOS``: BestEffort without any cpu or memory request or limit, Guaranteed
    when every container limits both and requests what it limits, else Burstable."""
    any_set = False
    guaranteed = True
    for container in pod.spec.containers:
        requests, limits = _resources(container)
        for name in _QOS_RESOURCES:
            request, limit = requests.get(name), limits.get(name)
            if not _is_zero(request) or not _is_zero(limit):
                any_set = True
            unmatched = None not in (request, limit) and _amount(request) != _amount(limit)
            if _is_zero(limit) or unmatched:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _amount(quantity: Any) -> Decimal:
    return parse_quantity(str(quantity))


def _is_zero(quantity: Any) -> bool:
    return quantity is None or _amount(quantity) == 0


def _ports(ports: Sequence[Any], key: str) -> str:
    """``describeContainerPorts``/``describeContainerHostPorts``: ``8080/TCP (http)``."""
    described = []
    for port in (_map(p) for p in ports):
        text = f"{port.get(key) or 0}/{port.get('protocol') or 'TCP'}"
        described.append(f"{text} ({port['name']})" if port.get("name") else text)
    return ", ".join(described)


def _basic_info(container: Container, status: ContainerStatus | None) -> str:
    """``describeContainerBasicInfo``."""
    out = f"  {container.name}:\n"
    if status is not None:
        out += "    Container ID:\t\n"
    out += f"    Image:\t{container.image}\n"
    if status is not None:
        out += "    Image ID:\t\n"
    ports = _list(container.extra.get("ports"))
    for title, key in (("Port", "containerPort"), ("Host Port", "hostPort")):
        text = _ports(ports, key)
        out += f"    {title}s:\t{text}\n" if "," in text else f"    {title}:\t{text or '<none>'}\n"
    return out


def _command(container: Container) -> str:
    """``describeContainerCommand``: each line of each word on a line of its own."""
    out = ""
    for title, key in (("Command", "command"), ("Args", "args")):
        words = _list(container.extra.get(key))
        if words:
            out += f"    {title}:\n"
            out += "".join(f"      {line}\n" for w in words for line in str(w).split("\n"))
    return out


def _state(status: ContainerStatus) -> str:
    """``describeContainerState`` and ``describeStatus``."""
    state = status.state
    if "running" in state:
        started_at = _map(state["running"]).get("startedAt")
        started = parse_time(started_at) if isinstance(started_at, str) else None
        out = f"    State:\tRunning\n      Started:\t{rfc1123z(started)}\n"
    elif "waiting" in state:
        reason = _map(state["waiting"]).get("reason") or ""
        out = "    State:\tWaiting\n" + (f"      Reason:\t{reason}\n" if reason else "")
    elif "terminated" in state:
        done = _map(state["terminated"])
        out = "    State:\tTerminated\n"
        out += f"      Reason:\t{done['reason']}\n" if done.get("reason") else ""
        out += f"      Exit Code:\t{done.get('exitCode') or 0}\n"
    else:
        out = "    State:\tWaiting\n"
    out += f"    Ready:\t{'True' if status.ready else 'False'}\n"
    return out + f"    Restart Count:\t{status.restart_count}\n"


def _resource_lines(container: Container) -> str:
    """``describeResources``: Limits then Requests, names sorted."""
    requests, limits = _resources(container)
    out = ""
    for title, values in (("Limits", limits), ("Requests", requests)):
        if values:
            out += f"    {title}:\n"
            out += "".join(f"      {name}:\t{values[name]}\n" for name in sorted(values))
    return out


def _defaulted_probe(raw: Mapping[str, Any]) -> Probe:
    """A stored liveness or startup probe with ``SetDefaults_Probe``'s values (timeout 1,
    period 10, success 1, failure 3), as the API server keeps it."""
    timing = {"initialDelaySeconds", "periodSeconds", "timeoutSeconds"}
    timing |= {"successThreshold", "failureThreshold"}
    return Probe(
        initial_delay_seconds=int(raw.get("initialDelaySeconds") or 0),
        period_seconds=int(raw.get("periodSeconds") or 10),
        timeout_seconds=int(raw.get("timeoutSeconds") or 1),
        success_threshold=int(raw.get("successThreshold") or 1),
        failure_threshold=int(raw.get("failureThreshold") or 3),
        extra={k: v for k, v in raw.items() if k not in timing},
    )


def _probes(container: Container) -> str:
    """``describeContainerProbe``: Liveness, Readiness, Startup."""
    out = ""
    for title, key in (("Liveness", "livenessProbe"), ("Startup", "startupProbe")):
        if key == "startupProbe" and container.readiness_probe is not None:
            out += f"    Readiness:\t{describe_probe(container.readiness_probe)}\n"
        raw = container.extra.get(key)
        if isinstance(raw, Mapping):
            out += f"    {title}:\t{describe_probe(_defaulted_probe(raw))}\n"
    return out


def _environment(container: Container) -> str:
    """``describeContainerEnvVars``: a value's further lines under it; a reference is
    described by what it names."""
    if not container.env:
        return "    Environment:\t<none>\n"
    out = "    Environment:\n"
    for var in container.env:
        if var.extra.get("valueFrom"):
            out += f"      {var.name}:\t<set from valueFrom>\n"
            continue
        lines = var.value.split("\n")
        out += f"      {var.name}:\t{lines[0]}\n" + "".join(f"      \t{x}\n" for x in lines[1:])
    return out


def _mounts(container: Container) -> str:
    """``describeContainerVolumes``: mounts sorted by path."""
    mounts = sorted(
        (_map(m) for m in _list(container.extra.get("volumeMounts"))),
        key=lambda m: str(m.get("mountPath") or ""),
    )
    if not mounts:
        return "    Mounts:\t<none>\n"
    return "    Mounts:\n" + "".join(
        f"      {m.get('mountPath')} from {m.get('name')} ({'ro' if m.get('readOnly') else 'rw'})\n"
        for m in mounts
    )


def _containers(pod: Pod) -> str:
    """``describeContainers``: each container's spec and, when the kubelet reports it,
    its state."""
    statuses = {s.name: s for s in pod.status.container_statuses}
    out = "Containers:" + ("" if pod.spec.containers else " <none>") + "\n"
    for container in pod.spec.containers:
        status = statuses.get(container.name)
        out += _basic_info(container, status) + _command(container)
        out += _state(status) if status is not None else ""
        out += _resource_lines(container) + _probes(container)
        out += _environment(container) + _mounts(container)
    return out


def _tolerations(tolerations: Sequence[Any]) -> str:
    """``printTolerationsMultilineWithIndent``: sorted by key, ``op=Exists``, ``for Ns``."""
    if not tolerations:
        return "Tolerations:\t<none>\n"
    lines = []
    for t in sorted((_map(t) for t in tolerations), key=lambda t: str(t.get("key") or "")):
        key, value, effect = t.get("key") or "", t.get("value") or "", t.get("effect") or ""
        text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
        if t.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        lines.append(text)
    return "Tolerations:\t" + "\n\t".join(lines) + "\n"


def _header(pod: Pod) -> str:
    """Name to Controlled By, as ``describePod`` writes them."""
    meta, spec, status = pod.metadata, pod.spec, pod.status
    out = f"Name:\t{meta.name}\nNamespace:\t{meta.namespace}\n"
    out += "Priority:\t0\n"
    account = spec.extra.get("serviceAccountName") or "default"
    out += f"Service Account:\t{account}\n"
    node = f"{spec.node_name}/{status.host_ip}" if spec.node_name else "<none>"
    out += f"Node:\t{node}\n"
    if status.start_time is not None:
        out += f"Start Time:\t{rfc1123z(status.start_time)}\n"
    out += labels_multiline("Labels", meta.labels)
    out += annotations_multiline("Annotations", meta.annotations)
    out += f"Status:\t{status.phase}\n"
    out += f"Reason:\t{status.reason}\n" if status.reason else ""
    out += f"IP:\t{status.pod_ip}\n"
    out += f"IPs:\n  IP:\t{status.pod_ip}\n" if status.pod_ip else "IPs:\t<none>\n"
    for ref in meta.owner_references:
        if ref.controller:
            out += f"Controlled By:\t{ref.kind}/{ref.name}\n"
            break
    return out


def describe_pod(pod: Pod, events: Sequence[AggregatedEvent] | None, now: float) -> str:
    """``describePod``; ``events`` None when describe shows none."""
    out = _header(pod) + _containers(pod)
    if pod.status.conditions:
        out += "Conditions:\n  Type\tStatus\n"
        out += "".join(f"  {c.type} \t{c.status} \n" for c in pod.status.conditions)
    volumes = [_map(v) for v in _list(pod.spec.extra.get("volumes"))]
    if volumes:
        out += "Volumes:\n" + "".join(f"  {v.get('name')}:\n" for v in volumes)
    else:
        out += "Volumes:\t<none>\n"
    out += f"QoS Class:\t{pod_qos_class(pod)}\n"
    selector = {k: str(v) for k, v in _map(pod.spec.extra.get("nodeSelector")).items()}
    out += labels_multiline("Node-Selectors", selector)
    out += _tolerations(_list(pod.spec.extra.get("tolerations")))
    if events is not None:
        out += describe_events(events, now)
    return tabwrite(out, 0, 2)
