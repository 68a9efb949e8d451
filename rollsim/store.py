"""The API server's object store: what is persisted, and who hears of changes.

Objects are frozen; every write stores a new version with a fresh
resourceVersion, assigns UID and creationTimestamp on create, and bumps
``metadata.generation`` when the spec changed (as the registry strategies of
apps/v1 do). Watchers are told ``(kind, old, new)`` after each write, like an
informer's add/update/delete handlers. ReplicaSets are also indexed by their
controller's UID, so a Deployment finds its ReplicaSets without a scan.
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rollsim.api.apps import ReplicaSet

__all__ = ["Store"]

Watcher = Callable[[str, Any, Any], None]

#: Kinds whose registry strategy keeps no ``metadata.generation``.
UNVERSIONED_KINDS = frozenset({"Service"})


def _controller_uid(obj: Any) -> str | None:
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return str(ref.uid)
    return None


class Store:
    """Objects by kind, then (namespace, name)."""

    def __init__(self, new_uid: Callable[[], str], clock: Callable[[], float]) -> None:
        self._objects: dict[str, dict[tuple[str, str], Any]] = {}
        self._owned: dict[str, dict[str, ReplicaSet]] = {}
        self._versions = itertools.count(1)
        self._new_uid = new_uid
        self._clock = clock
        self.watchers: list[Watcher] = []

    def get(self, kind: str, namespace: str, name: str) -> Any | None:
        return self._objects.get(kind, {}).get((namespace, name))

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[Any]:
        """Objects of ``kind`` (in ``namespace`` if given), sorted by namespace and name."""
        items = self._objects.get(kind, {})
        keys = sorted(k for k in items if namespace is None or k[0] == namespace)
        return [items[k] for k in keys]

    def owned_replica_sets(self, owner_uid: str) -> builtins.list[ReplicaSet]:
        """ReplicaSets whose controller is ``owner_uid``, by name."""
        owned = self._owned.get(owner_uid, {})
        return [owned[name] for name in sorted(owned)]

    def create(self, obj: Any) -> Any | None:
        """Store a new object; ``None`` if the name is taken (AlreadyExists)."""
        kind = obj.kind
        key = (obj.metadata.namespace, obj.metadata.name)
        bucket = self._objects.setdefault(kind, {})
        if key in bucket:
            return None
        meta = replace(
            obj.metadata,
            uid=obj.metadata.uid or self._new_uid(),
            resource_version=str(next(self._versions)),
            creation_timestamp=self._clock(),
            generation=0 if kind in UNVERSIONED_KINDS else 1,
        )
        stored = replace(obj, metadata=meta)
        bucket[key] = stored
        self._index(None, stored)
        self._notify(kind, None, stored)
        return stored

    def update(self, obj: Any) -> Any:
        """Replace an object; generation goes up when the spec changed."""
        kind = obj.kind
        key = (obj.metadata.namespace, obj.metadata.name)
        old = self._objects[kind][key]
        spec_changed = (
            hasattr(obj, "spec") and obj.spec != old.spec and kind not in UNVERSIONED_KINDS
        )
        generation = old.metadata.generation + (1 if spec_changed else 0)
        meta = replace(
            obj.metadata,
            uid=old.metadata.uid,
            creation_timestamp=old.metadata.creation_timestamp,
            resource_version=str(next(self._versions)),
            generation=generation,
        )
        stored = replace(obj, metadata=meta)
        if stored == replace(
            old, metadata=replace(old.metadata, resource_version=meta.resource_version)
        ):
            return old
        self._objects[kind][key] = stored
        self._index(old, stored)
        self._notify(kind, old, stored)
        return stored

    def delete(self, kind: str, namespace: str, name: str) -> Any | None:
        old = self._objects.get(kind, {}).pop((namespace, name), None)
        if old is not None:
            self._index(old, None)
            self._notify(kind, old, None)
        return old

    def _index(self, old: Any, new: Any) -> None:
        obj = new if new is not None else old
        if obj.kind != "ReplicaSet":
            return
        if old is not None:
            uid = _controller_uid(old)
            if uid is not None:
                self._owned.get(uid, {}).pop(old.metadata.name, None)
        if new is not None:
            uid = _controller_uid(new)
            if uid is not None:
                self._owned.setdefault(uid, {})[new.metadata.name] = new

    def _notify(self, kind: str, old: Any, new: Any) -> None:
        for watcher in self.watchers:
            watcher(kind, old, new)
