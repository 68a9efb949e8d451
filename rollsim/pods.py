"""The pod index the kubelet owns: every pod by name, and each owner's pods by state.

Pods are compact mutable records (``PodRecord``), not stored API objects: a
rollout of 100k replicas creates 200k pods, and each transition must cost
O(1). ``Cluster.get("pod", ...)`` materialises a ``Pod`` view on demand.

``PodIndex`` is what every reader uses (the ReplicaSet controller, the
Deployment controller's Recreate wait, endpoints, the metrics recorder) in
place of listing pods: per owning ReplicaSet, its live pods sit in four
buckets in deletion order (unscheduled, pending, running but not ready,
ready), with counters for status, updated in O(1) on each pod change; the
order within the ready bucket serves ``getPodsToDelete`` without a sort.
"""

from __future__ import annotations

import bisect
import heapq
from collections import OrderedDict
from typing import Any

from rollsim.api.core import PodTemplateSpec
from rollsim.behavior import PodBehavior

__all__ = ["PodIndex", "PodRecord", "ReplicaSetPods"]

#: A Ready bucket this small is sorted outright when the cut falls inside it.
_SMALL_BUCKET = 256


class PodRecord:
    """One pod's state. ``bucket`` and ``counted_available`` belong to the ReplicaSet index."""

    __slots__ = (
        "anchor",
        "app",
        "available",
        "behavior",
        "bucket",
        "containers_ready",
        "counted_available",
        "crash_after",
        "created",
        "deleted_at",
        "deletion_grace",
        "epoch",
        "gates",
        "hang_after",
        "ip",
        "last_exit",
        "name",
        "namespace",
        "node",
        "own_labels",
        "owner",
        "owner_uid",
        "phase",
        "pre_stop",
        "probe_epoch",
        "probers",
        "pull",
        "ready",
        "ready_since",
        "restarts",
        "scheduled_at",
        "serving",
        "shutdown",
        "start_delay",
        "started",
        "started_at",
        "startup_done",
        "stopping",
        "template",
        "uid",
        "unready_after",
        "waiting_reason",
        "warmup",
    )

    def __init__(
        self,
        uid: str,
        name: str,
        namespace: str,
        owner: str,
        owner_uid: str,
        template: PodTemplateSpec,
        behavior: PodBehavior,
        created: float,
    ) -> None:
        self.uid = uid
        self.name = name
        self.namespace = namespace
        self.owner = owner
        self.owner_uid = owner_uid
        self.template = template
        #: The pod's labels are its own, not its ReplicaSet template's (a bare pod, a
        #: relabelled one, one its ReplicaSet released): selecting it is judged for it
        #: alone, not once for every pod of its owner.
        self.own_labels = False
        self.behavior = behavior
        self.created = created
        self.node = ""
        self.ip = ""
        self.scheduled_at: float | None = None
        self.phase = "Pending"
        self.started = False
        self.started_at: float | None = None
        self.ready = False
        self.ready_since: float | None = None
        self.available = False
        #: The application answers requests correctly (the kubelet's Ready is the
        #: prober's opinion of it, which lags behind, or runs ahead without a probe).
        self.serving = False
        self.counted_available = False
        self.deleted_at: float | None = None
        #: The grace period the deletion was given (the spec's unless the delete said).
        self.deletion_grace = 0
        self.restarts = 0
        self.waiting_reason = "ContainerCreating"
        #: Bumped when the container stops or starts: its pending transitions go stale.
        self.epoch = 0
        #: Bumped whenever the probers are planned again: their pending results go stale.
        self.probe_epoch = 0
        #: The application: "off", "warming", "serving", "failing" or "hung".
        self.app = "off"
        self.containers_ready = False
        #: The startup probe passed (ContainerStatus.started), or there is none.
        self.startup_done = False
        #: The container is being stopped to restart it (liveness, a changed definition).
        self.stopping = False
        #: Readiness gate conditions set on the pod: condition type -> status.
        self.gates: dict[str, str] | None = None
        #: The previous container's end: (reason, exit code, started at, finished at).
        self.last_exit: tuple[str, int, float, float] | None = None
        #: The probe workers of the first container, by kind; their ticker anchor.
        self.probers: dict[str, Any] | None = None
        self.anchor = 0.0
        self.bucket: dict[str, PodRecord] | None = None
        self.pull = 0.0
        self.start_delay = 0.0
        self.warmup = 0.0
        self.hang_after: float | None = None
        self.pre_stop = 0.0
        self.shutdown = 0.0
        self.crash_after: float | None = None
        self.unready_after: float | None = None

    @property
    def selection_key(self) -> str:
        """The key a selector's answer for this pod is cached under: its owner's UID while
        it carries its ReplicaSet template's labels (one answer for all its siblings),
        else its own UID."""
        return self.uid if self.own_labels else self.owner_uid

    @property
    def image(self) -> str:
        return self.template.spec.containers[0].image

    @property
    def container(self) -> str:
        return self.template.spec.containers[0].name


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


class PodIndex:
    """Every pod by (namespace, name), the pods of each owning ReplicaSet by UID, and the
    orphans (pods no ReplicaSet controls: bare pods, released or orphaned ones).

    An orphan's ``owner`` is empty and its ``owner_uid`` is its own UID, so every
    reader that groups pods by owner (endpoints, the recorder) sees it alone.
    """

    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], PodRecord] = {}
        self._by_owner: dict[str, ReplicaSetPods] = {}
        #: Orphan pods not yet gone, by UID, in the order they became orphans.
        self.orphans: dict[str, PodRecord] = {}

    def disown(self, pod: PodRecord) -> None:
        """Take ``pod`` out of its ReplicaSet's buckets and counters: it is an orphan now
        (``ReleasePod``, or its ReplicaSet deleted with ``--cascade=orphan``)."""
        pods = self._by_owner.get(pod.owner_uid)
        if pods is not None and pod.owner:
            if pod.bucket is not None:
                del pod.bucket[pod.uid]
            elif pod.deleted_at is not None:
                pods.terminating -= 1
            if pod.counted_available:
                pods.available -= 1
            pods.waiting.pop(pod.uid, None)
        pod.bucket = None
        pod.counted_available = False
        pod.owner = ""
        pod.owner_uid = pod.uid
        pod.own_labels = True
        self.orphans[pod.uid] = pod

    def adopt(self, pod: PodRecord, owner: str, owner_uid: str) -> ReplicaSetPods:
        """Make the orphan ``pod`` one of ``owner``'s pods (``AdoptPod``); its availability
        is judged again against the new owner's minReadySeconds. Returns the owner's pods."""
        del self.orphans[pod.uid]
        pod.owner = owner
        pod.owner_uid = owner_uid
        pod.available = False
        pods = self.owner_pods(owner_uid)
        pods.place(pod)
        return pods

    def of_owner(self, owner_uid: str) -> ReplicaSetPods | None:
        """The pods of a ReplicaSet, if any are left; never adds an entry."""
        return self._by_owner.get(owner_uid)

    def owner_pods(self, owner_uid: str) -> ReplicaSetPods:
        """The pods of a ReplicaSet, an empty entry made on first use."""
        pods = self._by_owner.get(owner_uid)
        if pods is None:
            pods = self._by_owner[owner_uid] = ReplicaSetPods()
        return pods

    def forget_owner(self, owner_uid: str) -> None:
        """Drop a ReplicaSet's entry once it and all its pods are gone."""
        del self._by_owner[owner_uid]
