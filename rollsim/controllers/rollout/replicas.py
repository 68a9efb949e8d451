"""Progressive-delivery arithmetic for Argo Rollouts and Flagger, as pure functions.

Argo Rollouts (utils/replicaset/canary.go, replicaset.go, bluegreen.go,
utils/rollout/rolloututil.go, utils/defaults):

* fenceposts: ``resolve_fenceposts``, ``max_surge``, ``max_unavailable``;
* which weight (or fixed canary size) the canary targets:
  ``get_current_set_weight``, ``use_set_canary_scale``,
  ``get_desired_canary_weight`` (with the abort + dynamicStableScale
  reverse-step walk) and ``get_canary_replicas_or_weight``;
* weight to pods: ``traffic_weight_to_replicas``,
  ``approximate_weighted_canary_stable_replica_counts``,
  ``calculate_replica_counts_for_basic_canary`` (surge/unavailable limited),
  ``calculate_replica_counts_for_traffic_routed_canary``;
* step completion: ``get_replicas_for_scale_down``,
  ``all_desired_are_available``, ``replica_progress_threshold_met``,
  ``at_desired_replica_counts_for_canary``;
* blue-green: ``blue_green_new_rs_new_replicas`` (previewReplicaCount) and
  ``ready_for_pause``;
* status: ``calculate_rollout_phase`` and the client-side wrapper
  ``get_rollout_phase``.

Flagger (pkg/controller/scheduler.go, pkg/canary/deployment_ready.go,
pkg/apis/flagger/v1beta1/canary.go):

* ``analysis_interval_seconds`` (60 s default, 10 s floor),
  ``analysis_threshold``, ``deployment_strategy``;
* ``flagger_max_weight``, ``next_step_weight`` and the whole ladder
  ``canary_weight_progression``;
* ``is_deployment_ready`` (readiness with a ready threshold and the
  retriable/non-retriable split);
* ``advance_canary``: one scheduler tick as a pure state transition, given
  what the tick observes (workload readiness, check and webhook outcomes).

Everything here takes plain values: ints, strings and the small frozen
dataclasses below (``ReplicaSetCounts`` for one ReplicaSet's spec/status
counts, ``CanaryStep``/``SetCanaryScale`` for steps, ``TrafficWeights`` for the
router's current weights). Step arguments are typed by protocols, so a
controller can pass its own step objects if they expose ``set_weight`` and
``set_canary_scale``. Nothing here reads the cluster.

Conventions: a ReplicaSet that does not exist is ``None``; a nil
``spec.replicas`` is resolved by the caller with ``replicas_or_default``
(upstream's 1). Weights are integers out of ``max_weight`` (Argo's
maxTrafficWeight, 100 unless set; Flagger's total weight, always 100).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import pairwise
from typing import Final, Protocol

__all__ = [
    "BLUE_GREEN",
    "CANARY",
    "DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS",
    "DEFAULT_ANALYSIS_INTERVAL_SECONDS",
    "DEFAULT_MAX_SURGE",
    "DEFAULT_MAX_TRAFFIC_WEIGHT",
    "DEFAULT_MAX_UNAVAILABLE",
    "DEFAULT_PROGRESS_DEADLINE_SECONDS",
    "DEFAULT_REPLICAS",
    "DEFAULT_SCALE_DOWN_DELAY_SECONDS",
    "FAILED",
    "FLAGGER_FAILED",
    "FLAGGER_FINALISING",
    "FLAGGER_INITIALIZED",
    "FLAGGER_INITIALIZING",
    "FLAGGER_PROGRESSING",
    "FLAGGER_PROMOTING",
    "FLAGGER_SUCCEEDED",
    "FLAGGER_TOTAL_WEIGHT",
    "FLAGGER_WAITING",
    "FLAGGER_WAITING_PROMOTION",
    "INVALID_SPEC",
    "KUBERNETES_PROVIDER",
    "MIN_ANALYSIS_INTERVAL_SECONDS",
    "NOT_READY",
    "PAUSE_REASON_BLUE_GREEN",
    "PAUSE_REASON_CANARY_STEP",
    "PAUSE_REASON_INCONCLUSIVE_ANALYSIS",
    "PAUSE_REASON_INCONCLUSIVE_EXPERIMENT",
    "PHASE_DEGRADED",
    "PHASE_HEALTHY",
    "PHASE_PAUSED",
    "PHASE_PROGRESSING",
    "READY",
    "ROLLOUT_ABORTED_REASON",
    "STRATEGY_AB_TESTING",
    "STRATEGY_BLUE_GREEN",
    "STRATEGY_CANARY",
    "THRESHOLD_PERCENT",
    "THRESHOLD_PODS",
    "TIMED_OUT_REASON",
    "CanaryStep",
    "DeploymentReadiness",
    "FlaggerSpec",
    "FlaggerState",
    "FlaggerTick",
    "IntOrPercent",
    "ReplicaProgressThreshold",
    "ReplicaSetCounts",
    "RolloutCondition",
    "SetCanaryScale",
    "SetCanaryScaleLike",
    "StepLike",
    "TrafficWeights",
    "abort_scale_down_delay_seconds_or_default",
    "advance_canary",
    "all_desired_are_available",
    "all_desired_are_created",
    "analysis_interval_seconds",
    "analysis_threshold",
    "approximate_weighted_canary_stable_replica_counts",
    "at_desired_replica_counts_for_canary",
    "blue_green_new_rs_new_replicas",
    "calculate_replica_counts_for_basic_canary",
    "calculate_replica_counts_for_traffic_routed_canary",
    "calculate_rollout_phase",
    "canary_weight_progression",
    "check_min_pods_per_replica_set",
    "check_stable_rs_exists",
    "deployment_strategy",
    "flagger_max_weight",
    "get_canary_replicas_or_weight",
    "get_current_canary_step",
    "get_current_set_weight",
    "get_desired_canary_weight",
    "get_replicas_for_scale_down",
    "get_rollout_phase",
    "is_deployment_ready",
    "is_fully_promoted",
    "is_generation_observed",
    "max_surge",
    "max_unavailable",
    "next_step_weight",
    "parse_go_duration",
    "pause_duration_seconds",
    "ready_for_pause",
    "replica_progress_threshold_met",
    "replicas_or_default",
    "resolve_fenceposts",
    "scale_down_delay_seconds_or_default",
    "scale_from_zero_replicas",
    "traffic_weight_to_replicas",
    "use_set_canary_scale",
]

IntOrPercent = int | str

# ---------------------------------------------------------------------------------------
# Argo Rollouts constants (utils/defaults, utils/conditions, v1alpha1 types)
# ---------------------------------------------------------------------------------------

CANARY: Final = "canary"
BLUE_GREEN: Final = "blueGreen"

DEFAULT_REPLICAS: Final = 1
#: ``GetMaxSurgeOrDefault``/``GetMaxUnavailableOrDefault``: 25% of spec.replicas.
DEFAULT_MAX_SURGE: Final = "25%"
DEFAULT_MAX_UNAVAILABLE: Final = "25%"
DEFAULT_MAX_TRAFFIC_WEIGHT: Final = 100
DEFAULT_SCALE_DOWN_DELAY_SECONDS: Final = 30
DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS: Final = 30
DEFAULT_PROGRESS_DEADLINE_SECONDS: Final = 600

PHASE_HEALTHY: Final = "Healthy"
PHASE_PROGRESSING: Final = "Progressing"
PHASE_PAUSED: Final = "Paused"
PHASE_DEGRADED: Final = "Degraded"

INVALID_SPEC: Final = "InvalidSpec"
ROLLOUT_ABORTED_REASON: Final = "RolloutAborted"
TIMED_OUT_REASON: Final = "ProgressDeadlineExceeded"

PAUSE_REASON_CANARY_STEP: Final = "CanaryPauseStep"
PAUSE_REASON_BLUE_GREEN: Final = "BlueGreenPause"
PAUSE_REASON_INCONCLUSIVE_ANALYSIS: Final = "InconclusiveAnalysisRun"
PAUSE_REASON_INCONCLUSIVE_EXPERIMENT: Final = "InconclusiveExperiment"

THRESHOLD_PERCENT: Final = "Percent"
THRESHOLD_PODS: Final = "Pods"

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


# ---------------------------------------------------------------------------------------
# Small value types
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaSetCounts:
    """The counts of one ReplicaSet the rollout math reads.

    ``replicas`` is ``spec.replicas`` (already defaulted), ``available_replicas``
    and ``status_replicas`` are ``status.availableReplicas`` and
    ``status.replicas``.
    """

    replicas: int
    available_replicas: int = 0
    status_replicas: int = 0


@dataclass(frozen=True)
class SetCanaryScale:
    """A ``setCanaryScale`` step body: fixed ``replicas``, a sizing ``weight``,
    or ``match_traffic_weight`` (size from the traffic weight again)."""

    replicas: int | None = None
    weight: int | None = None
    match_traffic_weight: bool = False


@dataclass(frozen=True)
class CanaryStep:
    """One ``strategy.canary.steps[]`` entry, reduced to what the math reads.

    ``kind`` names any other step type (``"pause"``, ``"analysis"``,
    ``"experiment"``, ...); it is carried for callers and ignored here.
    """

    set_weight: int | None = None
    set_canary_scale: SetCanaryScale | None = None
    kind: str = ""


class SetCanaryScaleLike(Protocol):
    """Anything shaped like ``SetCanaryScale``."""

    @property
    def replicas(self) -> int | None: ...

    @property
    def weight(self) -> int | None: ...

    @property
    def match_traffic_weight(self) -> bool: ...


class StepLike(Protocol):
    """Anything shaped like ``CanaryStep`` (read-only ``set_weight``/``set_canary_scale``)."""

    @property
    def set_weight(self) -> int | None: ...

    @property
    def set_canary_scale(self) -> SetCanaryScaleLike | None: ...


@dataclass(frozen=True)
class TrafficWeights:
    """The router's current weights (``status.canary.weights``) for canary and stable."""

    canary: int
    stable: int


