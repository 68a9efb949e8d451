"""The Deployment controller's sync loop and its client of the object store.

Mirrors pkg/controller/deployment/deployment_controller.go: ``syncDeployment``
decides between status-only, paused, rollback, scaling-event and strategy
paths; ``checkPausedConditions`` sets the paused/resumed reasons. The methods
below it are what the other modules call where upstream calls its clientset,
event recorder and work queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.recreate import rollout_recreate
from rollsim.controllers.deployment.rollback import rollback
from rollsim.controllers.deployment.rolling import rollout_rolling
from rollsim.controllers.deployment.sync import is_scaling_event, sync

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["DeploymentController", "check_paused_conditions"]


def check_paused_conditions(d: Deployment, now: float) -> Deployment | None:
    """``checkPausedConditions``: the Deployment with Progressing set to Unknown
    DeploymentPaused / DeploymentResumed, or ``None`` if nothing changes.
    A reported ProgressDeadlineExceeded is never overwritten."""
    if not util.has_progress_deadline(d):
        return None
    current = util.get_deployment_condition(d.status, util.PROGRESSING)
    if current is not None and current.reason == util.TIMED_OUT_REASON:
        return None
    paused_recorded = current is not None and current.reason == util.PAUSED_REASON
    if d.spec.paused and not paused_recorded:
        condition = util.new_deployment_condition(
            util.PROGRESSING, "Unknown", util.PAUSED_REASON, "Deployment is paused", now
        )
    elif not d.spec.paused and paused_recorded:
        condition = util.new_deployment_condition(
            util.PROGRESSING, "Unknown", util.RESUMED_REASON, "Deployment is resumed", now
        )
    else:
        return None
    return replace(d, status=util.set_deployment_condition(d.status, condition))


class DeploymentController:
    """Syncs Deployments; one sync per dequeued key."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    @property
    def now(self) -> float:
        return self._cluster.now

    def sync(self, key: tuple[str, str]) -> None:
        """``syncDeployment``."""
        d = self._cluster.store.get("Deployment", *key)
        if d is None:
            return
        selector = d.spec.selector
        if selector is None or selector.empty:
            self.event(
                d,
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            )
            if d.status.observed_generation < d.metadata.generation:
                self.update_status(
                    replace(d, status=replace(d.status, observed_generation=d.metadata.generation))
                )
            return
        # Deletion is immediate here (background propagation, no finalizers), so the
        # status-only path for a Deployment being deleted never arises.
        rs_list = self._cluster.store.owned_replica_sets(d.metadata.uid)
        paused = check_paused_conditions(d, self.now)
        if paused is not None:
            d = self.update_status(paused)
        if d.spec.paused:
            sync(self, d, rs_list)
            return
        if util.ROLLBACK_TO_ANNOTATION in d.metadata.annotations:
            rollback(self, d, rs_list)
            return
        scaling, d = is_scaling_event(self, d, rs_list)
        if scaling:
            sync(self, d, rs_list)
            return
        if d.spec.strategy.type == "Recreate":
            rollout_recreate(self, d, rs_list)
        elif d.spec.strategy.type == "RollingUpdate":
            rollout_rolling(self, d, rs_list)

    # What upstream does through its clientset, recorder and queue.

    def get_replica_set(self, namespace: str, name: str) -> ReplicaSet | None:
        rs: ReplicaSet | None = self._cluster.store.get("ReplicaSet", namespace, name)
        return rs

    def create_replica_set(self, rs: ReplicaSet) -> ReplicaSet | None:
        """Create ``rs``; ``None`` means AlreadyExists."""
        created: ReplicaSet | None = self._cluster.store.create(rs)
        return created

    def update_replica_set(self, rs: ReplicaSet) -> ReplicaSet:
        updated: ReplicaSet = self._cluster.store.update(rs)
        return updated

    def delete_replica_set(self, rs: ReplicaSet) -> None:
        self._cluster.store.delete("ReplicaSet", rs.metadata.namespace, rs.metadata.name)

    def update_status(self, d: Deployment) -> Deployment:
        """``UpdateStatus``: the status, and the revision annotation the controller keeps."""
        updated: Deployment = self._cluster.store.update(d)
        return updated

    def update_deployment(self, d: Deployment) -> Deployment:
        updated: Deployment = self._cluster.store.update(d)
        return updated

    def event(self, d: Deployment, type_: str, reason: str, message: str) -> None:
        self._cluster.record_event(
            type_,
            reason,
            "Deployment",
            d.metadata.name,
            message,
            d.metadata.namespace,
            "deployment-controller",
        )

    def requeue(self, d: Deployment) -> None:
        self._cluster.enqueue("deployment", (d.metadata.namespace, d.metadata.name))

    def requeue_after(self, d: Deployment, delay: float) -> None:
        self._cluster.enqueue_after("deployment", (d.metadata.namespace, d.metadata.name), delay)

    def requeue_rate_limited(self, d: Deployment) -> None:
        self._cluster.enqueue_rate_limited("deployment", (d.metadata.namespace, d.metadata.name))

    def pod_phases_by_replica_set(
        self, d: Deployment, rs_list: Sequence[ReplicaSet]
    ) -> dict[str, tuple[str, ...]]:
        """``getPodMapForDeployment`` reduced to what Recreate reads: per RS UID, a
        phase for each kind of live pod (terminating pods are still listed)."""
        phases: dict[str, tuple[str, ...]] = {}
        for rs in rs_list:
            pods = self._cluster.replicasets.pods_of(rs.metadata.uid)
            if pods.active or pods.terminating:
                phases[rs.metadata.uid] = ("Running",)
        return phases
