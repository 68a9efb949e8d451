"""Which ReplicaSets a Rollout controls: the controller-ref manager's claim.

Mirrors argo-rollouts rollout/replicaset.go (``getReplicaSetsForRollouts``:
``ClaimReplicaSets`` over every ReplicaSet of the Rollout's namespace, through
the controller-ref manager Kubernetes' Deployment controller uses) and the
orphan half of its ReplicaSet event handler (an orphan is offered to every
Rollout of its namespace whose selector matches it). The rules are
``controller_utils.claim_object``'s: an orphan the selector matches is adopted
(this Rollout its controller), an owned one it no longer matches is released.
The revision then continues from an adopted ReplicaSet's
``rollout.argoproj.io/revision``, as ``rollout_revision`` reads it; a
Deployment's ReplicaSet carries none, so it counts as revision 0.
"""

from __future__ import annotations

from dataclasses import replace

from rollsim.api.apps import ReplicaSet
from rollsim.api.argo import Rollout
from rollsim.api.meta import controller_of
from rollsim.controllers.controller_utils import (
    claim_object,
    controller_ref,
    with_owner,
    without_owner,
)
from rollsim.world.store import Store

__all__ = ["RolloutReplicaSets"]


class RolloutReplicaSets:
    """The orphan ReplicaSets of each namespace, and the claim a sync makes over them."""

    def __init__(self, store: Store) -> None:
        self._store = store
        #: Orphan ReplicaSets by namespace and name: the candidates for adoption.
        self._orphans: dict[str, dict[str, ReplicaSet]] = {}

    def written(self, old: ReplicaSet | None, new: ReplicaSet | None) -> list[tuple[str, str]]:
        """Keep the orphan index; the keys of the Rollouts that should sync: the
        ReplicaSet's controller, one it left (released, or taken by another
        controller), and, for an orphan that appeared or whose labels changed, every
        Rollout selecting it (``getRolloutsForReplicaSet``)."""
        for rs in (old, new):
            if rs is not None:
                self._orphans.get(rs.metadata.namespace, {}).pop(rs.metadata.name, None)
        old_ref = controller_of(old) if old is not None else None
        new_ref = controller_of(new) if new is not None else None
        written = new if new is not None else old
        assert written is not None
        current = controller_of(written)
        keys: list[tuple[str, str]] = []
        if current is not None and current.kind == "Rollout":
            keys.append((written.metadata.namespace, current.name))
        left = old_ref is not None and (new_ref is None or new_ref.uid != old_ref.uid)
        if old is not None and old_ref is not None and left and old_ref.kind == "Rollout":
            keys.append((old.metadata.namespace, old_ref.name))
        if new is None or new_ref is not None:
            return keys
        self._orphans.setdefault(new.metadata.namespace, {})[new.metadata.name] = new
        if old is None or old_ref is not None or old.metadata.labels != new.metadata.labels:
            keys += [
                (r.metadata.namespace, r.metadata.name)
                for r in self._store.list(Rollout, new.metadata.namespace)
                if r.spec.selector is not None
                and not r.spec.selector.empty
                and r.spec.selector.matches(new.metadata.labels)
            ]
        return keys

    def claim(self, r: Rollout) -> list[ReplicaSet]:
        """``getReplicaSetsForRollouts``: the ReplicaSets ``r`` controls once it has
        adopted the orphans its selector matches and released the owned ones it no
        longer matches (no event for either, as upstream). A Rollout without a
        selector claims nothing new and keeps what it owns."""
        owned = self._store.owned_replica_sets(r.metadata.uid)
        selector = r.spec.selector
        if selector is None or selector.empty:
            return owned
        deleting = r.metadata.deletion_timestamp is not None
        orphans = self._orphans.get(r.metadata.namespace, {})
        claimed: list[ReplicaSet] = []
        for rs in [*owned, *(orphans[name] for name in sorted(orphans))]:
            action = claim_object(
                r.metadata, rs.metadata, selector.matches(rs.metadata.labels), deleting
            )
            if action == "claimed":
                claimed.append(rs)
            elif action == "release":
                self._store.update(replace(rs, metadata=without_owner(rs.metadata, r.metadata.uid)))
            elif action == "adopt":
                ref = controller_ref(r.api_version, "Rollout", r.metadata)
                claimed.append(
                    self._store.update(replace(rs, metadata=with_owner(rs.metadata, ref)))
                )
        return claimed
