"""``kubectl describe deployment`` and the pod-template description.

Mirrors pkg/describe/describe.go: ``DeploymentDescriber``,
``DescribePodTemplate``, ``describeContainers``, ``DescribeProbe``,
``printLabelsMultiline``, ``printAnnotationsMultiline`` and
``DescribeEvents``. Text is written with tabs, then aligned by ``tabwrite``
with describe's settings (padding 2); ``rollout history --revision`` prints
the same template text with the raw tabs.

The opaque fields it reads (ports, probe handlers, resources, mounts, volumes,
tolerations) have their Go types checked at decode (``rollsim.api.schema``),
so each is the JSON shape its type allows; a JSON null still stands where Go
would hold a zero value, and reads here as one (``_struct``, ``_text``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.core import Container, PodTemplateSpec, Probe
from rollsim.api.timefmt import EPOCH
from rollsim.kubectl.cmdutil import Kubectl
from rollsim.kubectl.printers import AggregatedEvent, since
from rollsim.kubectl.tabwriter import tabwrite

__all__ = [
    "Settings",
    "annotations_multiline",
    "describe_deployment",
    "describe_events",
    "describe_pod_template",
    "labels_multiline",
    "object_events",
    "rfc1123z",
]

#: Annotations describe never prints.
SKIPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
MAX_ANNOTATION_LEN = 140


@dataclass(frozen=True)
class Settings:
    """``DescriberSettings``: whether the Events section is printed."""

    show_events: bool = True


def labels_multiline(
    title: str, labels: Mapping[str, str], initial: str = "", inner: str = "\t"
) -> str:
    """``printLabelsMultilineWithIndent``: one ``key=value`` a line, sorted; ``<none>``."""
    text = f"{initial}{title}:{inner}"
    if not labels:
        return text + "<none>\n"
    lines = [f"{k}={labels[k]}\n" for k in sorted(labels)]
    return text + (initial + inner).join(lines)


def _shorten(text: str, limit: int) -> str:
    return text[:limit] + "..." if len(text) > limit else text


def annotations_multiline(
    title: str, annotations: Mapping[str, str], initial: str = "", inner: str = "\t"
) -> str:
    """``printAnnotationsMultilineWithIndent``: sorted, last-applied skipped, a long or
    multi-line value on its own lines, each cut at 140 characters."""
    text = f"{initial}{title}:{inner}"
    keys = sorted(k for k in annotations if k not in SKIPPED_ANNOTATIONS)
    if not keys:
        return text + "<none>\n"
    indent = initial + inner
    parts = []
    for i, key in enumerate(keys):
        value = annotations[key].removesuffix("\n")
        prefix = indent if i else ""
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            part = f"{prefix}{key}:\n" + "".join(
                f"{indent}  {_shorten(line, MAX_ANNOTATION_LEN - 2)}\n"
                for line in value.split("\n")
            )
        else:
            part = f"{prefix}{key}: {value}\n"
        parts.append(part)
    return text + "".join(parts)


def _struct(value: Any) -> Mapping[str, Any]:
    """A decoded struct, or the zero struct a JSON null decodes to."""
    return value if isinstance(value, Mapping) else {}


def _text(value: Any, default: str = "") -> str:
    """A decoded scalar as describe's ``%s``/``%d`` print it; a null is the zero value."""
    return default if value is None else str(value)


def _items(value: Any) -> list[Any]:
    """A decoded slice; a null slice is empty."""
    return value if isinstance(value, list) else []


def describe_probe(probe: Probe) -> str:
    """``DescribeProbe``: the handler, then delay/timeout/period/thresholds."""
    attrs = (
        f"delay={probe.initial_delay_seconds}s timeout={probe.timeout_seconds}s "
        f"period={probe.period_seconds}s #success={probe.success_threshold} "
        f"#failure={probe.failure_threshold}"
    )
    # A null handler is a nil pointer to Go: not set.
    handler = {k: v for k, v in probe.extra.items() if v is not None}
    if "exec" in handler:
        command = " ".join(_text(c) for c in _items(_struct(handler["exec"]).get("command")))
        return f"exec [{command}] {attrs}"
    if "httpGet" in handler:
        get = _struct(handler["httpGet"])
        scheme = _text(get.get("scheme"), "HTTP").lower()
        return (
            f"http-get {scheme}://{_text(get.get('host'))}:{_text(get.get('port'))}"
            f"{_text(get.get('path'))} {attrs}"
        )
    if "tcpSocket" in handler:
        sock = _struct(handler["tcpSocket"])
        return f"tcp-socket {_text(sock.get('host'))}:{_text(sock.get('port'))} {attrs}"
    if "grpc" in handler:
        grpc = _struct(handler["grpc"])
        return f"grpc <pod>:{_text(grpc.get('port'))} {_text(grpc.get('service'))} {attrs}"
    return f"unknown {attrs}"


