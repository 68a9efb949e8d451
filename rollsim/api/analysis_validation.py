"""AnalysisTemplate and ClusterAnalysisTemplate: their types, and a metric's rules.

Mirrors analysis_types.go of argo-rollouts (``AnalysisTemplate``,
``ClusterAnalysisTemplate``: a cluster-scoped object with the same spec, which a
Rollout names with ``clusterScope: true``), ``ValidateAnalysisTemplateSpec`` and
``ValidateMetric`` in utils/analysis/helpers.go (whose words the field errors
carry), ``intstr.IntValue`` and ``DurationString.Duration``. The AnalysisRun
simulation in ``controllers/rollout/analysis.py`` reads the same fields through
the same two functions, so what apply accepts is what runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rollsim.api.duration import parse_duration, parse_int
from rollsim.api.errors import FieldError
from rollsim.api.meta import ObjectMeta
from rollsim.api.validation import validate_object_meta

__all__ = [
    "AnalysisArgument",
    "AnalysisMetric",
    "AnalysisTemplate",
    "AnalysisTemplateSpec",
    "ClusterAnalysisTemplate",
    "int_value",
    "metric_duration_seconds",
    "validate_analysis_template",
    "validate_metric",
]

IntOrString = int | str


@dataclass(frozen=True)
class AnalysisArgument:
    OPAQUE = frozenset({"valueFrom"})

    name: str = ""
    value: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class AnalysisMetric:
    """One metric of an AnalysisTemplate.

    rollsim measures it from the traffic model: ``provider`` may name the
    quantity as ``{rollsim: {metric: success-rate | error-rate | latency,
    quantile: 0.99}}``; any other provider (prometheus, datadog, ...) is
    read by the metric's name (containing ``success``, ``error`` or
    ``latency``/``duration``).
    """

    name: str = ""
    interval: str = ""
    initial_delay: str = ""
    count: IntOrString | None = None
    success_condition: str = ""
    failure_condition: str = ""
    failure_limit: IntOrString | None = None
    inconclusive_limit: IntOrString | None = None
    consecutive_error_limit: IntOrString | None = None
    provider: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnalysisTemplateSpec:
    OPAQUE = frozenset({"dryRun", "measurementRetention"})

    metrics: tuple[AnalysisMetric, ...] = ()
    args: tuple[AnalysisArgument, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class AnalysisTemplate:
    api_version: str = "argoproj.io/v1alpha1"
    kind: str = "AnalysisTemplate"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: AnalysisTemplateSpec = field(default_factory=AnalysisTemplateSpec)


@dataclass(frozen=True)
class ClusterAnalysisTemplate:
    """``ClusterAnalysisTemplate``: an AnalysisTemplate's spec, cluster-scoped, so every
    namespace's Rollouts can name it (``templates[].clusterScope: true``)."""

    api_version: str = "argoproj.io/v1alpha1"
    kind: str = "ClusterAnalysisTemplate"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: AnalysisTemplateSpec = field(default_factory=AnalysisTemplateSpec)


def int_value(value: int | str | None) -> int:
    """``intstr.IntValue``: an int as it is, a string through ``strconv.Atoi`` (ASCII
    digits only), 0 for any other string or none."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return parse_int(value) or 0


def metric_duration_seconds(text: str) -> float:
    """``DurationString.Duration`` of a metric's interval or initialDelay, in seconds:
    a Go duration and, beyond upstream, bare seconds (``"30"``); empty is 0. Raises
    Go's ``ValueError`` for anything else."""
    if not text:
        return 0.0
    seconds = parse_int(text)
    return float(seconds) if seconds is not None else parse_duration(text)


def validate_metric(metric: AnalysisMetric, path: str) -> list[FieldError]:
    """``ValidateMetric`` (utils/analysis/helpers.go), its words at the field they are
    about: limits within count, an interval when counting more than once, durations
    that parse, no negative limit. Beyond upstream a negative interval or
    initialDelay is refused with Argo's duration words: it would schedule
    measurements in the past."""
    errors: list[FieldError] = []
    count = int_value(metric.count)
    for name, wire in (
        ("failure_limit", "failureLimit"),
        ("inconclusive_limit", "inconclusiveLimit"),
    ):
        if count > 0 and count < int_value(getattr(metric, name)):
            errors.append(
                FieldError("Invalid value", f"{path}.count", f"count must be >= {wire}", count)
            )
    if count > 1 and not metric.interval:
        errors.append(
            FieldError(
                "Required value", f"{path}.interval", "interval must be specified when count > 1"
            )
        )
    for text, wire, word in (
        (metric.interval, "interval", "interval"),
        (metric.initial_delay, "initialDelay", "startDelay"),
    ):
        try:
            seconds = metric_duration_seconds(text)
        except ValueError as error:
            detail = f"invalid {word} string: {error}"
            errors.append(FieldError("Invalid value", f"{path}.{wire}", detail, text))
            continue
        if seconds < 0:
            detail = "Duration needs to be greater than 0"
            errors.append(FieldError("Invalid value", f"{path}.{wire}", detail, text))
    for name, wire in (
        ("failure_limit", "failureLimit"),
        ("inconclusive_limit", "inconclusiveLimit"),
        ("consecutive_error_limit", "consecutiveErrorLimit"),
    ):
        limit = int_value(getattr(metric, name))
        if limit < 0:
            errors.append(
                FieldError("Invalid value", f"{path}.{wire}", f"{wire} must be >= 0", limit)
            )
    return errors


def validate_analysis_template(t: AnalysisTemplate | ClusterAnalysisTemplate) -> list[FieldError]:
    """``ValidateAnalysisTemplateSpec``: at least one metric, unique names, each valid
    as ``ValidateMetric`` has it; a ClusterAnalysisTemplate is held to the same rules."""
    errors = validate_object_meta(t.metadata)
    if not t.spec.metrics:
        errors.append(
            FieldError("Required value", "spec.metrics", "at least one metric is required")
        )
    seen: set[str] = set()
    for i, metric in enumerate(t.spec.metrics):
        if not metric.name:
            errors.append(FieldError("Required value", f"spec.metrics[{i}].name"))
        elif metric.name in seen:
            errors.append(FieldError("Duplicate value", f"spec.metrics[{i}].name", "", metric.name))
        seen.add(metric.name)
        errors += validate_metric(metric, f"spec.metrics[{i}]")
    return errors
