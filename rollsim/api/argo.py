"""argoproj.io/v1alpha1: Rollout and AnalysisTemplate, as Argo Rollouts defines them.

Mirrors pkg/apis/rollouts/v1alpha1/types.go and analysis_types.go. Router configuration
(nginx, istio, alb, ...) and experiments are kept in ``extra``: the simulated router sets
weights, header and mirror routes as asked, whatever the mesh. Defaults follow Argo
Rollouts (``default_rollout``); validation mirrors pkg/apis/rollouts/validation/validation.go
(``ValidateRollout`` and the strategy checks it calls; the router steps' rules are the
controller's, ``controllers.rollout.trafficrouting``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from rollsim.api.analysis_validation import (
    AnalysisArgument,
    AnalysisMetric,
    AnalysisTemplate,
    AnalysisTemplateSpec,
    ClusterAnalysisTemplate,
    validate_analysis_template,
)
from rollsim.api.apps import DeploymentCondition
from rollsim.api.core import PodTemplateSpec
from rollsim.api.defaults import default_template
from rollsim.api.duration import parse_duration, parse_int
from rollsim.api.errors import FieldError
from rollsim.api.meta import LabelSelector, ObjectMeta
from rollsim.api.names import is_valid_percent
from rollsim.api.validation import (
    validate_object_meta,
    validate_pod_template,
    validate_replica_selector,
)

__all__ = [
    "AnalysisArgument",
    "AnalysisMetric",
    "AnalysisTemplate",
    "AnalysisTemplateSpec",
    "BlueGreenStrategy",
    "CanaryStep",
    "CanaryStrategy",
    "ClusterAnalysisTemplate",
    "PauseCondition",
    "ReplicaProgressThreshold",
    "Rollout",
    "RolloutAnalysis",
    "RolloutCondition",
    "RolloutSpec",
    "RolloutStatus",
    "RolloutStrategy",
    "WorkloadRef",
    "default_rollout",
    "validate_analysis_template",
    "validate_rollout",
]

IntOrString = int | str


@dataclass(frozen=True)
class RolloutPause:
    """``pause: {}`` (until promoted) or ``pause: {duration: 30s}``."""

    duration: IntOrString | None = None

    def duration_seconds(self) -> int:
        """``RolloutPause.DurationSeconds``: how long the pause lasts, in whole seconds.

        An int, or a string ``strconv.ParseInt`` reads as an int32, is seconds
        (a duration without a unit); any other string is a Go duration,
        truncated to seconds; an unparsable one is -1. No duration is 0.
        """
        if self.duration is None:
            return 0
        if isinstance(self.duration, int):
            return self.duration
        seconds = parse_int(self.duration, 32)
        if seconds is not None:
            return seconds
        try:
            return int(parse_duration(self.duration))
        except ValueError:
            return -1


@dataclass(frozen=True)
class SetCanaryScale:
    replicas: int | None = None
    weight: int | None = None
    match_traffic_weight: bool = False


@dataclass(frozen=True)
class AnalysisTemplateRef:
    """An AnalysisTemplate of the Rollout's namespace, or a ClusterAnalysisTemplate."""

    template_name: str = ""
    cluster_scope: bool = False


@dataclass(frozen=True)
class RolloutAnalysis:
    """A step's, background or pre/post-promotion analysis: templates and arguments."""

    OPAQUE = frozenset({"dryRun", "measurementRetention", "analysisRunMetadata"})

    templates: tuple[AnalysisTemplateRef, ...] = ()
    args: tuple[AnalysisArgument, ...] = ()
    starting_step: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class StringMatch:
    exact: str = ""
    prefix: str = ""
    regex: str = ""


@dataclass(frozen=True)
class HeaderRoutingMatch:
    header_name: str = ""
    header_value: StringMatch | None = None


@dataclass(frozen=True)
class SetHeaderRoute:
    """``SetHeaderRoute``: route ``name`` sends what ``match`` takes to the canary."""

    name: str = ""
    match: tuple[HeaderRoutingMatch, ...] | None = None


