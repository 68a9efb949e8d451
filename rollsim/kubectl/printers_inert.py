"""``kubectl get`` tables for the kinds rollsim stores but does not simulate.

Mirrors pkg/printers/internalversion/printers.go for the built-in kinds
(``printConfigMap``, ``printSecret``, ``printServiceAccount``, ``printNamespace``,
``printIngress``, ``printNetworkPolicy``, ``printJob``, ``printCronJob``,
``printStatefulSet``, ``printDaemonSet``, ``printHorizontalPodAutoscaler`` with
``formatHPAMetrics``, ``printPodDisruptionBudget``, ``printNode``,
``printEndpoints`` with ``formatEndpoints``, ``printIngressClass``,
``printValidatingWebhook``, ``printRoleBinding``), the default table convertor
(``rest.NewDefaultTableConvertor``: NAME, CREATED AT) for built-in kinds with
no printer, and the API extensions server's table convertor for a custom
resource (``tableconvertor.New``: the CRD's ``additionalPrinterColumns``,
evaluated as JSONPath; NAME and AGE when it declares none).

Each object's ``content`` is the document as applied: the API server's
defaults for the fields these columns read (a Job's completions, an HPA's
minReplicas, a CronJob's suspend) are applied here as its defaulting would,
and a status no controller writes reads as empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rollsim.api.manifest import to_dict
from rollsim.api.timefmt import format_time, parse_time
from rollsim.kubectl.jsonpath import JSONPathError, parse, relaxed
from rollsim.kubectl.printers import human_duration, since

__all__ = ["PrinterColumn", "custom_resource_rows", "format_selector", "inert_rows"]

Rows = list[list[str]]


def _at(mapping: Any, *keys: str) -> Any:
    """``mapping[k1][k2]...``, or None where a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def format_labels(labels: Mapping[str, Any] | None) -> str:
    """``labels.FormatLabels``: ``k=v`` sorted by key, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def format_selector(selector: Any) -> str:
    """``metav1.FormatLabelSelector`` of a wire selector: ``<none>`` when empty."""
    if not isinstance(selector, Mapping):
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for req in _list(selector.get("matchExpressions")):
        key, op = req.get("key", ""), req.get("operator", "")
        values = ",".join(sorted(str(v) for v in _list(req.get("values"))))
        if op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
        else:
            parts.append(f"{key} {'in' if op == 'In' else 'notin'} ({values})")
    return ",".join(parts) or "<none>"


def _containers(template: Any) -> tuple[str, str]:
    """``layoutContainerCells``: container names and images, comma-joined."""
    containers = [c for c in _list(_at(template, "spec", "containers")) if isinstance(c, Mapping)]
    return (
        ",".join(str(c.get("name", "")) for c in containers),
        ",".join(str(c.get("image", "")) for c in containers),
    )


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _age(obj: Any, now: float) -> str:
    return since(obj.metadata.creation_timestamp, now)


def _config_map(obj: Any, now: float, wide: bool) -> list[str]:
    count = len(obj.content.get("data") or {}) + len(obj.content.get("binaryData") or {})
    return [obj.metadata.name, str(count), _age(obj, now)]


def _secret(obj: Any, now: float, wide: bool) -> list[str]:
    # The API server folds stringData into data on write.
    keys = set(obj.content.get("data") or {}) | set(obj.content.get("stringData") or {})
    kind = obj.content.get("type") or "Opaque"
    return [obj.metadata.name, str(kind), str(len(keys)), _age(obj, now)]


def _service_account(obj: Any, now: float, wide: bool) -> list[str]:
    return [obj.metadata.name, str(len(_list(obj.content.get("secrets")))), _age(obj, now)]


def _namespace(obj: Any, now: float, wide: bool) -> list[str]:
    phase = _at(obj.content, "status", "phase") or ""
    return [obj.metadata.name, str(phase), _age(obj, now)]


def _hosts(rules: list[Any]) -> str:
    """``formatHosts``: the first three hosts, then ``+ N more...``."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        host = _at(rule, "host")
        if not more and host:
            hosts.append(str(host))
    if not hosts:
        return "*"
    return ",".join(hosts) + (f" + {len(rules) - 3} more..." if more else "")


