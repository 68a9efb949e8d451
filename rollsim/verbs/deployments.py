"""The Deployment verbs: ``set image``, ``scale``, ``rollout pause/resume/restart/undo``.

Mirrors kubectl's pkg/polymorphichelpers (``defaultObjectPauser``,
``defaultObjectResumer``, ``defaultObjectRestarter``, ``DeploymentRollbacker``)
and pkg/cmd/set/set_image.go: each reads the live object, changes the spec and
writes it back; the controllers do the rest. Refusals raise ``InvalidOperation``
with kubectl's words; nothing is written then.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from rollsim.api.apps import Deployment
from rollsim.api.errors import FieldError, InvalidOperation, NotFoundError, ValidationError
from rollsim.api.kinds import kind_info
from rollsim.api.timefmt import format_time
from rollsim.api.validation import validate_deployment_update
from rollsim.controllers.deployment.rollback import plan_rollback
from rollsim.verbs import budget
from rollsim.verbs.budget import DEFAULT_MAX_PODS
from rollsim.world.store import Store

__all__ = ["restart", "rollback", "scale", "set_image", "set_paused", "update"]

RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt"


def update(
    store: Store, current: Any, change: Callable[[Any], Any], max_pods: int = DEFAULT_MAX_PODS
) -> Any:
    """Write ``change(current)``, validated as the API server validates an update and
    within the simulation budget."""
    desired = change(current)
    if desired.kind == "Deployment":
        problems = validate_deployment_update(desired, current)
    else:
        decoding = kind_info(desired.kind).decoding
        problems = decoding.validate(desired) if decoding is not None else []
    if problems:
        raise ValidationError(problems, desired.kind, desired.metadata.name)
    budget.check(store, [desired], max_pods)
    return store.update(desired)


def scale(store: Store, current: Any, replicas: int, max_pods: int = DEFAULT_MAX_PODS) -> Any:
    """``kubectl scale``: set ``spec.replicas`` of a Deployment, ReplicaSet or Rollout.

    A kind without replicas has no scale subresource: the API server answers
    NotFound, as it does to ``kubectl scale service/x``.
    """
    if not _has_field(current, "replicas"):
        raise NotFoundError("the server could not find the requested resource")
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise ValidationError(
            [
                FieldError(
                    "Invalid value", "spec.replicas", "must be greater than or equal to 0", replicas
                )
            ],
            current.kind,
            current.metadata.name,
        )

    def change(obj: Any) -> Any:
        return replace(obj, spec=replace(obj.spec, replicas=replicas))

    return update(store, current, change, max_pods)


def set_image(store: Store, current: Any, wanted: Mapping[str, str]) -> Any:
    """``kubectl set image``: container name to image; ``*`` means every container.

    An object without a pod template is refused in ``set image``'s words.
    """
    if not _has_field(current, "template"):
        raise InvalidOperation(
            f"{kind_info(current.kind).resource}/{current.metadata.name} "
            "is not a pod or does not have a pod template"
        )

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


def _has_field(obj: Any, name: str) -> bool:
    """Whether ``obj``'s spec has the field ``name`` (its kind supports the verb)."""
    spec = getattr(obj, "spec", None)
    return dataclasses.is_dataclass(spec) and name in {f.name for f in dataclasses.fields(spec)}


def _unsupported(obj: Any, action: str) -> InvalidOperation:
    """``polymorphichelpers``' refusal of a kind, as ``kubectl rollout`` prints it."""
    info = kind_info(obj.kind)
    return InvalidOperation(f'{info.resource} "{obj.metadata.name}" {action} is not supported')


def set_paused(store: Store, d: Deployment, paused: bool) -> Deployment:
    """``kubectl rollout pause`` / ``resume``; refused when already in that state."""
    if not _has_field(d, "paused"):
        raise _unsupported(d, "pausing" if paused else "resuming")
    if d.spec.paused == paused:
        state = "already paused" if paused else "not paused"
        raise InvalidOperation(f'deployments.apps "{d.metadata.name}" is {state}')
    updated: Deployment = update(
        store, d, lambda o: replace(o, spec=replace(o.spec, paused=paused))
    )
    return updated


def restart(store: Store, d: Deployment, now: float) -> Deployment:
    """``kubectl rollout restart``: stamp the template with restartedAt (a new revision)."""
    if not _has_field(d, "template"):
        raise _unsupported(d, "restarting")
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
    if d.kind != "Deployment":
        raise InvalidOperation(
            f'no rollbacker has been implemented for "{kind_info(d.kind).group_kind}"'
        )
    plan = plan_rollback(d, store.owned_replica_sets(d.metadata.uid), to_revision)
    if plan.outcome == "skipped":
        return f"skipped rollback (current template already matches revision {plan.revision})"
    if plan.deployment is None:
        raise InvalidOperation(plan.outcome)
    store.update(plan.deployment)
    return "rolled back"
