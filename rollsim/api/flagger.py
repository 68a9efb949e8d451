"""flagger.app/v1beta1: the Canary resource, as Flagger defines it.

A Canary targets a Deployment; Flagger creates ``<name>-primary`` and the
services, then drives the analysis. Mesh/provider settings, webhooks and
match rules are accepted and kept in ``extra``; rollsim's router sets the
weights Flagger asks for, and its metrics come from the traffic model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rollsim.api.apps import DeploymentCondition
from rollsim.api.errors import FieldError
from rollsim.api.meta import ObjectMeta
from rollsim.api.validation import validate_object_meta

__all__ = [
    "Canary",
    "CanaryAnalysis",
    "CanaryMetric",
    "CanarySpec",
    "CanaryStatus",
    "default_canary",
    "validate_canary",
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
    analysis = c.spec.analysis
    if analysis is not None:
        for i, metric in enumerate(analysis.metrics):
            if not metric.name:
                errors.append(FieldError("Required value", f"spec.analysis.metrics[{i}].name"))
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
