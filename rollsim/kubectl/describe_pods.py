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
from rollsim.api.core import Container, ContainerStatus, Pod
from rollsim.api.defaults import DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
from rollsim.api.timefmt import parse_time
from rollsim.kubectl.describe import (
    annotations_multiline,
    describe_events,
    describe_probe,
    labels_multiline,
    rfc1123z,
)
from rollsim.kubectl.printers import AggregatedEvent, since
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


def _started(stamp: Any) -> str:
    """A container state's timestamp (RFC 3339 on the wire) as describe prints it."""
    return rfc1123z(parse_time(stamp) if isinstance(stamp, str) else None)


def _container_state(title: str, state: Mapping[str, Any]) -> str:
    """``describeStatus``: Running with its start, Waiting with its reason, Terminated
    with reason, message, exit code, signal, start and finish; no state is Waiting."""
    if "running" in state:
        running = _map(state["running"])
        return f"    {title}:\tRunning\n      Started:\t{_started(running.get('startedAt'))}\n"
    if "waiting" in state:
        reason = _map(state["waiting"]).get("reason") or ""
        return f"    {title}:\tWaiting\n" + (f"      Reason:\t{reason}\n" if reason else "")
    if "terminated" not in state:
        return f"    {title}:\tWaiting\n"
    done = _map(state["terminated"])
    out = f"    {title}:\tTerminated\n"
    out += f"      Reason:\t{done['reason']}\n" if done.get("reason") else ""
    out += f"      Message:\t{done['message']}\n" if done.get("message") else ""
    out += f"      Exit Code:\t{done.get('exitCode') or 0}\n"
    out += f"      Signal:\t{done['signal']}\n" if (done.get("signal") or 0) > 0 else ""
    out += f"      Started:\t{_started(done.get('startedAt'))}\n"
    return out + f"      Finished:\t{_started(done.get('finishedAt'))}\n"


def _state(status: ContainerStatus) -> str:
    """``describeContainerState``: the state, the last termination when there is one,
    readiness and restarts."""
    out = _container_state("State", status.state)
    if "terminated" in status.last_state:
        out += _container_state("Last State", status.last_state)
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


def _probes(container: Container) -> str:
    """``describeContainerProbe``: Liveness, Readiness, Startup, each as ``DescribeProbe``
    words it (the API server has defaulted their timings)."""
    probes = (
        ("Liveness", container.liveness_probe),
        ("Readiness", container.readiness_probe),
        ("Startup", container.startup_probe),
    )
    return "".join(
        f"    {title}:\t{describe_probe(probe)}\n" for title, probe in probes if probe is not None
    )


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


def _header(pod: Pod, now: float) -> str:
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
    out += _phase(pod, now)
    out += f"Reason:\t{status.reason}\n" if status.reason else ""
    out += f"IP:\t{status.pod_ip}\n"
    out += f"IPs:\n  IP:\t{status.pod_ip}\n" if status.pod_ip else "IPs:\t<none>\n"
    for ref in meta.owner_references:
        if ref.controller:
            out += f"Controlled By:\t{ref.kind}/{ref.name}\n"
            break
    return out


def _phase(pod: Pod, now: float) -> str:
    """``describePod``'s Status line: a deleted pod that has not finished is
    ``Terminating (lasts ...)``, the time since its deletionTimestamp (the end of its
    grace period, so ``<invalid>`` until then, as kubectl prints it), with the grace
    period the deletion gave it (``metadata.deletionGracePeriodSeconds``)."""
    phase = pod.status.phase
    deletion = pod.metadata.deletion_timestamp
    if deletion is None or phase in ("Failed", "Succeeded"):
        return f"Status:\t{phase}\n"
    grace = pod.metadata.deletion_grace_period_seconds
    if grace is None:
        grace = pod.spec.termination_grace_period_seconds
    if grace is None:
        grace = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
    out = f"Status:\tTerminating (lasts {since(deletion, now)})\n"
    return out + f"Termination Grace Period:\t{grace}s\n"


def _readiness_gates(pod: Pod) -> str:
    """``describePod``'s Readiness Gates: each gate's condition type and the status of
    the pod's condition of that type, ``<none>`` while it has none."""
    gates = [_map(g) for g in _list(pod.spec.extra.get("readinessGates"))]
    if not gates:
        return ""
    statuses: dict[str, str] = {}
    for condition in pod.status.conditions:
        statuses.setdefault(condition.type, condition.status)
    out = "Readiness Gates:\n  Type\tStatus\n"
    for gate in gates:
        kind = str(gate.get("conditionType") or "")
        out += f"  {kind} \t{statuses.get(kind, '<none>')} \n"
    return out


def describe_pod(pod: Pod, events: Sequence[AggregatedEvent] | None, now: float) -> str:
    """``describePod``; ``events`` None when describe shows none."""
    out = _header(pod, now) + _containers(pod) + _readiness_gates(pod)
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
