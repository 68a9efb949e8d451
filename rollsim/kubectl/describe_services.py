"""``kubectl describe`` for the core kinds around workloads: Services, ConfigMaps and
Namespaces.

Mirrors pkg/describe/describe.go (kubectl v0.34.10): ``describeService`` (type, IPs,
each port with its target, node port and ready endpoints as ``formatEndpointSlices``
lists them, session affinity), ``ConfigMapDescriber`` (each key, a ``----`` rule,
its value) and ``describeNamespace`` (status, then ``DescribeResourceQuotas`` and
``DescribeLimitRanges`` over the empty lists rollsim holds).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rollsim.api.manifest import to_dict
from rollsim.kubectl.cmdutil import Kubectl
from rollsim.kubectl.describe import (
    Settings,
    annotations_multiline,
    describe_events,
    labels_multiline,
    object_events,
)
from rollsim.kubectl.endpoints_view import service_endpoints
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["SERVICE_DESCRIBERS", "format_endpoints"]

#: ``formatEndpointSlices`` lists this many endpoints, then ``+ N more...``.
_MAX_LISTED = 3


def _events(k: Kubectl, obj: Any, settings: Settings) -> str:
    if not settings.show_events:
        return ""
    meta = obj.metadata
    return describe_events(object_events(k, obj.kind, meta.name, meta.namespace), k.cluster.now)


def _heading(obj: Any) -> str:
    meta = obj.metadata
    out = f"Name:\t{meta.name}\n"
    if getattr(obj, "kind", "") != "Namespace":
        out += f"Namespace:\t{meta.namespace}\n"
    out += labels_multiline("Labels", meta.labels)
    return out + annotations_multiline("Annotations", meta.annotations)


def format_endpoints(subsets: Sequence[Mapping[str, Any]], port_name: str) -> str:
    """``formatEndpointSlices``: the ready ``ip:port`` of the port named ``port_name``,
    three at most then ``+ N more...``; ``<none>`` without any."""
    listed: list[str] = []
    count = 0
    for subset in subsets:
        for port in subset.get("ports") or ():
            if (port.get("name") or "") != port_name:
                continue
            for address in subset.get("addresses") or ():
                if len(listed) < _MAX_LISTED:
                    listed.append(f"{address['ip']}:{port['port']}")
                count += 1
    if not subsets:
        return "<none>"
    text = ",".join(listed)
    return f"{text} + {count - _MAX_LISTED} more..." if count > _MAX_LISTED else text


def _ports(spec: Mapping[str, Any], subsets: Sequence[Mapping[str, Any]]) -> str:
    out = ""
    for port in spec.get("ports") or ():
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol") or "TCP"
        out += f"Port:\t{name}\t{port.get('port')}/{protocol}\n"
        out += f"TargetPort:\t{port.get('targetPort', port.get('port'))}/{protocol}\n"
        if port.get("nodePort"):
            out += f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n"
        out += f"Endpoints:\t{format_endpoints(subsets, port.get('name') or '')}\n"
    return out


def _service(k: Kubectl, svc: Any, settings: Settings) -> str:
    """``ServiceDescriber.Describe``."""
    spec = to_dict(svc).get("spec") or {}
    selector = spec.get("selector") or {}
    out = _heading(svc)
    out += f"Selector:\t{','.join(f'{k}={v}' for k, v in sorted(selector.items()))}\n"
    out += f"Type:\t{spec.get('type') or 'ClusterIP'}\n"
    if spec.get("ipFamilyPolicy"):
        out += f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n"
    out += f"IP Families:\t{','.join(spec.get('ipFamilies') or ()) or '<none>'}\n"
    out += f"IP:\t{spec.get('clusterIP') or ''}\n"
    out += f"IPs:\t{','.join(spec.get('clusterIPs') or ()) or '<none>'}\n"
    found = [
        ep
        for ep in service_endpoints(k.cluster, svc.metadata.namespace)
        if ep.metadata.name == svc.metadata.name
    ]
    out += _ports(spec, found[0].content.get("subsets") or [] if found else [])
    out += f"Session Affinity:\t{spec.get('sessionAffinity') or 'None'}\n"
    if spec.get("externalTrafficPolicy"):
        out += f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n"
    if spec.get("internalTrafficPolicy"):
        out += f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n"
    return tabwrite(out + _events(k, svc, settings), 0, 2)


def _config_map(k: Kubectl, cm: Any, settings: Settings) -> str:
    """``ConfigMapDescriber.Describe``."""
    content = to_dict(cm)
    out = _heading(cm) + "\nData\n====\n"
    data = content.get("data") or {}
    out += "".join(f"{key}:\n----\n{data[key]}\n\n" for key in sorted(data))
    out += "\nBinaryData\n====\n"
    binary = content.get("binaryData") or {}
    out += "".join(f"{key}: {len(base64.b64decode(binary[key]))} bytes\n" for key in sorted(binary))
    out += "\n"
    return tabwrite(out + _events(k, cm, settings), 0, 2)


def _namespace(k: Kubectl, ns: Any, settings: Settings) -> str:
    """``describeNamespace``: status, then the quota and LimitRange sections (none)."""
    status = (to_dict(ns).get("status") or {}).get("phase") or ""
    out = _heading(ns) + f"Status:\t{status}\n"
    out += "\nNo resource quota.\n\nNo LimitRange resource.\n"
    return tabwrite(out, 0, 2)


#: (group, kind) to the describers of this module.
SERVICE_DESCRIBERS: dict[tuple[str, str], Callable[[Kubectl, Any, Settings], str]] = {
    ("", "Service"): _service,
    ("", "ConfigMap"): _config_map,
    ("", "Namespace"): _namespace,
}