@dataclass(frozen=True)
class ReplicaProgressThreshold:
    """``strategy.canary.replicaProgressThreshold``: ``type`` is ``"Percent"`` or ``"Pods"``."""

    type: str
    value: int


@dataclass(frozen=True)
class RolloutCondition:
    """A ``status.conditions[]`` entry as the phase calculation reads it."""

    type: str
    reason: str = ""
    message: str = ""
    status: str = ""


# ---------------------------------------------------------------------------------------
# Defaults and fenceposts (utils/defaults, utils/replicaset/replicaset.go)
# ---------------------------------------------------------------------------------------


def replicas_or_default(replicas: int | None) -> int:
    """``defaults.GetReplicasOrDefault``: a nil ``spec.replicas`` means 1."""
    return DEFAULT_REPLICAS if replicas is None else replicas


_GO_ATOI = re.compile(r"[+-]?[0-9]+")


def _go_atoi(text: str) -> int | None:
    """``strconv.Atoi``: optional sign and ASCII digits, int64 range; else ``None``."""
    if not _GO_ATOI.fullmatch(text):
        return None
    value = int(text)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def _int_or_percent(value: IntOrPercent, total: int, round_up: bool) -> int:
    """``intstr.GetValueFromIntOrPercent`` (the deprecated helper Argo calls).

    Every ``%`` is removed and the rest read as a percentage, so a bare ``"25"``
    is 25%. Raises ``ValueError`` where upstream returns an error.
    """
    if isinstance(value, int):
        return value
    number = _go_atoi(value.replace("%", ""))
    if number is None:
        raise ValueError(f"invalid value for IntOrString: invalid value {value!r}")
    product = number * total
    return -(-product // 100) if round_up else product // 100


def resolve_fenceposts(max_surge: IntOrPercent | None, max_unavailable: IntOrPercent | None,
                       desired: int) -> tuple[int, int]:
    """``resolveFenceposts``: surge rounds up, unavailable down; unset is 0; if both
    come out 0, unavailable becomes 1. A malformed value raises ``ValueError``."""
    surge = _int_or_percent(0 if max_surge is None else max_surge, desired, True)
    unavailable = _int_or_percent(0 if max_unavailable is None else max_unavailable,
                                  desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(strategy: str, replicas: int | None, max_surge: IntOrPercent | None = None,
              max_unavailable: IntOrPercent | None = None) -> int:
    """``MaxSurge``: canary only (0 for any other strategy); defaults 25%/25%.

    Invalid values count as 0, as upstream ignores the error validation reports.
    """
    if strategy != CANARY:
        return 0
    try:
        surge, _ = resolve_fenceposts(
            DEFAULT_MAX_SURGE if max_surge is None else max_surge,
            DEFAULT_MAX_UNAVAILABLE if max_unavailable is None else max_unavailable,
            replicas_or_default(replicas))
    except ValueError:
        return 0
    return surge


def max_unavailable(strategy: str, replicas: int | None,
                    max_surge: IntOrPercent | None = None,
                    max_unavailable: IntOrPercent | None = None) -> int:
    """``MaxUnavailable``: 0 when replicas is 0, capped at replicas.

    Canary resolves both fenceposts (the 0/0 rule applies); any other strategy
    (blue-green) takes its own maxUnavailable rounded down, without the rule.
    """
    total = replicas_or_default(replicas)
    if total == 0:
        return 0
    unavailable_value = DEFAULT_MAX_UNAVAILABLE if max_unavailable is None else max_unavailable
    try:
        if strategy == CANARY:
            _, unavailable = resolve_fenceposts(
                DEFAULT_MAX_SURGE if max_surge is None else max_surge, unavailable_value, total)
        else:
            unavailable = _int_or_percent(unavailable_value, total, False)
    except ValueError:
        return 0
    return min(unavailable, total)


def abort_scale_down_delay_seconds_or_default(
    strategy: str, traffic_routing: bool, abort_scale_down_delay_seconds: int | None,
) -> tuple[int | None, bool]:
    """``GetAbortScaleDownDelaySecondsOrDefault``: (delay, explicitly set).

    ``None`` delay means "never scale down" (an explicit 0). Blue-green and
    traffic-routed canary default to 30 s; basic canary is always 0 s.
    """
    applies = strategy == BLUE_GREEN or (strategy == CANARY and traffic_routing)
    if not applies:
        return 0, False
    if abort_scale_down_delay_seconds is None:
        return DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS, False
    if abort_scale_down_delay_seconds == 0:
        return None, True
    return abort_scale_down_delay_seconds, True


def scale_down_delay_seconds_or_default(strategy: str, traffic_routing: bool,
                                        scale_down_delay_seconds: int | None) -> int:
    """``GetScaleDownDelaySecondsOrDefault``: 30 s for blue-green and routed canary, else 0."""
    if strategy == BLUE_GREEN or (strategy == CANARY and traffic_routing):
        if scale_down_delay_seconds is None:
            return DEFAULT_SCALE_DOWN_DELAY_SECONDS
        return scale_down_delay_seconds
    return 0


# ---------------------------------------------------------------------------------------
# Steps and weights (utils/replicaset/canary.go)
# ---------------------------------------------------------------------------------------


def get_current_canary_step(steps: Sequence[StepLike],
                            current_step_index: int | None) -> tuple[StepLike | None, int | None]:
    """``GetCurrentCanaryStep``: (step, index); (None, None) without steps,
    (None, index) once the index is past the last step. A missing index is 0."""
    if not steps:
        return None, None
    index = 0 if current_step_index is None else current_step_index
    if index >= len(steps):
        return None, index
    return steps[index], index


def get_current_set_weight(steps: Sequence[StepLike], current_step_index: int | None, *,
                           aborted: bool = False,
                           max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT) -> int:
    """``GetCurrentSetWeight``: 0 when aborted; ``max_weight`` past the last step
    (or without steps); else the latest setWeight at or before the index (0 if none)."""
    if aborted:
        return 0
    step, index = get_current_canary_step(steps, current_step_index)
    if step is None or index is None:
        return max_weight
    for earlier in reversed(steps[:index + 1]):
        if earlier.set_weight is not None:
            return earlier.set_weight
    return 0


def use_set_canary_scale(steps: Sequence[StepLike], current_step_index: int | None, *,
                         traffic_routing: bool, aborted: bool = False,
                         abort_scale_down_delay_seconds: int | None = None,
                         ) -> SetCanaryScaleLike | None:
    """``UseSetCanaryScale``: the setCanaryScale in force, if any.

    Only with traffic routing; ignored after an abort unless
    abortScaleDownDelaySeconds is an explicit 0; the latest setCanaryScale at or
    before the current step wins, and a ``match_traffic_weight`` one cancels it.
    """
    if not traffic_routing:
        return None
    if aborted:
        delay, _ = abort_scale_down_delay_seconds_or_default(
            CANARY, True, abort_scale_down_delay_seconds)
        if delay is not None:
            return None
    step, index = get_current_canary_step(steps, current_step_index)
    if step is None or index is None:
        return None
    for earlier in reversed(steps[:index + 1]):
        scale = earlier.set_canary_scale
        if scale is None:
            continue
        return None if scale.match_traffic_weight else scale
    return None


def traffic_weight_to_replicas(replicas: int, weight: int,
                               max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT) -> int:
    """``trafficWeightToReplicas``: ceil(weight x replicas / max_weight)."""
    return -(-(weight * replicas) // max_weight)


def get_desired_canary_weight(
    spec_replicas: int, steps: Sequence[StepLike], current_step_index: int | None, *,
    aborted: bool = False, traffic_routing: bool = False,
    dynamic_stable_scale: bool = False,
    abort_scale_down_delay_seconds: int | None = None,
    canary_rs: ReplicaSetCounts | None = None, stable_rs: ReplicaSetCounts | None = None,
    max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT,
) -> int:
    """``GetDesiredCanaryWeight``: the step weight, or the reverse-step weight on abort.

    Aborted with traffic routing, dynamicStableScale and both ReplicaSets
    present, the canary steps back down the setWeight ladder: with
    ``need = spec_replicas - stable.available`` the canary may keep
    ``max(need, canary.available)`` pods (just ``need`` when
    abortScaleDownDelaySeconds was set explicitly to a non-zero value), and
    the answer is the last setWeight, scanning from the end, whose pod count
    is below that; 0 if none is. Otherwise ``get_current_set_weight``.
    """
    if (aborted and traffic_routing and dynamic_stable_scale
            and canary_rs is not None and stable_rs is not None):
        need = spec_replicas - stable_rs.available_replicas
        delay, explicit = abort_scale_down_delay_seconds_or_default(
            CANARY, True, abort_scale_down_delay_seconds)
        keep = need if explicit and delay is not None else max(need,
                                                              canary_rs.available_replicas)
        for step in reversed(steps):
            weight = step.set_weight
            if weight is not None and traffic_weight_to_replicas(
                    spec_replicas, weight, max_weight) < keep:
                return weight
        return 0
    return get_current_set_weight(steps, current_step_index, aborted=aborted,
                                  max_weight=max_weight)


def get_canary_replicas_or_weight(
    spec_replicas: int, steps: Sequence[StepLike], current_step_index: int | None, *,
    stable_rs_hash: str, current_pod_hash: str, promote_full: bool = False,
    aborted: bool = False, traffic_routing: bool = False,
    dynamic_stable_scale: bool = False,
    abort_scale_down_delay_seconds: int | None = None,
    canary_rs: ReplicaSetCounts | None = None, stable_rs: ReplicaSetCounts | None = None,
    max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT,
) -> tuple[int | None, int]:
    """``GetCanaryReplicasOrWeight``: (fixed canary replicas or ``None``, weight).

    Full weight on promoteFull, on the first deploy (no stable hash) and when
    fully promoted; then a setCanaryScale (replicas, or a sizing weight); then
    ``get_desired_canary_weight``.
    """
    if promote_full or not stable_rs_hash or current_pod_hash == stable_rs_hash:
        return None, max_weight
    scale = use_set_canary_scale(steps, current_step_index, traffic_routing=traffic_routing,
                                 aborted=aborted,
                                 abort_scale_down_delay_seconds=abort_scale_down_delay_seconds)
    if scale is not None:
        if scale.replicas is not None:
            return scale.replicas, 0
        if scale.weight is not None:
            return None, scale.weight
    return None, get_desired_canary_weight(
        spec_replicas, steps, current_step_index, aborted=aborted,
        traffic_routing=traffic_routing, dynamic_stable_scale=dynamic_stable_scale,
        abort_scale_down_delay_seconds=abort_scale_down_delay_seconds, canary_rs=canary_rs,
        stable_rs=stable_rs, max_weight=max_weight)


# ---------------------------------------------------------------------------------------
# Weight -> replicas (utils/replicaset/canary.go)
# ---------------------------------------------------------------------------------------


def approximate_weighted_canary_stable_replica_counts(
    spec_replicas: int, desired_weight: int, max_surge: int,
    max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT,
) -> tuple[int, int]:
    """``approximateWeightedCanaryStableReplicaCounts``: the (canary, stable) pair
    whose canary share is closest to ``desired_weight``.

    Candidates, in order: ceil at ``spec_replicas``, floor at ``spec_replicas``,
    then (with surge) ceil and floor at ``spec_replicas + 1``. A floor whose
    total is tied (ceil and floor equally far) is dropped, so ties round up; a
    zero canary is only allowed at weight 0 or max, or for one pod without
    surge. The first candidate among the closest wins. Float arithmetic is
    kept as upstream's, so exact-tie detection matches it.
    """
    if spec_replicas == 0:
        return 0, 0
    exact = spec_replicas * desired_weight
    ceil_count = -(-exact // max_weight)
    floor_count = exact // max_weight
    zero_allowed = (desired_weight in (0, max_weight)
                    or (spec_replicas == 1 and max_surge == 0))

    def tied(total: int) -> bool:
        return math.modf(float(total) * (float(desired_weight) / float(max_weight)))[0] == 0.5

    def distance(canary: int, total: int) -> float:
        return abs(float(canary * max_weight) / float(total) - float(desired_weight))

    candidates: list[tuple[int, int]] = []
    if ceil_count < spec_replicas or zero_allowed:
        candidates.append((ceil_count, spec_replicas))
    floor_usable = floor_count != 0 or zero_allowed
    if not tied(spec_replicas) and floor_usable:
        candidates.append((floor_count, spec_replicas))
    if max_surge > 0:
        candidates.append((ceil_count, spec_replicas + 1))
        if not tied(spec_replicas + 1) and floor_usable:
            candidates.append((floor_count, spec_replicas + 1))
    if not candidates:
        return 0, spec_replicas
    best = candidates[0]
    for candidate in candidates[1:]:
        if distance(*candidate) < distance(*best):
            best = candidate
    canary, total = best
    return canary, total - canary


def check_stable_rs_exists(new_rs: ReplicaSetCounts | None, stable_rs: ReplicaSetCounts | None,
                           stable_is_new: bool = False) -> bool:
    """``CheckStableRSExists``: a stable RS exists and is not the new RS."""
    if stable_rs is None:
        return False
    return new_rs is None or not stable_is_new


def get_replicas_for_scale_down(rs: ReplicaSetCounts | None, ignore_availability: bool) -> int:
    """``GetReplicasForScaleDown``: pods of ``rs`` that count towards availability.

    The spec count when it is below the available count (surplus pods are about
    to go) or when availability may be ignored; else the available count.
    """
    if rs is None:
        return 0
    if rs.replicas < rs.available_replicas or ignore_availability:
        return rs.replicas
    return rs.available_replicas


def _drain(drained: ReplicaSetCounts | None, drained_target: int, drained_count: int,
           budget: int, other: ReplicaSetCounts | None, other_count: int, ceiling: int,
           min_available: int) -> tuple[int, int]:
    """Shrink ``drained`` towards its target by ``budget``, then rebalance against ``other``.

    ``calculateScaleDownReplicaCount`` + ``adjustReplicaWithinLimits``: cut the
    other RS by any excess over ``ceiling``, give back what that cut cost in
    availability (up to the shortfall against ``min_available``), then take any
    remaining excess from the drained RS.
    """
    if drained is not None and drained.replicas > drained_target:
        drained_count = max(drained_target, drained.replicas - budget)
    if other is None:
        return drained_count, other_count
    available = min(drained.available_replicas, drained_count) if drained is not None else 0
    other_count -= max(0, drained_count + other_count - ceiling)
    available += min(other.available_replicas, other_count)
    lost = max(0, other.available_replicas - other_count)
    shortfall = max(0, min_available - available)
    other_count += min(lost, shortfall)
    drained_count -= max(0, drained_count + other_count - ceiling)
    return drained_count, other_count


def calculate_replica_counts_for_basic_canary(
    spec_replicas: int, desired_weight: int, max_surge: int, max_unavailable: int,
    new_rs: ReplicaSetCounts | None, stable_rs: ReplicaSetCounts | None,
    other_rss: Iterable[ReplicaSetCounts | None] = (), *, stable_is_new: bool = False,
) -> tuple[int, int]:
    """``CalculateReplicaCountsForBasicCanary``: this reconcile's (canary, stable) sizes.

    ``max_surge``/``max_unavailable`` are the resolved values (``max_surge()``,
    ``max_unavailable()``); ``desired_weight`` comes from
    ``get_canary_replicas_or_weight``. Targets come from
    ``approximate_weighted_canary_stable_replica_counts``, or (R, 0) when there
    is no separate stable RS (``stable_is_new`` says the stable RS passed is
    the new RS itself). Growth is limited by R + surge (stable first, then
    canary); while ``other_rss`` hold replicas nothing shrinks; shrinking is
    limited by R - maxUnavailable and drains stable when the canary grows,
    the canary otherwise.
    """
    others = [rs for rs in other_rss if rs is not None]
    target_new, target_stable = approximate_weighted_canary_stable_replica_counts(
        spec_replicas, desired_weight, max_surge)
    separate_stable = check_stable_rs_exists(new_rs, stable_rs, stable_is_new)
    if not separate_stable:
        target_new, target_stable = spec_replicas, 0
    new_count = new_rs.replicas if new_rs is not None else 0
    stable_count = stable_rs.replicas if separate_stable and stable_rs is not None else 0
    others_total = sum(rs.replicas for rs in others)

    ceiling = spec_replicas + max_surge
    room = ceiling - (others_total + new_count + stable_count)
    if separate_stable and stable_count < target_stable and room > 0:
        grown = min(target_stable, stable_count + room)
        room -= grown - stable_count
        stable_count = grown
    if new_rs is not None and new_count < target_new and room > 0:
        new_count = min(target_new, new_count + room)

    if others_total > 0:
        return new_count, stable_count

    min_available = spec_replicas - max_unavailable
    increasing = new_rs is None or target_new >= new_rs.replicas
    counted = (get_replicas_for_scale_down(new_rs, not increasing)
               + get_replicas_for_scale_down(stable_rs, increasing))
    if counted <= min_available:
        return new_count, stable_count
    budget = counted - min_available
    if not increasing:
        new_count, stable_count = _drain(new_rs, target_new, new_count, budget, stable_rs,
                                         stable_count, ceiling, min_available)
    elif separate_stable:
        stable_count, new_count = _drain(stable_rs, target_stable, stable_count, budget,
                                         new_rs, new_count, ceiling, min_available)
    return new_count, stable_count


def check_min_pods_per_replica_set(count: int, min_pods_per_replica_set: int | None,
                                   spec_replicas: int) -> int:
    """``CheckMinPodsPerReplicaSet``: a non-zero count is raised to minPodsPerReplicaSet,
    itself capped at spec.replicas (traffic routing only; the caller decides)."""
    if count == 0 or min_pods_per_replica_set is None:
        return count
    return max(count, min(min_pods_per_replica_set, spec_replicas))


def calculate_replica_counts_for_traffic_routed_canary(
    spec_replicas: int, canary_replicas: int | None, desired_weight: int, *,
    dynamic_stable_scale: bool = False, min_pods_per_replica_set: int | None = None,
    aborted: bool = False, weights: TrafficWeights | None = None,
    max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT,
) -> tuple[int, int]:
    """``CalculateReplicaCountsForTrafficRoutedCanary``: (canary, stable) with a router.

    ``(canary_replicas, desired_weight)`` is ``get_canary_replicas_or_weight``'s
    answer. The canary is the setCanaryScale replicas or the weight's pods
    (raised to minPodsPerReplicaSet). Without dynamicStableScale the stable
    stays at ``spec_replicas``; with it the stable follows the weight but never
    below what the router's current stable weight needs, and on abort the
    canary never drops below what the router's current canary weight needs.
    """
    if canary_replicas is not None:
        canary = canary_replicas
    else:
        canary = check_min_pods_per_replica_set(
            traffic_weight_to_replicas(spec_replicas, desired_weight, max_weight),
            min_pods_per_replica_set, spec_replicas)
    if not dynamic_stable_scale:
        return canary, spec_replicas
    stable = traffic_weight_to_replicas(spec_replicas, max_weight - desired_weight, max_weight)
    if weights is not None:
        stable = max(stable, traffic_weight_to_replicas(spec_replicas, weights.stable,
                                                        max_weight))
        if aborted:
            canary = max(canary, traffic_weight_to_replicas(spec_replicas, weights.canary,
                                                            max_weight))
    return (check_min_pods_per_replica_set(canary, min_pods_per_replica_set, spec_replicas),
            check_min_pods_per_replica_set(stable, min_pods_per_replica_set, spec_replicas))


# ---------------------------------------------------------------------------------------
# Step completion (utils/replicaset/canary.go)
# ---------------------------------------------------------------------------------------


def all_desired_are_available(rs: ReplicaSetCounts | None, desired: int) -> bool:
    """``allDesiredAreAvailable``: spec and available both equal ``desired``."""
    return rs is not None and rs.replicas == desired and rs.available_replicas == desired


def all_desired_are_created(rs: ReplicaSetCounts | None, desired: int) -> bool:
    """``allDesiredAreCreated``: spec and ``status.replicas`` both equal ``desired``."""
    return rs is not None and rs.replicas == desired and rs.status_replicas == desired


def replica_progress_threshold_met(rs: ReplicaSetCounts | None, desired: int,
                                   threshold: ReplicaProgressThreshold | None) -> bool:
    """``ReplicaProgressThresholdMet``: enough of the desired pods are available.

    No threshold, a negative value or an unknown type fall back to
    ``all_desired_are_available``. ``Percent``: true for ``desired == 0``, else
    ``available >= ceil(desired x value / 100)``. ``Pods``: ``available >= value``.
    Only availability is compared, not the spec count. (The rounding of a
    percentage and a Pods value above ``desired`` are not pinned by the
    upstream vectors; these are the plain readings.)
    """
    if rs is None:
        return False
    if threshold is None or threshold.value < 0 or threshold.type not in (THRESHOLD_PERCENT,
                                                                           THRESHOLD_PODS):
        return all_desired_are_available(rs, desired)
    if threshold.type == THRESHOLD_PERCENT:
        if desired == 0:
            return True
        return rs.available_replicas >= -(-(desired * threshold.value) // 100)
    return rs.available_replicas >= threshold.value


def at_desired_replica_counts_for_canary(
    new_rs: ReplicaSetCounts | None, stable_rs: ReplicaSetCounts | None,
    other_rss: Iterable[ReplicaSetCounts | None], desired_new: int, desired_stable: int, *,
    traffic_routing: bool = False, dynamic_stable_scale: bool = False,
    replica_progress_threshold: ReplicaProgressThreshold | None = None,
) -> bool:
    """``AtDesiredReplicaCountsForCanary``: the current setWeight/setCanaryScale step is done.

    ``desired_new``/``desired_stable`` are this reconcile's targets (the basic
    or traffic-routed calculation). The canary must meet the progress
    threshold; the stable must have spec and ``status.replicas`` at its target
    (availability is not checked; skipped with dynamicStableScale); for basic
    canary no other RS may have available pods.
    """
    if not replica_progress_threshold_met(new_rs, desired_new, replica_progress_threshold):
        return False
    if (not traffic_routing or not dynamic_stable_scale) and not all_desired_are_created(
            stable_rs, desired_stable):
        return False
    return traffic_routing or sum(
        rs.available_replicas for rs in other_rss if rs is not None) == 0


# ---------------------------------------------------------------------------------------
# Blue-green (utils/replicaset/replicaset.go, bluegreen.go)
# ---------------------------------------------------------------------------------------


def blue_green_new_rs_new_replicas(
    spec_replicas: int, preview_replica_count: int | None, *, new_rs_hash: str,
    active_selector: str, rs_hashes: Collection[str], current_pod_hash: str,
    promote_full: bool = False, spec_paused: bool = False, has_pause_conditions: bool = False,
    scale_up_preview_checkpoint: bool = False,
) -> int:
    """``NewRSNewReplicas`` for blue-green: the new RS's size, honouring previewReplicaCount.

    ``rs_hashes`` are the pod-template hashes of all the rollout's ReplicaSets
    (the active RS is the one whose hash equals ``active_selector``). Full
    size without previewReplicaCount, with no active RS or when the new RS is
    active, and on promoteFull; the preview count for a new update (new hash
    not yet ``current_pod_hash``); full once past the scale-up checkpoint and
    not paused; the preview count otherwise.
    """
    if preview_replica_count is None:
        return spec_replicas
    active_exists = bool(active_selector) and active_selector in rs_hashes
    if not active_exists or active_selector == new_rs_hash or promote_full:
        return spec_replicas
    if new_rs_hash != current_pod_hash:
        return preview_replica_count
    if not spec_paused and not has_pause_conditions and scale_up_preview_checkpoint:
        return spec_replicas
    return preview_replica_count


def ready_for_pause(new_rs: ReplicaSetCounts | None, desired_new_replicas: int | None) -> bool:
    """``ReadyForPause``: the new RS's spec and available both equal its desired size.

    ``desired_new_replicas`` is ``None`` when it cannot be computed (upstream's
    "no rollout strategy" error), which is never ready.
    """
    if desired_new_replicas is None or new_rs is None:
        return False
    return (new_rs.replicas == desired_new_replicas
            and new_rs.available_replicas == desired_new_replicas)


# ---------------------------------------------------------------------------------------
# Phase (utils/rollout/rolloututil.go)
# ---------------------------------------------------------------------------------------


def is_fully_promoted(stable_rs: str, current_pod_hash: str) -> bool:
    """``IsFullyPromoted``: the stable hash is the desired hash."""
    return stable_rs == current_pod_hash


def calculate_rollout_phase(
    *, strategy: str, spec_replicas: int | None, status_replicas: int,
    updated_replicas: int, available_replicas: int, stable_rs: str = "",
    current_pod_hash: str = "", traffic_routing: bool = False, spec_paused: bool = False,
    pause_conditions: Sequence[str] = (), conditions: Sequence[RolloutCondition] = (),
    restart_pending: bool = False, active_selector: str = "",
    waiting_for_post_promotion_analysis: bool = False,
) -> tuple[str, str]:
    """``CalculateRolloutPhase``: (phase, message), first matching rule wins.

    ``pause_conditions`` are the pause reasons; ``restart_pending`` is
    "restartAt set and not equal to restartedAt";
    ``waiting_for_post_promotion_analysis`` is "blue-green postPromotionAnalysis
    configured and its run not completed".
    """
    for condition in conditions:
        if condition.type == INVALID_SPEC:
            return PHASE_DEGRADED, f"{INVALID_SPEC}: {condition.message}"
        if condition.reason in (ROLLOUT_ABORTED_REASON, TIMED_OUT_REASON):
            return PHASE_DEGRADED, f"{condition.reason}: {condition.message}"
    if spec_paused:
        return PHASE_PAUSED, "manually paused"
    if pause_conditions:
        return PHASE_PAUSED, pause_conditions[0]
    if restart_pending:
        return PHASE_PROGRESSING, "rollout is restarting"
    if updated_replicas < replicas_or_default(spec_replicas):
        return PHASE_PROGRESSING, "more replicas need to be updated"
    if available_replicas < updated_replicas:
        return PHASE_PROGRESSING, "updated replicas are still becoming available"
    promoted = bool(stable_rs) and is_fully_promoted(stable_rs, current_pod_hash)
    if strategy == BLUE_GREEN:
        if not active_selector or active_selector != current_pod_hash:
            return PHASE_PROGRESSING, "active service cutover pending"
        if not promoted:
            if waiting_for_post_promotion_analysis:
                return PHASE_PROGRESSING, "waiting for analysis to complete"
            return PHASE_PROGRESSING, "waiting for post-promotion verification to complete"
    elif strategy == CANARY:
        if not traffic_routing and status_replicas > updated_replicas:
            return PHASE_PROGRESSING, "old replicas are pending termination"
        if not promoted:
            return PHASE_PROGRESSING, "waiting for all steps to complete"
    return PHASE_HEALTHY, ""


def is_generation_observed(generation: int, observed_generation: str) -> bool:
    """``isGenerationObserved``: a non-numeric (legacy hash) or larger observed
    generation counts as observed; otherwise it must equal ``generation``."""
    observed = _go_atoi(observed_generation)
    if observed is None:
        return True
    return observed >= generation


def get_rollout_phase(*, generation: int, observed_generation: str, controller_pause: bool,
                      pause_conditions: Sequence[str], status_phase: str, status_message: str,
                      calculated: tuple[str, str]) -> tuple[str, str]:
    """``GetRolloutPhase``: the client-side view of the phase.

    Progressing while the spec change is unobserved or while unpausing
    (controllerPause with no pause condition left); then the controller's
    ``status.phase``/``message``; for a status without a phase, ``calculated``
    (the caller's ``calculate_rollout_phase`` answer).
    """
    if not is_generation_observed(generation, observed_generation):
        return PHASE_PROGRESSING, "waiting for rollout spec update to be observed"
    if controller_pause and not pause_conditions:
        return PHASE_PROGRESSING, "waiting for rollout to unpause"
    if status_phase:
        return status_phase, status_message
    return calculated


# ---------------------------------------------------------------------------------------
# Durations (Go time.ParseDuration; Argo pause durations)
# ---------------------------------------------------------------------------------------

_UNIT_NANOS: Final = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?")
_DURATION_UNIT = re.compile(r"[^0-9.]*")


def parse_go_duration(text: str) -> float:
    """``time.ParseDuration`` in seconds: ``[sign](number unit)+`` or a bare ``0``.

    Units ns, us/µs, ms, s, m, h; decimal fractions truncate at nanoseconds.
    Raises ``ValueError`` for anything else (range overflow is not checked).
    """
    rest = text
    negative = rest[:1] == "-"
    if rest[:1] in ("-", "+"):
        rest = rest[1:]
    if rest == "0":
        return 0.0
    if not rest:
        raise ValueError(f"time: invalid duration {text!r}")
    nanos = 0
    while rest:
        number = _DURATION_NUMBER.match(rest)
        assert number is not None
        whole, fraction = number.group(1), number.group(2)
        if not whole and not fraction:
            raise ValueError(f"time: invalid duration {text!r}")
        rest = rest[number.end():]
        unit_match = _DURATION_UNIT.match(rest)
        unit = unit_match.group(0) if unit_match else ""
        if not unit:
            raise ValueError(f"time: missing unit in duration {text!r}")
        if unit not in _UNIT_NANOS:
            raise ValueError(f"time: unknown unit {unit!r} in duration {text!r}")
        scale = _UNIT_NANOS[unit]
        nanos += int(whole or "0") * scale
        if fraction:
            nanos += int(Fraction(int(fraction), 10 ** len(fraction)) * scale)
        rest = rest[len(unit):]
    return (-nanos if negative else nanos) / 1e9


def pause_duration_seconds(duration: int | str) -> int:
    """``DurationString.Duration`` as whole seconds for a canary ``pause.duration``.

    An int, or an integer string, is seconds; any other string is a Go
    duration (``"30s"``, ``"1h"``), truncated to seconds; unparsable (or an
    integer string outside int32) is -1.
    """
    if isinstance(duration, int):
        return duration
    seconds = _go_atoi(duration)
    if seconds is not None:
        return seconds if -(2**31) <= seconds < 2**31 else -1
    try:
        return int(parse_go_duration(duration))
    except ValueError:
        return -1


# ---------------------------------------------------------------------------------------
# Flagger: spec helpers (pkg/apis/flagger/v1beta1/canary.go, pkg/controller/scheduler.go)
# ---------------------------------------------------------------------------------------

FLAGGER_TOTAL_WEIGHT: Final = 100
DEFAULT_ANALYSIS_INTERVAL_SECONDS: Final = 60.0
MIN_ANALYSIS_INTERVAL_SECONDS: Final = 10.0
KUBERNETES_PROVIDER: Final = "kubernetes"
KUBERNETES_PROVIDER_ITERATIONS: Final = 10

STRATEGY_CANARY: Final = "canary"
STRATEGY_BLUE_GREEN: Final = "blue-green"
STRATEGY_AB_TESTING: Final = "ab-testing"

FLAGGER_INITIALIZING: Final = "Initializing"
FLAGGER_INITIALIZED: Final = "Initialized"
FLAGGER_WAITING: Final = "Waiting"
FLAGGER_PROGRESSING: Final = "Progressing"
FLAGGER_WAITING_PROMOTION: Final = "WaitingPromotion"
FLAGGER_PROMOTING: Final = "Promoting"
FLAGGER_FINALISING: Final = "Finalising"
FLAGGER_SUCCEEDED: Final = "Succeeded"
FLAGGER_FAILED: Final = "Failed"


def analysis_interval_seconds(interval: str | None) -> float:
    """``GetAnalysisInterval``: the tick period; empty or unparsable is 60 s,
    anything under 10 s is 10 s."""
    if not interval:
        return DEFAULT_ANALYSIS_INTERVAL_SECONDS
    try:
        seconds = parse_go_duration(interval)
    except ValueError:
        return DEFAULT_ANALYSIS_INTERVAL_SECONDS
    return max(seconds, MIN_ANALYSIS_INTERVAL_SECONDS)


def analysis_threshold(threshold: int) -> int:
    """``GetAnalysisThreshold``: failed checks before rollback; 1 when not positive."""
    return threshold if threshold > 0 else 1


def deployment_strategy(iterations: int = 0, has_match: bool = False) -> str:
    """``Canary.DeploymentStrategy``: ab-testing (iterations and match), blue-green
    (iterations), else canary (also for a missing or empty analysis)."""
    if iterations > 0:
        return STRATEGY_AB_TESTING if has_match else STRATEGY_BLUE_GREEN
    return STRATEGY_CANARY


def flagger_max_weight(step_weights: Sequence[int], max_weight: int) -> int:
    """``Controller.maxWeight``: min(100, last stepWeight) with a ladder, else
    maxWeight if positive, else 100."""
    if step_weights:
        return min(FLAGGER_TOTAL_WEIGHT, step_weights[-1])
    return max_weight if max_weight > 0 else FLAGGER_TOTAL_WEIGHT


def next_step_weight(canary_weight: int, step_weight: int, step_weights: Sequence[int]) -> int:
    """``Controller.nextStepWeight``: how far the next passing tick moves the canary.

    ``step_weight`` when positive or without a ladder; else 1 at full weight
    (only to trigger promotion), the first rung from 0, the gap to the next
    rung from a rung, and all remaining room from an off-ladder weight.
    """
    if step_weight > 0 or not step_weights:
        return step_weight
    room = FLAGGER_TOTAL_WEIGHT - canary_weight
    if room == 0:
        return 1
    if canary_weight == 0:
        return min(room, step_weights[0])
    for rung, following in pairwise(step_weights):
        if rung == canary_weight:
            return min(room, following - canary_weight)
    return room


def canary_weight_progression(step_weight: int, step_weights: Sequence[int],
                              max_weight: int) -> list[int]:
    """The canary weights of a run without mirroring, from 0, one per passing tick.

    Follows ``Controller.runCanary``: while below the max weight the canary
    gains ``next_step_weight`` (capped at 100, not at the max weight, so it
    can overshoot); the last entry is the first weight at or above the max,
    from which the next tick promotes. A zero step never advances: ``[0]``.
    """
    maximum = flagger_max_weight(step_weights, max_weight)
    weights = [0]
    while weights[-1] < maximum:
        step = next_step_weight(weights[-1], step_weight, step_weights)
        if step <= 0:
            break
        weights.append(min(FLAGGER_TOTAL_WEIGHT, weights[-1] + step))
    return weights


def scale_from_zero_replicas(target_replicas: int | None, primary_replicas: int | None, *,
                             autoscaler_min_replicas: int | None = None) -> int:
    """``ScaleFromZero``: the canary's size when a run starts.

    Its own spec.replicas if positive; else, without an autoscaler, the
    primary's if positive; else, with an autoscaler, its minReplicas if above
    1; else 1.
    """
    if target_replicas is not None and target_replicas > 0:
        return target_replicas
    if autoscaler_min_replicas is None:
        if primary_replicas is not None and primary_replicas > 0:
            return primary_replicas
    elif autoscaler_min_replicas > 1:
        return autoscaler_min_replicas
    return 1


# ---------------------------------------------------------------------------------------
# Flagger: readiness (pkg/canary/deployment_ready.go)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeploymentReadiness:
    """``isDeploymentReady``'s answer: ``retriable`` False means roll back."""

    ready: bool
    retriable: bool
    message: str = ""


def _float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def is_deployment_ready(
    *, generation: int, observed_generation: int, spec_replicas: int | None,
    status_replicas: int, updated_replicas: int, available_replicas: int,
    deadline_seconds: int, ready_threshold: int = 100,
    progressing_reason: str | None = None,
    min_replicas_unavailable_for: float | None = None,
) -> DeploymentReadiness:
    """``DeploymentController.isDeploymentReady`` for the primary or the canary.

    ``progressing_reason`` is the Progressing condition's reason (``None``: no
    such condition); ``min_replicas_unavailable_for`` is how long (seconds)
    an ``Available=False/MinimumReplicasUnavailable`` condition has stood since
    its lastUpdateTime (``None``: no such condition). That condition lasting
    longer than ``deadline_seconds`` (with a Progressing condition present), or
    a ``ProgressDeadlineExceeded`` Progressing reason, makes it non-retriable.
    The ready count is ``int(float32(updated) * float32(threshold / 100))``,
    as upstream computes it.
    """
    if generation > observed_generation:
        return DeploymentReadiness(False, True, "waiting for rollout to finish: observed "
                                   "deployment generation less than desired generation")
    retriable = True
    if (progressing_reason is not None and min_replicas_unavailable_for is not None
            and min_replicas_unavailable_for > deadline_seconds):
        retriable = False
    ratio = _float32(_float32(float(ready_threshold)) / _float32(100.0))
    ready_count = int(_float32(_float32(float(updated_replicas)) * ratio))
    if progressing_reason == TIMED_OUT_REASON:
        return DeploymentReadiness(False, False, "deployment exceeded its progress deadline")
    if spec_replicas is not None and updated_replicas < spec_replicas:
        return DeploymentReadiness(False, retriable, f"waiting for rollout to finish: "
                                   f"{updated_replicas} out of {spec_replicas} new replicas "
                                   f"have been updated")
    if status_replicas > updated_replicas:
        return DeploymentReadiness(False, retriable, f"waiting for rollout to finish: "
                                   f"{status_replicas - updated_replicas} old replicas are "
                                   f"pending termination")
    if available_replicas < ready_count:
        return DeploymentReadiness(False, retriable, f"waiting for rollout to finish: "
                                   f"{available_replicas} of {ready_count} (readyThreshold "
                                   f"{ready_threshold}%) updated replicas are available")
    return DeploymentReadiness(True, True)


# ---------------------------------------------------------------------------------------
# Flagger: one scheduler tick (pkg/controller/scheduler.go advanceCanary)
# ---------------------------------------------------------------------------------------

#: Workload readiness as a tick sees it: ready, not ready (retry next tick), or
#: failed (non-retriable: past its progress deadline).
READY: Final = "ready"
NOT_READY: Final = "not-ready"
FAILED: Final = "failed"


@dataclass(frozen=True)
class FlaggerSpec:
    """The Canary spec knobs a tick reads (``spec.analysis`` plus skip/suspend/provider).

    ``match`` is "analysis.match is non-empty"; ``threshold`` 0 means the default 1.
    """

    threshold: int = 0
    step_weight: int = 0
    step_weights: tuple[int, ...] = ()
    max_weight: int = 0
    step_weight_promotion: int = 0
    iterations: int = 0
    match: bool = False
    mirror: bool = False
    skip_analysis: bool = False
    suspend: bool = False
    provider: str = ""


@dataclass(frozen=True)
class FlaggerState:
    """Canary status plus what the tick owns outside it.

    ``phase``/``canary_weight``/``failed_checks``/``iterations`` are status;
    ``last_applied_revision`` stands for ``lastAppliedSpec`` (the target
    revision last synced); ``primary_revision`` is the revision the primary
    runs; ``primary_route``/``canary_route``/``mirrored`` are the router's
    weights; ``canary_scaled_up`` is whether the canary workload has replicas.
    """

    phase: str = ""
    canary_weight: int = 0
    failed_checks: int = 0
    iterations: int = 0
    last_applied_revision: int | None = None
    primary_revision: int | None = None
    primary_route: int = FLAGGER_TOTAL_WEIGHT
    canary_route: int = 0
    mirrored: bool = False
    canary_scaled_up: bool = False


@dataclass(frozen=True)
class FlaggerTick:
    """What one tick observes: the target's revision, workload readiness
    (``READY``/``NOT_READY``/``FAILED``) and the outcome of each gate.

    ``checks_pass`` covers rollout webhooks and metrics; ``pre_rollout_pass``
    the pre-rollout webhooks; ``rollback`` is a rollback webhook signalling.
    """

    target_revision: int = 0
    primary: str = READY
    canary: str = READY
    checks_pass: bool = True
    pre_rollout_pass: bool = True
    confirm_rollout: bool = True
    confirm_traffic_increase: bool = True
    confirm_promotion: bool = True
    rollback: bool = False


def _set_phase(state: FlaggerState, phase: str, iterations: int) -> FlaggerState:
    """``SetStatusPhase``: phases other than Progressing/Waiting/Promoting clear the
    weight and iterations; WaitingPromotion sets iterations to ``iterations - 1``."""
    if phase in (FLAGGER_PROGRESSING, FLAGGER_WAITING, FLAGGER_PROMOTING):
        return replace(state, phase=phase)
    kept = iterations - 1 if phase == FLAGGER_WAITING_PROMOTION else 0
    return replace(state, phase=phase, canary_weight=0, iterations=kept)


def _sync_status(state: FlaggerState, tick: FlaggerTick, phase: str,
                 canary_weight: int = 0) -> FlaggerState:
    """``SyncStatus``: phase, weight, failed checks and iterations together, and
    lastAppliedSpec := the target's current revision."""
    return replace(state, phase=phase, canary_weight=canary_weight, failed_checks=0,
                   iterations=0, last_applied_revision=tick.target_revision)


def _routes(state: FlaggerState, primary: int, canary: int,
            mirrored: bool = False) -> FlaggerState:
    return replace(state, primary_route=primary, canary_route=canary, mirrored=mirrored)


def _rollback(state: FlaggerState, tick: FlaggerTick) -> FlaggerState:
    """``Controller.rollback``: all traffic to the primary, canary to zero, Failed."""
    state = replace(_routes(state, FLAGGER_TOTAL_WEIGHT, 0), canary_scaled_up=False)
    return _sync_status(state, tick, FLAGGER_FAILED)


def _promotion_gate_closed(state: FlaggerState, iterations: int) -> FlaggerState:
    if state.phase == FLAGGER_WAITING_PROMOTION:
        return state
    return _set_phase(state, FLAGGER_WAITING_PROMOTION, iterations)


def _promote(state: FlaggerState, tick: FlaggerTick, iterations: int) -> FlaggerState:
    """``Promote`` (copy the canary spec to the primary), then phase Promoting."""
    return _set_phase(replace(state, primary_revision=tick.target_revision), FLAGGER_PROMOTING,
                      iterations)


def _run_canary(state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick,
                iterations: int) -> FlaggerState:
    """``Controller.runCanary`` behind the nextStepWeight and traffic-increase gates."""
    step = next_step_weight(state.canary_route, spec.step_weight, spec.step_weights)
    if step <= 0:
        return state
    gated = state.phase not in (FLAGGER_PROMOTING, FLAGGER_WAITING_PROMOTION, FLAGGER_FINALISING)
    if not state.mirrored and gated and not tick.confirm_traffic_increase:
        return state
    if state.canary_route < flagger_max_weight(spec.step_weights, spec.max_weight):
        if spec.mirror and state.canary_route == 0:
            if not state.mirrored:
                state = _routes(state, FLAGGER_TOTAL_WEIGHT, 0, mirrored=True)
            else:
                state = _routes(state, FLAGGER_TOTAL_WEIGHT - step, step)
        else:
            state = _routes(state, max(0, state.primary_route - step),
                            min(FLAGGER_TOTAL_WEIGHT, state.canary_route + step))
        return replace(state, canary_weight=state.canary_route)
    if not tick.confirm_promotion:
        return _promotion_gate_closed(state, iterations)
    return _promote(state, tick, iterations)


def _run_blue_green(state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick,
                    iterations: int) -> FlaggerState:
    """``Controller.runBlueGreen``: count iterations, then route all to the canary, then promote."""
    if iterations > state.iterations:
        if spec.provider != KUBERNETES_PROVIDER and spec.mirror and not state.mirrored:
            state = _routes(state, FLAGGER_TOTAL_WEIGHT, 0, mirrored=True)
        return replace(state, iterations=state.iterations + 1)
    if not tick.confirm_promotion:
        return _promotion_gate_closed(state, iterations)
    if iterations == state.iterations:
        if spec.provider != KUBERNETES_PROVIDER:
            state = _routes(state, 0, FLAGGER_TOTAL_WEIGHT)
        return replace(state, iterations=state.iterations + 1)
    return _promote(state, tick, iterations)


def _run_ab(state: FlaggerState, tick: FlaggerTick, iterations: int) -> FlaggerState:
    """``Controller.runAB``: matched traffic to the canary per iteration, then promote."""
    if iterations > state.iterations:
        state = _routes(state, 0, FLAGGER_TOTAL_WEIGHT)
        return replace(state, iterations=state.iterations + 1)
    if not tick.confirm_promotion:
        return _promotion_gate_closed(state, iterations)
    if iterations == state.iterations:
        return _promote(state, tick, iterations)
    return state


def _promotion_traffic_shift(state: FlaggerState, spec: FlaggerSpec,
                             iterations: int) -> FlaggerState:
    """``Controller.runPromotionTrafficShift``: traffic back to the primary, then Finalising."""
    if spec.provider == KUBERNETES_PROVIDER:
        return _set_phase(state, FLAGGER_FINALISING, iterations)
    if spec.step_weight_promotion == 0:
        return _set_phase(_routes(state, FLAGGER_TOTAL_WEIGHT, 0), FLAGGER_FINALISING,
                          iterations)
    if state.canary_route <= 0:
        return state
    primary = min(FLAGGER_TOTAL_WEIGHT, state.primary_route + spec.step_weight_promotion)
    canary = max(0, state.canary_route - spec.step_weight_promotion)
    state = _routes(state, primary, canary)
    if primary == FLAGGER_TOTAL_WEIGHT:
        return _set_phase(state, FLAGGER_FINALISING, iterations)
    return replace(state, canary_weight=canary)


_ADVANCING: Final = (FLAGGER_PROGRESSING, FLAGGER_WAITING, FLAGGER_WAITING_PROMOTION,
                     FLAGGER_PROMOTING, FLAGGER_FINALISING)
_IN_RUN: Final = (FLAGGER_PROGRESSING, FLAGGER_WAITING_PROMOTION, FLAGGER_PROMOTING,
                  FLAGGER_FINALISING)


def advance_canary(state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick) -> FlaggerState:
    """``Controller.advanceCanary``: one scheduler tick, at most one transition.

    In order: suspend; initialization (waits for a ready primary unless
    analysis is skipped, then Initialized); nothing to do unless a run is
    active or the target changed; the primary must be ready (a failed primary
    rolls back, or in Promoting/Finalising fails the promotion: all traffic to
    the canary, Failed with weight 100, canary left up); a new run only scales
    the canary up and syncs Progressing (or Waiting behind confirm-rollout); a
    new revision mid-run restarts; the canary must be ready; skipAnalysis
    promotes at once; rollback webhooks; Promoting shifts traffic back;
    Finalising scales the canary down and succeeds; the failed-checks
    threshold (checked before this tick's checks) rolls back; then the checks
    (pre-rollout only while no traffic has moved) and, if they pass, one step
    of the strategy (A/B, blue-green or weighted canary; the Kubernetes
    provider forces blue-green with 10 iterations). A failed check only adds
    to ``failed_checks``.
    """
    if spec.suspend:
        return state
    phase = state.phase
    if phase in ("", FLAGGER_INITIALIZING):
        if not spec.skip_analysis and tick.primary != READY:
            return state
        state = replace(_routes(state, FLAGGER_TOTAL_WEIGHT, 0), canary_scaled_up=False,
                        primary_revision=tick.target_revision)
        return _sync_status(state, tick, FLAGGER_INITIALIZED)

    target_changed = tick.target_revision != state.last_applied_revision
    if phase not in _ADVANCING and not target_changed:
        return state

    if not spec.skip_analysis:
        if tick.primary == NOT_READY:
            return state
        if tick.primary == FAILED:
            if phase in (FLAGGER_PROMOTING, FLAGGER_FINALISING):
                failed = _routes(state, 0, FLAGGER_TOTAL_WEIGHT)
                return _sync_status(failed, tick, FLAGGER_FAILED,
                                    canary_weight=FLAGGER_TOTAL_WEIGHT)
            return _rollback(state, tick)

    if phase not in _IN_RUN:
        if not tick.confirm_rollout:
            return state if phase == FLAGGER_WAITING else _set_phase(state, FLAGGER_WAITING,
                                                                     spec.iterations)
        return replace(_sync_status(state, tick, FLAGGER_PROGRESSING), canary_scaled_up=True)

    if phase in (FLAGGER_PROGRESSING, FLAGGER_WAITING_PROMOTION) and target_changed:
        return _sync_status(_routes(state, FLAGGER_TOTAL_WEIGHT, 0), tick, FLAGGER_PROGRESSING)

    if tick.canary == NOT_READY:
        return state
    canary_failed = tick.canary == FAILED

    iterations, has_match = spec.iterations, spec.match
    if spec.provider == KUBERNETES_PROVIDER:
        has_match = False
        if iterations < 1:
            iterations = KUBERNETES_PROVIDER_ITERATIONS

    if spec.skip_analysis:
        if canary_failed:
            return _rollback(state, tick)
        state = replace(_routes(state, FLAGGER_TOTAL_WEIGHT, 0),
                        primary_revision=tick.target_revision, canary_scaled_up=False)
        return _set_phase(state, FLAGGER_SUCCEEDED, iterations)

    if phase in (FLAGGER_PROGRESSING, FLAGGER_WAITING, FLAGGER_WAITING_PROMOTION) \
            and tick.rollback:
        return _rollback(state, tick)
    if phase == FLAGGER_PROMOTING:
        return _promotion_traffic_shift(state, spec, iterations)
    if phase == FLAGGER_FINALISING:
        return _set_phase(replace(state, canary_scaled_up=False), FLAGGER_SUCCEEDED,
                          iterations)
    if canary_failed or state.failed_checks >= analysis_threshold(spec.threshold):
        return _rollback(state, tick)

    first_check = (state.canary_route == 0 and state.iterations == 0
                   and not (spec.mirror and state.mirrored))
    passed = tick.pre_rollout_pass if first_check else tick.checks_pass
    if not passed:
        return replace(state, failed_checks=state.failed_checks + 1)

    if has_match and iterations > 0:
        return _run_ab(state, tick, iterations)
    if iterations > 0:
        return _run_blue_green(state, spec, tick, iterations)
    return _run_canary(state, spec, tick, iterations)
