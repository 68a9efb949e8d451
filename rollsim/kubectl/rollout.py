"""``kubectl rollout``: ``status``, ``history``, ``undo``, ``pause``, ``resume``, ``restart``.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/rollout (each subcommand's
``Validate`` and printed line) and pkg/polymorphichelpers, which the
subcommands call for a Deployment: ``DeploymentStatusViewer.Status``
(rollout_status.go), ``DeploymentHistoryViewer.ViewHistory`` (history.go), the
rollbacker, pauser, resumer and restarter, and the errors they give for any
other kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.errors import InvalidOperation, RollsimError, ValidationError
from rollsim.api.kinds import kind_info
from rollsim.api.timefmt import format_time
from rollsim.controllers.deployment import util
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError
from rollsim.kubectl.describe import describe_pod_template
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["RolloutError", "deployment_status", "rollout", "view_history"]


#: The one kind the rollout subcommands act on (kubectl's polymorphic helpers
#: implement nothing else).
_DEPLOYMENT = kind_info("Deployment")


class RolloutError(RollsimError):
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


def rollout(k: Kubectl, args: Args) -> str:
    """``kubectl rollout SUBCOMMAND``."""
    if not args.positional:
        raise KubectlError(
            "error: Required subcommand not specified. One of: history, "
            "pause, restart, resume, status, undo"
        )
    sub = args.positional.pop(0)
    handler = _SUBCOMMANDS.get(sub)
    if handler is None:
        words = " ".join([sub, *args.positional])
        raise KubectlError(
            f"error: unknown command \"{words}\"\nSee 'kubectl rollout -h' for help and examples"
        )
    return handler(k, args)


def _deployment(k: Kubectl, args: Args, verb: str) -> Any:
    """The Deployment a subcommand names; other kinds fail as kubectl's helpers do."""
    info, name = args.target(f"rollout {verb}")
    obj = k.get_object(info, name)
    if info.kind != "Deployment":
        messages = {
            "status": f"no status viewer has been implemented for {info.group_kind}",
            "history": f'no history viewer has been implemented for "{info.group_kind}"',
            "undo": f'no rollbacker has been implemented for "{info.group_kind}"',
        }
        gerund = f"{verb[:-1] if verb.endswith('e') else verb}ing"
        unsupported = f'{info.resource} "{name}" {gerund} is not supported'
        raise KubectlError("error: " + messages.get(verb, unsupported))
    return obj


def _positive_revision(args: Args) -> int:
    """``--revision``, validated before anything is fetched (the commands' ``Validate``)."""
    revision = args.int_flag("revision", 0)
    if revision < 0:
        raise KubectlError(f"error: revision must be a positive integer: {revision}")
    return revision


def _status(k: Kubectl, args: Args) -> str:
    """``rollout status``: a line per observation until the rollout is done (``--watch``,
    the default) or the first one alone (``--watch=false``)."""
    revision = _positive_revision(args)
    d = _deployment(k, args, "status")
    watch = args.flags.get("watch", "true").lower() != "false"
    deadline = k.watch_deadline(args)
    output: list[str] = []

    def observe(obj: Any) -> bool:
        try:
            message, done = deployment_status(obj, revision)
        except RolloutError as err:
            raise KubectlError(f"error: {err}", 1, "".join(output)) from None
        output.append(message)
        return done

    if not observe(d) and watch:
        _watch(k, d.metadata.name, deadline, observe, output)
    return "".join(output)


def _watch(
    k: Kubectl, name: str, deadline: float, observe: Callable[[Any], bool], output: list[str]
) -> None:
    """Run the cluster, observing each change to Deployment ``name``, until ``observe``
    says done; a deletion or the deadline fails with what was printed so far."""
    changes: list[Any] = []

    def watcher(kind: str, old: Any, new: Any) -> None:
        if kind == "Deployment" and (new or old).metadata.name == name:
            changes.append(new)

    k.cluster.store.watchers.append(watcher)
    try:
        while True:
            reached = k.advance(deadline)
            for obj in changes:
                if obj is None:
                    raise KubectlError("error: object has been deleted", 1, "".join(output))
                if observe(obj):
                    return
            changes.clear()
            if reached >= deadline:
                raise KubectlError("error: timed out waiting for the condition", 1, "".join(output))
    finally:
        k.cluster.store.watchers.remove(watcher)


