"""flagger.app/v1beta1: the Canary and MetricTemplate resources, as Flagger defines them.

A Canary targets a Deployment; Flagger creates ``<name>-primary`` and the
services, then drives the analysis. Mesh/provider settings, webhooks and
match rules are accepted and kept in ``extra``; rollsim's router sets the
weights Flagger asks for, and its metrics come from the traffic model.

A MetricTemplate (pkg/apis/flagger/v1beta1/metric.go) names a metrics provider
and a query that a Canary's metric references with ``templateRef``;
``rollsim.controllers.canary_metrics`` answers the query shapes it recognises
from the traffic model. The provider's connection settings (address, headers,
region, TLS) are kept in ``extra``: no request leaves the simulation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rollsim.api.apps import DeploymentCondition
from rollsim.api.errors import FieldError, go_value
from rollsim.api.meta import ObjectMeta
from rollsim.api.schema import BOOL, STRING, STRINGS, MapOf, Node
from rollsim.api.validation import validate_object_meta

__all__ = [
    "Canary",
    "CanaryAnalysis",
    "CanaryMetric",
    "CanarySpec",
    "CanaryStatus",
    "MetricTemplate",
    "MetricTemplateProvider",
    "MetricTemplateSpec",
    "default_canary",
    "validate_canary",
    "validate_metric_template",
]


@dataclass(frozen=True)
class CrossNamespaceObjectReference:
    api_version: str = ""
    kind: str = ""
    name: str = ""


@dataclass(frozen=True)
class ThresholdRange:
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class CanaryMetric:
    """``request-success-rate`` (percent) and ``request-duration`` (milliseconds) are
    Flagger's built-ins; rollsim computes both from the traffic model."""

    OPAQUE = frozenset({"templateRef", "templateVariables", "query"})

    name: str = ""
    interval: str = ""
    threshold: float | None = None
    threshold_range: ThresholdRange | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class CanaryAnalysis:
    OPAQUE = frozenset(
        {
            "webhooks",
            "match",
            "sessionAffinity",
            "alerts",
            "primaryReadyThreshold",
            "canaryReadyThreshold",
        }
    )

    interval: str = ""
    threshold: int = 0
    max_weight: int = 0
    step_weight: int = 0
    step_weights: tuple[int, ...] = ()
    step_weight_promotion: int = 0
    iterations: int = 0
    mirror: bool = False
    mirror_weight: int = 0
    metrics: tuple[CanaryMetric, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class CanarySpec:
    OPAQUE = frozenset(
        {
            "service",
            "autoscalerRef",
            "ingressRef",
            "routeRef",
            "upstreamRef",
            "revertOnDeletion",
            "metricsServer",
        }
    )

    target_ref: CrossNamespaceObjectReference = field(default_factory=CrossNamespaceObjectReference)
    analysis: CanaryAnalysis | None = None
    progress_deadline_seconds: int | None = None
    skip_analysis: bool = False
    suspend: bool = False
    provider: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


#: A Canary condition has a Deployment condition's fields.
CanaryCondition = DeploymentCondition


@dataclass(frozen=True)
class CanaryStatus:
    phase: str = ""
    failed_checks: int = field(default=0, metadata={"omitempty": True})
    canary_weight: int = field(default=0, metadata={"omitempty": True})
    iterations: int = field(default=0, metadata={"omitempty": True})
    last_applied_spec: str = ""
    last_promoted_spec: str = ""
    last_transition_time: float | None = field(default=None, metadata={"time": True})
    conditions: tuple[CanaryCondition, ...] = ()


@dataclass(frozen=True)
class Canary:
    api_version: str = "flagger.app/v1beta1"
    kind: str = "Canary"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: CanarySpec = field(default_factory=CanarySpec)
    status: CanaryStatus = field(default_factory=CanaryStatus)


def default_canary(c: Canary) -> Canary:
    """Flagger applies its defaults when it reads the spec (see ``controllers.canary``)."""
    return c


def validate_canary(c: Canary) -> list[FieldError]:
    """The Canary CRD's schema (artifacts/flagger/crd.yaml) where the simulation reads
    the field: a named Deployment target, ``service.port`` a number (and, for the
    Service Flagger creates from it, a valid port), the intervals' pattern, metric names
    and a non-negative stepWeight."""
    errors = validate_object_meta(c.metadata)
    ref = c.spec.target_ref
    if not ref.name:
        errors.append(FieldError("Required value", "spec.targetRef.name"))
    if ref.kind not in ("Deployment", ""):
        errors.append(
            FieldError(
                "Unsupported value",
                "spec.targetRef.kind",
                'supported values: "Deployment"',
                ref.kind,
            )
        )
    errors += _validate_service(c.spec.extra.get("service"))
    analysis = c.spec.analysis
    if analysis is not None:
        errors += _interval_pattern(analysis.interval, "spec.analysis.interval")
        for i, metric in enumerate(analysis.metrics):
            if not metric.name:
                errors.append(FieldError("Required value", f"spec.analysis.metrics[{i}].name"))
            errors += _interval_pattern(metric.interval, f"spec.analysis.metrics[{i}].interval")
        if analysis.step_weight < 0:
            errors.append(
                FieldError(
                    "Invalid value",
                    "spec.analysis.stepWeight",
                    "must be greater than or equal to 0",
                    analysis.step_weight,
                )
            )
    return errors


#: The CRD's ``pattern`` for analysis and metric intervals (not anchored at the end).
INTERVAL_PATTERN = "^[0-9]+(m|s)"
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def _interval_pattern(interval: str, path: str) -> list[FieldError]:
    """The schema's ``pattern``, worded as the apiextensions validator words it."""
    if interval and re.match("[0-9]+(m|s)", interval) is None:
        detail = f"{path} in body should match '{INTERVAL_PATTERN}'"
        return [FieldError("Invalid value", path, detail, interval)]
    return []


def _type_error(path: str, value: Any, expected: str) -> FieldError:
    """The schema's ``type``, as apiextensions reports it: the JSON type found, twice."""
    found = _JSON_TYPES.get(type(value), "string")
    detail = f"{path} in body must be of type {expected}: {go_value(found)}"
    return FieldError("Invalid value", path, detail, found)


def _validate_service(service: Any) -> list[FieldError]:
    """``spec.service``: ``port`` required and of type number, as the schema says; then
    a port the Service Flagger creates from it can carry (``IsValidPortNum``)."""
    if service is None:
        return []
    if not isinstance(service, Mapping):
        return [_type_error("spec.service", service, "object")]
    path = "spec.service.port"
    if "port" not in service:
        return [FieldError("Required value", path)]
    port = service["port"]
    if isinstance(port, bool) or not isinstance(port, (int, float)):
        return [_type_error(path, port, "number")]
    if port != int(port) or not 1 <= port <= 65535:
        return [FieldError("Invalid value", path, "must be between 1 and 65535, inclusive", port)]
    return []


#: The CRD's enum of ``spec.provider.type`` (artifacts/flagger/crd.yaml), in its order.
PROVIDER_TYPES = (
    "prometheus",
    "influxdb",
    "datadog",
    "externalmetrics",
    "stackdriver",
    "cloudwatch",
    "newrelic",
    "graphite",
    "dynatrace",
    "keptn",
    "splunk",
)


@dataclass(frozen=True)
class SecretRef:
    """``corev1.LocalObjectReference``: the Secret, in the template's namespace, that
    holds the provider's credentials."""

    name: str = ""


#: A provider's connection settings, by their schema types.
_PROVIDER_SETTINGS: Mapping[str, Node] = {
    "address": STRING,
    "insecureSkipVerify": BOOL,
    "headers": MapOf(STRINGS, "http.Header"),
    "region": STRING,
}


@dataclass(frozen=True)
class MetricTemplateProvider:
    """``MetricTemplateProvider``: which provider answers the query. Its connection
    settings are kept, checked against their schema types, in ``extra``."""

    OPAQUE = _PROVIDER_SETTINGS

    type: str = ""
    secret_ref: SecretRef | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class MetricTemplateSpec:
    provider: MetricTemplateProvider | None = None
    query: str = ""


@dataclass(frozen=True)
class MetricTemplate:
    api_version: str = "flagger.app/v1beta1"
    kind: str = "MetricTemplate"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: MetricTemplateSpec = field(default_factory=MetricTemplateSpec)


def validate_metric_template(t: MetricTemplate) -> list[FieldError]:
    """The MetricTemplate CRD's schema (artifacts/flagger/crd.yaml): ``provider`` and
    ``query`` required, ``provider.type`` required and one of the enum's values,
    ``secretRef.name`` required; worded as the apiextensions validator words them.
    Beyond the schema, which requires only that ``query`` be present, an empty query
    is refused as missing: no provider could answer it."""
    errors = validate_object_meta(t.metadata)
    provider = t.spec.provider
    if provider is None:
        errors.append(FieldError("Required value", "spec.provider"))
    elif not provider.type:
        errors.append(FieldError("Required value", "spec.provider.type"))
    elif provider.type not in PROVIDER_TYPES:
        supported = ", ".join(f'"{name}"' for name in PROVIDER_TYPES)
        detail = f"supported values: {supported}"
        errors.append(FieldError("Unsupported value", "spec.provider.type", detail, provider.type))
    if provider is not None and provider.secret_ref is not None and not provider.secret_ref.name:
        errors.append(FieldError("Required value", "spec.provider.secretRef.name"))
    if not t.spec.query:
        errors.append(FieldError("Required value", "spec.query"))
    return errors