def _ports(container: Container) -> tuple[str, str]:
    ports = [_struct(p) for p in _items(container.extra.get("ports"))]
    plain = ", ".join(
        f"{_text(p.get('containerPort'), '0')}/{_text(p.get('protocol'), 'TCP')}" for p in ports
    )
    host = ", ".join(
        f"{_text(p.get('hostPort'), '0')}/{_text(p.get('protocol'), 'TCP')}" for p in ports
    )
    return plain, host


def _container(container: Container) -> str:
    out = f"   {container.name}:\n"
    out += f"    Image:\t{container.image}\n"
    ports, host_ports = _ports(container)
    out += f"    Ports:\t{ports}\n" if "," in ports else f"    Port:\t{ports or '<none>'}\n"
    out += (
        f"    Host Ports:\t{host_ports}\n"
        if "," in host_ports
        else f"    Host Port:\t{host_ports or '<none>'}\n"
    )
    command = _items(container.extra.get("command"))
    if command:
        out += "    Command:\n" + "".join(f"      {_text(c)}\n" for c in command)
    args = _items(container.extra.get("args"))
    if args:
        out += "    Args:\n" + "".join(f"      {_text(a)}\n" for a in args)
    resources = _struct(container.extra.get("resources"))
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = _struct(resources.get(key))
        if values:
            out += f"    {title}:\n" + "".join(
                f"      {name}:\t{_text(values[name], '0')}\n" for name in sorted(values)
            )
    if container.readiness_probe is not None:
        out += f"    Readiness:\t{describe_probe(container.readiness_probe)}\n"
    if not container.env:
        out += "    Environment:\t<none>\n"
    else:
        out += "    Environment:\n"
        for var in container.env:
            if var.extra.get("valueFrom"):
                out += f"      {var.name}:\t<set from valueFrom>\n"
            else:
                out += f"      {var.name}:\t{var.value}\n"
    mounts = [_struct(m) for m in _items(container.extra.get("volumeMounts"))]
    if not mounts:
        out += "    Mounts:\t<none>\n"
    else:
        out += "    Mounts:\n" + "".join(
            f"      {_text(m.get('mountPath'))} from {_text(m.get('name'))} "
            f"({'ro' if m.get('readOnly') else 'rw'})\n"
            for m in mounts
        )
    return out


def describe_pod_template(template: PodTemplateSpec) -> str:
    """``DescribePodTemplate``, with raw tabs (not yet aligned)."""
    out = "Pod Template:\n"
    out += labels_multiline("  Labels", template.metadata.labels)
    if template.metadata.annotations:
        out += annotations_multiline("  Annotations", template.metadata.annotations)
    service_account = template.spec.extra.get("serviceAccountName")
    if service_account:
        out += f"  Service Account:\t{service_account}\n"
    containers = template.spec.containers
    out += "  Containers:" + ("" if containers else " <none>") + "\n"
    out += "".join(_container(c) for c in containers)
    volumes = [_struct(v) for v in _items(template.spec.extra.get("volumes"))]
    if not volumes:
        out += "  Volumes:\t<none>\n"
    else:
        out += "  Volumes:\n" + "".join(f"   {_text(v.get('name'))}:\n" for v in volumes)
    priority = template.spec.extra.get("priorityClassName")
    if priority:
        out += f"  Priority Class Name:\t{priority}\n"
    node_selector = _struct(template.spec.extra.get("nodeSelector"))
    out += labels_multiline("  Node-Selectors", {k: _text(v) for k, v in node_selector.items()})
    tolerations = [_struct(t) for t in _items(template.spec.extra.get("tolerations"))]
    if not tolerations:
        out += "  Tolerations:\t<none>\n"
    else:
        out += (
            "  Tolerations:\t"
            + "\n\t".join(
                _text(t.get("key"))
                + (f"={t['value']}" if t.get("value") else "")
                + (f":{t['effect']}" if t.get("effect") else "")
                for t in tolerations
            )
            + "\n"
        )
    return out


