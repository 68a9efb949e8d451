"""The Deployment controller's watches, sync loop and its client of the object store.

Mirrors pkg/controller/deployment/deployment_controller.go: as
``NewDeploymentController`` it watches Deployments, the ReplicaSets they
control and their pods' deletion (Recreate waits for it); ``syncDeployment``
decides between status-only, paused, rollback, scaling-event and strategy
paths; ``checkPausedConditions`` sets the paused/resumed reasons. The methods
below it are what the other modules call where upstream calls its clientset,
event recorder and work queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.kinds import Workload, WorkloadFacts, register_rollout_status, register_workload
from rollsim.api.meta import controller_of
from rollsim.controllers.context import ControllerContext
from rollsim.controllers.controller_utils import (
    claim_object,
    controller_ref,
    with_owner,
    without_owner,
)
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.recreate import rollout_recreate
from rollsim.controllers.deployment.rollback import rollback
from rollsim.controllers.deployment.rolling import rollout_rolling
from rollsim.controllers.deployment.sync import (
    get_all_replica_sets_and_sync_revision,
    is_scaling_event,
    sync,
    sync_deployment_status,
)
from rollsim.kubelet import Kubelet
from rollsim.pods import PodIndex, PodRecord
from rollsim.world.clock import Clock
from rollsim.world.events import EventRecorder
from rollsim.world.store import Store
from rollsim.world.workqueue import Workqueues

__all__ = ["DeploymentController", "check_paused_conditions", "start"]


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

    def __init__(
        self,
        store: Store,
        kubelet: Kubelet,
        queues: Workqueues,
        events: EventRecorder,
        clock: Clock,
    ) -> None:
        self._store = store
        self._pods: PodIndex = kubelet.index
        self._events = events
        self._clock = clock
        self._queue = queues.register("deployment", self.sync)
        #: Orphan ReplicaSets by namespace and name: the candidates for adoption.
        self._orphans: dict[str, dict[str, ReplicaSet]] = {}
        store.on("Deployment", self._deployment_written)
        store.on("ReplicaSet", self._replica_set_written)
        kubelet.watch(None, self._pod_gone)

    @property
    def now(self) -> float:
        return self._clock.now

    # Event handlers: what each informer's change means for the queue.

    def _deployment_written(self, old: Deployment | None, new: Deployment | None) -> None:
        """``addDeployment``/``updateDeployment``; a deleted Deployment's ReplicaSets are
        the garbage collector's."""
        if new is not None:
            self._queue.add((new.metadata.namespace, new.metadata.name))

    def _replica_set_written(self, old: ReplicaSet | None, new: ReplicaSet | None) -> None:
        """``addReplicaSet``/``updateReplicaSet``/``deleteReplicaSet``: sync its controller;
        a controller it had before syncs too (it was released or re-owned). An orphan
        (``getDeploymentsForReplicaSet``) syncs every Deployment selecting it, so one
        may adopt it, when it is new or its labels or owner changed."""
        rs = new if new is not None else old
        assert rs is not None
        self._index_orphan(old, new)
        self._enqueue_controller_of(rs)
        old_ref = controller_of(old) if old is not None else None
        new_ref = controller_of(new) if new is not None else None
        if (
            old is not None
            and old_ref is not None
            and (new_ref is None or new_ref.uid != old_ref.uid)
        ):
            self._enqueue_controller_of(old)
        if new is None or new_ref is not None:
            return
        if old is None or old_ref is not None or old.metadata.labels != new.metadata.labels:
            for d in self._deployments_selecting(new):
                self._queue.add((d.metadata.namespace, d.metadata.name))

    def _index_orphan(self, old: ReplicaSet | None, new: ReplicaSet | None) -> None:
        """Keep the orphan ReplicaSets by namespace, so a sync finds them without a scan."""
        for rs in (old, new):
            if rs is not None:
                self._orphans.get(rs.metadata.namespace, {}).pop(rs.metadata.name, None)
        if new is not None and controller_of(new) is None:
            self._orphans.setdefault(new.metadata.namespace, {})[new.metadata.name] = new

    def _deployments_selecting(self, rs: ReplicaSet) -> list[Deployment]:
        """``getDeploymentsForReplicaSet``: the Deployments of its namespace whose
        non-empty selector matches its labels."""
        return [
            d
            for d in self._store.list(Deployment, rs.metadata.namespace)
            if d.spec.selector is not None
            and not d.spec.selector.empty
            and d.spec.selector.matches(rs.metadata.labels)
        ]

    def _pod_gone(self, pod: PodRecord) -> None:
        """``deletePod``: Recreate may be waiting for exactly this pod to be gone."""
        rs = self._store.get(ReplicaSet, pod.namespace, pod.owner)
        if rs is not None:
            self._enqueue_controller_of(rs)

    def _enqueue_controller_of(self, rs: ReplicaSet) -> None:
        ref = controller_of(rs)
        if ref is not None and ref.kind == "Deployment":
            self._queue.add((rs.metadata.namespace, ref.name))

    def sync(self, key: tuple[str, str]) -> None:
        """``syncDeployment``."""
        d = self._store.get(Deployment, *key)
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
        rs_list = self._claim_replica_sets(d)
        if d.metadata.deletion_timestamp is not None:
            # ``syncStatusOnly``: a Deployment deleted in the foreground creates nothing.
            new_rs, old_rss, d = get_all_replica_sets_and_sync_revision(self, d, rs_list, False)
            sync_deployment_status(self, [*old_rss, new_rs], new_rs, d)
            return
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

    def _claim_replica_sets(self, d: Deployment) -> list[ReplicaSet]:
        """``getReplicaSetsForDeployment``: ``ClaimReplicaSets`` over the ReplicaSets it
        controls and the orphans of its namespace; returns those it now controls, by name.

        An owned ReplicaSet whose labels the selector no longer matches is released
        (its owner reference removed); an orphan the selector matches is adopted
        (``AdoptReplicaSet``: this Deployment as its controller). Upstream emits no
        event for either. The revision then continues from the adopted ReplicaSet:
        it is the new one when its template matches, else the next revision is one
        more than its.
        """
        selector = d.spec.selector
        assert selector is not None
        deleting = d.metadata.deletion_timestamp is not None
        claimed: dict[str, ReplicaSet] = {}
        owned = self._store.owned_replica_sets(d.metadata.uid)
        orphans = self._orphans.get(d.metadata.namespace, {})
        for rs in [*owned, *(orphans[name] for name in sorted(orphans))]:
            matches = selector.matches(rs.metadata.labels)
            action = claim_object(d.metadata, rs.metadata, matches, deleting)
            if action == "claimed":
                claimed[rs.metadata.name] = rs
            elif action == "release":
                self._store.update(replace(rs, metadata=without_owner(rs.metadata, d.metadata.uid)))
            elif action == "adopt":
                ref = controller_ref("apps/v1", "Deployment", d.metadata)
                adopted = replace(rs, metadata=with_owner(rs.metadata, ref))
                claimed[rs.metadata.name] = self._store.update(adopted)
        return [claimed[name] for name in sorted(claimed)]

    # What upstream does through its clientset, recorder and queue.

    def get_replica_set(self, namespace: str, name: str) -> ReplicaSet | None:
        return self._store.get(ReplicaSet, namespace, name)

    def create_replica_set(self, rs: ReplicaSet) -> ReplicaSet | None:
        """Create ``rs``; ``None`` means AlreadyExists."""
        return self._store.create(rs)

    def update_replica_set(self, rs: ReplicaSet) -> ReplicaSet:
        return self._store.update(rs)

    def delete_replica_set(self, rs: ReplicaSet) -> None:
        self._store.delete(ReplicaSet, rs.metadata.namespace, rs.metadata.name)

    def update_status(self, d: Deployment) -> Deployment:
        """``UpdateStatus``: the status, and the revision annotation the controller keeps."""
        return self._store.update(d)

    def update_deployment(self, d: Deployment) -> Deployment:
        return self._store.update(d)

    def event(self, d: Deployment, type_: str, reason: str, message: str) -> None:
        self._events.event(
            type_, reason, "Deployment", d.metadata.name, message, d.metadata.namespace
        )

    def requeue(self, d: Deployment) -> None:
        self._queue.add((d.metadata.namespace, d.metadata.name))

    def requeue_after(self, d: Deployment, delay: float) -> None:
        self._queue.add_after((d.metadata.namespace, d.metadata.name), delay)

    def requeue_rate_limited(self, d: Deployment) -> None:
        self._queue.add_rate_limited((d.metadata.namespace, d.metadata.name))

    def pod_phases_by_replica_set(
        self, d: Deployment, rs_list: Sequence[ReplicaSet]
    ) -> dict[str, tuple[str, ...]]:
        """``getPodMapForDeployment`` reduced to what Recreate reads: per RS UID, a
        phase for each kind of live pod (terminating pods are still listed)."""
        phases: dict[str, tuple[str, ...]] = {}
        for rs in rs_list:
            pods = self._pods.of_owner(rs.metadata.uid)
            if pods is not None and (pods.active or pods.terminating):
                phases[rs.metadata.uid] = ("Running",)
        return phases


