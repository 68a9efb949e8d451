"""The ReplicaSet controller: make the pods match ``spec.replicas``, report status.

Mirrors pkg/controller/replicaset/replica_set.go (``NewReplicaSetController``'s
watches, ``syncReplicaSet``, ``manageReplicas``, ``getPodsToDelete``,
``calculateStatus``). Instead of listing pods on every sync it reads the
kubelet's ``PodIndex``: per ReplicaSet, its live pods in four buckets in
deletion order, with counters for status, updated in O(1) on each pod change.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import replace

import numpy as np

from rollsim.api.apps import ReplicaSet, ReplicaSetStatus
from rollsim.api.kinds import register_rollout_status
from rollsim.api.meta import LabelSelector, ObjectMeta
from rollsim.controllers.context import ControllerContext
from rollsim.controllers.controller_utils import claim_object, is_pod_available
from rollsim.kubelet import Kubelet
from rollsim.kubelet.source import serve
from rollsim.pods import PodIndex, PodRecord, ReplicaSetPods
from rollsim.world.clock import Clock
from rollsim.world.events import EventRecorder
from rollsim.world.store import Store
from rollsim.world.workqueue import Workqueues

__all__ = ["BURST_REPLICAS", "ReplicaSetController", "start"]

#: At most this many pods are created or deleted per sync (``BurstReplicas``).
BURST_REPLICAS = 500
#: ``names.SimpleNameGenerator``: the base is cut so that base + 5 random chars <= 63.
MAX_GENERATED_NAME_BASE = 58
_ALPHABET = np.array(list("bcdfghjklmnpqrstvwxz2456789"))


class ReplicaSetController:
    """Creates and deletes pods for every ReplicaSet and writes its status."""

    def __init__(
        self,
        store: Store,
        kubelet: Kubelet,
        queues: Workqueues,
        events: EventRecorder,
        clock: Clock,
        names: np.random.Generator,
    ) -> None:
        self._store = store
        self._kubelet = kubelet
        self._pods: PodIndex = kubelet.index
        self._events = events
        self._clock = clock
        self._names = names
        self._queue = queues.register("replicaset", self.sync)
        #: Per ReplicaSet UID, its pods whose labels stopped matching its selector.
        self._unmatched: dict[str, dict[str, PodRecord]] = {}
        store.on("ReplicaSet", self.replica_set_changed)
        kubelet.watch(self.pod_changed, self.pod_gone)

    def pod_changed(self, pod: PodRecord) -> None:
        """Kubelet report: re-bucket the pod and sync its ReplicaSet.

        A pod that turned Ready waits to be found available by a sync at least
        minReadySeconds later; as ``updatePod`` upstream, its ReplicaSet is
        re-queued minReadySeconds + 1 s after the transition.
        """
        if not pod.owner:
            self._orphan_changed(pod)
            return
        pods = self._pods.owner_pods(pod.owner_uid)
        key = (pod.namespace, pod.owner)
        rs = self._store.get(ReplicaSet, *key)
        if rs is not None and pod.template is not rs.spec.template and pod.deleted_at is None:
            # Relabelled (or made from an earlier template): released at the next sync
            # if the selector no longer matches it.
            selector = rs.spec.selector
            if selector is None or not selector.matches(pod.template.metadata.labels):
                self._unmatched.setdefault(rs.metadata.uid, {})[pod.uid] = pod
        if pod.ready and pod.deleted_at is None:
            if not pod.available and pod.uid not in pods.waiting:
                pods.waiting[pod.uid] = pod
                if rs is not None and rs.spec.min_ready_seconds > 0:
                    self._queue.add_after(key, rs.spec.min_ready_seconds + 1.0)
        else:
            pod.available = False
            pods.waiting.pop(pod.uid, None)
        pods.place(pod)
        self._queue.add(key)

    def _orphan_changed(self, pod: PodRecord) -> None:
        """``addPod``/``updatePod`` of an orphan: every ReplicaSet of its namespace whose
        selector matches it syncs, so one may adopt it (``getPodReplicaSets``)."""
        if pod.deleted_at is not None:
            return
        labels = pod.template.metadata.labels
        for rs in self._store.list(ReplicaSet, pod.namespace):
            selector = rs.spec.selector
            if selector is not None and not selector.empty and selector.matches(labels):
                self._queue.add((rs.metadata.namespace, rs.metadata.name))

    def _claim_pods(self, rs: ReplicaSet) -> None:
        """``claimPods`` (``ClaimPods`` over the active pods of the namespace): release
        the pods a relabel took out of the selector, adopt the active orphans it selects.

        Only the pods that can change hands are looked at: those whose labels were
        found not to match when they changed, and the orphans. Upstream emits no
        event for either.
        """
        uid = rs.metadata.uid
        deleting = rs.metadata.deletion_timestamp is not None
        selector = rs.spec.selector or LabelSelector()
        for pod in self._unmatched.pop(uid, {}).values():
            live = pod.deleted_at is None and pod.owner_uid == uid
            labels = pod.template.metadata.labels
            if live and not deleting and not selector.matches(labels):
                self._kubelet.disown(pod)
        if deleting or selector.empty:
            return
        for pod in list(self._pods.orphans.values()):
            meta = ObjectMeta(namespace=pod.namespace, deletion_timestamp=pod.deleted_at)
            matches = selector.matches(pod.template.metadata.labels)
            if claim_object(rs.metadata, meta, matches, deleting) == "adopt":
                self._kubelet.adopt(pod, rs.metadata.name, uid)

    def pod_gone(self, pod: PodRecord) -> None:
        """Kubelet report: a pod finished terminating; its ReplicaSet's entry goes with
        the last of its pods once the ReplicaSet itself is deleted."""
        pods = self._pods.of_owner(pod.owner_uid)
        if pods is not None:
            pods.terminating -= 1
            if (
                pods.terminating == 0
                and pods.active == 0
                and self._store.get(ReplicaSet, pod.namespace, pod.owner) is None
            ):
                self._pods.forget_owner(pod.owner_uid)

    @staticmethod
    def _find_available(pods: ReplicaSetPods, min_ready_seconds: int, now: float) -> None:
        """``IsPodAvailable`` for the ready pods still waiting, oldest Ready first."""
        while pods.waiting:
            pod = next(iter(pods.waiting.values()))
            if not is_pod_available(pod.ready, pod.ready_since, min_ready_seconds, now):
                return
            pods.waiting.popitem(last=False)
            pod.available = True
            pods.place(pod)

    def replica_set_changed(self, old: ReplicaSet | None, new: ReplicaSet | None) -> None:
        """Store watch: sync on any change; a deleted RS takes its pods with it."""
        if new is None:
            assert old is not None
            pods = self._pods.of_owner(old.metadata.uid)
            if pods is not None:
                for bucket in (pods.unscheduled, pods.pending, pods.running, pods.ready):
                    for pod in list(bucket.values()):
                        self._kubelet.terminate(pod)
                if pods.active == 0 and pods.terminating == 0:
                    self._pods.forget_owner(old.metadata.uid)
            return
        if old is not None and old.spec.min_ready_seconds != new.spec.min_ready_seconds:
            # Availability is re-judged against the new minReadySeconds at the next sync.
            pods = self._pods.owner_pods(new.metadata.uid)
            ready = sorted(pods.ready.values(), key=lambda p: p.ready_since or 0.0)
            pods.waiting = OrderedDict((p.uid, p) for p in ready)
            for pod in ready:
                pod.available = False
                pods.place(pod)
        self._queue.add((new.metadata.namespace, new.metadata.name))

    def sync(self, key: tuple[str, str]) -> None:
        """``syncReplicaSet``: create or delete at most ``BURST_REPLICAS`` pods, then status."""
        rs = self._store.get(ReplicaSet, *key)
        if rs is None:
            return
        now = self._clock.now
        self._claim_pods(rs)
        pods = self._pods.owner_pods(rs.metadata.uid)
        min_ready = rs.spec.min_ready_seconds
        self._find_available(pods, min_ready, now)
        # A ReplicaSet being deleted (foreground) only reports status: its pods are
        # the garbage collector's to delete.
        diff = 0 if rs.metadata.deletion_timestamp is not None else pods.active - rs.replicas
        if diff < 0:
            self._create(rs, min(-diff, BURST_REPLICAS))
        elif diff > 0:
            for pod in pods.victims(min(diff, BURST_REPLICAS), now):
                self._kubelet.terminate(pod)
                self._events.event(
                    "Normal",
                    "SuccessfulDelete",
                    "ReplicaSet",
                    rs.metadata.name,
                    f"Deleted pod: {pod.name}",
                    rs.metadata.namespace,
                )
        if abs(diff) > BURST_REPLICAS:
            self._queue.add(key)
        status = ReplicaSetStatus(
            replicas=pods.active,
            fully_labeled_replicas=pods.active,
            ready_replicas=len(pods.ready),
            available_replicas=pods.available,
            observed_generation=rs.metadata.generation,
            conditions=rs.status.conditions,
        )
        if status != rs.status:
            self._store.update(replace(rs, status=status))
        # Every pod ready but not all available: look again once minReadySeconds passed.
        if (
            min_ready > 0
            and status.ready_replicas == rs.replicas
            and status.available_replicas != rs.replicas
        ):
            self._queue.add_after(key, float(min_ready))

    def _create(self, rs: ReplicaSet, count: int) -> None:
        namespace = rs.metadata.namespace
        base = rs.metadata.name[:MAX_GENERATED_NAME_BASE] + "-"
        names: dict[str, None] = {}
        taken = self._pods.by_name
        while len(names) < count:
            letters = self._names.integers(0, len(_ALPHABET), size=(count - len(names), 5))
            for row in _ALPHABET[letters]:
                name = base + "".join(row)
                # The API server rejects a generated name that is taken; the client retries.
                if (namespace, name) not in taken and name not in names:
                    names[name] = None
        raw = self._names.integers(0, 256, size=(count, 16), dtype=np.uint8)
        uids = [str(uuid.UUID(bytes=bytes(row), version=4)) for row in raw]
        created = self._kubelet.create(
            list(names), uids, namespace, rs.metadata.name, rs.metadata.uid, rs.spec.template
        )
        pods = self._pods.owner_pods(rs.metadata.uid)
        for pod in created:
            pods.place(pod)
            self._events.event(
                "Normal",
                "SuccessfulCreate",
                "ReplicaSet",
                rs.metadata.name,
                f"Created pod: {pod.name}",
                namespace,
            )


def replica_set_rollout_status(rs: ReplicaSet, _rss: object) -> str:
    """``complete`` once every replica exists and is available."""
    done = rs.status.available_replicas >= rs.replicas and rs.status.replicas == rs.replicas
    return "complete" if done else "running"


register_rollout_status("ReplicaSet", replica_set_rollout_status)


def start(ctx: ControllerContext) -> ReplicaSetController:
    """``startReplicaSetController``: the ReplicaSet controller names pods from the
    names stream, which also makes UIDs, so names stay what they always were.

    The kubelet starts serving the Pods written to the store here, before the
    controller watches it, so a bare pod is running when the controller first
    hears of it and can adopt it.
    """
    serve(ctx.kubelet, ctx.store)
    return ReplicaSetController(
        ctx.store,
        ctx.kubelet,
        ctx.queues,
        ctx.events("replicaset-controller"),
        ctx.clock,
        ctx.random.names,
    )
