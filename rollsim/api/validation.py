"""API-server validation with upstream field paths and messages.

Mirrors ``ValidateDeployment`` / ``ValidateDeploymentSpec`` /
``ValidateDeploymentStrategy`` / ``ValidateRollingUpdateDeployment`` and
``ValidateReplicaSet`` in pkg/apis/apps/validation, the pod template checks of
pkg/apis/core/validation, and the name and percent checks of
k8s.io/apimachinery/pkg/util/validation. Every problem is collected, so one
``ValidationError`` lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet, RollingUpdateDeployment
from rollsim.api.container_validation import (
    validate_container_ports,
    validate_probe_handler,
    validate_resources,
    validate_volume_mounts,
    validate_volumes,
    volume_names,
)
from rollsim.api.core import Container, Pod, PodSpec, PodTemplateSpec, Probe, Service
from rollsim.api.errors import FieldError, GoText
from rollsim.api.meta import LabelSelector, ObjectMeta
from rollsim.api.names import (
    LABEL_VALUE_FMT,
    PERCENT_FMT,
    QUALIFIED_NAME_FMT,
    dns1035_label,
    dns1123_label,
    dns1123_subdomain,
    is_valid_percent,
    qualified_name_errors,
    regex_error,
)

__all__ = [
    "TOTAL_ANNOTATION_SIZE_LIMIT_BYTES",
    "validate_annotations",
    "validate_deployment",
    "validate_deployment_update",
    "validate_object_meta",
    "validate_pod_template",
    "validate_replica_selector",
    "validate_replica_set",
    "validate_service",
]


#: apimachinery's ``TotalAnnotationSizeLimitB``: every key and value of an object's
#: annotations together, in bytes.
TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024


def _validate_labels(labels: Mapping[str, str], path: str) -> list[FieldError]:
    errors = []
    for key, value in sorted(labels.items()):
        name = key.rsplit("/", 1)[-1]
        if not re.fullmatch(QUALIFIED_NAME_FMT, name) or len(name) > 63:
            errors.append(
                FieldError(
                    "Invalid value",
                    path,
                    regex_error(
                        "name part must consist of alphanumeric characters, '-', '_' or '.', "
                        "and must start and end with an alphanumeric character",
                        QUALIFIED_NAME_FMT,
                        "MyName",
                        "my.name",
                        "123-abc",
                    ),
                    key,
                )
            )
        if len(value) > 63:
            errors.append(
                FieldError("Invalid value", path, "must be no more than 63 characters", value)
            )
        if not re.fullmatch(LABEL_VALUE_FMT, value):
            errors.append(
                FieldError(
                    "Invalid value",
                    path,
                    regex_error(
                        "a valid label must be an empty string or consist of alphanumeric "
                        "characters, '-', '_' or '.', and must start and end with an "
                        "alphanumeric character",
                        LABEL_VALUE_FMT,
                        "MyValue",
                        "my_value",
                        "12345",
                    ),
                    value,
                )
            )
    return errors


def validate_object_meta(
    meta: ObjectMeta, dns1035: bool = False, name_check: Callable[[str], list[str]] | None = None
) -> list[FieldError]:
    """``ValidateObjectMeta``: a name (a DNS-1123 subdomain unless the kind's strategy
    passes its own ``name_check``), labels and annotations."""
    errors: list[FieldError] = []
    if not meta.name and not meta.generate_name:
        errors.append(
            FieldError("Required value", "metadata.name", "name or generateName is required")
        )
    elif meta.name:
        check = name_check or (dns1035_label if dns1035 else dns1123_subdomain)
        errors += [
            FieldError("Invalid value", "metadata.name", m, meta.name) for m in check(meta.name)
        ]
    errors += _validate_labels(meta.labels, "metadata.labels")
    errors += validate_annotations(meta.annotations, "metadata.annotations")
    return errors


def validate_annotations(annotations: Mapping[str, str], path: str) -> list[FieldError]:
    """``ValidateAnnotations``: every key a qualified name (checked lower-cased, as
    upstream), and the 256 KiB total."""
    errors = [
        FieldError("Invalid value", path, message, key)
        for key in sorted(annotations)
        for message in qualified_name_errors(key.lower())
    ]
    return errors + validate_annotations_size(annotations, path)


def validate_annotations_size(annotations: Mapping[str, str], path: str) -> list[FieldError]:
    """``ValidateAnnotationsSize``: keys and values together within 256 KiB, counted in
    UTF-8 bytes as Go's ``len`` counts them (lone surrogates as the bytes they stand for)."""
    total = 0
    for key, value in annotations.items():
        total += len(str(key).encode("utf-8", "surrogatepass"))
        total += len(str(value).encode("utf-8", "surrogatepass"))
        if total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES:
            return [
                FieldError(
                    "Too long",
                    path,
                    f"must have at most {TOTAL_ANNOTATION_SIZE_LIMIT_BYTES} bytes",
                )
            ]
    return []


