"""``kubectl delete`` with ``--cascade``, as a function of the store and the kubelet.

Mirrors kubectl's pkg/cmd/delete (``parseCascadingFlag``: ``background``,
``foreground`` or ``orphan``, and the deprecated boolean spellings) and the
API server's DELETE of one object with that propagation policy, whose
foreground and orphan halves the garbage collector finishes
(``rollsim.controllers.garbagecollector``). A pod is deleted by its kubelet:
it has no dependents, so every policy is the same graceful termination.
"""

from __future__ import annotations

from typing import Any, cast

from rollsim.api.errors import InvalidOperation, not_found
from rollsim.api.kinds import KindInfo
from rollsim.controllers.garbagecollector import Propagation, delete_object
from rollsim.kubelet import Kubelet
from rollsim.verbs.namespaces import delete_namespace
from rollsim.world.store import Store

__all__ = ["CASCADE_VALUES", "delete", "parse_cascade"]

#: What ``--cascade`` accepts by name, in the order kubectl's message lists them.
CASCADE_VALUES = ("background", "foreground", "orphan")

#: ``strconv.ParseBool``'s spellings: true is background, false is orphan.
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def _invalid(value: str) -> InvalidOperation:
    return InvalidOperation(
        f'invalid cascade value ({value}). Must be "background", "foreground", or "orphan"'
    )


def parse_cascade(value: str) -> tuple[Propagation, str | None]:
    """``parseCascadingFlag``: the propagation policy ``--cascade=value`` means, and the
    deprecation warning kubectl writes to stderr for a boolean value (else ``None``).

    Raises ``InvalidOperation`` with kubectl's message for any other value; kubectl
    prints it as ``error: <message>`` and exits 1.
    """
    for spellings, policy in ((_TRUE, "background"), (_FALSE, "orphan")):
        if value in spellings:
            warning = (
                f"warning: --cascade={value} is deprecated (boolean value) and can be "
                f"replaced with --cascade={policy}."
            )
            return cast(Propagation, policy), warning
    if value not in CASCADE_VALUES:
        raise _invalid(value)
    return cast(Propagation, value), None


def delete(
    store: Store,
    kubelet: Kubelet,
    info: KindInfo,
    namespace: str,
    name: str,
    cascade: str,
    now: float,
    grace: int | None = None,
) -> None:
    """Delete one object with ``cascade`` (``background``, ``foreground`` or ``orphan``).

    ``grace`` (``DeleteOptions.gracePeriodSeconds``) replaces a pod's own
    terminationGracePeriodSeconds, 0 deleting it at once; only pods delete
    gracefully, so other kinds ignore it, as their registries do.

    Raises ``InvalidOperation`` (kubectl's words) for another cascade value and
    ``NotFoundError`` (the API server's) when there is no such object, both
    before anything changes. A Namespace is marked Terminating for the namespace
    controller to empty (``delete_namespace``); an immortal one is ``Forbidden``.
    """
    if cascade not in CASCADE_VALUES:
        raise _invalid(cascade)
    if info.kind == "Pod":
        pod = kubelet.pods.get((namespace, name))
        if pod is None or pod.deleted_at is not None:
            raise not_found("pods", name)
        kubelet.terminate(pod, grace)
        return
    if info.kind == "Namespace":
        delete_namespace(store, name, now)
        return
    obj: Any = store.get(info.store_key, namespace if info.namespaced else "", name)
    if obj is None:
        raise not_found(info.resource, name)
    delete_object(store, obj, cast(Propagation, cascade), now)
