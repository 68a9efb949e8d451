"""The Recreate strategy.

Mirrors pkg/controller/deployment/recreate.go: scale every old ReplicaSet to
zero, wait until no old pod is left (terminating pods count: Recreate waits
for them to be gone), then create the new ReplicaSet at full size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.controllers.controller_utils import filter_active_replica_sets
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.progress import sync_rollout_status
from rollsim.controllers.deployment.sync import (
    cleanup_deployment,
    get_all_replica_sets_and_sync_revision,
    scale_replica_set_and_record_event,
)

if TYPE_CHECKING:
    from rollsim.controllers.deployment.controller import DeploymentController

__all__ = ["old_pods_running", "rollout_recreate"]


def old_pods_running(
    new_rs: ReplicaSet | None,
    old_rss: Sequence[ReplicaSet],
    pod_phases: Mapping[str, Iterable[str]],
) -> bool:
    """``oldPodsRunning``: an old RS reports pods, or a pod of a non-new RS is not terminal.

    ``pod_phases`` maps a ReplicaSet UID to the phases of its pods, terminating
    pods included (the pod informer still lists them).
    """
    if util.get_actual_replica_count(old_rss) > 0:
        return True
    new_uid = new_rs.metadata.uid if new_rs is not None else None
    for rs_uid, phases in pod_phases.items():
        if rs_uid == new_uid:
            continue
        if any(phase not in ("Failed", "Succeeded") for phase in phases):
            return True
    return False


def rollout_recreate(
    dc: DeploymentController, d: Deployment, rs_list: Sequence[ReplicaSet]
) -> None:
    """``rolloutRecreate``."""
    new_rs, old_rss, d = get_all_replica_sets_and_sync_revision(dc, d, rs_list, False)
    all_rss: list[ReplicaSet | None] = [*old_rss, new_rs]
    scaled_down = False
    for rs in filter_active_replica_sets(old_rss):
        scaled, _ = scale_replica_set_and_record_event(dc, rs, 0, d)
        scaled_down = scaled_down or scaled
    if scaled_down:
        sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if old_pods_running(new_rs, old_rss, dc.pod_phases_by_replica_set(d, rs_list)):
        sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if new_rs is None:
        new_rs, old_rss, d = get_all_replica_sets_and_sync_revision(dc, d, rs_list, True)
        if new_rs is None:
            return
        all_rss = [*old_rss, new_rs]
    scale_replica_set_and_record_event(dc, new_rs, d.replicas, d)
    if util.deployment_complete(d, d.status):
        cleanup_deployment(dc, old_rss, d)
    sync_rollout_status(dc, all_rss, new_rs, d)
