"""Revision invariants: numbering, the history limit, and ``rollout undo``.

``RevisionsIncrease`` checks every write (``revisions``, ``revision-reuse``);
``history_within_limit`` and ``revision_annotation`` look at a settled
cluster; ``check_undo`` runs ``kubectl rollout undo`` and checks that it
restored the target revision's template (``rollback``), or refused for a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rollsim.controllers.deployment.util import REVISION_ANNOTATION
from rollsim.kubectl import KubectlError
from rollsim.testing.invariants.upstream import deployment_complete, same_template
from rollsim.testing.observe import (
    Snapshot,
    Violation,
    attached_watch,
    checked_deployments,
    replay,
)

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = [
    "RevisionsIncrease",
    "check_undo",
    "excess_history",
    "history_within_limit",
    "revision_annotation",
    "revisions_increase",
]


class RevisionsIncrease:
    """``revisions``: revision numbers are unique, never go down, and a new or reused
    ReplicaSet is numbered above every other (sync.go ``getNewReplicaSet``:
    ``MaxRevision(oldRSs) + 1``); ``revision-reuse``: no two ReplicaSets of a
    Deployment have the same template (a reverted template reuses its old
    ReplicaSet, ``FindNewReplicaSet``)."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._reported: set[tuple[str, ...]] = set()

    def observe(self, snap: Snapshot) -> list[Violation]:
        """Check one snapshot; report each duplicate once, each bad renumbering as seen."""
        if snap.key[0] != "Deployment":
            return []
        return self._shared_revisions(snap) + self._renumbered(snap) + self._shared_templates(snap)

    def _shared_revisions(self, snap: Snapshot) -> list[Violation]:
        """``revisions``: two ReplicaSets with one revision number."""
        out = []
        by_revision: dict[int, list[str]] = {}
        for s in snap.replica_sets:
            if s.revision is not None:
                by_revision.setdefault(s.revision, []).append(s.name)
        for revision, names in sorted(by_revision.items()):
            key = ("dup", str(revision), *sorted(names))
            if len(names) > 1 and key not in self._reported:
                self._reported.add(key)
                out.append(
                    Violation(
                        snap.time,
                        snap.ref,
                        "revisions",
                        "one ReplicaSet per revision",
                        f"revision {revision} on {', '.join(sorted(names))}",
                    )
                )
        return out

    def _renumbered(self, snap: Snapshot) -> list[Violation]:
        """``revisions``: a ReplicaSet whose revision changed went down, or not above
        every other revision."""
        out = []
        for s in snap.replica_sets:
            if s.revision is None:
                continue
            previous = self._last.get(s.uid)
            if previous != s.revision:
                if previous is not None and s.revision < previous:
                    out.append(
                        Violation(
                            snap.time,
                            f"replicaset/{s.name}",
                            "revisions",
                            f"revision never decreases (was {previous})",
                            f"{s.revision} after {snap.cause}",
                        )
                    )
                others = [
                    o.revision
                    for o in snap.replica_sets
                    if o.uid != s.uid and o.revision is not None
                ]
                if others and s.revision <= max(others):
                    out.append(
                        Violation(
                            snap.time,
                            f"replicaset/{s.name}",
                            "revisions",
                            f"a new or reused ReplicaSet's revision > every other revision "
                            f"(max {max(others)})",
                            f"{s.revision} after {snap.cause}",
                        )
                    )
            self._last[s.uid] = s.revision
        return out

    def _shared_templates(self, snap: Snapshot) -> list[Violation]:
        """``revision-reuse``: two ReplicaSets with one pod template."""
        out = []
        states = list(snap.replica_sets)
        for i, a in enumerate(states):
            for b in states[i + 1 :]:
                key = ("same", *sorted((a.uid, b.uid)))
                if key not in self._reported and same_template(
                    a.rs.spec.template, b.rs.spec.template
                ):
                    self._reported.add(key)
                    out.append(
                        Violation(
                            snap.time,
                            snap.ref,
                            "revision-reuse",
                            "one ReplicaSet per pod template",
                            f"{a.name} and {b.name} have the same template",
                        )
                    )
        return out


def revisions_increase(history: Sequence[Snapshot]) -> list[Violation]:
    """``revisions`` and ``revision-reuse`` over a recorded history (``RevisionsIncrease``)."""
    return replay(RevisionsIncrease, history)


def history_within_limit(cluster: Cluster, ref: str | None = None) -> list[Violation]:
    """``history-limit``: once a rollout is complete, at most ``revisionHistoryLimit``
    old ReplicaSets remain (sync.go ``cleanupDeployment`` runs on the sync after
    completion, or while paused). Under Recreate, "complete" also needs the old
    pods gone: ``rolloutRecreate`` returns before its cleanup while any old pod
    still terminates (a Deployment scaled to 0 is complete at once). Settles
    the current instant first."""
    cluster.run(cluster.now)
    out = []
    for d in checked_deployments(cluster, ref):
        replica_sets = cluster.store.owned_replica_sets(d.metadata.uid)
        terminating = any(
            cluster.kubelet.index.owner_pods(rs.metadata.uid).terminating for rs in replica_sets
        )
        out += excess_history(d, replica_sets, cluster.now, terminating)
    return out


