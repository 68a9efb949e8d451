"""The simulation budget: the most pods the workloads of one cluster may ask for.

This is rollsim's own limit, not the API server's: Kubernetes takes
``replicas: 1000000000`` (an int32) and leaves the scheduler to cope, but an
in-memory simulation that accepted it would spend half a minute and gigabytes
before failing with ``MemoryError``. Every verb that writes a workload (apply,
patch, scale) asks ``check`` first, so an absurd size is refused at once with
the field that asked for it, and nothing is written.

The count is what a rollout may create, summed over every workload of the
cluster: a Deployment's replicas plus its surge (``MaxSurge``, at most one
more copy of the replicas), an Argo Rollout's replicas plus its canary
(surge or ``setCanaryScale.replicas``) or its blue-green preview, a
standalone ReplicaSet's replicas, and for a Flagger Canary whose
``<target>-primary`` does not exist yet, the copy Flagger will create of its
target. A workload whose ReplicaSets already ask for more (it was just scaled
down) counts what they ask for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from rollsim.api.errors import FieldError, ValidationError
from rollsim.api.meta import controller_of
from rollsim.controllers.deployment import util as deployment_util
from rollsim.controllers.rollout import replicas as argo_replicas
from rollsim.world.store import Store

__all__ = ["DEFAULT_MAX_PODS", "Demand", "check"]

#: The default of ``Cluster(max_pods=...)``, the "few million" issue 11 asks for. Measured:
#: a rolling update of 10^5 replicas (125,000 pods at its peak) takes 14 s and peaks at
#: 0.5 GB, about 4 KB per pod, so two million pods is about 8 GB and a few minutes: the
#: most a large workstation can simulate, and 13 times Kubernetes' own scalability
#: target of 150,000 pods per cluster. Beyond it a run would only end in MemoryError.
DEFAULT_MAX_PODS = 2_000_000

#: The kinds whose writes can change the count.
BUDGETED_KINDS = frozenset({"Deployment", "ReplicaSet", "Rollout", "Canary"})

Key = tuple[str, str, str]


class Demand(NamedTuple):
    """The most pods one object may bring into being, and the field that asks for them."""

    pods: int
    field: str
    value: Any


def check(store: Store, written: Iterable[Any], max_pods: int) -> None:
    """Refuse the writes ``written`` (objects not yet stored) if the cluster would then
    ask for more than ``max_pods`` pods and they ask for more than before.

    Raises ``ValidationError`` naming the field of the written object that asks
    for the most; a write that lowers the count always passes.
    """
    pending = {_key(obj): obj for obj in written if obj.kind in BUDGETED_KINDS}
    if not pending:
        return
    for key, obj in pending.items():
        # One field alone over the budget and growing: refused before any surge
        # arithmetic, which a 10^25 replica count would make slow.
        old = store.get(*key)
        was = dict(_size_fields(old)) if old is not None else {}
        for field, value in _size_fields(obj):
            if value > max_pods and value > was.get(field, 0):
                _refuse(obj, Demand(value, field, value), None, max_pods)
    after = {**{_key(o): o for o in _workloads(store)}, **pending}
    total = sum(_demand(store, obj, after).pods for obj in after.values())
    if total <= max_pods:
        return
    demands = {key: _demand(store, obj, after) for key, obj in pending.items()}
    before = sum(
        _demand(store, old, after).pods
        for old in (store.get(kind, ns, name) for kind, ns, name in pending)
        if old is not None
    )
    if sum(d.pods for d in demands.values()) <= before:
        return
    key, demand = max(demands.items(), key=lambda item: item[1].pods)
    _refuse(pending[key], demand, total, max_pods)


def _refuse(obj: Any, demand: Demand, total: int | None, max_pods: int) -> None:
    """Raise the budget's ``ValidationError``; ``total`` is the cluster's count when
    the other workloads (or the surge) are what tip it over."""
    detail = (
        f"exceeds the simulation budget of {max_pods} pods (Cluster(max_pods=...), "
        "rollsim's own limit)"
    )
    if total is not None:
        detail += f": with surge and the other workloads the cluster could run {total} pods"
    raise ValidationError(
        [FieldError("Invalid value", demand.field, detail, demand.value)],
        obj.kind,
        obj.metadata.name,
    )


def _key(obj: Any) -> Key:
    return (obj.kind, obj.metadata.namespace or "default", obj.metadata.name)


def _workloads(store: Store) -> Iterator[Any]:
    for kind in sorted(BUDGETED_KINDS):
        yield from store.list(kind)


def _size_fields(obj: Any) -> Iterator[tuple[str, int]]:
    """Every integer field of ``obj`` that is itself a pod count."""
    spec = getattr(obj, "spec", None)
    replicas = getattr(spec, "replicas", None)
    if isinstance(replicas, int):
        yield "spec.replicas", replicas
    if obj.kind != "Rollout":
        return
    canary, blue_green = obj.spec.strategy.canary, obj.spec.strategy.blue_green
    if canary is not None:
        for index, step in enumerate(canary.steps):
            scale = step.set_canary_scale
            if scale is not None and isinstance(scale.replicas, int):
                path = f"spec.strategy.canary.steps[{index}].setCanaryScale.replicas"
                yield path, scale.replicas
    if blue_green is not None and isinstance(blue_green.preview_replica_count, int):
        yield "spec.strategy.blueGreen.previewReplicaCount", blue_green.preview_replica_count


def _demand(store: Store, obj: Any, workloads: dict[Key, Any]) -> Demand:
    """What ``obj`` may run, given the cluster's ``workloads`` after the writes."""
    if obj.kind == "Canary":
        return _flagger_primary(obj, workloads)
    if obj.kind == "ReplicaSet":
        if controller_of(obj) is not None:
            return Demand(0, "spec.replicas", obj.replicas)  # its owner counts it
        return Demand(obj.replicas, "spec.replicas", obj.replicas)
    peak = _deployment_peak(obj) if obj.kind == "Deployment" else _rollout_peak(obj)
    if obj.metadata.uid:
        owned = store.owned_replica_sets(obj.metadata.uid)
        peak = max(peak, sum(workloads.get(_key(rs), rs).replicas for rs in owned))
    return Demand(peak, "spec.replicas", obj.replicas)


