"""``kubectl label`` as a function of the store and the kubelet.

Mirrors kubectl's pkg/cmd/label (``labelFunc`` then a JSON merge patch of
``metadata.labels``): the patched object is validated as any write is, and a
Deployment whose template is not touched does not roll. A pod the ReplicaSet
controller made lives in the kubelet's index rather than the store, so its new
labels go through ``Kubelet.relabel``, which is how a pod relabelled out of its
ReplicaSet's selector is released (``ReleasePod``) and replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rollsim.api.errors import ValidationError, not_found
from rollsim.api.kinds import KindInfo
from rollsim.api.meta import ObjectMeta
from rollsim.api.validation import validate_object_meta
from rollsim.kubelet import Kubelet
from rollsim.verbs.apply import patch
from rollsim.world.store import Store

__all__ = ["relabel"]


def relabel(
    store: Store,
    kubelet: Kubelet,
    info: KindInfo,
    namespace: str,
    name: str,
    labels: Mapping[str, str | None],
    max_pods: int,
) -> Any:
    """Set each label given a value and remove each given ``None``; returns the object as
    stored after. Raises ``NotFoundError`` or ``ValidationError`` before any change."""
    namespace = namespace if info.namespaced else ""
    stored = store.get(info.store_key, namespace, name)
    if stored is not None:
        return patch(store, stored, {"metadata": {"labels": dict(labels)}}, max_pods)
    pod = kubelet.pods.get((namespace, name)) if info.kind == "Pod" else None
    if pod is None or pod.deleted_at is not None:
        raise not_found(info.resource, name)
    current = kubelet.view(pod)
    wanted = {k: v for k, v in {**current.metadata.labels, **labels}.items() if v is not None}
    problems = validate_object_meta(ObjectMeta(name=name, labels=wanted))
    if problems:
        raise ValidationError(problems, "Pod", name)
    if wanted != dict(current.metadata.labels):
        kubelet.relabel(pod, wanted)
    return kubelet.view(pod)
