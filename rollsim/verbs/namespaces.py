"""Namespaces as the API server guards them: the NamespaceLifecycle admission plugin
and the namespace registry's graceful delete.

Mirrors k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle (``Admit``: the
immortal namespaces may not be deleted, nothing new is created in a missing or
terminating namespace) and pkg/registry/core/namespace/storage (``Delete``: a
Namespace whose ``spec.finalizers`` is not empty is only marked, with a
deletionTimestamp and phase Terminating; the namespace controller,
``rollsim.controllers.namespace``, empties it and then removes it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rollsim.api.errors import not_found
from rollsim.api.inert import InertObject
from rollsim.verbs.status import forbidden
from rollsim.world.store import Store

__all__ = [
    "IMMORTAL_NAMESPACES",
    "KUBERNETES_FINALIZER",
    "check_create",
    "delete_namespace",
    "is_terminating",
    "with_phase",
]

#: The namespaces the lifecycle plugin refuses to delete (``immortalNamespaces``).
IMMORTAL_NAMESPACES = ("default", "kube-public", "kube-system")
#: The namespace controller's token in ``spec.finalizers`` (``FinalizerKubernetes``).
KUBERNETES_FINALIZER = "kubernetes"


def is_terminating(namespace: Any) -> bool:
    """Whether the Namespace is being deleted (its phase is Terminating)."""
    return namespace is not None and namespace.metadata.deletion_timestamp is not None


def check_create(store: Store, namespace: str, resource: str, name: str) -> None:
    """The lifecycle plugin's check of a create in ``namespace``: NotFound when there is
    no such namespace, Forbidden (naming the object created) while it terminates."""
    current = store.get("Namespace", "", namespace)
    if current is None:
        raise not_found("namespaces", namespace)
    if is_terminating(current):
        raise forbidden(
            resource,
            name,
            f"unable to create new content in namespace {namespace} because it is being terminated",
        )


def with_phase(namespace: InertObject, phase: str) -> InertObject:
    """The Namespace with ``status.phase`` set."""
    status = {**(namespace.content.get("status") or {}), "phase": phase}
    return replace(namespace, content={**namespace.content, "status": status})


def delete_namespace(store: Store, name: str, now: float) -> None:
    """The DELETE of a Namespace: refused for an immortal one; one with finalizers is
    marked Terminating (a second DELETE changes nothing), one without goes at once."""
    if name in IMMORTAL_NAMESPACES:
        raise forbidden("namespaces", name, "this namespace may not be deleted")
    current = store.get("Namespace", "", name)
    if current is None:
        raise not_found("namespaces", name)
    if is_terminating(current):
        return
    if not (current.content.get("spec") or {}).get("finalizers"):
        store.delete("Namespace", "", name)
        return
    marked = replace(current, metadata=replace(current.metadata, deletion_timestamp=now))
    store.update(with_phase(marked, "Terminating"))
