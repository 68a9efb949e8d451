"""The ReplicaSet controller: make the pods match ``spec.replicas``, report status.

Mirrors pkg/controller/replicaset/replica_set.go (``syncReplicaSet``,
``manageReplicas``, ``getPodsToDelete``, ``calculateStatus``). Instead of
listing pods on every sync it keeps, per ReplicaSet, its live pods in four
buckets in deletion order (unscheduled, pending, running but not ready,
ready) and counters for status, updated in O(1) on each pod change.
"""

from __future__ import annotations

import bisect
import heapq
import uuid
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from rollsim.api.apps import ReplicaSet, ReplicaSetStatus
from rollsim.controllers.controller_utils import is_pod_available
from rollsim.kubelet import PodRecord

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["BURST_REPLICAS", "ReplicaSetController", "ReplicaSetPods"]

#: A Ready bucket this small is sorted outright when the cut falls inside it.
_SMALL_BUCKET = 256
#: At most this many pods are created or deleted per sync (``BurstReplicas``).
BURST_REPLICAS = 500
#: ``names.SimpleNameGenerator``: the base is cut so that base + 5 random chars <= 63.
MAX_GENERATED_NAME_BASE = 58
_ALPHABET = np.array(list("bcdfghjklmnpqrstvwxz2456789"))


def _age_rank(now: float, t: float | None) -> int:
    """LogarithmicScaleDown's bucket of an age: ``floor(log2(ns))``, -1 for none."""
    if t is None:
        return -2
    gap_ns = round((now - t) * 1e9)
    return gap_ns.bit_length() - 1 if gap_ns > 0 else -1


