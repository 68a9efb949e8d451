"""``kubectl argo rollouts``: the Argo Rollouts plugin's verbs and text.

Mirrors argoproj/argo-rollouts pkg/kubectl-argo-rollouts: cmd/get (``get
rollout``: ``PrintRollout``'s ``%-17s`` summary, then the revision tree through
a tabwriter with padding 2, printed as with ``--no-color``; ``--watch`` re-renders
it as the clock runs), cmd/status (one
line per change until Healthy or Degraded), and cmd/promote (``--full``),
cmd/abort, cmd/retry (``retry rollout``), cmd/pause, cmd/set (``set image``) and
cmd/undo, each with the plugin's ``Error: ...`` on failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rollsim.api.errors import InvalidOperation, NotFoundError
from rollsim.api.timefmt import parse_time
from rollsim.controllers.rollout import replicas
from rollsim.controllers.rollout.context import (
    SCALE_DOWN_DEADLINE_ANNOTATION,
    pod_hash,
    rollout_revision,
)
from rollsim.controllers.rollout.controller import RolloutController
from rollsim.kubectl.cmdutil import DEFAULT_WATCH_LIMIT, Args, Kubectl, KubectlError
from rollsim.kubectl.printers import human_duration, pod_status_reason, since
from rollsim.kubectl.tabwriter import tabwrite

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["get_rollout", "plugin", "rollout_status_line"]

ICONS = {
    "Progressing": "◌",
    "Healthy": "✔",
    "Paused": "॥",
    "Degraded": "✖",
    "Error": "⚠",
    "InvalidSpec": "⚠",
    "Unknown": "?",
    "ScaledDown": "•",
}
_POD_ICONS = {
    "Pending": "◌",
    "Terminating": "◌",
    "ContainerCreating": "◌",
    "Running": "✔",
    "Completed": "✔",
    "Failed": "✖",
    "CrashLoopBackOff": "✖",
    "ImagePullBackOff": "⚠",
    "Unknown": "?",
}
#: ``GetOptions.Clear``: cursor home, clear the screen, cursor to the top left.
_CLEAR = "\033[H\033[2J\033[0;0H"
_RUN_ICONS = {"Successful": "✔", "Failed": "✖", "Error": "⚠", "Inconclusive": "?", "Running": "◌"}


def _rollout_controller(cluster: Cluster) -> RolloutController:
    """The running Argo controller, whose AnalysisRuns ``get rollout`` prints."""
    controller = cluster.controllers["rollouts"]
    assert isinstance(controller, RolloutController)
    return controller


def rollout_status_line(r: Any) -> str:
    """``Status - Message`` (or the status alone), as ``status`` prints each change."""
    status = r.status.phase or "Progressing"
    return f"{status} - {r.status.message}" if r.status.message else status


def _pod_icon(status: str) -> str:
    if status.startswith(("Err",)) or status.endswith("Error"):
        return "⚠"
    return _POD_ICONS.get(status, " ")


def _rs_health(rs: Any) -> str:
    """``getReplicaSetHealth``."""
    if rs.metadata.generation > rs.status.observed_generation:
        return "Progressing"
    if rs.status.available_replicas < rs.replicas:
        return "Progressing"
    return "ScaledDown" if rs.replicas == 0 else "Healthy"


def get_rollout(cluster: Cluster, r: Any, at: float | None = None) -> str:
    """``kubectl argo rollouts get rollout NAME`` (``--no-color``), ages as of ``at``
    (the cluster's clock without it)."""
    status = r.status
    rss = cluster.store.owned_replica_sets(r.metadata.uid)
    lines = [f"{'Name:':<17}{r.metadata.name}", f"{'Namespace:':<17}{r.metadata.namespace}"]
    phase = status.phase or "Progressing"
    lines.append(f"{'Status:':<17}{ICONS.get(phase, ' ')} {phase}")
    if status.message:
        lines.append(f"{'Message:':<17}{status.message}")
    if r.spec.strategy.canary is not None:
        lines.extend(_canary_lines(r, rss))
    else:
        lines.append(f"{'Strategy:':<17}BlueGreen")
    lines.extend(_image_lines(r, rss))
    lines.append("Replicas:")
    for label, value in (
        ("Desired", r.replicas),
        ("Current", status.replicas),
        ("Updated", status.updated_replicas),
        ("Ready", status.ready_replicas),
        ("Available", status.available_replicas),
    ):
        lines.append(f"{'  ' + label + ':':<17}{value}")
    now = cluster.now if at is None else at
    return "\n".join(lines) + "\n\n" + _tree(cluster, r, rss, now)


def _canary_lines(r: Any, rss: list[Any]) -> list[str]:
    """The canary strategy's summary: the step, the weight it sets, the weight it has
    (the canary's share of available pods without a traffic router)."""
    status = r.status
    canary = r.spec.strategy.canary
    lines = [f"{'Strategy:':<17}Canary"]
    steps = canary.steps
    if status.current_step_index is not None and steps:
        lines.append(f"{'  Step:':<17}{status.current_step_index}/{len(steps)}")
    maximum = (
        canary.traffic_routing.max_traffic_weight if canary.traffic_routing is not None else None
    ) or 100
    set_weight = replicas.get_current_set_weight(
        steps, status.current_step_index, aborted=status.abort, max_weight=maximum
    )
    lines.append(f"{'  SetWeight:':<17}{set_weight}")
    step, _ = replicas.get_current_canary_step(steps, status.current_step_index)
    actual = "0"
    if step is None:
        actual = "100"
    elif status.available_replicas > 0:
        if canary.traffic_routing is None:
            for rs in rss:
                if pod_hash(rs) == status.current_pod_hash and pod_hash(rs) != status.stable_rs:
                    actual = str(rs.status.available_replicas * 100 // status.available_replicas)
        else:
            actual = str(status.canary_weight)
    lines.append(f"{'  ActualWeight:':<17}{actual}")
    return lines


def _image_lines(r: Any, rss: list[Any]) -> list[str]:
    """``info.Images``: each running image with its tags in the order canary, stable,
    active, preview; an image running in several ReplicaSets gets the union of their
    tags, sorted."""
    images: dict[str, list[str]] = {}
    for rs in rss:
        if rs.status.replicas <= 0:
            continue
        tags = _tags(r, rs)
        for container in rs.spec.template.spec.containers:
            if container.image in images:
                images[container.image] = sorted(set(images[container.image]) | set(tags))
            else:
                images[container.image] = tags
    lines = []
    for i, image in enumerate(sorted(images)):
        tags = images[image]
        text = f"{image} ({', '.join(tags)})" if tags else image
        lines.append(f"{'Images:' if i == 0 else '':<17}{text}")
    return lines


def _tags(r: Any, rs: Any) -> list[str]:
    status = r.status
    h = pod_hash(rs)
    tags = []
    if r.spec.strategy.canary is not None:
        if h == status.stable_rs:
            tags.append("stable")
        elif h == status.current_pod_hash:
            tags.append("canary")
    else:
        if h == status.stable_rs:
            tags.append("stable")
        if h == status.blue_green.active_selector:
            tags.append("active")
        elif h == status.blue_green.preview_selector:
            tags.append("preview")
    return tags


def _prefixes(last: bool, sub: str) -> tuple[str, str]:
    return (sub + "└──", sub + "   ") if last else (sub + "├──", sub + "│  ")


def _tree(cluster: Cluster, r: Any, rss: list[Any], now: float) -> str:
    """The NAME / KIND / STATUS / AGE / INFO tree: the Rollout, then each revision
    (newest first) with its ReplicaSets, their pods, and its AnalysisRuns."""
    rows = ["NAME\tKIND\tSTATUS\tAGE\tINFO"]
    phase = r.status.phase or "Progressing"
    rows.append(
        f"⟳ {r.metadata.name}\tRollout\t{ICONS.get(phase, ' ')} {phase}\t"
        f"{since(r.metadata.creation_timestamp, now)}\t"
    )
    runs = _rollout_controller(cluster).analysis_runs.get(
        (r.metadata.namespace, r.metadata.name), []
    )
    revisions = sorted(
        {rollout_revision(rs) for rs in rss} | {run.revision for run in runs}, reverse=True
    )
    pods_by_rs: dict[str, list[Any]] = {}
    for record in cluster.kubelet.pods.values():
        pods_by_rs.setdefault(record.owner_uid, []).append(record)
    for i, revision in enumerate(revisions):
        prefix, sub = _prefixes(i == len(revisions) - 1, "")
        rows.append(f"{prefix}# revision:{revision}\t\t \t\t")
        members = sorted(
            (rs for rs in rss if rollout_revision(rs) == revision), key=lambda rs: rs.metadata.name
        )
        rev_runs = [run for run in runs if run.revision == revision]
        total = len(members) + len(rev_runs)
        for j, rs in enumerate(members):
            child, child_sub = _prefixes(j == total - 1, sub)
            rows.append(_replica_set_row(r, rs, child, now))
            pods = sorted(pods_by_rs.get(rs.metadata.uid, []), key=lambda p: (p.created, p.name))
            for k, record in enumerate(pods):
                pod_prefix, _ = _prefixes(k == len(pods) - 1, child_sub)
                rows.append(_pod_row(cluster, record, pod_prefix, now))
        for j, run in enumerate(rev_runs, start=len(members)):
            child, _ = _prefixes(j == total - 1, sub)
            rows.append(_analysis_run_row(run, child, now))
    return tabwrite("".join(row + "\n" for row in rows), 0, 2)


def _replica_set_row(r: Any, rs: Any, prefix: str, now: float) -> str:
    """A ReplicaSet's row: its health, and as INFO its tags and scale-down delay."""
    info = _tags(r, rs)
    deadline = rs.metadata.annotations.get(SCALE_DOWN_DEADLINE_ANNOTATION)
    if deadline:
        left = parse_time(deadline) - now
        info.append(f"delay:{human_duration(left) if left > 0 else 'passed'}")
    health = _rs_health(rs)
    return (
        f"{prefix}⧉ {rs.metadata.name}\tReplicaSet\t{ICONS.get(health, ' ')} "
        f"{health}\t{since(rs.metadata.creation_timestamp, now)}\t"
        f"{','.join(info)}"
    )


def _pod_row(cluster: Cluster, record: Any, prefix: str, now: float) -> str:
    """A pod's row: its status reason, and as INFO its ready containers and restarts."""
    pod = cluster.kubelet.view(record)
    state = pod_status_reason(pod)
    ready = sum(1 for c in pod.status.container_statuses if c.ready)
    info = f"ready:{ready}/{len(pod.spec.containers)}"
    if record.restarts:
        info += f",restarts:{record.restarts}"
    return (
        f"{prefix}□ {record.name}\tPod\t{_pod_icon(state)} {state}\t"
        f"{since(record.created, now)}\t{info}"
    )


def _analysis_run_row(run: Any, prefix: str, now: float) -> str:
    """An AnalysisRun's row: its phase, and as INFO the count of each measurement result."""
    tallies = run.counts()
    info = [
        f"{icon} {tallies[phase]}"
        for phase, icon in (
            ("Successful", "✔"),
            ("Failed", "✖"),
            ("Inconclusive", "?"),
            ("Error", "⚠"),
        )
        if tallies[phase]
    ]
    return (
        f"{prefix}α {run.name}\tAnalysisRun\t{_RUN_ICONS.get(run.phase, ' ')} "
        f"{run.phase}\t{since(run.started, now)}\t{','.join(info)}"
    )


def plugin(k: Kubectl, args: Args) -> str:
    """``kubectl argo rollouts SUBCOMMAND``: ``get``, ``retry`` and ``set`` read their own
    words; every other subcommand takes the Rollout's name, fetched before it runs."""
    words = args.positional
    if words[:1] != ["rollouts"] or len(words) < 2:
        raise KubectlError(
            'error: unknown command "argo" for "kubectl" (rollsim knows "kubectl argo rollouts")'
        )
    sub, rest = words[1], words[2:]
    if sub == "get":
        return _get(k, args, rest)
    with_words = _WITH_WORDS.get(sub)
    if with_words is not None:
        return with_words(k, rest)
    if not rest:
        raise KubectlError(f"Error: usage: kubectl argo rollouts {sub} ROLLOUT_NAME")
    r = _rollout(k, rest[0])
    named = _NAMED.get(sub)
    if named is None:
        raise KubectlError(f'Error: unknown command "{sub}" for "kubectl-argo-rollouts"')
    return named(k, args, r)


def _rollout(k: Kubectl, name: str) -> Any:
    """The Rollout ``name``, or the plugin's not-found error."""
    try:
        return k.cluster.get("Rollout", name, k.namespace)
    except NotFoundError as err:
        raise KubectlError(f"Error: {err}") from None


def _get(k: Kubectl, args: Args, rest: list[str]) -> str:
    """``get rollout NAME [-w] [--timeout-seconds N]``: the summary and the revision tree,
    once, or as ``WatchRollout`` re-renders it."""
    if len(rest) != 2 or rest[0] not in ("rollout", "rollouts", "ro"):
        raise KubectlError("Error: usage: kubectl argo rollouts get rollout ROLLOUT_NAME")
    r = _rollout(k, rest[1])
    if not args.bool_flag("watch", False):
        return get_rollout(k.cluster, r)
    return _watch_rollout(k, r.metadata.name, args.int_flag("timeout-seconds", 0))


def _watch_rollout(k: Kubectl, name: str, timeout_seconds: int) -> str:
    """``get rollout --watch`` (get_rollout.go ``WatchRollout``): the screen cleared
    (``GetOptions.Clear``'s escapes, which the plugin writes whether or not the output
    is a terminal) and the rollout printed again each time it changes, the clock running.

    Upstream also re-renders on a 1 s ticker; those renders differ only in AGE, so a
    render is printed when the rollout, a ReplicaSet, a pod or an AnalysisRun changed.
    Upstream stops at ``--timeout-seconds`` (exit 0) or at Ctrl-C; with no timeout the
    watch here ends where the watching user would stop: the rollout Healthy, Degraded or
    Paused.
    """
    limited = timeout_seconds > 0
    deadline = k.cluster.now + (timeout_seconds if limited else DEFAULT_WATCH_LIMIT)
    renders: list[str] = []
    last_state = ""
    while True:
        current = _rollout(k, name)
        # The state as of the deadline: the ages differ only when an object is new.
        state = get_rollout(k.cluster, current, at=deadline)
        screen = get_rollout(k.cluster, current)
        if state != last_state:
            renders.append(_CLEAR + screen)
            last_state = state
        settled = current.status.phase in ("Healthy", "Degraded", "Paused")
        if k.cluster.now >= deadline or (settled and not limited):
            # The ticker's last render, at the timeout, shows the ages then.
            if renders[-1] != _CLEAR + screen:
                renders.append(_CLEAR + screen)
            return "".join(renders)
        k.advance(deadline)


def _retry(k: Kubectl, rest: list[str]) -> str:
    """``retry rollout NAME``: clear an abort; the steps start over."""
    if len(rest) != 2 or rest[0] not in ("rollout", "rollouts", "ro"):
        raise KubectlError("Error: usage: kubectl argo rollouts retry rollout ROLLOUT_NAME")
    k.cluster.retry(("Rollout", _rollout(k, rest[1]).metadata.name))
    return f"rollout '{rest[1]}' retried\n"


def _set_image(k: Kubectl, rest: list[str]) -> str:
    """``set image NAME CONTAINER=IMAGE``."""
    if len(rest) != 3 or rest[0] != "image":
        raise KubectlError(
            "Error: usage: kubectl argo rollouts set image ROLLOUT_NAME CONTAINER=IMAGE"
        )
    name = rest[1]
    # cmd/set/set_image.go: the pair must split on "=" into exactly two parts.
    pair = rest[2].split("=")
    if len(pair) != 2:
        raise KubectlError(
            "Error: usage: kubectl argo rollouts set image ROLLOUT_NAME CONTAINER=IMAGE"
        )
    _rollout(k, name)
    container, image = pair
    try:
        k.cluster.set_image(("Rollout", name), {container: image})
    except NotFoundError as err:
        raise KubectlError(f"Error: {err}") from None
    return f'rollout "{name}" image updated\n'


def _promote(k: Kubectl, args: Args, r: Any) -> str:
    """``promote [--full]``: past the current pause (or step), or past every step."""
    name = r.metadata.name
    full = args.flags.get("full", "false") == "true"
    k.cluster.promote(("Rollout", name), full=full)
    return f"rollout '{name}' {'fully promoted' if full else 'promoted'}\n"


def _abort(k: Kubectl, args: Args, r: Any) -> str:
    """``abort``: back to the stable version."""
    name = r.metadata.name
    k.cluster.abort(("Rollout", name))
    return f"rollout '{name}' aborted\n"


def _pause(k: Kubectl, args: Args, r: Any) -> str:
    """``pause``: set ``spec.paused``."""
    name = r.metadata.name
    k.cluster.patch(("Rollout", name), {"spec": {"paused": True}})
    return f"rollout '{name}' paused\n"


def _undo(k: Kubectl, args: Args, r: Any) -> str:
    """``undo [--to-revision=N]``: an earlier revision's template back into the Rollout."""
    name = r.metadata.name
    try:
        k.cluster.undo_rollout(name, args.int_flag("to-revision", 0))
    except InvalidOperation as err:
        raise KubectlError(f"Error: {err}") from None
    return f"rollout '{name}' undo\n"


def _degraded(r: Any, printed: str) -> KubectlError:
    """How ``status`` ends on a Degraded rollout, after what it printed."""
    return KubectlError(
        f"Error: The rollout is in a degraded state with message: {r.status.message}", 1, printed
    )


def _status(k: Kubectl, args: Args, r: Any) -> str:
    """``status [--watch=false] [--timeout=D]``: a line per change until Healthy or
    Degraded; without watching, the current state alone."""
    if args.flags.get("watch", "true").lower() == "false":
        phase = r.status.phase or "Progressing"
        line = phase if phase in ("Healthy", "Degraded") else rollout_status_line(r)
        if phase == "Degraded":
            raise _degraded(r, line + "\n")
        return line + "\n"
    deadline = k.watch_deadline(args)
    lines: list[str] = []
    while True:
        current = _rollout(k, r.metadata.name)
        line = rollout_status_line(current)
        if not lines or lines[-1] != line:
            lines.append(line)
        printed = "".join(x + "\n" for x in lines)
        phase = current.status.phase
        if phase == "Healthy":
            return printed
        if phase == "Degraded":
            raise _degraded(current, printed)
        if k.cluster.now >= deadline:
            raise KubectlError("Error: Rollout status watch exceeded timeout", 1, printed)
        k.advance(deadline)


#: Subcommands that read their own words after the subcommand.
_WITH_WORDS: dict[str, Callable[[Kubectl, list[str]], str]] = {
    "retry": _retry,
    "set": _set_image,
}
#: Subcommands of one Rollout, named by the first word after the subcommand.
_NAMED: dict[str, Callable[[Kubectl, Args, Any], str]] = {
    "promote": _promote,
    "abort": _abort,
    "pause": _pause,
    "undo": _undo,
    "status": _status,
}
