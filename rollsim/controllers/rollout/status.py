"""A Rollout's conditions and what readers make of its status.

Mirrors argo-rollouts rollout/sync.go ``calculateRolloutConditions`` for the
Progressing and Available conditions the controller writes, and the reading of
a finished status that ``kubectl argo rollouts status`` does
(pkg/kubectl-argo-rollouts/cmd/status). ``rollout_facts`` is what the
metrics recorder reads of a Rollout; both are registered with the kind
registry when this module loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rollsim.api.apps import ReplicaSet
from rollsim.api.argo import Rollout, RolloutCondition, RolloutStatus
from rollsim.api.kinds import Workload, WorkloadFacts, register_rollout_status, register_workload
from rollsim.controllers.rollout import replicas
from rollsim.controllers.rollout.context import RolloutContext, pod_hash, rollout_revision

__all__ = ["rollout_conditions", "rollout_facts", "rollout_status", "was_aborted"]


def rollout_conditions(
    ctx: RolloutContext, status: RolloutStatus, abort_reason: str
) -> tuple[RolloutCondition, ...]:
    """Progressing (aborted, progressing, complete) and Available, as Argo names them.

    A condition whose status and reason hold is kept as it was; one whose
    status holds keeps its lastTransitionTime.
    """
    previous = ctx.rollout.status.conditions
    return tuple(
        _carried_over(previous, new)
        for new in (_progressing(ctx, status, abort_reason), _availability(ctx, status))
    )


def was_aborted(rollout: Rollout) -> bool:
    """Whether the stored status already says RolloutAborted (the event fires once)."""
    previous = next((c for c in rollout.status.conditions if c.type == "Progressing"), None)
    return previous is not None and previous.reason == "RolloutAborted"


def _progressing(ctx: RolloutContext, status: RolloutStatus, abort_reason: str) -> RolloutCondition:
    now = ctx.now
    if status.abort:
        revision = rollout_revision(ctx.new_rs) if ctx.new_rs is not None else 0
        message = f"Rollout aborted update to revision {revision}" + (
            f": {abort_reason}" if abort_reason else ""
        )
        return RolloutCondition("Progressing", "False", now, now, "RolloutAborted", message)
    new_name = ctx.new_rs.metadata.name if ctx.new_rs is not None else ctx.name
    complete = (
        status.stable_rs == status.current_pod_hash
        and status.available_replicas >= ctx.replicas
        and status.replicas == status.updated_replicas
    )
    if complete:
        reason, message = (
            "NewReplicaSetAvailable",
            f'ReplicaSet "{new_name}" has successfully progressed.',
        )
    else:
        reason, message = "ReplicaSetUpdated", f'ReplicaSet "{new_name}" is progressing.'
    return RolloutCondition("Progressing", "True", now, now, reason, message)


def _availability(ctx: RolloutContext, status: RolloutStatus) -> RolloutCondition:
    available = status.available_replicas >= ctx.replicas
    return RolloutCondition(
        "Available",
        "True" if available else "False",
        ctx.now,
        ctx.now,
        "AvailableReason",
        "Rollout has minimum availability"
        if available
        else "Rollout does not have minimum availability",
    )


def _carried_over(previous: Sequence[RolloutCondition], new: RolloutCondition) -> RolloutCondition:
    old = next((c for c in previous if c.type == new.type), None)
    if old is not None and (old.status, old.reason) == (new.status, new.reason):
        return old
    if old is not None and old.status == new.status:
        return replace(new, last_transition_time=old.last_transition_time)
    return new


def rollout_facts(r: Rollout, rss: Sequence[ReplicaSet]) -> WorkloadFacts:
    """What timelines record for a Rollout: the strategy's band, the current
    ReplicaSet, and complete once Healthy on the current revision."""
    canary = r.spec.strategy.canary
    desired = r.replicas
    if canary is not None:
        unavailable = replicas.max_unavailable(
            replicas.CANARY, desired, canary.max_surge, canary.max_unavailable
        )
        extra = (
            desired
            if canary.traffic_routing is not None
            else replicas.max_surge(
                replicas.CANARY, desired, canary.max_surge, canary.max_unavailable
            )
        )
    else:
        bg = r.spec.strategy.blue_green
        unavailable = replicas.max_unavailable(
            replicas.BLUE_GREEN, desired, None, bg.max_unavailable if bg is not None else None
        )
        extra = desired
    status = r.status
    new_rs = next((rs for rs in rss if pod_hash(rs) == status.current_pod_hash), None)
    return WorkloadFacts(
        desired=desired,
        updated=status.updated_replicas,
        min_available=desired - unavailable,
        max_pods=desired + extra,
        new_replica_sets=(new_rs,) if new_rs is not None else (),
        complete=status.phase == "Healthy" and status.stable_rs == status.current_pod_hash,
        template=r.spec.template,
    )


def rollout_status(r: Rollout, _rss: Sequence[ReplicaSet]) -> str:
    """As ``kubectl argo rollouts status``: Healthy on the current revision once the
    spec change is observed; an abort waits for a user."""
    s = r.status
    if s.abort:
        return "failed"
    done = (
        s.phase == "Healthy"
        and s.stable_rs == s.current_pod_hash
        and s.observed_generation == str(r.metadata.generation)
    )
    return "complete" if done else "running"


register_workload("Rollout", Workload(rollout_facts, rollout_revision))
register_rollout_status("Rollout", rollout_status)