class ReplicaSetPods:
    """The live pods of one ReplicaSet, bucketed in ``ActivePodsWithRanks`` order."""

    __slots__ = (
        "available",
        "by_uid",
        "pending",
        "ready",
        "running",
        "terminating",
        "uids",
        "unscheduled",
        "waiting",
    )

    def __init__(self) -> None:
        self.unscheduled: dict[str, PodRecord] = {}
        self.pending: dict[str, PodRecord] = {}
        self.running: dict[str, PodRecord] = {}
        self.ready: dict[str, PodRecord] = {}
        #: Ready pods not yet available, in the order they turned Ready. An
        #: OrderedDict because the oldest is taken first, which a plain dict
        #: makes O(pods already taken) as deleted slots pile up at its front.
        self.waiting: OrderedDict[str, PodRecord] = OrderedDict()
        self.available = 0
        self.terminating = 0
        #: Ready pods by UID (``uids`` sorted, ``by_uid`` alongside), built on the first
        #: scale-down that needs it; entries of pods no longer ready are skipped lazily.
        self.uids: list[str] | None = None
        self.by_uid: list[PodRecord] = []

    @property
    def active(self) -> int:
        """Pods that count for ``status.replicas``: not terminating, not terminal."""
        return len(self.unscheduled) + len(self.pending) + len(self.running) + len(self.ready)

    def bucket_for(self, pod: PodRecord) -> dict[str, PodRecord] | None:
        if pod.deleted_at is not None:
            return None
        if not pod.node:
            return self.unscheduled
        if pod.phase != "Running":
            return self.pending
        return self.ready if pod.ready else self.running

    def place(self, pod: PodRecord) -> None:
        """Move ``pod`` to the bucket its state calls for and keep the counters right."""
        bucket = self.bucket_for(pod)
        if bucket is not pod.bucket:
            if pod.bucket is not None:
                del pod.bucket[pod.uid]
            elif pod.deleted_at is not None:
                return
            if bucket is None:
                self.terminating += 1
            else:
                bucket[pod.uid] = pod
                if bucket is self.ready and self.uids is not None:
                    at = bisect.bisect_left(self.uids, pod.uid)
                    if at == len(self.uids) or self.uids[at] != pod.uid:
                        self.uids.insert(at, pod.uid)
                        self.by_uid.insert(at, pod)
            pod.bucket = bucket
        counted = pod.available and pod.bucket is not None
        if counted != pod.counted_available:
            self.available += 1 if counted else -1
            pod.counted_available = counted

    def victims(self, count: int, now: float) -> list[PodRecord]:
        """The ``count`` pods ``getPodsToDelete`` picks: the lowest-ranked first.

        Buckets are taken whole while they fit; within the bucket where the
        cut falls, ready pods rank by how recently they became Ready and
        others by restarts then age, both by logarithmic bucket with the
        smaller UID first, as ``ActivePodsWithRanks`` with LogarithmicScaleDown.
        """
        chosen: list[PodRecord] = []
        for bucket in (self.unscheduled, self.pending, self.running, self.ready):
            left = count - len(chosen)
            if left <= 0:
                break
            if len(bucket) <= left:
                chosen.extend(bucket.values())
            elif bucket is self.ready:
                chosen.extend(self._youngest_ready(left, now))
            else:

                def key(p: PodRecord) -> tuple[int, int, str]:
                    return (-p.restarts, _age_rank(now, p.created), p.uid)

                chosen.extend(heapq.nsmallest(left, bucket.values(), key=key))
        return chosen

    def _youngest_ready(self, count: int, now: float) -> list[PodRecord]:
        """The ``count`` most recently Ready pods by logarithmic bucket, smaller UID first.

        ``ready`` is kept in the order pods turned Ready, so the younger buckets
        are at its end: walk back until ``count`` pods are found. Pods younger
        than the last one's bucket are all taken; the rest come from that
        bucket in UID order: sorted directly when the bucket is small, else by
        scanning the UID-ordered index, which a large bucket fills densely. The
        cost is the pods taken plus a bounded walk, not the whole ReplicaSet.
        """
        walked: list[tuple[int, str, PodRecord]] = []
        boundary: int | None = None
        complete = False
        for pod in reversed(self.ready.values()):
            rank = _age_rank(now, pod.ready_since)
            if boundary is not None and rank != boundary:
                complete = True
                break
            walked.append((rank, pod.uid, pod))
            if boundary is None and len(walked) >= count:
                boundary = rank
            if boundary is not None and len(walked) >= count + _SMALL_BUCKET:
                break
        else:
            complete = True
        if complete:
            walked.sort(key=lambda c: (c[0], c[1]))
            return [pod for _, _, pod in walked[:count]]
        taken = [pod for rank, _, pod in walked if rank != boundary]
        return taken + self._bucket_by_uid(boundary, count - len(taken), now)

    def _bucket_by_uid(self, rank: int | None, count: int, now: float) -> list[PodRecord]:
        if self.uids is None:
            ordered = sorted(self.ready.values(), key=lambda p: p.uid)
            self.uids = [p.uid for p in ordered]
            self.by_uid = ordered
        chosen: list[PodRecord] = []
        stale = 0
        for pod in self.by_uid:
            if pod.bucket is not self.ready:
                stale += 1
                continue
            if _age_rank(now, pod.ready_since) == rank:
                chosen.append(pod)
                if len(chosen) == count:
                    break
        if stale > len(self.by_uid) // 2:
            self.uids = None
            self.by_uid = []
        return chosen