def _nonnegative(value: int | None, path: str) -> list[FieldError]:
    if value is not None and value < 0:
        return [FieldError("Invalid value", path, "must be greater than or equal to 0", value)]
    return []


def validate_pod_template(
    template: PodTemplateSpec, selector: LabelSelector | None, path: str
) -> list[FieldError]:
    """``ValidatePodTemplateSpecForReplicaSet`` plus the container checks that matter here."""
    errors = _validate_template_labels(template.metadata.labels, selector, path)
    errors += validate_annotations(template.metadata.annotations, f"{path}.metadata.annotations")
    return errors + _validate_pod_spec(template.spec, f"{path}.spec", ("Always",))


def _validate_pod_spec(
    spec: PodSpec, spec_path: str, restart_policies: tuple[str, ...]
) -> list[FieldError]:
    """``ValidatePodSpec`` for what rollsim models: volumes, containers, the restart
    policies the owner allows (a ReplicaSet's pods only ``Always``), the grace period."""
    volumes = spec.extra.get("volumes")
    errors = validate_volumes(volumes, f"{spec_path}.volumes")
    errors += _validate_containers(
        spec.containers, volume_names(volumes), f"{spec_path}.containers"
    )
    if spec.restart_policy not in ("", *restart_policies):
        errors.append(
            FieldError(
                "Unsupported value",
                f"{spec_path}.restartPolicy",
                "supported values: " + ", ".join(f'"{p}"' for p in restart_policies),
                spec.restart_policy,
            )
        )
    errors += _nonnegative(
        spec.termination_grace_period_seconds, f"{spec_path}.terminationGracePeriodSeconds"
    )
    return errors


def validate_pod(pod: Pod) -> list[FieldError]:
    """``ValidatePodCreate`` for a bare pod: its metadata and spec, any restart policy."""
    errors = validate_object_meta(pod.metadata)
    return errors + _validate_pod_spec(pod.spec, "spec", ("Always", "OnFailure", "Never"))


def _validate_template_labels(
    labels: Mapping[str, str], selector: LabelSelector | None, path: str
) -> list[FieldError]:
    """The template's labels: selected by the owner's selector, and each one well formed."""
    errors: list[FieldError] = []
    # A nil selector selects nothing, so it never matches; an empty one matches everything.
    if selector is None or (not selector.empty and not selector.matches(labels)):
        errors.append(
            FieldError(
                "Invalid value",
                f"{path}.metadata.labels",
                "`selector` does not match template `labels`",
                dict(labels),
            )
        )
    errors += _validate_labels(labels, f"{path}.metadata.labels")
    return errors


def _validate_containers(
    containers: Sequence[Container], volumes: set[str], path: str
) -> list[FieldError]:
    """At least one container, each with a unique valid name, an image, a known pull
    policy, a valid readiness probe, and the opaque fields describe and the kubelet read
    (``_validate_container_extra``)."""
    errors: list[FieldError] = []
    if not containers:
        errors.append(FieldError("Required value", path))
    seen: set[str] = set()
    for i, c in enumerate(containers):
        cpath = f"{path}[{i}]"
        if not c.name:
            errors.append(FieldError("Required value", f"{cpath}.name"))
        else:
            errors += [
                FieldError("Invalid value", f"{cpath}.name", m, c.name)
                for m in dns1123_label(c.name)
            ]
            if c.name in seen:
                errors.append(FieldError("Duplicate value", f"{cpath}.name", "", c.name))
            seen.add(c.name)
        # Only an empty image is missing: " " is a special token in pod templates.
        if not c.image:
            errors.append(FieldError("Required value", f"{cpath}.image"))
        if c.image_pull_policy not in ("", "Always", "IfNotPresent", "Never"):
            errors.append(
                FieldError(
                    "Unsupported value",
                    f"{cpath}.imagePullPolicy",
                    'supported values: "Always", "IfNotPresent", "Never"',
                    c.image_pull_policy,
                )
            )
        errors += _validate_probes(c, cpath)
        errors += _validate_container_extra(c, volumes, cpath)
    return errors


def _validate_container_extra(c: Container, volumes: set[str], path: str) -> list[FieldError]:
    """The rest of ``validateContainers`` for the fields kept opaque: ports, resources
    and volume mounts, in upstream's order."""
    errors = validate_container_ports(c.extra.get("ports"), f"{path}.ports")
    errors += validate_volume_mounts(c.extra.get("volumeMounts"), volumes, f"{path}.volumeMounts")
    errors += validate_resources(c.extra.get("resources"), f"{path}.resources")
    return errors