def rfc1123z(seconds: float | None) -> str:
    """A timestamp as Go's ``time.RFC1123Z`` layout prints it, in UTC."""
    if seconds is None:
        return "<unknown>"
    instant = EPOCH + timedelta(seconds=int(seconds // 1))
    return instant.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _replica_sets(rss: Sequence[ReplicaSet]) -> str:
    return (
        ", ".join(
            f"{rs.metadata.name} ({rs.status.replicas}/{rs.replicas} replicas created)"
            for rs in rss
        )
        or "<none>"
    )


def object_events(k: Kubectl, kind: str, name: str, namespace: str) -> list[AggregatedEvent]:
    """``searchEvents``: the events about one object, repeats folded as the event
    correlator folds them (a count and the last time seen), oldest last-seen first."""
    folded: dict[tuple[str, ...], AggregatedEvent] = {}
    for e in k.cluster.events:
        if e.kind != kind or e.name != name or e.namespace not in (namespace, ""):
            continue
        key = (e.type, e.reason, e.message, e.source)
        found = folded.get(key)
        if found is None:
            folded[key] = AggregatedEvent(
                e.time, e.type, e.reason, e.kind, e.name, e.message, e.source
            )
        else:
            found.count += 1
            found.last = e.time
    return sorted(folded.values(), key=lambda e: e.last)


def describe_events(events: Sequence[AggregatedEvent], now: float) -> str:
    """``DescribeEvents``: oldest last-seen first, repeats folded as ``(xN over ...)``."""
    if not events:
        return "Events:\t<none>\n"
    out = "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n"
    for e in sorted(events, key=lambda e: e.last):
        age = since(e.first, now)
        if e.count > 1:
            age = f"{since(e.last, now)} (x{e.count} over {age})"
        out += f"  {e.type}\t{e.reason}\t{age}\t{e.source}\t{e.message.strip()}\n"
    return out


def describe_deployment(
    d: Deployment,
    old_rss: Sequence[ReplicaSet],
    new_rs: ReplicaSet | None,
    events: Sequence[AggregatedEvent] | None,
    now: float,
) -> str:
    """``DeploymentDescriber.Describe``; ``events`` None when describe shows none."""
    meta, spec, status = d.metadata, d.spec, d.status
    out = f"Name:\t{meta.name}\n"
    out += f"Namespace:\t{meta.namespace}\n"
    out += f"CreationTimestamp:\t{rfc1123z(meta.creation_timestamp)}\n"
    out += labels_multiline("Labels", meta.labels)
    out += annotations_multiline("Annotations", meta.annotations)
    out += f"Selector:\t{spec.selector if spec.selector else '<none>'}\n"
    out += (
        f"Replicas:\t{d.replicas} desired | {status.updated_replicas} updated | "
        f"{status.replicas} total | {status.available_replicas} available | "
        f"{status.unavailable_replicas} unavailable\n"
    )
    out += f"StrategyType:\t{spec.strategy.type}\n"
    out += f"MinReadySeconds:\t{spec.min_ready_seconds}\n"
    ru = spec.strategy.rolling_update
    if ru is not None:
        out += (
            f"RollingUpdateStrategy:\t{ru.max_unavailable} max unavailable, "
            f"{ru.max_surge} max surge\n"
        )
    out += describe_pod_template(spec.template)
    if status.conditions:
        out += "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n"
        out += "".join(f"  {c.type} \t{c.status}\t{c.reason}\n" for c in status.conditions)
    out += f"OldReplicaSets:\t{_replica_sets(old_rss)}\n"
    out += f"NewReplicaSet:\t{_replica_sets([new_rs] if new_rs is not None else [])}\n"
    if events is not None:
        out += describe_events(events, now)
    return tabwrite(out, 0, 2)