def _deployment_peak(d: Any) -> int:
    """Replicas plus ``MaxSurge``; the surge never makes more than one new copy."""
    return int(d.replicas + min(deployment_util.max_surge(d), d.replicas))


def _rollout_peak(r: Any) -> int:
    """Replicas plus the canary (surge or ``setCanaryScale``) or the blue-green preview."""
    replicas: int = r.replicas
    canary, blue_green = r.spec.strategy.canary, r.spec.strategy.blue_green
    if canary is not None:
        surge = argo_replicas.max_surge(
            argo_replicas.CANARY, r.spec.replicas, canary.max_surge, canary.max_unavailable
        )
        scaled: list[int] = [
            step.set_canary_scale.replicas
            for step in canary.steps
            if step.set_canary_scale is not None and step.set_canary_scale.replicas is not None
        ]
        return replicas + max([min(surge, replicas), *scaled])
    if blue_green is not None:
        preview = blue_green.preview_replica_count
        return replicas + (replicas if preview is None else preview)
    return replicas


def _flagger_primary(c: Any, workloads: dict[Key, Any]) -> Demand:
    """Flagger copies its target into ``<target>-primary``: until that exists, the copy
    is still to come and counts as a second target."""
    namespace = c.metadata.namespace or "default"
    target_name = c.spec.target_ref.name
    target = workloads.get(("Deployment", namespace, target_name))
    if target is None or ("Deployment", namespace, f"{target_name}-primary") in workloads:
        return Demand(0, "spec.targetRef.name", target_name)
    return Demand(_deployment_peak(target), "spec.targetRef.name", target_name)
