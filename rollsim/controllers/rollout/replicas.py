"""Argo Rollouts' replica arithmetic as pure functions: how many pods each ReplicaSet gets.

Mirrors utils/replicaset/canary.go (the step's weight: ``GetCurrentCanaryStep``,
``GetCurrentSetWeight``; weight to pods: ``trafficWeightToReplicas``,
``approximateWeightedCanaryStableReplicaCounts``,
``CalculateReplicaCountsForBasicCanary`` with ``calculateScaleDownReplicaCount``
and ``adjustReplicaWithinLimits``, ``CalculateReplicaCountsForTrafficRoutedCanary``
with ``CheckMinPodsPerReplicaSet``, ``CheckStableRSExists``,
``GetReplicasForScaleDown``), the fenceposts of utils/replicaset/replicaset.go
(``resolveFenceposts``, ``MaxSurge``, ``MaxUnavailable``) and the phase those
counts add up to, utils/rollout/rolloututil.go ``CalculateRolloutPhase``.
Beside it: ``canary_steps`` (setCanaryScale, abort weights, step completion),
``bluegreen_replicas``, ``rolloututil``, ``defaults``, ``conditions``.

Everything takes plain values: ints, strings and small frozen dataclasses
(``ReplicaSetCounts`` for one ReplicaSet's spec/status counts,
``TrafficWeights`` for the router's current weights); steps are typed by
protocols, so a controller can pass its own step objects. Nothing here reads
the cluster. A ReplicaSet that does not exist is ``None``; a nil
``spec.replicas`` is resolved by the caller with ``replicas_or_default``.
Weights are integers out of ``max_weight`` (maxTrafficWeight, 100 unless set).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from rollsim.api.duration import parse_int
from rollsim.controllers.rollout.conditions import (
    INVALID_SPEC,
    PHASE_DEGRADED,
    PHASE_HEALTHY,
    PHASE_PAUSED,
    PHASE_PROGRESSING,
    ROLLOUT_ABORTED_REASON,
    TIMED_OUT_REASON,
)
from rollsim.controllers.rollout.defaults import (
    DEFAULT_MAX_SURGE,
    DEFAULT_MAX_TRAFFIC_WEIGHT,
    DEFAULT_MAX_UNAVAILABLE,
    replicas_or_default,
)

__all__ = [
    "BLUE_GREEN",
    "CANARY",
    "IntOrPercent",
    "ReplicaSetCounts",
    "RolloutCondition",
    "SetCanaryScaleLike",
    "StepLike",
    "TrafficWeights",
    "approximate_weighted_canary_stable_replica_counts",
    "calculate_replica_counts_for_basic_canary",
    "calculate_replica_counts_for_traffic_routed_canary",
    "calculate_rollout_phase",
    "check_min_pods_per_replica_set",
    "check_stable_rs_exists",
    "get_current_canary_step",
    "get_current_set_weight",
    "get_replicas_for_scale_down",
    "is_fully_promoted",
    "max_surge",
    "max_unavailable",
    "resolve_fenceposts",
    "traffic_weight_to_replicas",
]

IntOrPercent = int | str

#: The strategy a Rollout uses (``spec.strategy.canary`` or ``spec.strategy.blueGreen``).
CANARY: Final = "canary"
BLUE_GREEN: Final = "blueGreen"


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
class RolloutCondition:
    """A ``status.conditions[]`` entry as the phase calculation reads it."""

    type: str
    reason: str = ""
    message: str = ""
    status: str = ""


def _int_or_percent(value: IntOrPercent, total: int, round_up: bool) -> int:
    """``intstr.GetValueFromIntOrPercent`` (the deprecated helper Argo calls).

    Every ``%`` is removed and the rest read as a percentage, so a bare ``"25"``
    is 25%. Raises ``ValueError`` where upstream returns an error.
    """
    if isinstance(value, int):
        return value
    number = parse_int(value.replace("%", ""))
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


def traffic_weight_to_replicas(
    replicas: int, weight: int, max_weight: int = DEFAULT_MAX_TRAFFIC_WEIGHT
) -> int:
    """``trafficWeightToReplicas``: ceil(weight x replicas / max_weight)."""
    return -(-(weight * replicas) // max_weight)


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
    target_new, target_stable = approximate_weighted_canary_stable_replica_counts(
        spec_replicas, desired_weight, max_surge
    )
    separate_stable = check_stable_rs_exists(new_rs, stable_rs, stable_is_new)
    if not separate_stable:
        target_new, target_stable = spec_replicas, 0
    others_total = sum(rs.replicas for rs in other_rss if rs is not None)
    ceiling = spec_replicas + max_surge
    new_count, stable_count = _scale_up_within_surge(
        new_rs,
        stable_rs if separate_stable else None,
        (target_new, target_stable),
        ceiling - others_total,
    )
    if others_total > 0:
        return new_count, stable_count
    return _scale_down_within_unavailable(
        new_rs,
        stable_rs,
        separate_stable,
        (target_new, target_stable),
        (new_count, stable_count),
        ceiling,
        spec_replicas - max_unavailable,
    )


def _scale_up_within_surge(
    new_rs: ReplicaSetCounts | None,
    stable_rs: ReplicaSetCounts | None,
    targets: tuple[int, int],
    room: int,
) -> tuple[int, int]:
    """The scale-up half of ``CalculateReplicaCountsForBasicCanary``: (canary, stable).

    ``room`` is R + maxSurge less the older ReplicaSets' pods; the stable RS
    (``None`` when there is no separate one) grows towards its target first,
    then the canary, each only as far as the room left allows.
    """
    target_new, target_stable = targets
    new_count = new_rs.replicas if new_rs is not None else 0
    stable_count = stable_rs.replicas if stable_rs is not None else 0
    room -= new_count + stable_count
    if stable_rs is not None and stable_count < target_stable and room > 0:
        grown = min(target_stable, stable_count + room)
        room -= grown - stable_count
        stable_count = grown
    if new_rs is not None and new_count < target_new and room > 0:
        new_count = min(target_new, new_count + room)
    return new_count, stable_count


def _scale_down_within_unavailable(
    new_rs: ReplicaSetCounts | None,
    stable_rs: ReplicaSetCounts | None,
    separate_stable: bool,
    targets: tuple[int, int],
    counts: tuple[int, int],
    ceiling: int,
    min_available: int,
) -> tuple[int, int]:
    """The scale-down half of ``CalculateReplicaCountsForBasicCanary``: (canary, stable).

    Only what is available above ``min_available`` (R - maxUnavailable) may
    go, counted without the canary's availability when it shrinks and without
    the stable's when it grows; the canary drains when it shrinks, else the
    stable (if separate), then both are kept within ``ceiling`` (R + maxSurge).
    """
    target_new, target_stable = targets
    new_count, stable_count = counts
    increasing = new_rs is None or target_new >= new_rs.replicas
    counted = get_replicas_for_scale_down(new_rs, not increasing) + get_replicas_for_scale_down(
        stable_rs, increasing
    )
    if counted <= min_available:
        return new_count, stable_count
    budget = counted - min_available
    if not increasing:
        return _drain(
            new_rs, target_new, new_count, budget, stable_rs, stable_count, ceiling, min_available
        )
    if separate_stable:
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
