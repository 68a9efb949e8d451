"""The Deployment verbs: ``set image``, ``scale``, ``rollout pause/resume/restart/undo``.

Mirrors kubectl's pkg/polymorphichelpers (``defaultObjectPauser``,
``defaultObjectResumer``, ``defaultObjectRestarter``, ``DeploymentRollbacker``)
and pkg/cmd/set/set_image.go: each reads the live object, changes the spec and
writes it back; the controllers do the rest. Refusals raise ``InvalidOperation``
with kubectl's words; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from rollsim.api.apps import Deployment
from rollsim.api.errors import InvalidOperation, NotFoundError, ValidationError
from rollsim.api.timefmt import format_time
from rollsim.api.validation import validate_deployment_update
from rollsim.controllers.deployment.rollback import plan_rollback
from rollsim.world.store import Store

__all__ = ["restart", "rollback", "scale", "set_image", "set_paused", "update"]

RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt"


def update(store: Store, current: Any, change: Callable[[Any], Any]) -> Any:
    """Write ``change(current)``, validated as the API server validates an update."""
    desired = change(current)
    if desired.kind == "Deployment":
        problems = validate_deployment_update(desired, current)
        if problems:
            raise ValidationError(problems, desired.kind, desired.metadata.name)
    return store.update(desired)


def scale(store: Store, current: Any, replicas: int) -> Any:
    """``kubectl scale``: set ``spec.replicas`` of a Deployment or ReplicaSet."""
    return update(store, current, lambda o: replace(o, spec=replace(o.spec, replicas=replicas)))


def set_image(store: Store, current: Any, wanted: Mapping[str, str]) -> Any:
    """``kubectl set image``: container name to image; ``*`` means every container."""

    def change(obj: Any) -> Any:
        template = obj.spec.template
        names = {c.name for c in template.spec.containers}
        unknown = sorted(set(wanted) - names - {"*"})
        if unknown:
            raise NotFoundError(f'unable to find container named "{unknown[0]}"')
        containers = tuple(
            replace(c, image=wanted.get(c.name, wanted.get("*", c.image)))
            for c in template.spec.containers
        )
        spec = replace(template.spec, containers=containers)
        return replace(obj, spec=replace(obj.spec, template=replace(template, spec=spec)))

    return update(store, current, change)


def set_paused(store: Store, d: Deployment, paused: bool) -> Deployment:
    """``kubectl rollout pause`` / ``resume``; refused when already in that state."""
    if d.spec.paused == paused:
        state = "already paused" if paused else "not paused"
        raise InvalidOperation(f'deployments.apps "{d.metadata.name}" is {state}')
    updated: Deployment = update(
        store, d, lambda o: replace(o, spec=replace(o.spec, paused=paused))
    )
    return updated


def restart(store: Store, d: Deployment, now: float) -> Deployment:
    """``kubectl rollout restart``: stamp the template with restartedAt (a new revision)."""
    if d.spec.paused:
        raise InvalidOperation("can't restart paused deployment (run rollout resume first)")
    stamp = format_time(now)

    def change(obj: Deployment) -> Deployment:
        template = obj.spec.template
        annotations = {**template.metadata.annotations, RESTARTED_AT_ANNOTATION: stamp}
        metadata = replace(template.metadata, annotations=annotations)
        return replace(obj, spec=replace(obj.spec, template=replace(template, metadata=metadata)))

    updated: Deployment = update(store, d, change)
    return updated


def rollback(store: Store, d: Deployment, to_revision: int) -> str:
    """``kubectl rollout undo``: ``rolled back`` or ``skipped rollback (...)``; raises
    ``InvalidOperation`` with kubectl's message when the revision does not exist."""
    plan = plan_rollback(d, store.owned_replica_sets(d.metadata.uid), to_revision)
    if plan.outcome == "skipped":
        return f"skipped rollback (current template already matches revision {plan.revision})"
    if plan.deployment is None:
        raise InvalidOperation(plan.outcome)
    store.update(plan.deployment)
    return "rolled back"
