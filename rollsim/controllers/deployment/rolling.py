"""The RollingUpdate strategy.

Mirrors pkg/controller/deployment/rolling.go. Each sync makes at most one
kind of change: scale the new ReplicaSet up (or down to ``replicas``), or
scale old ReplicaSets down, never both. The arithmetic is in pure functions
(``reconcile_new_replica_set``, ``reconcile_old_replica_sets``,
``cleanup_unhealthy_replicas``,
``scale_down_old_replica_sets_for_rolling_update``) that return the sizes to
write; ``rollout_rolling`` writes them through the controller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.controllers.controller_utils import (
    filter_active_replica_sets,
    replica_sets_by_creation,
)
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.progress import sync_rollout_status
from rollsim.controllers.deployment.sync import (
    cleanup_deployment,
    get_all_replica_sets_and_sync_revision,
    scale_replica_set_and_record_event,
)

if TYPE_CHECKING:
    from rollsim.controllers.deployment.controller import DeploymentController

__all__ = [
    "cleanup_unhealthy_replicas",
    "reconcile_new_replica_set",
    "reconcile_old_replica_sets",
    "rollout_rolling",
    "scale_down_old_replica_sets_for_rolling_update",
]

ScaleAction = tuple[ReplicaSet, int]


def reconcile_new_replica_set(
    all_rss: Sequence[ReplicaSet | None], new_rs: ReplicaSet, d: Deployment
) -> int | None:
    """``reconcileNewReplicaSet``: the new RS's next size, or ``None`` when unchanged."""
    if new_rs.replicas == d.replicas:
        return None
    if new_rs.replicas > d.replicas:
        return d.replicas
    target = util.new_rs_new_replicas(d, all_rss, new_rs)
    return None if target == new_rs.replicas else target


def cleanup_unhealthy_replicas(
    old_rss: Sequence[ReplicaSet], d: Deployment, max_cleanup: int
) -> tuple[list[ReplicaSet], int]:
    """``cleanupUnhealthyReplicas``: shed old RSs' unavailable replicas, oldest RS first.

    Returns the old RSs (oldest first, sizes updated) and how many replicas
    were removed. Raises ``ValueError`` where upstream returns an error
    (an RS with more available replicas than its spec).
    """
    ordered = replica_sets_by_creation(old_rss)
    total = 0
    for i, rs in enumerate(ordered):
        if total >= max_cleanup:
            break
        if rs.replicas == 0 or rs.replicas == rs.status.available_replicas:
            continue
        count = min(max_cleanup - total, rs.replicas - rs.status.available_replicas)
        new_count = rs.replicas - count
        if new_count > rs.replicas:
            raise ValueError(
                f"when cleaning up unhealthy replicas, got invalid request to "
                f"scale down {rs.metadata.namespace}/{rs.metadata.name} "
                f"{rs.replicas} -> {new_count}"
            )
        ordered[i] = replace(rs, spec=replace(rs.spec, replicas=new_count))
        total += count
    return ordered, total


def scale_down_old_replica_sets_for_rolling_update(
    all_rss: Sequence[ReplicaSet | None],
    old_rss: Sequence[ReplicaSet],
    d: Deployment,
) -> tuple[list[ScaleAction], int]:
    """``scaleDownOldReplicaSetsForRollingUpdate``: drain old RSs, oldest first, as far as
    available pods above ``replicas - maxUnavailable`` allow. Returns the writes and total."""
    min_avail = d.replicas - util.max_unavailable(d)
    available = util.get_available_replica_count(all_rss)
    if available <= min_avail:
        return [], 0
    budget = available - min_avail
    total = 0
    actions: list[ScaleAction] = []
    for rs in replica_sets_by_creation(old_rss):
        if total >= budget:
            break
        if rs.replicas == 0:
            continue
        count = min(rs.replicas, budget - total)
        actions.append((rs, rs.replicas - count))
        total += count
    return actions, total


def reconcile_old_replica_sets(
    all_rss: Sequence[ReplicaSet | None],
    old_rss: Sequence[ReplicaSet],
    new_rs: ReplicaSet,
    d: Deployment,
) -> list[ScaleAction]:
    """``reconcileOldReplicaSets``: the scale-downs of one sync, in write order.

    ``max_scaled_down`` subtracts the new RS's unavailable replicas, so
    unready new pods never drain old capacity. Errors, as upstream, mean
    "nothing scaled".
    """
    if util.get_replica_count(old_rss) == 0:
        return []
    all_pods = util.get_replica_count(all_rss)
    min_avail = d.replicas - util.max_unavailable(d)
    new_unavailable = new_rs.replicas - new_rs.status.available_replicas
    max_scaled_down = all_pods - min_avail - new_unavailable
    if max_scaled_down <= 0:
        return []
    try:
        cleaned, _ = cleanup_unhealthy_replicas(old_rss, d, max_scaled_down)
    except ValueError:
        return []
    originals = {rs.metadata.name: rs for rs in old_rss}
    actions: list[ScaleAction] = [
        (originals[rs.metadata.name], rs.replicas)
        for rs in cleaned
        if rs.replicas != originals[rs.metadata.name].replicas
    ]
    scale_downs, _ = scale_down_old_replica_sets_for_rolling_update([*cleaned, new_rs], cleaned, d)
    for rs, size in scale_downs:
        actions.append((rs, size))
    return actions


def rollout_rolling(dc: DeploymentController, d: Deployment, rs_list: Sequence[ReplicaSet]) -> None:
    """``rolloutRolling``: one scale-up or one round of scale-downs, then status."""
    new_rs, old_rss, d = get_all_replica_sets_and_sync_revision(dc, d, rs_list, True)
    if new_rs is None:
        return
    all_rss: list[ReplicaSet | None] = [*old_rss, new_rs]
    target = reconcile_new_replica_set(all_rss, new_rs, d)
    if target is not None:
        scaled, _ = scale_replica_set_and_record_event(dc, new_rs, target, d)
        if scaled:
            sync_rollout_status(dc, all_rss, new_rs, d)
            return
    actions = reconcile_old_replica_sets(all_rss, filter_active_replica_sets(old_rss), new_rs, d)
    for rs, size in actions:
        scale_replica_set_and_record_event(dc, rs, size, d)
    if actions:
        sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if util.deployment_complete(d, d.status):
        cleanup_deployment(dc, old_rss, d)
    sync_rollout_status(dc, all_rss, new_rs, d)
