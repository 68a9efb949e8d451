"""``kubectl argo rollouts``: the Argo Rollouts plugin's text.

Mirrors pkg/kubectl-argo-rollouts: ``get rollout`` (``PrintRollout``: the
``%-17s`` summary, then the revision tree through a tabwriter with padding 2,
printed as with ``--no-color``), ``status`` (one line per change until
Healthy or Degraded), ``promote [--full]``, ``abort``, ``retry rollout``,
``pause``, ``set image`` and ``undo``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rollsim.api.timefmt import parse_time
from rollsim.controllers.rollout import replicas as math
from rollsim.controllers.rollout.controller import (
    SCALE_DOWN_DEADLINE_ANNOTATION,
    pod_hash,
    rollout_revision,
)
from rollsim.kubectl.printers import human_duration, pod_status_reason, since
from rollsim.kubectl.tabwriter import tabwrite

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["get_rollout", "rollout_status_line"]

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
_RUN_ICONS = {"Successful": "✔", "Failed": "✖", "Error": "⚠", "Inconclusive": "?", "Running": "◌"}


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


def get_rollout(cluster: Cluster, r: Any) -> str:
    """``kubectl argo rollouts get rollout NAME`` (``--no-color``)."""
    now = cluster.now
    status = r.status
    canary = r.spec.strategy.canary
    rss = cluster.store.owned_replica_sets(r.metadata.uid)
    lines = [f"{'Name:':<17}{r.metadata.name}", f"{'Namespace:':<17}{r.metadata.namespace}"]
    phase = status.phase or "Progressing"
    lines.append(f"{'Status:':<17}{ICONS.get(phase, ' ')} {phase}")
    if status.message:
        lines.append(f"{'Message:':<17}{status.message}")
    if canary is not None:
        lines.append(f"{'Strategy:':<17}Canary")
        steps = canary.steps
        if status.current_step_index is not None and steps:
            lines.append(f"{'  Step:':<17}{status.current_step_index}/{len(steps)}")
        maximum = (
            canary.traffic_routing.max_traffic_weight
            if canary.traffic_routing is not None
            else None
        ) or 100
        set_weight = math.get_current_set_weight(
            steps, status.current_step_index, aborted=status.abort, max_weight=maximum
        )
        lines.append(f"{'  SetWeight:':<17}{set_weight}")
        step, _ = math.get_current_canary_step(steps, status.current_step_index)
        actual = "0"
        if step is None:
            actual = "100"
        elif status.available_replicas > 0:
            if canary.traffic_routing is None:
                for rs in rss:
                    if pod_hash(rs) == status.current_pod_hash and pod_hash(rs) != status.stable_rs:
                        actual = str(
                            rs.status.available_replicas * 100 // status.available_replicas
                        )
            else:
                actual = str(status.canary_weight)
        lines.append(f"{'  ActualWeight:':<17}{actual}")
    else:
        lines.append(f"{'Strategy:':<17}BlueGreen")
    # info.Images: tags in the order canary, stable, active, preview; an image running
    # in several ReplicaSets gets the union of their tags, sorted.
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
    for i, image in enumerate(sorted(images)):
        tags = images[image]
        text = f"{image} ({', '.join(tags)})" if tags else image
        lines.append(f"{'Images:' if i == 0 else '':<17}{text}")
    lines.append("Replicas:")
    for label, value in (
        ("Desired", r.replicas),
        ("Current", status.replicas),
        ("Updated", status.updated_replicas),
        ("Ready", status.ready_replicas),
        ("Available", status.available_replicas),
    ):
        lines.append(f"{'  ' + label + ':':<17}{value}")
    return "\n".join(lines) + "\n\n" + _tree(cluster, r, rss, now)


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
    rows = ["NAME\tKIND\tSTATUS\tAGE\tINFO"]
    phase = r.status.phase or "Progressing"
    rows.append(
        f"⟳ {r.metadata.name}\tRollout\t{ICONS.get(phase, ' ')} {phase}\t"
        f"{since(r.metadata.creation_timestamp, now)}\t"
    )
    runs = cluster.rollouts.analysis_runs.get((r.metadata.namespace, r.metadata.name), [])
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
            info = _tags(r, rs)
            deadline = rs.metadata.annotations.get(SCALE_DOWN_DEADLINE_ANNOTATION)
            if deadline:
                left = parse_time(deadline) - now
                info.append(f"delay:{human_duration(left) if left > 0 else 'passed'}")
            health = _rs_health(rs)
            rows.append(
                f"{child}⧉ {rs.metadata.name}\tReplicaSet\t{ICONS.get(health, ' ')} "
                f"{health}\t{since(rs.metadata.creation_timestamp, now)}\t"
                f"{','.join(info)}"
            )
            pods = sorted(pods_by_rs.get(rs.metadata.uid, []), key=lambda p: (p.created, p.name))
            for k, record in enumerate(pods):
                pod_prefix, _ = _prefixes(k == len(pods) - 1, child_sub)
                pod = cluster.kubelet.view(record)
                state = pod_status_reason(pod)
                ready = sum(1 for c in pod.status.container_statuses if c.ready)
                info_col = f"ready:{ready}/{len(pod.spec.containers)}"
                if record.restarts:
                    info_col += f",restarts:{record.restarts}"
                rows.append(
                    f"{pod_prefix}□ {record.name}\tPod\t{_pod_icon(state)} {state}\t"
                    f"{since(record.created, now)}\t{info_col}"
                )
        for j, run in enumerate(rev_runs, start=len(members)):
            child, _ = _prefixes(j == total - 1, sub)
            tallies = run.counts()
            info = [
                f"{icon} {tallies[phase_]}"
                for phase_, icon in (
                    ("Successful", "✔"),
                    ("Failed", "✖"),
                    ("Inconclusive", "?"),
                    ("Error", "⚠"),
                )
                if tallies[phase_]
            ]
            phase_ = run.phase
            rows.append(
                f"{child}α {run.name}\tAnalysisRun\t{_RUN_ICONS.get(phase_, ' ')} "
                f"{phase_}\t{since(run.started, now)}\t{','.join(info)}"
            )
    return tabwrite("".join(row + "\n" for row in rows), 0, 2)