@dataclass(frozen=True)
class RouteMatch:
    """``RouteMatch``: method, path and headers (each a ``StringMatch``'s wire form)."""

    method: StringMatch | None = None
    path: StringMatch | None = None
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SetMirrorRoute:
    """``SetMirrorRoute``: route ``name`` copies ``percentage`` of what ``match`` takes."""

    name: str = ""
    match: tuple[RouteMatch, ...] | None = None
    percentage: int | None = None


@dataclass(frozen=True)
class CanaryStep:
    """One canary step; exactly one kind (``STEP_KINDS``, or one kept in ``extra``) is set."""

    OPAQUE = frozenset({"experiment", "plugin"})

    set_weight: int | None = None
    pause: RolloutPause | None = None
    set_canary_scale: SetCanaryScale | None = None
    analysis: RolloutAnalysis | None = None
    set_header_route: SetHeaderRoute | None = None
    set_mirror_route: SetMirrorRoute | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})

    @property
    def kind(self) -> str:
        kinds = [k for k in STEP_KINDS if getattr(self, k) is not None] + list(self.extra)
        return kinds[0] if kinds else ""


STEP_KINDS = tuple(f.name for f in fields(CanaryStep) if f.name != "extra")


@dataclass(frozen=True)
class ManagedRouteName:
    """``MangedRoutes`` (sic): their order in ``managedRoutes`` is their precedence."""

    name: str = ""


@dataclass(frozen=True)
class TrafficRouting:
    """Any router: rollsim's router sets weights, header and mirror routes exactly as asked."""

    OPAQUE = frozenset(
        {"nginx", "istio", "smi", "alb", "ambassador", "appMesh", "traefik", "apisix", "plugins"}
    )

    max_traffic_weight: int | None = None
    managed_routes: tuple[ManagedRouteName, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class ReplicaProgressThreshold:
    """How many of a step's canary pods must be available: a ``Percent`` or ``Pods``."""

    type: str = ""
    value: int | None = None


@dataclass(frozen=True)
class CanaryStrategy:
    OPAQUE = frozenset({"canaryMetadata", "stableMetadata", "antiAffinity", "pingPong"})

    steps: tuple[CanaryStep, ...] = ()
    max_surge: IntOrString | None = None
    max_unavailable: IntOrString | None = None
    canary_service: str = ""
    stable_service: str = ""
    traffic_routing: TrafficRouting | None = None
    analysis: RolloutAnalysis | None = None
    scale_down_delay_seconds: int | None = None
    scale_down_delay_revision_limit: int | None = None
    abort_scale_down_delay_seconds: int | None = None
    dynamic_stable_scale: bool = False
    min_pods_per_replica_set: int | None = None
    replica_progress_threshold: ReplicaProgressThreshold | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class BlueGreenStrategy:
    OPAQUE = frozenset({"previewMetadata", "activeMetadata", "antiAffinity"})

    active_service: str = ""
    preview_service: str = ""
    preview_replica_count: int | None = None
    auto_promotion_enabled: bool | None = None
    auto_promotion_seconds: int | None = None
    scale_down_delay_seconds: int | None = None
    scale_down_delay_revision_limit: int | None = None
    abort_scale_down_delay_seconds: int | None = None
    pre_promotion_analysis: RolloutAnalysis | None = None
    post_promotion_analysis: RolloutAnalysis | None = None
    max_unavailable: IntOrString | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class RolloutStrategy:
    canary: CanaryStrategy | None = None
    blue_green: BlueGreenStrategy | None = None


#: ``workloadRef.scaleDown``: what happens to the referenced Deployment's pods.
SCALE_DOWN_NEVER = "never"
SCALE_DOWN_ON_SUCCESS = "onsuccess"
SCALE_DOWN_PROGRESSIVELY = "progressively"


@dataclass(frozen=True)
class WorkloadRef:
    """``ObjectRef``: the Deployment (or ReplicaSet, PodTemplate) whose pod template and
    selector the Rollout runs; ``scale_down`` says whether its own pods go
    (``never``, ``onsuccess``, ``progressively``; empty is never)."""

    api_version: str = ""
    kind: str = ""
    name: str = ""
    scale_down: str = ""


@dataclass(frozen=True)
class RolloutSpec:
    OPAQUE = frozenset({"analysis", "rollbackWindow"})

    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)
    min_ready_seconds: int = field(default=0, metadata={"omitempty": True})
    revision_history_limit: int | None = None
    paused: bool = False
    progress_deadline_seconds: int | None = None
    progress_deadline_abort: bool = False
    strategy: RolloutStrategy = field(default_factory=RolloutStrategy)
    workload_ref: WorkloadRef | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class PauseCondition:
    reason: str = ""
    start_time: float | None = field(default=None, metadata={"time": True})


