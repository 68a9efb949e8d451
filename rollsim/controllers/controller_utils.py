"""Helpers shared by the workload controllers.

Mirrors pkg/controller/controller_utils.go (``ComputeHash``,
``FilterActiveReplicaSets``, the ReplicaSet sort orders, ``ActivePodsWithRanks``),
``IsPodAvailable`` from pkg/api/v1/pod, and the decisions of
pkg/controller/controller_ref_manager.go (``ClaimObject``, the adoption and
release patches), which the Deployment and ReplicaSet controllers carry out.
Timestamps are simulated seconds.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rollsim.api.apps import ReplicaSet
from rollsim.api.core import PodTemplateSpec
from rollsim.api.meta import ObjectMeta, OwnerReference
from rollsim.api.wire import encode

__all__ = [
    "ClaimAction",
    "PodRankKey",
    "claim_object",
    "compute_hash",
    "controller_ref",
    "filter_active_replica_sets",
    "is_pod_available",
    "pod_deletion_less",
    "replica_sets_by_creation",
    "replica_sets_by_size_newer",
    "replica_sets_by_size_older",
    "safe_encode_string",
    "sort_pods_for_deletion",
    "with_owner",
    "without_owner",
]

_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def safe_encode_string(text: str) -> str:
    """``rand.SafeEncodeString``: map each character onto a vowel-free alphabet."""
    return "".join(_ALPHANUMS[ord(ch) % len(_ALPHANUMS)] for ch in text)


def _fnv1a32(data: bytes) -> int:
    h = _FNV32_OFFSET
    for byte in data:
        h = ((h ^ byte) * _FNV32_PRIME) & 0xFFFFFFFF
    return h


def compute_hash(template: PodTemplateSpec, collision_count: int | None) -> str:
    """The pod-template-hash of a (defaulted) template, as ``controller.ComputeHash``.

    Upstream feeds FNV-1a 32 with a Go-specific dump of the struct, which
    cannot be reproduced outside Go; rollsim feeds it the canonical JSON of
    the template instead, so hashes are deterministic, differ whenever the
    template differs, and are spelled in upstream's alphabet. A non-nil
    collision count appends its little-endian uint32 and four zero bytes,
    so nil and 0 give different hashes, as upstream.
    """
    # A lone surrogate (Python text that is not UTF-8) is hashed as its code
    # point rather than refused: the hash must not fail where Go's would not.
    payload = json.dumps(
        encode(template), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8", "surrogatepass")
    if collision_count is not None:
        payload += (collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\x00" * 4
    return safe_encode_string(str(_fnv1a32(payload)))


def filter_active_replica_sets(replica_sets: Iterable[ReplicaSet | None]) -> list[ReplicaSet]:
    """ReplicaSets with ``spec.replicas > 0``."""
    return [rs for rs in replica_sets if rs is not None and rs.replicas > 0]


def _created(rs: ReplicaSet) -> float:
    ts = rs.metadata.creation_timestamp
    return -math.inf if ts is None else ts


def replica_sets_by_creation(replica_sets: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """``ReplicaSetsByCreationTimestamp``: oldest first, ties by name."""
    return sorted(replica_sets, key=lambda rs: (_created(rs), rs.metadata.name))


def replica_sets_by_size_older(replica_sets: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """``ReplicaSetsBySizeOlder``: largest first, ties oldest first."""
    return sorted(replica_sets, key=lambda rs: (-rs.replicas, _created(rs), rs.metadata.name))


def replica_sets_by_size_newer(replica_sets: Sequence[ReplicaSet]) -> list[ReplicaSet]:
    """``ReplicaSetsBySizeNewer``: largest first, ties newest first."""
    by_age = replica_sets_by_creation(replica_sets)
    rank = {id(rs): i for i, rs in enumerate(by_age)}
    return sorted(replica_sets, key=lambda rs: (-rs.replicas, -rank[id(rs)]))


def is_pod_available(
    ready: bool, ready_since: float | None, min_ready_seconds: float, now: float
) -> bool:
    """``IsPodAvailable`` (newest upstream: the minReadySeconds boundary is inclusive).

    ``ready_since`` is the Ready condition's lastTransitionTime; ``None`` is
    Go's zero time, which never satisfies a positive minReadySeconds.
    """
    if not ready:
        return False
    if min_ready_seconds == 0:
        return True
    if ready_since is None:
        return False
    return ready_since + min_ready_seconds <= now


_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


@dataclass(frozen=True)
class PodRankKey:
    """What ``ActivePodsWithRanks.Less`` compares, for one pod (times may be ``None``: zero)."""

    uid: str
    node_name: str
    phase: str
    ready: bool
    ready_since: float | None
    created: float | None
    restarts: int = 0
    deletion_cost: int = 0
    rank: int = 0


def _after_or_zero(t1: float | None, t2: float | None) -> bool:
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def _log_rank(now: float, t: float) -> int:
    """``int64(math.Log2(now - t in ns))``, or -1 when there is no gap."""
    gap_ns = round((now - t) * 1e9)
    return gap_ns.bit_length() - 1 if gap_ns > 0 else -1


def _newer_first(
    t1: float | None, t2: float | None, uid1: str, uid2: str, now: float | None
) -> bool:
    if now is None or t1 is None or t2 is None:
        return _after_or_zero(t1, t2)
    diff = _log_rank(now, t1) - _log_rank(now, t2)
    if diff == 0:
        return uid1 < uid2
    return diff < 0


def pod_deletion_less(a: PodRankKey, b: PodRankKey, now: float | None) -> bool:
    """``ActivePodsWithRanks.Less``: should ``a`` be deleted before ``b``?

    Rules in order: unscheduled first; Pending < Unknown < Running; not ready
    first; lower pod-deletion-cost first; higher rank (doubled-up) first; of
    two ready pods the more recently ready first; more restarts first; newer
    creation first. With ``now`` set (LogarithmicScaleDown, on by default)
    times compare by ``floor(log2(age in ns))`` and a shared bucket is won by
    the smaller UID; ``now=None`` gives the legacy ``ActivePods`` order.
    """
    if a.node_name != b.node_name and (not a.node_name or not b.node_name):
        return not a.node_name
    pa, pb = _PHASE_RANK.get(a.phase, 0), _PHASE_RANK.get(b.phase, 0)
    if pa != pb:
        return pa < pb
    if a.ready != b.ready:
        return not a.ready
    if a.deletion_cost != b.deletion_cost:
        return a.deletion_cost < b.deletion_cost
    if a.rank != b.rank:
        return a.rank > b.rank
    if a.ready and b.ready and a.ready_since != b.ready_since:
        return _newer_first(a.ready_since, b.ready_since, a.uid, b.uid, now)
    if a.restarts != b.restarts:
        return a.restarts > b.restarts
    if a.created != b.created:
        return _newer_first(a.created, b.created, a.uid, b.uid, now)
    return False


def sort_pods_for_deletion(pods: Iterable[PodRankKey], now: float | None) -> list[PodRankKey]:
    """Pods in the order the ReplicaSet controller deletes them."""

    def compare(a: PodRankKey, b: PodRankKey) -> int:
        if pod_deletion_less(a, b, now):
            return -1
        if pod_deletion_less(b, a, now):
            return 1
        return 0

    return sorted(pods, key=functools.cmp_to_key(compare))


#: What ``claim_object`` decides for one object.
ClaimAction = Literal["claimed", "adopt", "release", "ignore"]


def claim_object(
    owner_meta: ObjectMeta, obj_meta: ObjectMeta, matches: bool, owner_deleting: bool
) -> ClaimAction:
    """``baseControllerRefManager.ClaimObject`` (pkg/controller/controller_ref_manager.go).

    ``claimed``: already controlled by the owner and still selected, even while
    the owner is being deleted (claiming what one owns takes no action);
    ``release``: controlled by the owner but no longer selected, unless the
    owner is being deleted; ``adopt``: an orphan the owner selects, in its
    namespace, neither of them being deleted (``RecheckDeletionTimestamp`` is
    ``owner_deleting`` read fresh from the store); ``ignore`` otherwise,
    including an object another controller owns.
    """
    ref = next((r for r in obj_meta.owner_references if r.controller), None)
    if ref is not None:
        if ref.uid != owner_meta.uid:
            return "ignore"
        if matches:
            return "claimed"
        return "ignore" if owner_deleting else "release"
    if owner_deleting or not matches or obj_meta.deletion_timestamp is not None:
        return "ignore"
    if owner_meta.namespace and owner_meta.namespace != obj_meta.namespace:
        return "ignore"
    return "adopt"


def controller_ref(api_version: str, kind: str, meta: ObjectMeta) -> OwnerReference:
    """The owner reference ``AdoptReplicaSet``/``AdoptPod`` patch in: controller and
    blockOwnerDeletion both true."""
    return OwnerReference(
        api_version=api_version,
        kind=kind,
        name=meta.name,
        uid=meta.uid,
        controller=True,
        block_owner_deletion=True,
    )


def with_owner(meta: ObjectMeta, ref: OwnerReference) -> ObjectMeta:
    """The metadata after the adoption patch: ``ref`` merged into ownerReferences by UID
    (a strategic merge patch keeps every other owner reference)."""
    kept = tuple(r for r in meta.owner_references if r.uid != ref.uid)
    return replace(meta, owner_references=(*kept, ref))


def without_owner(meta: ObjectMeta, owner_uid: str) -> ObjectMeta:
    """The metadata after ``ReleaseReplicaSet``/``ReleasePod``'s ``$patch: delete`` of the
    owner reference with ``owner_uid``."""
    kept = tuple(r for r in meta.owner_references if r.uid != owner_uid)
    return replace(meta, owner_references=kept)