def _ingress(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    ports = "80, 443" if _list(spec.get("tls")) else "80"
    return [
        obj.metadata.name,
        str(spec.get("ingressClassName") or "<none>"),
        _hosts(_list(spec.get("rules"))),
        "",
        ports,
        _age(obj, now),
    ]


def _network_policy(obj: Any, now: float, wide: bool) -> list[str]:
    selector = _at(obj.content, "spec", "podSelector")
    return [obj.metadata.name, format_selector(selector), _age(obj, now)]


def _job_status(obj: Any) -> str:
    """``printJob``'s STATUS from the Job's conditions."""
    conditions = {
        c.get("type"): c.get("status") for c in _list(_at(obj.content, "status", "conditions"))
    }
    for condition, word in (("Complete", "Complete"), ("Failed", "Failed")):
        if conditions.get(condition) == "True":
            return word
    if obj.metadata.deletion_timestamp is not None:
        return "Terminating"
    for condition in ("Suspended", "FailureTarget"):
        if conditions.get(condition) == "True":
            return condition
    return "Running"


def _job(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    succeeded = _int(_at(obj.content, "status", "succeeded"))
    completions = spec.get("completions")
    parallelism = spec.get("parallelism")
    if completions is None and parallelism is None:
        completions = 1  # SetDefaults_Job: neither set means one of one.
    if completions is not None:
        done = f"{succeeded}/{completions}"
    else:
        parallel = _int(parallelism)
        done = f"{succeeded}/1 of {parallel}" if parallel > 1 else f"{succeeded}/1"
    started, finished = _at(obj.content, "status", "startTime"), None
    finished = _at(obj.content, "status", "completionTime")
    duration = ""
    if isinstance(started, str):
        end = parse_time(finished) if isinstance(finished, str) else now
        duration = human_duration(end - parse_time(started))
    row = [obj.metadata.name, _job_status(obj), done, duration, _age(obj, now)]
    if wide:
        row += [*_containers(spec.get("template")), format_selector(spec.get("selector"))]
    return row


def _cron_job(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    last = _at(obj.content, "status", "lastScheduleTime")
    # SetDefaults_CronJob: suspend defaults to false.
    suspend = "True" if spec.get("suspend") is True else "False"
    row = [
        obj.metadata.name,
        str(spec.get("schedule", "")),
        str(spec.get("timeZone") or "<none>"),
        suspend,
        str(len(_list(_at(obj.content, "status", "active")))),
        since(parse_time(last), now) if isinstance(last, str) else "<none>",
        _age(obj, now),
    ]
    if wide:
        job_spec = _at(spec, "jobTemplate", "spec")
        row += [*_containers(_at(job_spec, "template")), format_selector(_at(job_spec, "selector"))]
    return row


def _stateful_set(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    ready = _int(_at(obj.content, "status", "readyReplicas"))
    row = [obj.metadata.name, f"{ready}/{_int(spec.get('replicas'), 1)}", _age(obj, now)]
    if wide:
        row += list(_containers(spec.get("template")))
    return row


def _daemon_set(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    status = obj.content.get("status") or {}
    counts = (
        "desiredNumberScheduled",
        "currentNumberScheduled",
        "numberReady",
        "updatedNumberScheduled",
        "numberAvailable",
    )
    row = [
        obj.metadata.name,
        *(str(_int(status.get(c))) for c in counts),
        format_labels(_at(spec, "template", "spec", "nodeSelector")),
        _age(obj, now),
    ]
    if wide:
        row += [*_containers(spec.get("template")), format_selector(spec.get("selector"))]
    return row


def _hpa_metric(spec: Mapping[str, Any]) -> str:
    """One entry of ``formatHPAMetrics``; no controller reports a current value."""
    kind = spec.get("type")
    source = (
        spec.get(
            {"Resource": "resource", "ContainerResource": "containerResource"}.get(
                str(kind), str(kind).lower()
            )
        )
        or {}
    )
    target = source.get("target") or {}
    if kind in ("Resource", "ContainerResource"):
        if target.get("averageValue") is not None:
            return f"{source.get('name')}: <unknown>/{target['averageValue']}"
        utilization = target.get("averageUtilization")
        return f"{source.get('name')}: <unknown>/" + (
            f"{utilization}%" if utilization is not None else "<auto>"
        )
    if kind in ("External", "Object"):
        if target.get("averageValue") is not None:
            return f"<unknown>/{target['averageValue']} (avg)"
        return f"<unknown>/{target.get('value')}"
    if kind == "Pods":
        return f"<unknown>/{target.get('averageValue')}"
    return "<unknown type>"


def _hpa_metrics(obj: Any) -> str:
    spec = obj.content.get("spec") or {}
    if obj.api_version == "autoscaling/v1":
        utilization = spec.get("targetCPUUtilizationPercentage")
        metrics: list[Any] = (
            [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"averageUtilization": utilization}},
                }
            ]
            if utilization is not None
            else []
        )
    else:
        metrics = [m for m in _list(spec.get("metrics")) if isinstance(m, Mapping)]
    if not metrics:
        return "<none>"
    shown = [_hpa_metric(m) for m in metrics[:2]]
    more = f" + {len(metrics) - 2} more..." if len(metrics) > 2 else ""
    return ", ".join(shown) + more


def _hpa(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    ref = spec.get("scaleTargetRef") or {}
    return [
        obj.metadata.name,
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        _hpa_metrics(obj),
        str(spec.get("minReplicas", 1)),  # SetDefaults_HorizontalPodAutoscaler
        str(_int(spec.get("maxReplicas"))),
        str(_int(_at(obj.content, "status", "currentReplicas"))),
        _age(obj, now),
    ]


def _pdb(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    minimum, maximum = spec.get("minAvailable"), spec.get("maxUnavailable")
    return [
        obj.metadata.name,
        "N/A" if minimum is None else str(minimum),
        "N/A" if maximum is None else str(maximum),
        str(_int(_at(obj.content, "status", "disruptionsAllowed"))),
        _age(obj, now),
    ]


def _node(obj: Any, now: float, wide: bool) -> list[str]:
    status = obj.content.get("status") or {}
    ready = [c for c in _list(status.get("conditions")) if _at(c, "type") == "Ready"]
    states = ["Ready" if ready[0].get("status") == "True" else "NotReady"] if ready else ["Unknown"]
    if _at(obj.content, "spec", "unschedulable") is True:
        states.append("SchedulingDisabled")
    roles = sorted(
        {
            k.removeprefix("node-role.kubernetes.io/")
            for k in obj.metadata.labels
            if k.startswith("node-role.kubernetes.io/") and len(k) > len("node-role.kubernetes.io/")
        }
        | {v for k, v in obj.metadata.labels.items() if k == "kubernetes.io/role" and v}
    )
    info = status.get("nodeInfo") or {}
    row = [
        obj.metadata.name,
        ",".join(states),
        ",".join(roles) or "<none>",
        _age(obj, now),
        str(info.get("kubeletVersion", "")),
    ]
    if wide:
        addresses = {a.get("type"): a.get("address") for a in _list(status.get("addresses"))}
        row += [
            str(addresses.get("InternalIP") or "<none>"),
            str(addresses.get("ExternalIP") or "<none>"),
            *(
                str(info.get(k) or "<unknown>")
                for k in ("osImage", "kernelVersion", "containerRuntimeVersion")
            ),
        ]
    return row


def format_endpoints(subsets: list[Any]) -> str:
    """``formatEndpoints``: ``ip:port`` of the ready addresses, three shown."""
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    for subset in subsets:
        addresses = [str(_at(a, "ip")) for a in _list(_at(subset, "addresses"))]
        ports = [_at(p, "port") for p in _list(_at(subset, "ports"))]
        for port in ports or [None]:
            count += len(addresses)
            for ip in addresses:
                if len(shown) == 3:
                    break
                shown.append(ip if port is None else f"{ip}:{port}")
    more = f" + {count - 3} more..." if count > 3 else ""
    return ",".join(shown) + more


def _endpoints(obj: Any, now: float, wide: bool) -> list[str]:
    return [obj.metadata.name, format_endpoints(_list(obj.content.get("subsets"))), _age(obj, now)]


def _ingress_class(obj: Any, now: float, wide: bool) -> list[str]:
    spec = obj.content.get("spec") or {}
    params = spec.get("parameters")
    shown = "<none>"
    if isinstance(params, Mapping):
        group = f".{params['apiGroup']}" if params.get("apiGroup") else ""
        shown = f"{params.get('kind', '')}{group}/{params.get('name', '')}"
    return [obj.metadata.name, str(spec.get("controller", "")), shown, _age(obj, now)]


def _webhooks(obj: Any, now: float, wide: bool) -> list[str]:
    return [obj.metadata.name, str(len(_list(obj.content.get("webhooks")))), _age(obj, now)]


def _role_binding(obj: Any, now: float, wide: bool) -> list[str]:
    """``printRoleBinding``; wide adds ``rbac.SubjectsStrings``: users, groups and
    ``namespace/name`` service accounts."""
    ref = obj.content.get("roleRef") or {}
    row = [obj.metadata.name, f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(obj, now)]
    if wide:
        subjects = [s for s in _list(obj.content.get("subjects")) if isinstance(s, Mapping)]
        users = [str(s.get("name", "")) for s in subjects if s.get("kind") == "User"]
        groups = [str(s.get("name", "")) for s in subjects if s.get("kind") == "Group"]
        accounts = [
            f"{s.get('namespace', '')}/{s.get('name', '')}"
            for s in subjects
            if s.get("kind") == "ServiceAccount"
        ]
        row += [", ".join(users), ", ".join(groups), ", ".join(accounts)]
    return row


def _created_at(obj: Any, now: float, wide: bool) -> list[str]:
    stamp = obj.metadata.creation_timestamp
    return [obj.metadata.name, format_time(stamp) if stamp is not None else "<unknown>"]


Printer = Callable[[Any, float, bool], list[str]]

#: Each kind's columns (wide ones after ``|``) and its row function.
_PRINTERS: dict[str, tuple[str, Printer]] = {
    "ConfigMap": ("NAME DATA AGE", _config_map),
    "Secret": ("NAME TYPE DATA AGE", _secret),
    "ServiceAccount": ("NAME SECRETS AGE", _service_account),
    "Namespace": ("NAME STATUS AGE", _namespace),
    "Ingress": ("NAME CLASS HOSTS ADDRESS PORTS AGE", _ingress),
    "NetworkPolicy": ("NAME POD-SELECTOR AGE", _network_policy),
    "Job": ("NAME STATUS COMPLETIONS DURATION AGE|CONTAINERS IMAGES SELECTOR", _job),
    "CronJob": (
        "NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST_SCHEDULE AGE|CONTAINERS IMAGES SELECTOR",
        _cron_job,
    ),
    "StatefulSet": ("NAME READY AGE|CONTAINERS IMAGES", _stateful_set),
    "DaemonSet": (
        "NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE_SELECTOR AGE"
        "|CONTAINERS IMAGES SELECTOR",
        _daemon_set,
    ),
    "HorizontalPodAutoscaler": ("NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE", _hpa),
    "PodDisruptionBudget": (
        "NAME MIN_AVAILABLE MAX_UNAVAILABLE ALLOWED_DISRUPTIONS AGE",
        _pdb,
    ),
    "Node": (
        "NAME STATUS ROLES AGE VERSION"
        "|INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME",
        _node,
    ),
    "Endpoints": ("NAME ENDPOINTS AGE", _endpoints),
    "IngressClass": ("NAME CONTROLLER PARAMETERS AGE", _ingress_class),
    "ValidatingWebhookConfiguration": ("NAME WEBHOOKS AGE", _webhooks),
    "MutatingWebhookConfiguration": ("NAME WEBHOOKS AGE", _webhooks),
    "RoleBinding": ("NAME ROLE AGE|USERS GROUPS SERVICEACCOUNTS", _role_binding),
    "ClusterRoleBinding": ("NAME ROLE AGE|USERS GROUPS SERVICEACCOUNTS", _role_binding),
    "CustomResourceDefinition": ("NAME CREATED_AT", _created_at),
    "Role": ("NAME CREATED_AT", _created_at),
    "ClusterRole": ("NAME CREATED_AT", _created_at),
    "LimitRange": ("NAME CREATED_AT", _created_at),
}


def _head(spec: str, wide: bool) -> list[str]:
    plain, _, extra = spec.partition("|")
    words = plain.split() + (extra.split() if wide else [])
    return [w.replace("_", " ") for w in words]


def inert_rows(kind: str, items: Sequence[Any], now: float, wide: bool) -> Rows | None:
    """The table of a built-in inert kind that has a printer, None for any other."""
    found = _PRINTERS.get(kind)
    if found is None:
        return None
    spec, printer = found
    return [_head(spec, wide)] + [printer(obj, now, wide) for obj in items]


class PrinterColumn:
    """One of a CRD's ``additionalPrinterColumns``."""

    __slots__ = ("kind", "name", "path", "priority")

    def __init__(self, name: str, kind: str, path: str, priority: int) -> None:
        self.name = name
        self.kind = kind
        self.path = path
        self.priority = priority

    @classmethod
    def from_crd(cls, crd: Any, version: str) -> list[PrinterColumn] | None:
        """The columns the CRD declares for ``version`` (v1: per version; v1beta1: top
        level with ``JSONPath``); None when it declares none."""
        spec = crd.content.get("spec") or {}
        declared = spec.get("additionalPrinterColumns")
        for served in _list(spec.get("versions")):
            if _at(served, "name") == version and "additionalPrinterColumns" in served:
                declared = served["additionalPrinterColumns"]
        if not declared:
            return None
        return [
            cls(
                str(c.get("name", "")),
                str(c.get("type", "string")),
                str(c.get("jsonPath") or c.get("JSONPath") or ""),
                _int(c.get("priority")),
            )
            for c in _list(declared)
            if isinstance(c, Mapping)
        ]


def _cell(column: PrinterColumn, document: Any, now: float) -> str:
    """The API extensions server's cell: the first value found, typed as declared
    (a ``date`` as an age); nothing found is an empty cell."""
    try:
        found = parse(relaxed(column.path)).find(document)
    except JSONPathError:
        return ""
    if not found or not found[0]:
        return ""
    value = found[0][0]
    if column.kind == "date" and isinstance(value, str):
        try:
            return since(parse_time(value), now)
        except ValueError:
            return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list):
        return str(value)
    return str(value)


def custom_resource_rows(
    items: Sequence[Any], now: float, wide: bool, columns: list[PrinterColumn] | None
) -> Rows:
    """A custom resource's table: NAME, then the CRD's columns (priority > 0 only
    with ``-o wide``); NAME and AGE when the CRD declares none or is not known."""
    if columns is None:
        return [["NAME", "AGE"]] + [[o.metadata.name, _age(o, now)] for o in items]
    shown = [c for c in columns if wide or c.priority == 0]
    rows = [["NAME", *(c.name.upper() for c in shown)]]
    for obj in items:
        document = to_dict(obj)
        rows.append([obj.metadata.name, *(_cell(c, document, now) for c in shown)])
    return rows
