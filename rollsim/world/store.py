"""The API server's object store: what is persisted, and who hears of changes.

Objects are frozen; every write stores a new version with a fresh
resourceVersion, assigns UID and creationTimestamp on create, and bumps
``metadata.generation`` when the spec changed (as the registry strategies of
apps/v1 do; a Service keeps none). A Service created without a ClusterIP gets
the next address of the service range, as the API server's allocator does at
create time, so a rejected write never consumes one.

Handlers play the informers' part: a controller registers ``(old, new)``
handlers for the kinds it watches with ``on``; they run in registration
order after each write, then every catch-all ``watchers`` entry. ReplicaSets
are also indexed by their controller's UID, so a workload finds its
ReplicaSets without a scan.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar, overload

import numpy as np

from rollsim.api.apps import ReplicaSet
from rollsim.api.errors import not_found
from rollsim.api.kinds import Discovery
from rollsim.api.meta import controller_of

__all__ = ["SYSTEM_NAMESPACES", "Handler", "Store", "Watcher"]

#: The node ports the API server hands out (``--service-node-port-range``'s default).
NODE_PORT_RANGE = range(30000, 32768)

#: The namespaces every cluster starts with (kube-apiserver's system namespaces
#: controller and ``default``).
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

T = TypeVar("T")
Watcher = Callable[[str, Any, Any], None]
Handler = Callable[[Any, Any], None]


def _kind_name(kind: type[Any] | str) -> str:
    return kind if isinstance(kind, str) else str(kind.kind)


class Store:
    """Objects by kind, then (namespace, name)."""

    def __init__(
        self,
        new_uid: Callable[[], str],
        clock: Callable[[], float],
        node_ports: np.random.Generator | None = None,
    ) -> None:
        self._objects: dict[str, dict[tuple[str, str], Any]] = {}
        self._owned: dict[str, dict[str, ReplicaSet]] = {}
        self._version = 0
        self._new_uid = new_uid
        self._clock = clock
        self._service_ips = 0
        self._node_ports = node_ports if node_ports is not None else np.random.default_rng(0)
        self._node_ports_taken: set[int] = set()
        self._handlers: dict[str, list[Handler]] = {}
        #: The kinds this cluster serves, the custom ones it learned included.
        self.discovery = Discovery()
        #: Catch-all watchers, told ``(kind, old, new)`` after the kind's handlers.
        self.watchers: list[Watcher] = []

    def on(self, kind: str, handler: Handler) -> None:
        """Call ``handler(old, new)`` after every write of ``kind`` (``old`` is None on
        create, ``new`` None on delete), as an informer's event handler."""
        self._handlers.setdefault(kind, []).append(handler)

    @overload
    def get(self, kind: type[T], namespace: str, name: str) -> T | None: ...
    @overload
    def get(self, kind: str, namespace: str, name: str) -> Any | None: ...
    def get(self, kind: type[Any] | str, namespace: str, name: str) -> Any | None:
        """The object, or None; ``kind`` is an API class (typed) or a kind name."""
        return self._objects.get(_kind_name(kind), {}).get((namespace, name))

    @overload
    def list(self, kind: type[T], namespace: str | None = None) -> builtins.list[T]: ...
    @overload
    def list(self, kind: str, namespace: str | None = None) -> builtins.list[Any]: ...
    def list(self, kind: type[Any] | str, namespace: str | None = None) -> builtins.list[Any]:
        """Objects of ``kind`` (in ``namespace`` if given), sorted by namespace and name."""
        items = self._objects.get(_kind_name(kind), {})
        keys = sorted(k for k in items if namespace is None or k[0] == namespace)
        return [items[k] for k in keys]

    def namespace_exists(self, namespace: str) -> bool:
        """Whether a Namespace of that name is stored (the NamespaceLifecycle admission
        check every namespaced write passes)."""
        return ("", namespace) in self._objects.get("Namespace", {})

    @property
    def resource_version(self) -> int:
        """The last resourceVersion issued (etcd's revision): a failed write issues none."""
        return self._version

    @property
    def cluster_ips_allocated(self) -> int:
        """How many ClusterIPs the allocator has handed out; a rejected write takes none."""
        return self._service_ips

    def _next_version(self) -> str:
        self._version += 1
        return str(self._version)

    def owned_replica_sets(self, owner_uid: str) -> builtins.list[ReplicaSet]:
        """ReplicaSets whose controller is ``owner_uid``, by name."""
        owned = self._owned.get(owner_uid, {})
        return [owned[name] for name in sorted(owned)]

    def create(self, obj: T) -> T | None:
        """Store a new object; ``None`` if the name is taken (AlreadyExists)."""
        kind: str = obj.kind  # type: ignore[attr-defined]
        meta = obj.metadata  # type: ignore[attr-defined]
        key = (meta.namespace, meta.name)
        bucket = self._objects.setdefault(kind, {})
        if key in bucket:
            return None
        stored: Any = replace(
            obj,  # type: ignore[type-var]
            metadata=replace(
                meta,
                uid=meta.uid or self._new_uid(),
                resource_version=self._next_version(),
                creation_timestamp=self._clock(),
                generation=1 if self.discovery.info(kind).versioned else 0,
            ),
        )
        if kind == "Service":
            stored = self._allocate(stored)
        bucket[key] = stored
        self._index(None, stored)
        self._notify(kind, None, stored)
        result: T = stored
        return result

    def _allocate(self, svc: Any) -> Any:
        """A new Service's ClusterIP and, for a NodePort or LoadBalancer Service, a node
        port for each port that names none, as the API server's allocators do at create."""
        spec = svc.spec
        if not spec.cluster_ip:
            spec = replace(spec, cluster_ip=self._next_cluster_ip())
        if spec.type in ("NodePort", "LoadBalancer"):
            self._node_ports_taken.update(p.node_port for p in spec.ports if p.node_port)
            ports = tuple(
                p if p.node_port else replace(p, node_port=self._next_node_port())
                for p in spec.ports
            )
            spec = replace(spec, ports=ports)
        return replace(svc, spec=spec)

    def _reallocate(self, old: Any, new: Any) -> Any:
        """An updated Service: ClusterIP is immutable (a write that leaves it out keeps the
        allocated one), a node port left out keeps the one its port had, and a port
        that has none yet gets one; ports no longer used go back to the range."""
        spec = new.spec
        if not spec.cluster_ip:
            spec = replace(spec, cluster_ip=old.spec.cluster_ip)
        if spec.type in ("NodePort", "LoadBalancer"):
            kept = {(p.port, p.protocol): p.node_port for p in old.spec.ports if p.node_port}
            spec = replace(
                spec,
                ports=tuple(
                    p if p.node_port else replace(p, node_port=kept.get((p.port, p.protocol), 0))
                    for p in spec.ports
                ),
            )
        else:
            spec = replace(spec, ports=tuple(replace(p, node_port=0) for p in spec.ports))
        self._node_ports_taken.difference_update(p.node_port for p in old.spec.ports)
        self._node_ports_taken.update(p.node_port for p in spec.ports if p.node_port)
        return self._allocate(replace(new, spec=spec))

    def _next_node_port(self) -> int:
        """A free port of the node-port range (30000-32767), drawn at random as the
        API server's allocator picks one, from the stream given for it."""
        while True:
            port = NODE_PORT_RANGE[0] + int(self._node_ports.integers(0, len(NODE_PORT_RANGE)))
            if port not in self._node_ports_taken:
                self._node_ports_taken.add(port)
                return port

    def _next_cluster_ip(self) -> str:
        """The next address of the service range (10.96.0.0/12; .1 is the API server)."""
        self._service_ips += 1
        n = self._service_ips + 1
        return f"10.96.{n // 256 % 256}.{n % 256}"

    def update(self, obj: T) -> T:
        """Replace an object; generation goes up when the spec changed.

        Raises ``NotFoundError`` in the API server's words (``canaries.flagger.app
        "x" not found``) when there is no such object, before anything changes.
        """
        kind: str = obj.kind  # type: ignore[attr-defined]
        meta = obj.metadata  # type: ignore[attr-defined]
        key = (meta.namespace, meta.name)
        old = self._objects.get(kind, {}).get(key)
        if old is None:
            raise not_found(self.discovery.info(kind).resource, meta.name)
        versioned = self.discovery.info(kind).versioned
        spec_changed = versioned and hasattr(obj, "spec") and obj.spec != old.spec
        version = self._next_version()
        stored: Any = replace(
            obj,  # type: ignore[type-var]
            metadata=replace(
                meta,
                uid=old.metadata.uid,
                creation_timestamp=old.metadata.creation_timestamp,
                resource_version=version,
                generation=old.metadata.generation + (1 if spec_changed else 0),
            ),
        )
        if kind == "Service":
            stored = self._reallocate(old, stored)
        if stored == replace(old, metadata=replace(old.metadata, resource_version=version)):
            unchanged: T = old
            return unchanged
        self._objects[kind][key] = stored
        self._index(old, stored)
        self._notify(kind, old, stored)
        result: T = stored
        return result

    def delete(self, kind: type[Any] | str, namespace: str, name: str) -> Any | None:
        """Remove an object; returns it, or None when there was none."""
        kind_name = _kind_name(kind)
        old = self._objects.get(kind_name, {}).pop((namespace, name), None)
        if old is not None and kind_name == "Service":
            self._node_ports_taken.difference_update(p.node_port for p in old.spec.ports)
        if old is not None:
            self._index(old, None)
            self._notify(kind_name, old, None)
        return old

    def _index(self, old: Any, new: Any) -> None:
        obj = new if new is not None else old
        if obj.kind != "ReplicaSet":
            return
        if old is not None:
            ref = controller_of(old)
            if ref is not None:
                self._owned.get(ref.uid, {}).pop(old.metadata.name, None)
        if new is not None:
            ref = controller_of(new)
            if ref is not None:
                self._owned.setdefault(ref.uid, {})[new.metadata.name] = new

    def _notify(self, kind: str, old: Any, new: Any) -> None:
        for handler in self._handlers.get(kind, ()):
            handler(old, new)
        for watcher in self.watchers:
            watcher(kind, old, new)
