"""The namespace controller: empties a Terminating namespace, then removes it.

Mirrors pkg/controller/namespace: ``enqueueNamespace`` queues a namespace
marked for deletion after ``namespaceDeletionGracePeriod`` (5 s, for late
creates to land); ``namespacedResourcesDeleter.Delete`` then sets phase
Terminating if it is not, deletes every object in the namespace with
background propagation (``deleteAllContent``: workloads, inert objects, and
the pods, which terminate gracefully), and while anything remains requeues
after half the estimate plus a second (``ResourcesRemainingError``: the pods'
longest ``terminationGracePeriodSeconds``, 15 s for an object held by a
finalizer). Once the namespace is empty it removes its ``kubernetes``
finalizer (``finalizeNamespace``) and, none being left, the Namespace itself.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from rollsim.api.kinds import KINDS
from rollsim.controllers.context import ControllerContext
from rollsim.controllers.garbagecollector import delete_object
from rollsim.kubelet import Kubelet
from rollsim.verbs.namespaces import KUBERNETES_FINALIZER, is_terminating, with_phase
from rollsim.world.clock import Clock
from rollsim.world.store import Store
from rollsim.world.workqueue import Key, Workqueues

__all__ = ["DELETION_GRACE_PERIOD", "NamespaceController", "start"]

#: ``namespaceDeletionGracePeriod``: how long a namespace marked for deletion waits.
DELETION_GRACE_PERIOD = 5.0
#: ``finalizerEstimateSeconds``: the wait assumed for an object held by a finalizer.
FINALIZER_ESTIMATE = 15
#: The API server's default ``terminationGracePeriodSeconds`` of a pod.
DEFAULT_POD_GRACE = 30


class NamespaceController:
    """Deletes the content of each Terminating namespace, then the namespace."""

    def __init__(self, store: Store, kubelet: Kubelet, queues: Workqueues, clock: Clock) -> None:
        self._store = store
        self._kubelet = kubelet
        self._clock = clock
        self._queue = queues.register("namespace", self.sync)
        store.on("Namespace", self._namespace_written)

    def _namespace_written(self, old: Any, new: Any) -> None:
        """``enqueueNamespace``: only a namespace being deleted is queued, after the grace."""
        if new is not None and is_terminating(new):
            self._queue.add_after(("", new.metadata.name), DELETION_GRACE_PERIOD)

    def sync(self, key: Key) -> None:
        """``namespacedResourcesDeleter.Delete`` for one namespace."""
        name = key[1]
        namespace = self._store.get("Namespace", "", name)
        if namespace is None or not is_terminating(namespace):
            return
        if (namespace.content.get("status") or {}).get("phase") != "Terminating":
            namespace = self._store.update(with_phase(namespace, "Terminating"))
        finalizers = list((namespace.content.get("spec") or {}).get("finalizers") or [])
        if finalizers and KUBERNETES_FINALIZER in finalizers:
            estimate = self._delete_all_content(name)
            if estimate is not None:
                self._queue.add_after(key, float(estimate // 2 + 1))
                return
            finalizers.remove(KUBERNETES_FINALIZER)
            spec = {**(namespace.content.get("spec") or {}), "finalizers": finalizers}
            namespace = self._store.update(
                replace(namespace, content={**namespace.content, "spec": spec})
            )
        if not finalizers:
            self._store.delete("Namespace", "", name)

    def _kinds(self) -> list[str]:
        """Every namespaced kind the store may hold, built-in and learned, by key."""
        learned = self._store.discovery.learned()
        infos = {**KINDS, **{info.store_key: info for info in learned}}
        return sorted(key for key, info in infos.items() if info.namespaced)

    def _delete_all_content(self, namespace: str) -> int | None:
        """``deleteAllContent``: delete what is left in ``namespace``, each object once, with
        background propagation; the estimate in seconds of what remains, None if nothing."""
        now = self._clock.now
        estimate: int | None = None
        for kind in self._kinds():
            for obj in self._store.list(kind, namespace):
                if obj.metadata.deletion_timestamp is None:
                    delete_object(self._store, obj, "background", now)
        if any(self._store.list(kind, namespace) for kind in self._kinds() if kind != "Pod"):
            # What a finalizer still holds (a foreground owner, a custom resource's).
            estimate = FINALIZER_ESTIMATE
        for pod in list(self._kubelet.pods.values()):
            if pod.namespace != namespace:
                continue
            self._kubelet.terminate(pod)
            grace = pod.template.spec.termination_grace_period_seconds
            seconds = DEFAULT_POD_GRACE if grace is None else math.ceil(grace)
            estimate = max(estimate or 0, seconds)
        return estimate


def start(ctx: ControllerContext) -> NamespaceController:
    """``startNamespaceController``."""
    return NamespaceController(ctx.store, ctx.kubelet, ctx.queues, ctx.clock)
