"""The garbage collector: a deleted workload's ReplicaSets go with it.

Mirrors pkg/controller/garbagecollector for what rollouts need: when an owner
(a Deployment or an Argo Rollout) is deleted with background propagation, the
dependents whose controller reference names it are deleted too; their pods
follow through the ReplicaSet controller. Deletion is immediate here: no
finalizers, no foreground or orphan propagation.
"""

from __future__ import annotations

from typing import Any

from rollsim.api.apps import ReplicaSet
from rollsim.controllers.context import ControllerContext
from rollsim.world.store import Store

__all__ = ["GarbageCollector", "start"]

#: Kinds whose dependents are ReplicaSets they control.
OWNER_KINDS = ("Deployment", "Rollout")


class GarbageCollector:
    """Deletes the ReplicaSets of every deleted owner."""

    def __init__(self, store: Store) -> None:
        self._store = store
        for kind in OWNER_KINDS:
            store.on(kind, self._owner_written)

    def _owner_written(self, old: Any, new: Any) -> None:
        if new is not None or old is None:
            return
        for rs in self._store.owned_replica_sets(old.metadata.uid):
            self._store.delete(ReplicaSet, rs.metadata.namespace, rs.metadata.name)


def start(ctx: ControllerContext) -> GarbageCollector:
    """``startGarbageCollectorController``."""
    return GarbageCollector(ctx.store)
