"""Argo Rollouts arithmetic as pure functions (Flagger's is in ``canary_scheduler``).

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

Everything here takes plain values: ints, strings and the small frozen
dataclasses below (``ReplicaSetCounts`` for one ReplicaSet's spec/status
counts, ``CanaryStep``/``SetCanaryScale`` for steps, ``TrafficWeights`` for the
router's current weights). Step arguments are typed by protocols, so a
controller can pass its own step objects if they expose ``set_weight`` and
``set_canary_scale``. Nothing here reads the cluster.

Conventions: a ReplicaSet that does not exist is ``None``; a nil
``spec.replicas`` is resolved by the caller with ``replicas_or_default``
(upstream's 1). Weights are integers out of ``max_weight`` (Argo's
maxTrafficWeight, 100 unless set).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Protocol

__all__ = [
    "BLUE_GREEN",
    "CANARY",
    "DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS",
    "DEFAULT_MAX_SURGE",
    "DEFAULT_MAX_TRAFFIC_WEIGHT",
    "DEFAULT_MAX_UNAVAILABLE",
    "DEFAULT_PROGRESS_DEADLINE_SECONDS",
    "DEFAULT_REPLICAS",
    "DEFAULT_SCALE_DOWN_DELAY_SECONDS",
    "INVALID_SPEC",
    "PAUSE_REASON_BLUE_GREEN",
    "PAUSE_REASON_CANARY_STEP",
    "PAUSE_REASON_INCONCLUSIVE_ANALYSIS",
    "PAUSE_REASON_INCONCLUSIVE_EXPERIMENT",
    "PHASE_DEGRADED",
    "PHASE_HEALTHY",
    "PHASE_PAUSED",
    "PHASE_PROGRESSING",
    "ROLLOUT_ABORTED_REASON",
    "THRESHOLD_PERCENT",
    "THRESHOLD_PODS",
    "TIMED_OUT_REASON",
    "CanaryStep",
    "IntOrPercent",
    "ReplicaProgressThreshold",
    "ReplicaSetCounts",
    "RolloutCondition",
    "SetCanaryScale",
    "SetCanaryScaleLike",
    "StepLike",
    "TrafficWeights",
    "abort_scale_down_delay_seconds_or_default",
    "all_desired_are_available",
    "all_desired_are_created",
    "approximate_weighted_canary_stable_replica_counts",
    "at_desired_replica_counts_for_canary",
    "blue_green_new_rs_new_replicas",
    "calculate_replica_counts_for_basic_canary",
    "calculate_replica_counts_for_traffic_routed_canary",
    "calculate_rollout_phase",
    "check_min_pods_per_replica_set",
    "check_stable_rs_exists",
    "get_canary_replicas_or_weight",
    "get_current_canary_step",
    "get_current_set_weight",
    "get_desired_canary_weight",
    "get_replicas_for_scale_down",
    "get_rollout_phase",
    "is_fully_promoted",
    "is_generation_observed",
    "max_surge",
    "max_unavailable",
    "parse_go_duration",
    "pause_duration_seconds",
    "ready_for_pause",
    "replica_progress_threshold_met",
    "replicas_or_default",
    "resolve_fenceposts",
    "scale_down_delay_seconds_or_default",
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


def resolve_fenceposts(
    max_surge: IntOrPercent | None, max_unavailable: IntOrPercent | None, desired: int
) -> tuple[int, int]:
    """``resolveFenceposts``: surge rounds up, unavailable down; unset is 0; if both
    come out 0, unavailable becomes 1. A malformed value raises ``ValueError``."""
    surge = _int_or_percent(0 if max_surge is None else max_surge, desired, True)
    unavailable = _int_or_percent(0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(
    strategy: str,
    replicas: int | None,
    max_surge: IntOrPercent | None = None,
    max_unavailable: IntOrPercent | None = None,
) -> int:
    """``MaxSurge``: canary only (0 for any other strategy); defaults 25%/25%.

    Invalid values count as 0, as upstream ignores the error validation reports.
    """
    if strategy != CANARY:
        return 0
    try:
        surge, _ = resolve_fenceposts(
            DEFAULT_MAX_SURGE if max_surge is None else max_surge,
            DEFAULT_MAX_UNAVAILABLE if max_unavailable is None else max_unavailable,
            replicas_or_default(replicas),
        )
    except ValueError:
        return 0
    return surge


def max_unavailable(
    strategy: str,
    replicas: int | None,
    max_surge: IntOrPercent | None = None,
    max_unavailable: IntOrPercent | None = None,
) -> int:
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
                DEFAULT_MAX_SURGE if max_surge is None else max_surge, unavailable_value, total
            )
        else:
            unavailable = _int_or_percent(unavailable_value, total, False)
    except ValueError:
        return 0
    return min(unavailable, total)


def abort_scale_down_delay_seconds_or_default(
    strategy: str,
    traffic_routing: bool,
    abort_scale_down_delay_seconds: int | None,
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


def scale_down_delay_seconds_or_default(
    strategy: str, traffic_routing: bool, scale_down_delay_seconds: int | None
) -> int:
    """``GetScaleDownDelaySecondsOrDefault``: 30 s for blue-green and routed canary, else 0."""
    if strategy == BLUE_GREEN or (strategy == CANARY and traffic_routing):
        if scale_down_delay_seconds is None:
            return DEFAULT_SCALE_DOWN_DELAY_SECONDS
        return scale_down_delay_seconds
    return 0


# ---------------------------------------------------------------------------------------
# Steps and weights (utils/replicaset/canary.go)
# ---------------------------------------------------------------------------------------


def get_current_canary_step(
    steps: Sequence[StepLike], current_step_index: int | None
) -> tuple[StepLike | None, int | None]:
    """``GetCurrentCanaryStep``: (step, index); (None, None) without steps,
    (None, index) once the index is past the last step. A missing index is 0."""
    if not steps:
        return None, None
    index = 0 if current_step_index is None else current_step_index
    if index >= len(steps):
        return None, index
    return steps[index], index


def get_current_set_weight(
    steps: Sequence[StepLike],
    current_step_index: int | None,
    *,
    aborted: bool = False,
    max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT,
) -> int:
    """``GetCurrentSetWeight``: 0 when aborted; ``max_weight`` past the last step
    (or without steps); else the latest setWeight at or before the index (0 if none)."""
    if aborted:
        return 0
    step, index = get_current_canary_step(steps, current_step_index)
    if step is None or index is None:
        return max_weight
    for earlier in reversed(steps[: index + 1]):
        if earlier.set_weight is not None:
            return earlier.set_weight
    return 0


def use_set_canary_scale(
    steps: Sequence[StepLike],
    current_step_index: int | None,
    *,
    traffic_routing: bool,
    aborted: bool = False,
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
            CANARY, True, abort_scale_down_delay_seconds
        )
        if delay is not None:
            return None
    step, index = get_current_canary_step(steps, current_step_index)
    if step is None or index is None:
        return None
    for earlier in reversed(steps[: index + 1]):
        scale = earlier.set_canary_scale
        if scale is None:
            continue
        return None if scale.match_traffic_weight else scale
    return None


def traffic_weight_to_replicas(
    replicas: int, weight: int, max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT
) -> int:
    """``trafficWeightToReplicas``: ceil(weight x replicas / max_weight)."""
    return -(-(weight * replicas) // max_weight)


def get_desired_canary_weight(
    spec_replicas: int,
    steps: Sequence[StepLike],
    current_step_index: int | None,
    *,
    aborted: bool = False,
    traffic_routing: bool = False,
    dynamic_stable_scale: bool = False,
    abort_scale_down_delay_seconds: int | None = None,
    canary_rs: ReplicaSetCounts | None = None,
    stable_rs: ReplicaSetCounts | None = None,
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
    if (
        aborted
        and traffic_routing
        and dynamic_stable_scale
        and canary_rs is not None
        and stable_rs is not None
    ):
        need = spec_replicas - stable_rs.available_replicas
        delay, explicit = abort_scale_down_delay_seconds_or_default(
            CANARY, True, abort_scale_down_delay_seconds
        )
        keep = need if explicit and delay is not None else max(need, canary_rs.available_replicas)
        for step in reversed(steps):
            weight = step.set_weight
            if (
                weight is not None
                and traffic_weight_to_replicas(spec_replicas, weight, max_weight) < keep
            ):
                return weight
        return 0
    return get_current_set_weight(steps, current_step_index, aborted=aborted, max_weight=max_weight)


def get_canary_replicas_or_weight(
    spec_replicas: int,
    steps: Sequence[StepLike],
    current_step_index: int | None,
    *,
    stable_rs_hash: str,
    current_pod_hash: str,
    promote_full: bool = False,
    aborted: bool = False,
    traffic_routing: bool = False,
    dynamic_stable_scale: bool = False,
    abort_scale_down_delay_seconds: int | None = None,
    canary_rs: ReplicaSetCounts | None = None,
    stable_rs: ReplicaSetCounts | None = None,
    max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT,
) -> tuple[int | None, int]:
    """``GetCanaryReplicasOrWeight``: (fixed canary replicas or ``None``, weight).

    Full weight on promoteFull, on the first deploy (no stable hash) and when
    fully promoted; then a setCanaryScale (replicas, or a sizing weight); then
    ``get_desired_canary_weight``.
    """
    if promote_full or not stable_rs_hash or current_pod_hash == stable_rs_hash:
        return None, max_weight
    scale = use_set_canary_scale(
        steps,
        current_step_index,
        traffic_routing=traffic_routing,
        aborted=aborted,
        abort_scale_down_delay_seconds=abort_scale_down_delay_seconds,
    )
    if scale is not None:
        if scale.replicas is not None:
            return scale.replicas, 0
        if scale.weight is not None:
            return None, scale.weight
    return None, get_desired_canary_weight(
        spec_replicas,
        steps,
        current_step_index,
        aborted=aborted,
        traffic_routing=traffic_routing,
        dynamic_stable_scale=dynamic_stable_scale,
        abort_scale_down_delay_seconds=abort_scale_down_delay_seconds,
        canary_rs=canary_rs,
        stable_rs=stable_rs,
        max_weight=max_weight,
    )


# ---------------------------------------------------------------------------------------
# Weight -> replicas (utils/replicaset/canary.go)
# ---------------------------------------------------------------------------------------


def approximate_weighted_canary_stable_replica_counts(
    spec_replicas: int,
    desired_weight: int,
    max_surge: int,
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
    zero_allowed = desired_weight in (0, max_weight) or (spec_replicas == 1 and max_surge == 0)

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


def check_stable_rs_exists(
    new_rs: ReplicaSetCounts | None, stable_rs: ReplicaSetCounts | None, stable_is_new: bool = False
) -> bool:
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


def _drain(
    drained: ReplicaSetCounts | None,
    drained_target: int,
    drained_count: int,
    budget: int,
    other: ReplicaSetCounts | None,
    other_count: int,
    ceiling: int,
    min_available: int,
) -> tuple[int, int]:
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
    spec_replicas: int,
    desired_weight: int,
    max_surge: int,
    max_unavailable: int,
    new_rs: ReplicaSetCounts | None,
    stable_rs: ReplicaSetCounts | None,
    other_rss: Iterable[ReplicaSetCounts | None] = (),
    *,
    stable_is_new: bool = False,
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
        spec_replicas, desired_weight, max_surge
    )
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
    counted = get_replicas_for_scale_down(new_rs, not increasing) + get_replicas_for_scale_down(
        stable_rs, increasing
    )
    if counted <= min_available:
        return new_count, stable_count
    budget = counted - min_available
    if not increasing:
        new_count, stable_count = _drain(
            new_rs, target_new, new_count, budget, stable_rs, stable_count, ceiling, min_available
        )
    elif separate_stable:
        stable_count, new_count = _drain(
            stable_rs,
            target_stable,
            stable_count,
            budget,
            new_rs,
            new_count,
            ceiling,
            min_available,
        )
    return new_count, stable_count


def check_min_pods_per_replica_set(
    count: int, min_pods_per_replica_set: int | None, spec_replicas: int
) -> int:
    """``CheckMinPodsPerReplicaSet``: a non-zero count is raised to minPodsPerReplicaSet,
    itself capped at spec.replicas (traffic routing only; the caller decides)."""
    if count == 0 or min_pods_per_replica_set is None:
        return count
    return max(count, min(min_pods_per_replica_set, spec_replicas))


def calculate_replica_counts_for_traffic_routed_canary(
    spec_replicas: int,
    canary_replicas: int | None,
    desired_weight: int,
    *,
    dynamic_stable_scale: bool = False,
    min_pods_per_replica_set: int | None = None,
    aborted: bool = False,
    weights: TrafficWeights | None = None,
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
            min_pods_per_replica_set,
            spec_replicas,
        )
    if not dynamic_stable_scale:
        return canary, spec_replicas
    stable = traffic_weight_to_replicas(spec_replicas, max_weight - desired_weight, max_weight)
    if weights is not None:
        stable = max(stable, traffic_weight_to_replicas(spec_replicas, weights.stable, max_weight))
        if aborted:
            canary = max(
                canary, traffic_weight_to_replicas(spec_replicas, weights.canary, max_weight)
            )
    return (
        check_min_pods_per_replica_set(canary, min_pods_per_replica_set, spec_replicas),
        check_min_pods_per_replica_set(stable, min_pods_per_replica_set, spec_replicas),
    )


# ---------------------------------------------------------------------------------------
# Step completion (utils/replicaset/canary.go)
# ---------------------------------------------------------------------------------------


def all_desired_are_available(rs: ReplicaSetCounts | None, desired: int) -> bool:
    """``allDesiredAreAvailable``: spec and available both equal ``desired``."""
    return rs is not None and rs.replicas == desired and rs.available_replicas == desired


def all_desired_are_created(rs: ReplicaSetCounts | None, desired: int) -> bool:
    """``allDesiredAreCreated``: spec and ``status.replicas`` both equal ``desired``."""
    return rs is not None and rs.replicas == desired and rs.status_replicas == desired


def replica_progress_threshold_met(
    rs: ReplicaSetCounts | None, desired: int, threshold: ReplicaProgressThreshold | None
) -> bool:
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
    if (
        threshold is None
        or threshold.value < 0
        or threshold.type not in (THRESHOLD_PERCENT, THRESHOLD_PODS)
    ):
        return all_desired_are_available(rs, desired)
    if threshold.type == THRESHOLD_PERCENT:
        if desired == 0:
            return True
        return rs.available_replicas >= -(-(desired * threshold.value) // 100)
    return rs.available_replicas >= threshold.value


def at_desired_replica_counts_for_canary(
    new_rs: ReplicaSetCounts | None,
    stable_rs: ReplicaSetCounts | None,
    other_rss: Iterable[ReplicaSetCounts | None],
    desired_new: int,
    desired_stable: int,
    *,
    traffic_routing: bool = False,
    dynamic_stable_scale: bool = False,
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
        stable_rs, desired_stable
    ):
        return False
    return traffic_routing or sum(rs.available_replicas for rs in other_rss if rs is not None) == 0


# ---------------------------------------------------------------------------------------
# Blue-green (utils/replicaset/replicaset.go, bluegreen.go)
# ---------------------------------------------------------------------------------------


def blue_green_new_rs_new_replicas(
    spec_replicas: int,
    preview_replica_count: int | None,
    *,
    new_rs_hash: str,
    active_selector: str,
    rs_hashes: Collection[str],
    current_pod_hash: str,
    promote_full: bool = False,
    spec_paused: bool = False,
    has_pause_conditions: bool = False,
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
    return (
        new_rs.replicas == desired_new_replicas
        and new_rs.available_replicas == desired_new_replicas
    )


# ---------------------------------------------------------------------------------------
# Phase (utils/rollout/rolloututil.go)
# ---------------------------------------------------------------------------------------


def is_fully_promoted(stable_rs: str, current_pod_hash: str) -> bool:
    """``IsFullyPromoted``: the stable hash is the desired hash."""
    return stable_rs == current_pod_hash


def calculate_rollout_phase(
    *,
    strategy: str,
    spec_replicas: int | None,
    status_replicas: int,
    updated_replicas: int,
    available_replicas: int,
    stable_rs: str = "",
    current_pod_hash: str = "",
    traffic_routing: bool = False,
    spec_paused: bool = False,
    pause_conditions: Sequence[str] = (),
    conditions: Sequence[RolloutCondition] = (),
    restart_pending: bool = False,
    active_selector: str = "",
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


def get_rollout_phase(
    *,
    generation: int,
    observed_generation: str,
    controller_pause: bool,
    pause_conditions: Sequence[str],
    status_phase: str,
    status_message: str,
    calculated: tuple[str, str],
) -> tuple[str, str]:
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
        rest = rest[number.end() :]
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
        rest = rest[len(unit) :]
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