#: A Rollout condition has a Deployment condition's fields.
RolloutCondition = DeploymentCondition


@dataclass(frozen=True)
class BlueGreenStatus:
    active_selector: str = ""
    preview_selector: str = ""
    scale_up_preview_check_point: bool = False


@dataclass(frozen=True)
class RolloutStatus:
    phase: str = ""
    message: str = ""
    abort: bool = False
    aborted_at: float | None = field(default=None, metadata={"time": True})
    pause_conditions: tuple[PauseCondition, ...] = ()
    controller_pause: bool = False
    current_pod_hash: str = ""
    current_step_index: int | None = None
    stable_rs: str = field(default="", metadata={"wire": "stableRS"})
    promote_full: bool = False
    replicas: int = field(default=0, metadata={"omitempty": True})
    updated_replicas: int = field(default=0, metadata={"omitempty": True})
    ready_replicas: int = field(default=0, metadata={"omitempty": True})
    available_replicas: int = field(default=0, metadata={"omitempty": True})
    observed_generation: str = ""
    collision_count: int | None = None
    canary_weight: int = field(default=0, metadata={"omitempty": True})
    blue_green: BlueGreenStatus = field(default_factory=BlueGreenStatus)
    conditions: tuple[RolloutCondition, ...] = ()
    selector: str = ""


@dataclass(frozen=True)
class Rollout:
    api_version: str = "argoproj.io/v1alpha1"
    kind: str = "Rollout"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: RolloutSpec = field(default_factory=RolloutSpec)
    status: RolloutStatus = field(default_factory=RolloutStatus)

    @property
    def replicas(self) -> int:
        return 1 if self.spec.replicas is None else self.spec.replicas


def default_rollout(r: Rollout) -> Rollout:
    """Argo Rollouts' defaults: replicas 1, revisionHistoryLimit 10,
    progressDeadlineSeconds 600, canary maxSurge/maxUnavailable 25%."""
    spec = r.spec
    strategy = spec.strategy
    canary = strategy.canary
    if canary is not None:
        surge = "25%" if canary.max_surge is None else canary.max_surge
        unavailable = "25%" if canary.max_unavailable is None else canary.max_unavailable
        strategy = replace(
            strategy, canary=replace(canary, max_surge=surge, max_unavailable=unavailable)
        )
    return replace(
        r,
        spec=replace(
            spec,
            replicas=1 if spec.replicas is None else spec.replicas,
            revision_history_limit=(
                10 if spec.revision_history_limit is None else spec.revision_history_limit
            ),
            progress_deadline_seconds=(
                600 if spec.progress_deadline_seconds is None else spec.progress_deadline_seconds
            ),
            # A workloadRef Rollout has no template of its own to default: the
            # controller resolves the referenced one, defaulted where it was applied.
            template=spec.template
            if spec.workload_ref is not None
            else default_template(spec.template),
            strategy=strategy,
        ),
    )


def _check_int_or_percent(value: IntOrString | None, path: str) -> list[FieldError]:
    if isinstance(value, str) and not is_valid_percent(value):
        return [
            FieldError(
                "Invalid value",
                path,
                "a valid percent string must be a numeric "
                "string followed by an ending '%' (e.g. '1%',  or '93%', regex used "
                "for validation is '[0-9]+%')",
                value,
            )
        ]
    if isinstance(value, int) and value < 0:
        return [FieldError("Invalid value", path, "must be greater than or equal to 0", value)]
    return []


def _percent_or_int(value: IntOrString | None) -> int:
    if isinstance(value, str):
        return int(value[:-1]) if is_valid_percent(value) else 0
    return value or 0


