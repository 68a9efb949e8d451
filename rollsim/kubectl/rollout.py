"""``kubectl rollout status`` and ``rollout history`` text.

Mirrors staging/src/k8s.io/kubectl/pkg/polymorphichelpers: ``DeploymentStatusViewer.Status``
(rollout_status.go) and ``DeploymentHistoryViewer.ViewHistory`` (history.go).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.controllers.deployment import util
from rollsim.kubectl.describe import describe_pod_template
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["RolloutError", "deployment_status", "view_history"]


class RolloutError(Exception):
    """A rollout status/history failure; the message is kubectl's, without ``error: ``."""


def deployment_status(d: Deployment, revision: int = 0) -> tuple[str, bool]:
    """(message, done) for one observation of a Deployment, in kubectl's check order."""
    name = d.metadata.name
    if revision > 0:
        text = d.metadata.annotations.get(util.REVISION_ANNOTATION)
        try:
            running = int(text) if text is not None else 0
        except ValueError:
            raise RolloutError(
                f'cannot get the revision of deployment "{name}": '
                f'strconv.ParseInt: parsing "{text}": invalid syntax'
            ) from None
        if running != revision:
            raise RolloutError(
                f"desired revision ({revision}) is different from the running revision ({running})"
            )
    status = d.status
    if d.metadata.generation > status.observed_generation:
        return "Waiting for deployment spec update to be observed...\n", False
    condition = util.get_deployment_condition(status, util.PROGRESSING)
    if condition is not None and condition.reason == util.TIMED_OUT_REASON:
        raise RolloutError(f'deployment "{name}" exceeded its progress deadline')
    if status.updated_replicas < d.replicas:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {status.updated_replicas} '
            f"out of {d.replicas} new replicas have been updated...\n"
        ), False
    if status.replicas > status.updated_replicas:
        return (
            f'Waiting for deployment "{name}" rollout to finish: '
            f"{status.replicas - status.updated_replicas} old replicas are pending "
            f"termination...\n"
        ), False
    if status.available_replicas < status.updated_replicas:
        return (
            f'Waiting for deployment "{name}" rollout to finish: '
            f"{status.available_replicas} of {status.updated_replicas} updated replicas "
            f"are available...\n"
        ), False
    return f'deployment "{name}" successfully rolled out\n', True


def _by_revision(rss: Sequence[ReplicaSet]) -> dict[int, ReplicaSet]:
    history: dict[int, ReplicaSet] = {}
    for rs in rss:
        try:
            number = util.revision(rs)
        except ValueError:
            continue
        history[number] = rs
    return history


def view_history(rss: Sequence[ReplicaSet], revision: int = 0) -> str:
    """``ViewHistory``: the REVISION / CHANGE-CAUSE table, or one revision's pod template
    (with the ReplicaSet's change-cause copied into its annotations, as kubectl does)."""
    history = _by_revision(rss)
    if not history:
        return "No rollout history found."
    if revision > 0:
        rs = history.get(revision)
        if rs is None:
            raise RolloutError("unable to find the specified revision")
        template = rs.spec.template
        cause = rs.metadata.annotations.get(util.CHANGE_CAUSE_ANNOTATION)
        if cause:
            annotations = {**template.metadata.annotations, util.CHANGE_CAUSE_ANNOTATION: cause}
            template = replace(
                template, metadata=replace(template.metadata, annotations=annotations)
            )
        return describe_pod_template(template)
    table = "REVISION\tCHANGE-CAUSE\n"
    for number in sorted(history):
        cause = history[number].metadata.annotations.get(util.CHANGE_CAUSE_ANNOTATION) or "<none>"
        table += f"{number}\t{cause}\n"
    return tabwrite(table, 0, 2)
