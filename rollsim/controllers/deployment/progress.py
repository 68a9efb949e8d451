"""The Progressing condition and the progress deadline.

Mirrors pkg/controller/deployment/progress.go: ``syncRolloutStatus`` (as the
pure ``rollout_status``) and ``requeueStuckDeployment``. Used by the
RollingUpdate and Recreate paths; scaling events and paused syncs use the
plain status write of ``sync.py``, which never touches Progressing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rollsim.api.apps import Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.sync import calculate_status

if TYPE_CHECKING:
    from rollsim.controllers.deployment.controller import DeploymentController

__all__ = ["NO_REQUEUE", "requeue_stuck_deployment", "rollout_status", "sync_rollout_status"]

#: ``requeue_stuck_deployment`` result meaning "do not requeue".
NO_REQUEUE = -1.0


def rollout_status(
    all_rss: Sequence[ReplicaSet | None], new_rs: ReplicaSet | None, d: Deployment, now: float
) -> DeploymentStatus:
    """The status ``syncRolloutStatus`` would write, Progressing condition included.

    Progress is not estimated once the rollout completed and no old pods are
    left (``NewReplicaSetAvailable`` is sticky); otherwise the first of
    complete, progressing, timed out decides the reason.
    """
    status = calculate_status(all_rss, new_rs, d, now)
    if not util.has_progress_deadline(d):
        status = util.remove_deployment_condition(status, util.PROGRESSING)
    current = util.get_deployment_condition(d.status, util.PROGRESSING)
    complete = (
        status.replicas == status.updated_replicas
        and current is not None
        and current.reason == util.NEW_RS_AVAILABLE_REASON
    )
    if util.has_progress_deadline(d) and not complete:
        subject = (
            f'ReplicaSet "{new_rs.metadata.name}"'
            if new_rs is not None
            else f'Deployment "{d.metadata.name}"'
        )
        status = _estimate_progress(d, status, current, subject, now)
    failure = _replica_failure(all_rss, new_rs)
    if failure is not None:
        status = util.set_deployment_condition(status, failure)
    else:
        status = util.remove_deployment_condition(status, util.REPLICA_FAILURE)
    return status


def _estimate_progress(
    d: Deployment,
    status: DeploymentStatus,
    current: DeploymentCondition | None,
    subject: str,
    now: float,
) -> DeploymentStatus:
    """``status`` with the Progressing condition the first of complete, progressing and
    timed out calls for; unchanged when none applies. ``subject`` names the new
    ReplicaSet (or the Deployment, when there is none) in the condition's message."""
    if util.deployment_complete(d, status):
        return util.set_deployment_condition(
            status,
            util.new_deployment_condition(
                util.PROGRESSING,
                "True",
                util.NEW_RS_AVAILABLE_REASON,
                f"{subject} has successfully progressed.",
                now,
            ),
        )
    if util.deployment_progressing(d, status):
        condition = util.new_deployment_condition(
            util.PROGRESSING, "True", util.RS_UPDATED_REASON, f"{subject} is progressing.", now
        )
        # Re-set on every progress so lastUpdateTime moves: that resets the deadline.
        if current is not None:
            if current.status == "True":
                condition = replace(condition, last_transition_time=current.last_transition_time)
            status = util.remove_deployment_condition(status, util.PROGRESSING)
        return util.set_deployment_condition(status, condition)
    if util.deployment_timed_out(d, status, now):
        return util.set_deployment_condition(
            status,
            util.new_deployment_condition(
                util.PROGRESSING,
                "False",
                util.TIMED_OUT_REASON,
                f"{subject} has timed out progressing.",
                now,
            ),
        )
    return status


def _replica_failure(
    all_rss: Sequence[ReplicaSet | None], new_rs: ReplicaSet | None
) -> DeploymentCondition | None:
    """``getReplicaFailures``: the new RS's ReplicaFailure first, else any RS's."""
    ordered = [new_rs, *(rs for rs in all_rss if rs is not new_rs)]
    for rs in ordered:
        if rs is None:
            continue
        for c in rs.status.conditions:
            if c.type == util.REPLICA_FAILURE:
                return DeploymentCondition(
                    type=c.type,
                    status=c.status,
                    last_update_time=c.last_transition_time,
                    last_transition_time=c.last_transition_time,
                    reason=c.reason,
                    message=c.message,
                )
    return None


def requeue_stuck_deployment(d: Deployment, status: DeploymentStatus, now: float) -> float:
    """``requeueStuckDeployment``: seconds until the deadline check, 0 for "now, rate
    limited", or ``NO_REQUEUE``. The caller adds the upstream extra second."""
    current = util.get_deployment_condition(d.status, util.PROGRESSING)
    if not util.has_progress_deadline(d) or current is None:
        return NO_REQUEUE
    if util.deployment_complete(d, status) or current.reason == util.TIMED_OUT_REASON:
        return NO_REQUEUE
    assert d.spec.progress_deadline_seconds is not None
    since = current.last_update_time if current.last_update_time is not None else -math.inf
    after = since + d.spec.progress_deadline_seconds - now
    if after < 1.0:
        return 0.0
    return after


def sync_rollout_status(
    dc: DeploymentController,
    all_rss: Sequence[ReplicaSet | None],
    new_rs: ReplicaSet | None,
    d: Deployment,
) -> None:
    """``syncRolloutStatus``: write the status, or schedule the deadline check."""
    status = rollout_status(all_rss, new_rs, d, dc.now)
    if status == d.status:
        after = requeue_stuck_deployment(d, status, dc.now)
        if after == 0.0:
            dc.requeue_rate_limited(d)
        elif after > 0:
            dc.requeue_after(d, after + 1.0)
        return
    dc.update_status(replace(d, status=status))