def validate_rollout(r: Rollout) -> list[FieldError]:
    """``ValidateRollout``: the object metadata, then ``ValidateRolloutSpec``."""
    return validate_object_meta(r.metadata) + _validate_rollout_spec(r.spec)


def _validate_rollout_spec(spec: RolloutSpec) -> list[FieldError]:
    """``ValidateRolloutSpec``: replicas, selector and pod template as a Deployment's,
    the strategy, and a progress deadline longer than minReadySeconds. With a
    ``workloadRef`` the selector and template come from the referenced workload, so
    they are not checked here, and a template of the Rollout's own is refused."""
    errors = _nonnegative(spec.replicas, "spec.replicas")
    if spec.workload_ref is None:
        errors += validate_replica_selector(spec.selector, "rollout")
        errors += validate_pod_template(spec.template, spec.selector, "spec.template")
    elif spec.template != PodTemplateSpec():
        errors.append(
            FieldError(
                "Internal error",
                "spec.template",
                "template must be empty for workload reference rollout",
            )
        )
    errors += _nonnegative(spec.min_ready_seconds, "spec.minReadySeconds")
    errors += _nonnegative(spec.revision_history_limit, "spec.revisionHistoryLimit")
    errors += _nonnegative(spec.progress_deadline_seconds, "spec.progressDeadlineSeconds")
    errors += _validate_rollout_strategy(spec.strategy)
    if (
        spec.progress_deadline_seconds is not None
        and spec.progress_deadline_seconds <= spec.min_ready_seconds
    ):
        errors.append(
            FieldError(
                "Invalid value",
                "spec.progressDeadlineSeconds",
                "progressDeadlineSeconds must be greater than minReadySeconds",
                spec.progress_deadline_seconds,
            )
        )
    return errors


def _nonnegative(value: int | None, path: str) -> list[FieldError]:
    """``ValidateNonnegativeField``, as ``ValidateRolloutSpec`` applies it."""
    if value is not None and value < 0:
        return [FieldError("Invalid value", path, "must be greater than or equal to 0", value)]
    return []


def _validate_rollout_strategy(strategy: RolloutStrategy) -> list[FieldError]:
    """``ValidateRolloutStrategy``: exactly one of canary and blueGreen, then its rules."""
    errors: list[FieldError] = []
    canary, blue_green = strategy.canary, strategy.blue_green
    if (canary is None) == (blue_green is None):
        errors.append(
            FieldError(
                "Required value",
                "spec.strategy",
                "Rollout must have one and only one strategy (canary or blueGreen)",
            )
        )
    if canary is not None:
        errors += _validate_rollout_strategy_canary(canary, "spec.strategy.canary")
    if blue_green is not None:
        errors += _validate_rollout_strategy_blue_green(blue_green, "spec.strategy.blueGreen")
    return errors


def _validate_rollout_strategy_canary(canary: CanaryStrategy, path: str) -> list[FieldError]:
    """``ValidateRolloutStrategyCanary``: the fenceposts, each step, and the fields
    that need traffic routing."""
    errors = _check_int_or_percent(canary.max_surge, f"{path}.maxSurge")
    errors += _check_int_or_percent(canary.max_unavailable, f"{path}.maxUnavailable")
    errors += _invalid_max_surge_max_unavailable(canary, path)
    errors += _replica_progress_threshold(canary.replica_progress_threshold, path)
    routed = canary.traffic_routing is not None
    max_weight = _max_traffic_weight(canary)
    for i, step in enumerate(canary.steps):
        errors += _validate_canary_step(step, f"{path}.steps[{i}]", max_weight)
        if step.set_canary_scale is not None and not routed:
            errors.append(
                FieldError(
                    "Required value",
                    f"{path}.trafficRouting",
                    "SetCanaryScale requires TrafficRouting to be set",
                )
            )
    if not routed:
        for name, wire in (
            ("dynamic_stable_scale", "dynamicStableScale"),
            ("min_pods_per_replica_set", "minPodsPerReplicaSet"),
        ):
            value = getattr(canary, name)
            if value not in (None, False):
                errors.append(
                    FieldError(
                        "Invalid value",
                        f"{path}.{wire}",
                        f"{wire} requires TrafficRouting to be set",
                        value,
                    )
                )
    return errors