def _history(k: Kubectl, args: Args) -> str:
    """``rollout history [--revision=N]``: the revision table, or one revision's template."""
    revision = _positive_revision(args)
    d = _deployment(k, args, "history")
    rss = k.cluster.store.owned_replica_sets(d.metadata.uid)
    try:
        text = view_history(rss, revision)
    except RolloutError as err:
        raise KubectlError(f"error: {err}") from None
    resource = f"{_DEPLOYMENT.singular}/{d.metadata.name}"
    if revision > 0:
        return f"{resource} with revision #{revision}\n{text}\n"
    return f"{resource} \n{text}\n"


def _undo(k: Kubectl, args: Args) -> str:
    """``rollout undo [--to-revision=N]``, warning when the Deployment was applied."""
    d = _deployment(k, args, "undo")
    to_revision = args.int_flag("to-revision", 0)
    try:
        outcome = k.cluster.rollback(
            ("Deployment", d.metadata.name), to_revision, namespace=k.namespace
        )
    except InvalidOperation as err:
        raise KubectlError(f"error: {err}") from None
    if outcome == "rolled back" and util.LAST_APPLIED_ANNOTATION in d.metadata.annotations:
        k.warn(
            f"Warning: resource {_DEPLOYMENT.plural}/{d.metadata.name} was previously managed "
            f"with 'kubectl apply'. Rolling back will not update the "
            f"kubectl.kubernetes.io/last-applied-configuration annotation, which may "
            f"cause unexpected behavior on future 'kubectl apply' operations. Consider "
            f"using 'kubectl apply' with your previous configuration file instead.\n"
        )
    return f"{_DEPLOYMENT.singular}/{d.metadata.name} {outcome}\n"


def _pause(k: Kubectl, args: Args) -> str:
    """``rollout pause``; pausing a paused Deployment is refused."""
    d = _deployment(k, args, "pause")
    try:
        k.cluster.pause(("Deployment", d.metadata.name), namespace=k.namespace)
    except (InvalidOperation, ValidationError) as err:
        raise KubectlError(f"error: {err}") from None
    return f"{_DEPLOYMENT.singular}/{d.metadata.name} paused\n"


def _resume(k: Kubectl, args: Args) -> str:
    """``rollout resume``; resuming a Deployment that is not paused is refused."""
    d = _deployment(k, args, "resume")
    try:
        k.cluster.resume(("Deployment", d.metadata.name), namespace=k.namespace)
    except (InvalidOperation, ValidationError) as err:
        raise KubectlError(f"error: {err}") from None
    return f"{_DEPLOYMENT.singular}/{d.metadata.name} resumed\n"


def _restart(k: Kubectl, args: Args) -> str:
    """``rollout restart``: refused while paused, or twice within one second (the
    ``restartedAt`` stamp has one-second resolution, so the patch would be empty)."""
    d = _deployment(k, args, "restart")
    name = d.metadata.name
    stamp = d.spec.template.metadata.annotations.get("kubectl.kubernetes.io/restartedAt")
    if d.spec.paused:
        raise KubectlError(
            f'error: {_DEPLOYMENT.resource} "{name}" can\'t restart paused '
            f"deployment (run rollout resume first)"
        )
    if stamp == format_time(k.cluster.now):
        raise KubectlError(
            f"error: failed to create patch for {name}: if restart has "
            f"already been triggered within the past second, please wait "
            f"before attempting to trigger another"
        )
    k.cluster.restart(("Deployment", name), namespace=k.namespace)
    return f"{_DEPLOYMENT.singular}/{name} restarted\n"


_SUBCOMMANDS: dict[str, Callable[[Kubectl, Args], str]] = {
    "status": _status,
    "history": _history,
    "undo": _undo,
    "pause": _pause,
    "resume": _resume,
    "restart": _restart,
}
