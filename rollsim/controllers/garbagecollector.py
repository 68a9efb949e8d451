"""The garbage collector: owners and dependents, and the three ways to delete an owner.

Mirrors pkg/controller/garbagecollector. As its ``GraphBuilder`` it keeps, from
every write, which objects each owner UID has as dependents (any owner
reference, controller or not); a ReplicaSet's dependents are its pods, read
from the kubelet's index. The API server's half of a DELETE (``BeforeDelete``
with ``deletionFinalizersForGarbageCollection``) is ``delete_object``:

- ``background``: the owner goes at once; its dependents are then deleted
  (``attemptToDeleteItem``), or only lose the dangling reference when another
  owner of theirs still exists. A ReplicaSet's pods go through the ReplicaSet
  controller, as they always have.
- ``foreground``: the owner gets a deletionTimestamp and the
  ``foregroundDeletion`` finalizer and stays listed; its dependents are deleted
  (in the foreground themselves when they have dependents of their own); once
  none with blockOwnerDeletion is left, the finalizer goes and so does the
  owner (``processDeletingDependentsItem``).
- ``orphan``: the owner gets the ``orphan`` finalizer; its dependents lose
  their reference to it and keep running (``orphanDependents``), then it goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

from rollsim.api.kinds import KINDS
from rollsim.controllers.context import ControllerContext
from rollsim.controllers.controller_utils import without_owner
from rollsim.kubelet import Kubelet
from rollsim.pods import PodRecord
from rollsim.world.clock import Clock
from rollsim.world.store import Store

__all__ = [
    "FOREGROUND_FINALIZER",
    "ORPHAN_FINALIZER",
    "GarbageCollector",
    "Propagation",
    "delete_object",
    "start",
]

#: ``metav1.DeletionPropagation``, lower-cased as ``kubectl delete --cascade`` spells it.
Propagation = Literal["background", "foreground", "orphan"]
#: ``metav1.FinalizerDeleteDependents``: the owner waits for its blocking dependents.
FOREGROUND_FINALIZER = "foregroundDeletion"
#: ``metav1.FinalizerOrphanDependents``: the dependents lose their reference first.
ORPHAN_FINALIZER = "orphan"

#: An object's identity in the graph: (kind, namespace, name).
Key = tuple[str, str, str]


def finalizers(obj: Any) -> list[str]:
    """``metadata.finalizers`` (carried opaque in ``extra``)."""
    return list(obj.metadata.extra.get("finalizers") or [])


def _with_finalizers(obj: Any, names: list[str], deleted_at: float | None) -> Any:
    extra = {k: v for k, v in obj.metadata.extra.items() if k != "finalizers"}
    if names:
        extra["finalizers"] = names
    meta = replace(obj.metadata, extra=extra, deletion_timestamp=deleted_at)
    return replace(obj, metadata=meta)


def delete_object(store: Store, obj: Any, propagation: Propagation, now: float) -> None:
    """The API server's DELETE of a stored object with ``propagationPolicy``.

    Background removes it now. Foreground and orphan set its deletionTimestamp
    and add the finalizer the garbage collector acts on (the registry's
    ``deletionFinalizersForGarbageCollection``); the collector hears the update.
    An object already being deleted is left as it is.
    """
    if obj.metadata.deletion_timestamp is not None:
        return
    if propagation == "background":
        store.delete(obj.kind, obj.metadata.namespace, obj.metadata.name)
        return
    finalizer = FOREGROUND_FINALIZER if propagation == "foreground" else ORPHAN_FINALIZER
    store.update(_with_finalizers(obj, [*finalizers(obj), finalizer], now))


class GarbageCollector:
    """Keeps the owner graph and deletes, orphans or waits for dependents."""

    def __init__(self, store: Store, kubelet: Kubelet, clock: Clock) -> None:
        self._store = store
        self._kubelet = kubelet
        self._clock = clock
        #: Owner UID -> its dependents (the object's key -> blockOwnerDeletion).
        self._dependents: dict[str, dict[Key, bool]] = {}
        #: Every stored object's UID -> its key.
        self._uids: dict[str, Key] = {}
        for kind in KINDS:
            store.on(kind, self._handler(kind))
        kubelet.watch(None, self._pod_gone)

    def _handler(self, kind: str) -> Callable[[Any, Any], None]:
        def written(old: Any, new: Any) -> None:
            self._written(kind, old, new)

        return written

    def _written(self, kind: str, old: Any, new: Any) -> None:
        """``GraphBuilder.processGraphChanges``, then what the change asks of the collector."""
        obj = new if new is not None else old
        key = (kind, obj.metadata.namespace, obj.metadata.name)
        if old is not None:
            for ref in old.metadata.owner_references:
                self._dependents.get(ref.uid, {}).pop(key, None)
        if new is None:
            self._uids.pop(old.metadata.uid, None)
            self._owner_gone(old)
            for ref in old.metadata.owner_references:
                self._finish_if_free(ref.uid)
            return
        self._uids[new.metadata.uid] = key
        for ref in new.metadata.owner_references:
            self._dependents.setdefault(ref.uid, {})[key] = ref.block_owner_deletion
        if new.metadata.deletion_timestamp is not None:
            waiting = finalizers(new)
            if ORPHAN_FINALIZER in waiting:
                self._orphan_dependents(new)
            elif FOREGROUND_FINALIZER in waiting:
                self._delete_dependents(new)
                self._finish_if_free(new.metadata.uid)

    def _dependent_objects(self, owner_uid: str) -> list[Any]:
        """The stored dependents of ``owner_uid``, by kind, namespace and name."""
        found = (self._store.get(*key) for key in sorted(self._dependents.get(owner_uid, {})))
        return [obj for obj in found if obj is not None]

    def _owner_gone(self, owner: Any) -> None:
        """``attemptToDeleteItem`` for each dependent of a deleted owner: deleted in the
        background, unless another of its owners still exists (then only the dangling
        reference goes)."""
        uid = owner.metadata.uid
        for dependent in self._dependent_objects(uid):
            others = [r for r in dependent.metadata.owner_references if r.uid != uid]
            if any(r.uid in self._uids for r in others):
                self._store.update(
                    replace(dependent, metadata=without_owner(dependent.metadata, uid))
                )
            else:
                delete_object(self._store, dependent, "background", self._clock.now)

    def _delete_dependents(self, owner: Any) -> None:
        """``processDeletingDependentsItem``: delete every dependent; one that has
        dependents of its own and blocks its owner is deleted in the foreground too.
        A ReplicaSet's pods are deleted by the kubelet."""
        uid = owner.metadata.uid
        now = self._clock.now
        for dependent in self._dependent_objects(uid):
            blocks = self._dependents.get(uid, {}).get(self._key(dependent), False)
            nested = self._has_dependents(dependent.metadata.uid)
            policy: Propagation = "foreground" if blocks and nested else "background"
            delete_object(self._store, dependent, policy, now)
        pods = self._kubelet.index.of_owner(uid)
        if pods is not None:
            for bucket in (pods.unscheduled, pods.pending, pods.running, pods.ready):
                for pod in list(bucket.values()):
                    self._kubelet.terminate(pod)

    def _orphan_dependents(self, owner: Any) -> None:
        """``orphanDependents``: every dependent loses its reference to the owner (a
        ReplicaSet's live pods become orphans), then the finalizer goes and the owner
        with it."""
        uid = owner.metadata.uid
        for dependent in self._dependent_objects(uid):
            self._store.update(replace(dependent, metadata=without_owner(dependent.metadata, uid)))
        pods = self._kubelet.index.of_owner(uid)
        if pods is not None:
            for bucket in (pods.unscheduled, pods.pending, pods.running, pods.ready):
                for pod in list(bucket.values()):
                    self._kubelet.disown(pod)
        self._remove_finalizer(owner, ORPHAN_FINALIZER)

    def _has_dependents(self, uid: str) -> bool:
        pods = self._kubelet.index.of_owner(uid)
        pods_left = pods is not None and (pods.active > 0 or pods.terminating > 0)
        return pods_left or bool(self._dependents.get(uid))

    def _finish_if_free(self, owner_uid: str) -> None:
        """Remove the ``foregroundDeletion`` finalizer of an owner being deleted in the
        foreground once no dependent blocks it; the owner is then gone."""
        key = self._uids.get(owner_uid)
        owner = self._store.get(*key) if key is not None else None
        if owner is None or FOREGROUND_FINALIZER not in finalizers(owner):
            return
        if any(self._dependents.get(owner_uid, {}).values()):
            return
        pods = self._kubelet.index.of_owner(owner_uid)
        if pods is not None and (pods.active > 0 or pods.terminating > 0):
            return
        self._remove_finalizer(owner, FOREGROUND_FINALIZER)

    def _remove_finalizer(self, obj: Any, finalizer: str) -> None:
        """The collector's update without ``finalizer``; with none left, the API server
        removes the object."""
        left = [f for f in finalizers(obj) if f != finalizer]
        if left:
            self._store.update(_with_finalizers(obj, left, obj.metadata.deletion_timestamp))
        else:
            self._store.delete(obj.kind, obj.metadata.namespace, obj.metadata.name)

    def _pod_gone(self, pod: PodRecord) -> None:
        """A pod finished terminating: its ReplicaSet may have been waiting for it."""
        if pod.owner:
            self._finish_if_free(pod.owner_uid)

    @staticmethod
    def _key(obj: Any) -> Key:
        return (obj.kind, obj.metadata.namespace, obj.metadata.name)


def start(ctx: ControllerContext) -> GarbageCollector:
    """``startGarbageCollectorController``."""
    return GarbageCollector(ctx.store, ctx.kubelet, ctx.clock)