def _invalid_max_surge_max_unavailable(canary: CanaryStrategy, path: str) -> list[FieldError]:
    """``invalidMaxSurgeMaxUnavailable``: maxSurge and maxUnavailable may not both be 0."""
    if _percent_or_int(canary.max_surge) == 0 == _percent_or_int(canary.max_unavailable):
        return [
            FieldError(
                "Invalid value",
                f"{path}.maxUnavailable",
                "MaxSurge and MaxUnavailable both can not be zero",
                canary.max_unavailable,
            )
        ]
    return []


def _replica_progress_threshold(
    threshold: ReplicaProgressThreshold | None, path: str
) -> list[FieldError]:
    """The CRD schema of ``replicaProgressThreshold``: ``type`` and ``value`` required."""
    if threshold is None:
        return []
    errors: list[FieldError] = []
    if not threshold.type:
        errors.append(FieldError("Required value", f"{path}.replicaProgressThreshold.type"))
    if threshold.value is None:
        errors.append(FieldError("Required value", f"{path}.replicaProgressThreshold.value"))
    return errors


def _max_traffic_weight(canary: CanaryStrategy) -> int:
    """``weightutil.MaxTrafficWeight``: the router's maxTrafficWeight, else 100."""
    routing = canary.traffic_routing
    if routing is not None and routing.max_traffic_weight is not None:
        return routing.max_traffic_weight
    return 100


def _validate_canary_step(step: CanaryStep, path: str, max_weight: int) -> list[FieldError]:
    """One step of ``ValidateRolloutStrategyCanary``: one kind only (``hasMultipleStepsType``),
    setWeight within 0 and the max traffic weight, a pause whose ``DurationSeconds`` is
    not negative (garbage reads as -1). Beyond upstream, setCanaryScale's weight is held
    to the same range and its replicas to non-negative: Argo reads them unchecked, and
    the simulator would otherwise size a canary of billions of pods."""
    errors: list[FieldError] = []
    kinds = [k for k in STEP_KINDS if getattr(step, k) is not None] + list(step.extra)
    if len(kinds) != 1:
        errors.append(
            FieldError(
                "Invalid value",
                path,
                "Step must have one of the following set: "
                "experiment, setWeight, setCanaryScale or pause",
                len(kinds),
            )
        )
    out_of_range = f"SetWeight needs to be between 0 and {max_weight}"
    if step.set_weight is not None and not 0 <= step.set_weight <= max_weight:
        errors.append(
            FieldError("Invalid value", f"{path}.setWeight", out_of_range, step.set_weight)
        )
    if step.pause is not None and step.pause.duration_seconds() < 0:
        errors.append(
            FieldError(
                "Invalid value",
                f"{path}.pause.duration",
                "Duration needs to be greater than 0",
                step.pause.duration_seconds(),
            )
        )
    scale = step.set_canary_scale
    if scale is not None and scale.weight is not None and not 0 <= scale.weight <= max_weight:
        detail = f"SetCanaryScale weight needs to be between 0 and {max_weight}"
        errors.append(
            FieldError("Invalid value", f"{path}.setCanaryScale.weight", detail, scale.weight)
        )
    if scale is not None:
        errors += _nonnegative(scale.replicas, f"{path}.setCanaryScale.replicas")
    return errors


def _validate_rollout_strategy_blue_green(
    blue_green: BlueGreenStrategy, path: str
) -> list[FieldError]:
    """``ValidateRolloutStrategyBlueGreen``: an active service, distinct from the
    preview, and a valid maxUnavailable."""
    errors: list[FieldError] = []
    if not blue_green.active_service:
        errors.append(
            FieldError("Required value", f"{path}.activeService", "Active Service name is required")
        )
    elif blue_green.active_service == blue_green.preview_service:
        errors.append(
            FieldError(
                "Invalid value",
                f"{path}.activeService",
                "Preview service and Active service cannot be the same",
                blue_green.active_service,
            )
        )
    errors += _check_int_or_percent(blue_green.max_unavailable, f"{path}.maxUnavailable")
    return errors
