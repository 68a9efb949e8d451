"""Rolling back to an earlier revision.

Mirrors pkg/controller/deployment/rollback.go (the controller-side rollback
driven by the deprecated ``deprecated.deployment.rollback.to`` annotation) and
kubectl's apps/v1 ``DeploymentRollbacker`` (client side: the template and
annotations of the chosen revision are patched into the Deployment, and the
controller then reuses that old ReplicaSet as the new one, renumbering it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.core import PodTemplateSpec
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.sync import get_all_replica_sets_and_sync_revision

if TYPE_CHECKING:
    from rollsim.controllers.deployment.controller import DeploymentController

__all__ = ["RollbackPlan", "plan_rollback", "rollback"]


@dataclass(frozen=True)
class RollbackPlan:
    """What ``kubectl rollout undo`` would do: the outcome and, if any, the new Deployment."""

    outcome: str  # "rolled back", "skipped" or an error message
    revision: int = 0
    deployment: Deployment | None = None


def _template_without_hash(template: PodTemplateSpec) -> PodTemplateSpec:
    labels = {
        k: v for k, v in template.metadata.labels.items() if k != util.POD_TEMPLATE_HASH_LABEL
    }
    return replace(template, metadata=replace(template.metadata, labels=labels))


def _rs_for_revision(rs_list: Sequence[ReplicaSet], to_revision: int) -> ReplicaSet | None:
    if to_revision == 0:
        to_revision = util.last_revision(rs_list)
        if to_revision == 0:
            return None
    for rs in rs_list:
        try:
            if util.revision(rs) == to_revision:
                return rs
        except ValueError:
            continue
    return None


def plan_rollback(d: Deployment, rs_list: Sequence[ReplicaSet], to_revision: int) -> RollbackPlan:
    """kubectl's apps/v1 ``DeploymentRollbacker.Rollback``: find the revision, refuse a
    paused Deployment, skip an unchanged template, else build the patched Deployment.

    ``to_revision=0`` means the second-highest revision. The patch replaces
    the template (hash label removed) and the annotations: the Deployment's
    own values of the skipped keys plus the ReplicaSet's other annotations,
    so the old change-cause comes back with the old template.
    """
    if to_revision < 0:
        return RollbackPlan(f"unable to find specified revision {to_revision} in history")
    target = _rs_for_revision(rs_list, to_revision)
    if target is None:
        if to_revision == 0:
            return RollbackPlan(f'no rollout history found for deployment "{d.metadata.name}"')
        return RollbackPlan(f"unable to find specified revision {to_revision} in history")
    if d.spec.paused:
        return RollbackPlan(
            "you cannot rollback a paused deployment; resume it first with "
            f"'kubectl rollout resume deployment/{d.metadata.name}' and try "
            "again"
        )
    target_revision = util.revision(target)
    if util.equal_ignore_hash(d.spec.template, target.spec.template):
        # kubectl names the revision it was asked for (0 for "the previous one").
        return RollbackPlan("skipped", to_revision)
    annotations = {k: v for k, v in d.metadata.annotations.items() if k in util.SKIPPED_ANNOTATIONS}
    annotations.update(
        {k: v for k, v in target.metadata.annotations.items() if k not in util.SKIPPED_ANNOTATIONS}
    )
    patched = replace(
        d,
        metadata=replace(d.metadata, annotations=annotations),
        spec=replace(d.spec, template=_template_without_hash(target.spec.template)),
    )
    return RollbackPlan("rolled back", target_revision, patched)


def rollback(dc: DeploymentController, d: Deployment, rs_list: Sequence[ReplicaSet]) -> None:
    """``rollback``: honour the deprecated rollback annotation, then remove it."""
    new_rs, all_old, d = get_all_replica_sets_and_sync_revision(dc, d, rs_list, True)
    all_rss = [*all_old, *([new_rs] if new_rs is not None else [])]
    try:
        to_revision = int(d.metadata.annotations.get(util.ROLLBACK_TO_ANNOTATION, "0") or 0)
    except ValueError:
        to_revision = 0
    if to_revision == 0:
        to_revision = util.last_revision(all_rss)
        if to_revision == 0:
            dc.event(
                d, "Warning", "DeploymentRollbackRevisionNotFound", "Unable to find last revision."
            )
            dc.update_deployment(_clear_rollback_to(d))
            return
    for rs in all_rss:
        try:
            matches = util.revision(rs) == to_revision
        except ValueError:
            continue
        if not matches:
            continue
        if util.equal_ignore_hash(d.spec.template, rs.spec.template):
            dc.event(
                d,
                "Warning",
                "DeploymentRollbackTemplateUnchanged",
                f"The rollback revision contains the same template as current deployment "
                f'"{d.metadata.name}"',
            )
            dc.update_deployment(_clear_rollback_to(d))
            return
        plan = plan_rollback(replace(d, spec=replace(d.spec, paused=False)), [rs], to_revision)
        assert plan.deployment is not None
        dc.event(
            d,
            "Normal",
            "DeploymentRollback",
            f'Rolled back deployment "{d.metadata.name}" to revision {to_revision}',
        )
        restored = replace(
            plan.deployment, spec=replace(plan.deployment.spec, paused=d.spec.paused)
        )
        dc.update_deployment(_clear_rollback_to(restored))
        return
    dc.event(
        d,
        "Warning",
        "DeploymentRollbackRevisionNotFound",
        "Unable to find the revision to rollback to.",
    )
    dc.update_deployment(_clear_rollback_to(d))


def _clear_rollback_to(d: Deployment) -> Deployment:
    annotations = {
        k: v for k, v in d.metadata.annotations.items() if k != util.ROLLBACK_TO_ANNOTATION
    }
    return replace(d, metadata=replace(d.metadata, annotations=annotations))