def excess_history(
    d: Any, replica_sets: Sequence[Any], now: float, old_pods_terminating: bool = False
) -> list[Violation]:
    """The ``history-limit`` rule on one Deployment and its ReplicaSets, as data."""
    limit = d.spec.revision_history_limit
    if limit is None or not deployment_complete(d, d.status):
        return []
    if d.spec.strategy.type == "Recreate" and old_pods_terminating:
        return []  # rolloutRecreate returns before its cleanup while old pods run
    old = [rs for rs in replica_sets if not same_template(rs.spec.template, d.spec.template)]
    if len(old) <= limit:
        return []
    listed = ", ".join(
        f"{rs.metadata.name} (revision {rs.metadata.annotations.get(REVISION_ANNOTATION, '?')})"
        for rs in old
    )
    return [
        Violation(
            now,
            f"deployment/{d.metadata.name}",
            "history-limit",
            f"at most revisionHistoryLimit={limit} old ReplicaSets after completion",
            f"{len(old)}: {listed}",
        )
    ]


def revision_annotation(cluster: Cluster, ref: str | None = None) -> list[Violation]:
    """``revisions``: on a settled cluster, the Deployment's revision annotation is its
    new ReplicaSet's (sync.go ``SetDeploymentRevision``). Settles the instant first."""
    cluster.run(cluster.now)
    out = []
    for d in checked_deployments(cluster, ref):
        if d.status.observed_generation < d.metadata.generation:
            continue
        new = [
            rs
            for rs in cluster.store.owned_replica_sets(d.metadata.uid)
            if same_template(rs.spec.template, d.spec.template)
        ]
        if len(new) != 1:
            continue
        want = new[0].metadata.annotations.get(REVISION_ANNOTATION)
        have = d.metadata.annotations.get(REVISION_ANNOTATION)
        if want != have:
            out.append(
                Violation(
                    cluster.now,
                    f"deployment/{d.metadata.name}",
                    "revisions",
                    f"revision annotation of the new ReplicaSet {new[0].metadata.name}: {want}",
                    f"{have}",
                )
            )
    return out


def _undo_target(replica_sets: Sequence[Any], to_revision: int) -> Any | None:
    """The ReplicaSet ``rollout undo`` goes back to: revision ``to_revision``, or with 0
    the second-highest revision (kubectl's ``DeploymentRollbacker``); ``None`` if
    there is no such revision."""
    by_revision = {}
    for rs in replica_sets:
        try:
            by_revision[int(rs.metadata.annotations.get(REVISION_ANNOTATION, ""))] = rs
        except ValueError:
            continue
    if to_revision == 0:
        ordered = sorted(by_revision)
        return by_revision[ordered[-2]] if len(ordered) >= 2 else None
    return by_revision.get(to_revision)


def _wrong_outcome(
    before: Any, after: Any, target: Any | None, to_revision: int, output: str, refused: bool
) -> tuple[str, str] | None:
    """What the undo should have done to the template and what kubectl said it did
    (expected, actual) when the two disagree; ``None`` when the outcome is right."""
    said = output.strip()
    if refused:
        if target is not None and not before.spec.paused:
            return (
                f"undo to revision {to_revision or 'previous'} succeeds "
                f"(it exists and the Deployment is not paused)",
                said,
            )
        return None
    if target is None or before.spec.paused:
        return "undo refused (no such revision, or paused)", said
    if "skipped rollback" in output:
        if not same_template(before.spec.template, target.spec.template):
            return "skip only when the template already matches", said
        return None
    if not same_template(after.spec.template, target.spec.template):
        return (
            f"the target revision's template ({target.metadata.name})",
            "a different template after: " + said,
        )
    return None


def check_undo(
    cluster: Cluster, ref: str, to_revision: int = 0, namespace: str = "default"
) -> tuple[str, list[Violation]]:
    """Run ``kubectl rollout undo`` and check ``rollback``: it restores the template.

    Returns what kubectl printed (or its error message) and the violations:
    a successful undo leaves the Deployment with the template of the target
    revision (``--to-revision``, or the second-highest; kubectl's
    ``DeploymentRollbacker``, pod-template-hash dropped); a skip means the
    template already matched; a refusal is allowed only when that revision
    does not exist or the Deployment is paused.
    """
    name = ref.split("/", 1)[1] if "/" in ref else ref
    d = cluster.get("deployment", name, namespace=namespace)
    target = _undo_target(cluster.store.owned_replica_sets(d.metadata.uid), to_revision)
    command = f"rollout undo deployment/{name} -n {namespace}"
    if to_revision:
        command += f" --to-revision={to_revision}"
    refused = False
    try:
        output = cluster.kubectl(command)
    except KubectlError as err:
        output, refused = err.message, True
    after = cluster.get("deployment", name, namespace=namespace)
    obj = f"deployment/{name}"
    out = []
    wrong = _wrong_outcome(d, after, target, to_revision, output, refused)
    if wrong is not None:
        out.append(Violation(cluster.now, obj, "rollback", *wrong))
    if after.spec.replicas != d.spec.replicas:
        out.append(
            Violation(
                cluster.now, obj, "rollback", f"replicas kept at {d.replicas}", f"{after.replicas}"
            )
        )
    watcher = attached_watch(cluster)
    if watcher is not None:
        watcher.extend(out)
    return output, out