def deployment_facts(d: Deployment, rss: Sequence[ReplicaSet]) -> WorkloadFacts:
    """What a timeline row reads of a Deployment: its fenceposts and its new ReplicaSet."""
    new_rs = util.find_new_replica_set(d, rss)
    return WorkloadFacts(
        desired=d.replicas,
        updated=d.status.updated_replicas,
        min_available=d.replicas - util.max_unavailable(d),
        max_pods=d.replicas + util.max_surge(d),
        new_replica_sets=(new_rs,) if new_rs is not None else (),
        complete=util.rollout_complete(d),
        template=d.spec.template,
    )


def deployment_revision(rs: ReplicaSet) -> int:
    """The ReplicaSet's revision annotation; 0 when it has none."""
    try:
        return util.revision(rs)
    except ValueError:
        return 0


def deployment_rollout_status(d: Deployment, _rss: Sequence[ReplicaSet]) -> str:
    """``complete`` as ``kubectl rollout status`` reports "successfully rolled out"."""
    return "complete" if util.rollout_complete(d) else "running"


register_workload("Deployment", Workload(deployment_facts, deployment_revision))
register_rollout_status("Deployment", deployment_rollout_status)


def start(ctx: ControllerContext) -> DeploymentController:
    """``startDeploymentController``."""
    return DeploymentController(
        ctx.store, ctx.kubelet, ctx.queues, ctx.events("deployment-controller"), ctx.clock
    )