class ReplicaSetController:
    """Creates and deletes pods for every ReplicaSet and writes its status."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster
        self._pods: dict[str, ReplicaSetPods] = {}

    def live_pods_of(self, rs_uid: str) -> ReplicaSetPods | None:
        """The pods of a ReplicaSet, if any are left; unlike ``pods_of``, never adds one."""
        return self._pods.get(rs_uid)

    def pods_of(self, rs_uid: str) -> ReplicaSetPods:
        pods = self._pods.get(rs_uid)
        if pods is None:
            pods = self._pods[rs_uid] = ReplicaSetPods()
        return pods

    def pod_changed(self, pod: PodRecord) -> None:
        """Kubelet report: re-bucket the pod and sync its ReplicaSet.

        A pod that turned Ready waits to be found available by a sync at least
        minReadySeconds later; as ``updatePod`` upstream, its ReplicaSet is
        re-queued minReadySeconds + 1 s after the transition.
        """
        pods = self.pods_of(pod.owner_uid)
        key = (pod.namespace, pod.owner)
        if pod.ready and pod.deleted_at is None:
            if not pod.available and pod.uid not in pods.waiting:
                pods.waiting[pod.uid] = pod
                rs = self._cluster.store.get("ReplicaSet", *key)
                if rs is not None and rs.spec.min_ready_seconds > 0:
                    self._cluster.enqueue_after("replicaset", key, rs.spec.min_ready_seconds + 1.0)
        else:
            pod.available = False
            pods.waiting.pop(pod.uid, None)
        pods.place(pod)
        self._cluster.enqueue("replicaset", key)

    def pod_gone(self, pod: PodRecord) -> None:
        pods = self._pods.get(pod.owner_uid)
        if pods is not None:
            pods.terminating -= 1
            if (
                pods.terminating == 0
                and pods.active == 0
                and self._cluster.store.get("ReplicaSet", pod.namespace, pod.owner) is None
            ):
                del self._pods[pod.owner_uid]
        self._cluster.pod_gone(pod)

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
            pods = self._pods.get(old.metadata.uid)
            if pods is not None:
                for bucket in (pods.unscheduled, pods.pending, pods.running, pods.ready):
                    for pod in list(bucket.values()):
                        self._cluster.kubelet.terminate(pod)
                if pods.active == 0 and pods.terminating == 0:
                    del self._pods[old.metadata.uid]
            return
        if old is not None and old.spec.min_ready_seconds != new.spec.min_ready_seconds:
            # Availability is re-judged against the new minReadySeconds at the next sync.
            pods = self.pods_of(new.metadata.uid)
            ready = sorted(pods.ready.values(), key=lambda p: p.ready_since or 0.0)
            pods.waiting = OrderedDict((p.uid, p) for p in ready)
            for pod in ready:
                pod.available = False
                pods.place(pod)
        self._cluster.enqueue("replicaset", (new.metadata.namespace, new.metadata.name))

    def sync(self, key: tuple[str, str]) -> None:
        """``syncReplicaSet``: create or delete at most ``BURST_REPLICAS`` pods, then status."""
        cluster = self._cluster
        rs = cluster.store.get("ReplicaSet", *key)
        if rs is None:
            return
        pods = self.pods_of(rs.metadata.uid)
        min_ready = rs.spec.min_ready_seconds
        self._find_available(pods, min_ready, cluster.now)
        diff = pods.active - rs.replicas
        if diff < 0:
            self._create(rs, min(-diff, BURST_REPLICAS))
        elif diff > 0:
            for pod in pods.victims(min(diff, BURST_REPLICAS), cluster.now):
                cluster.kubelet.terminate(pod)
                cluster.record_event(
                    "Normal",
                    "SuccessfulDelete",
                    "ReplicaSet",
                    rs.metadata.name,
                    f"Deleted pod: {pod.name}",
                    rs.metadata.namespace,
                    "replicaset-controller",
                )
        if abs(diff) > BURST_REPLICAS:
            cluster.enqueue("replicaset", key)
        status = ReplicaSetStatus(
            replicas=pods.active,
            fully_labeled_replicas=pods.active,
            ready_replicas=len(pods.ready),
            available_replicas=pods.available,
            observed_generation=rs.metadata.generation,
            conditions=rs.status.conditions,
        )
        if status != rs.status:
            cluster.store.update(replace(rs, status=status))
        # Every pod ready but not all available: look again once minReadySeconds passed.
        if (
            min_ready > 0
            and status.ready_replicas == rs.replicas
            and status.available_replicas != rs.replicas
        ):
            cluster.enqueue_after("replicaset", key, float(min_ready))

    def _create(self, rs: ReplicaSet, count: int) -> None:
        cluster = self._cluster
        namespace = rs.metadata.namespace
        base = rs.metadata.name[:MAX_GENERATED_NAME_BASE] + "-"
        names: dict[str, None] = {}
        taken = cluster.kubelet.pods
        while len(names) < count:
            letters = cluster.rng.integers(0, len(_ALPHABET), size=(count - len(names), 5))
            for row in _ALPHABET[letters]:
                name = base + "".join(row)
                # The API server rejects a generated name that is taken; the client retries.
                if (namespace, name) not in taken and name not in names:
                    names[name] = None
        raw = cluster.rng.integers(0, 256, size=(count, 16), dtype=np.uint8)
        uids = [str(uuid.UUID(bytes=bytes(row), version=4)) for row in raw]
        created = cluster.kubelet.create(
            list(names), uids, namespace, rs.metadata.name, rs.metadata.uid, rs.spec.template
        )
        pods = self.pods_of(rs.metadata.uid)
        for pod in created:
            pods.place(pod)
            cluster.record_event(
                "Normal",
                "SuccessfulCreate",
                "ReplicaSet",
                rs.metadata.name,
                f"Created pod: {pod.name}",
                namespace,
                "replicaset-controller",
            )