def _validate_probes(c: Container, path: str) -> list[FieldError]:
    """``validateContainerCommon``'s probes, in upstream's order (liveness, readiness,
    startup): a liveness or startup probe must succeed once to count
    (``validateLivenessProbe``, ``validateStartupProbe``), and only they may carry
    their own terminationGracePeriodSeconds (``validateReadinessProbe``)."""
    errors: list[FieldError] = []
    for name, probe in (
        ("livenessProbe", c.liveness_probe),
        ("readinessProbe", c.readiness_probe),
        ("startupProbe", c.startup_probe),
    ):
        if probe is None:
            continue
        ppath = f"{path}.{name}"
        errors += _validate_probe(probe, ppath)
        if name == "readinessProbe":
            grace = probe.extra.get("terminationGracePeriodSeconds")
            if grace is not None:
                errors.append(
                    FieldError(
                        "Invalid value",
                        f"{ppath}.terminationGracePeriodSeconds",
                        "must not be set for readinessProbes",
                        grace,
                    )
                )
        elif probe.success_threshold != 1:
            errors.append(
                FieldError(
                    "Invalid value",
                    f"{ppath}.successThreshold",
                    "must be 1",
                    probe.success_threshold,
                )
            )
    return errors


def _validate_probe(probe: Probe, path: str) -> list[FieldError]:
    """``validateProbe``: one valid handler, and delays, period, timeout and thresholds
    none of which may be negative."""
    errors = validate_probe_handler(probe.extra, path)
    for name, value in (
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("periodSeconds", probe.period_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ):
        errors += _nonnegative(value, f"{path}.{name}")
    return errors


def _percent_number(value: int | str | None) -> tuple[int, bool]:
    """``getPercentValue``: the number of a valid ``N%`` string."""
    if isinstance(value, str) and is_valid_percent(value):
        return int(value[:-1]), True
    return 0, False


def _int_or_percent_number(value: int | str | None) -> int:
    """``getIntOrPercentValue``: a malformed string counts as 0, like ``IntValue()``."""
    number, is_percent = _percent_number(value)
    if is_percent:
        return number
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _int_or_string(value: int | str | None) -> Any:
    """How ``field.Invalid`` prints an ``*intstr.IntOrString``: its String(), unquoted."""
    return GoText(value) if isinstance(value, str) else value


def _validate_positive_int_or_percent(value: int | str | None, path: str) -> list[FieldError]:
    if isinstance(value, str):
        if not is_valid_percent(value):
            return [
                FieldError(
                    "Invalid value",
                    path,
                    regex_error(
                        "a valid percent string must be a numeric string followed by an ending '%'",
                        PERCENT_FMT,
                        "1%",
                        "93%",
                    ),
                    GoText(value),
                )
            ]
        return []
    return _nonnegative(value, path)


def _validate_rolling_update(ru: RollingUpdateDeployment, path: str) -> list[FieldError]:
    errors = _validate_positive_int_or_percent(ru.max_unavailable, f"{path}.maxUnavailable")
    errors += _validate_positive_int_or_percent(ru.max_surge, f"{path}.maxSurge")
    both_zero = (
        _int_or_percent_number(ru.max_unavailable) == 0 == _int_or_percent_number(ru.max_surge)
    )
    if both_zero:
        errors.append(
            FieldError(
                "Invalid value",
                f"{path}.maxUnavailable",
                "may not be 0 when `maxSurge` is 0",
                _int_or_string(ru.max_unavailable),
            )
        )
    number, is_percent = _percent_number(ru.max_unavailable)
    if is_percent and number > 100:
        errors.append(
            FieldError(
                "Invalid value",
                f"{path}.maxUnavailable",
                "must not be greater than 100%",
                _int_or_string(ru.max_unavailable),
            )
        )
    return errors


def validate_replica_selector(selector: LabelSelector | None, kind: str) -> list[FieldError]:
    if selector is None:
        return [FieldError("Required value", "spec.selector")]
    errors = []
    if selector.empty:
        errors.append(
            FieldError(
                "Invalid value",
                "spec.selector",
                f"empty selector is invalid for {kind}",
                GoText(_go_selector(selector)),
            )
        )
    for i, req in enumerate(selector.match_expressions):
        rpath = f"spec.selector.matchExpressions[{i}]"
        if req.operator in ("In", "NotIn") and not req.values:
            errors.append(
                FieldError(
                    "Required value",
                    f"{rpath}.values",
                    "must be specified when `operator` is 'In' or 'NotIn'",
                )
            )
        elif req.operator in ("Exists", "DoesNotExist") and req.values:
            errors.append(
                FieldError(
                    "Forbidden",
                    f"{rpath}.values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
            )
        elif req.operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            errors.append(
                FieldError(
                    "Invalid value",
                    f"{rpath}.operator",
                    "not a valid selector operator",
                    req.operator,
                )
            )
    return errors


def _go_selector(selector: LabelSelector) -> str:
    labels = ", ".join(f'"{k}":"{v}"' for k, v in sorted(selector.match_labels.items()))
    match_labels = f"map[string]string{{{labels}}}" if labels else "map[string]string(nil)"
    exprs = (
        "[]v1.LabelSelectorRequirement(nil)"
        if not selector.match_expressions
        else (
            "[]v1.LabelSelectorRequirement{"
            + ", ".join(
                f'v1.LabelSelectorRequirement{{Key:"{r.key}", Operator:"{r.operator}", '
                f"Values:[]string{{{', '.join(chr(34) + v + chr(34) for v in r.values)}}}}}"
                for r in selector.match_expressions
            )
            + "}"
        )
    )
    return f"v1.LabelSelector{{MatchLabels:{match_labels}, MatchExpressions:{exprs}}}"


def validate_deployment(d: Deployment) -> list[FieldError]:
    """Every problem with a defaulted Deployment, in upstream's order."""
    spec = d.spec
    errors = validate_object_meta(d.metadata)
    errors += _nonnegative(spec.replicas, "spec.replicas")
    errors += validate_replica_selector(spec.selector, "deployment")
    errors += validate_pod_template(spec.template, spec.selector, "spec.template")
    strategy = spec.strategy
    if strategy.type == "Recreate":
        if strategy.rolling_update is not None:
            errors.append(
                FieldError(
                    "Forbidden",
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                )
            )
    elif strategy.type == "RollingUpdate":
        if strategy.rolling_update is not None:
            errors += _validate_rolling_update(
                strategy.rolling_update, "spec.strategy.rollingUpdate"
            )
    else:
        rolling = (
            "(*apps.RollingUpdateDeployment)(nil)"
            if strategy.rolling_update is None
            else "&apps.RollingUpdateDeployment{...}"
        )
        errors.append(
            FieldError(
                "Unsupported value",
                "spec.strategy",
                'supported values: "Recreate", "RollingUpdate"',
                GoText(
                    f'apps.DeploymentStrategy{{Type:"{strategy.type}", RollingUpdate:{rolling}}}'
                ),
            )
        )
    errors += _nonnegative(spec.revision_history_limit, "spec.revisionHistoryLimit")
    errors += _nonnegative(spec.min_ready_seconds, "spec.minReadySeconds")
    pds = spec.progress_deadline_seconds
    if pds is not None:
        errors += _nonnegative(pds, "spec.progressDeadlineSeconds")
        if pds <= spec.min_ready_seconds:
            errors.append(
                FieldError(
                    "Invalid value",
                    "spec.progressDeadlineSeconds",
                    "must be greater than minReadySeconds",
                    pds,
                )
            )
    return errors


def validate_deployment_update(new: Deployment, old: Deployment) -> list[FieldError]:
    """``ValidateDeploymentUpdate``: the spec checks plus the immutable selector."""
    errors = validate_deployment(new)
    if new.spec.selector != old.spec.selector and new.spec.selector is not None:
        errors.append(
            FieldError(
                "Invalid value",
                "spec.selector",
                "field is immutable",
                GoText(_go_selector(new.spec.selector)),
            )
        )
    return errors


def validate_replica_set(rs: ReplicaSet) -> list[FieldError]:
    spec = rs.spec
    errors = validate_object_meta(rs.metadata)
    errors += _nonnegative(spec.replicas, "spec.replicas")
    errors += _nonnegative(spec.min_ready_seconds, "spec.minReadySeconds")
    errors += validate_replica_selector(spec.selector, "replicaset")
    errors += validate_pod_template(spec.template, spec.selector, "spec.template")
    return errors


def validate_service(svc: Service) -> list[FieldError]:
    errors = validate_object_meta(svc.metadata, dns1035=True)
    if svc.spec.type not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
        errors.append(
            FieldError(
                "Unsupported value",
                "spec.type",
                'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
                svc.spec.type,
            )
        )
    for i, port in enumerate(svc.spec.ports):
        if not 1 <= port.port <= 65535:
            errors.append(
                FieldError(
                    "Invalid value",
                    f"spec.ports[{i}].port",
                    "must be between 1 and 65535, inclusive",
                    port.port,
                )
            )
    if svc.spec.type != "ExternalName" and not svc.spec.ports:
        errors.append(FieldError("Required value", "spec.ports"))
    return errors
