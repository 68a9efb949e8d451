"""What the current canary step asks for, and when it is done, as pure functions.

Mirrors the step half of Argo Rollouts' utils/replicaset/canary.go: the
setCanaryScale in force (``UseSetCanaryScale``), the weight an abort steps
back to (``GetDesiredCanaryWeight``), the fixed size or weight the canary
targets (``GetCanaryReplicasOrWeight``), and step completion
(``ReplicaProgressThresholdMet``, ``allDesiredAreAvailable``,
``allDesiredAreCreated``, ``AtDesiredReplicaCountsForCanary``). The weight to
pods arithmetic they feed is ``replicas``; ``CanaryStep``/``SetCanaryScale``
are plain step values for callers without their own step objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from rollsim.controllers.rollout.defaults import (
    DEFAULT_MAX_TRAFFIC_WEIGHT,
    abort_scale_down_delay_seconds_or_default,
)
from rollsim.controllers.rollout.replicas import (
    ReplicaSetCounts,
    SetCanaryScaleLike,
    StepLike,
    get_current_canary_step,
    get_current_set_weight,
    traffic_weight_to_replicas,
)

__all__ = [
    "THRESHOLD_PERCENT",
    "THRESHOLD_PODS",
    "CanaryStep",
    "ReplicaProgressThreshold",
    "SetCanaryScale",
    "all_desired_are_available",
    "all_desired_are_created",
    "at_desired_replica_counts_for_canary",
    "get_canary_replicas_or_weight",
    "get_desired_canary_weight",
    "replica_progress_threshold_met",
    "use_set_canary_scale",
]

#: ``ReplicaProgressThreshold.type`` (v1alpha1 ``ProgressType``).
THRESHOLD_PERCENT: Final = "Percent"
THRESHOLD_PODS: Final = "Pods"


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


@dataclass(frozen=True)
class ReplicaProgressThreshold:
    """``strategy.canary.replicaProgressThreshold``: ``type`` is ``"Percent"`` or ``"Pods"``."""

    type: str
    value: int


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
            abort_scale_down_delay_seconds, traffic_routing=True
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
            abort_scale_down_delay_seconds, traffic_routing=True
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

    No threshold or a negative value fall back to ``all_desired_are_available``.
    ``Percent``: true for ``desired == 0``, else ``available >= ceil(desired x value
    / 100)``. Any other type is read as ``Pods``, as upstream's fall-through does:
    ``available >= value``.
    Only availability is compared, not the spec count. (The rounding of a
    percentage and a Pods value above ``desired`` are not pinned by the
    upstream vectors; these are the plain readings.)
    """
    if rs is None:
        return False
    if threshold is None or threshold.value < 0:
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
