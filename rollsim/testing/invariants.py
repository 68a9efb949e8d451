"""Rollout invariants: what every correct Deployment rollout satisfies, as checks.

Each invariant is a function returning a list of ``Violation`` (empty when it
holds). They come in three shapes, by what they need to see:

- **history** invariants re-check a list of ``Snapshot``\\ s (every store
  write, recorded by ``watch(cluster)``, which must be attached before the
  cluster runs): ``rolling_update_bounds``, ``recreate_one_version``,
  ``revisions_increase``, ``completion``, and ``endpoints_ready`` (the last
  needs the live cluster, so it runs online only). The watch also runs them
  online, so ``watch(cluster).violations`` is always current.
- **state** invariants look at a settled cluster: ``history_within_limit``,
  ``revision_annotation``; and ``check_undo`` wraps ``kubectl rollout undo``.
- **timeline** invariants read a ``rollsim.Timeline``:
  ``traffic_shares_sum_to_one``, ``traffic_to_ready_endpoints``,
  ``requests_conserved``.

``rollout_completes`` (liveness) and ``determinism`` run the cluster further
or again. ``assert_rollout_invariants(cluster)`` checks everything that needs
no further run and raises ``InvariantViolation`` with a readable report.

Where an invariant restates upstream, the bounds are recomputed here from the
spec, independently of rollsim's controllers (``fenceposts`` mirrors
``ResolveFenceposts`` in pkg/controller/deployment/util/deployment_util.go),
so a bug in the simulator's arithmetic cannot hide itself. Checks are
per workload kind (``MONITORS``, online; ``WORKLOAD_CHECKS``, on the settled
cluster): ``rollsim.testing.progressive`` registers the Argo Rollout and
Flagger Canary checks there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from rollsim.api.apps import Deployment
from rollsim.api.manifest import to_dict
from rollsim.controllers.deployment.util import POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION
from rollsim.kubectl import KubectlError
from rollsim.metrics import WORKLOADS, Timeline
from rollsim.testing.observe import (
    GlobalCheck,
    Monitor,
    MonitorFactory,
    Snapshot,
    Violation,
    Watch,
    WorkloadKey,
    attached_watch,
    faulty,
    loses_availability,
)

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = [
    "MONITORS",
    "InvariantViolation",
    "Violation",
    "assert_rollout_invariants",
    "check_undo",
    "completion",
    "determinism",
    "digest",
    "endpoints_ready",
    "excess_history",
    "fenceposts",
    "history_within_limit",
    "recreate_one_version",
    "register_monitor",
    "register_workload_check",
    "requests_conserved",
    "revision_annotation",
    "revisions_increase",
    "rolling_update_bounds",
    "rolling_update_limits",
    "rollout_completes",
    "traffic_shares_sum_to_one",
    "traffic_to_ready_endpoints",
    "watch",
]

#: Relative tolerance of the request-count identities (sums of floats).
REL_TOL = 1e-9


class InvariantViolation(AssertionError):
    """Rollout invariants were broken; ``violations`` lists them, the message reports them."""

    def __init__(self, violations: Sequence[Violation], context: str = "") -> None:
        self.violations = list(violations)
        self.context = context
        super().__init__(format_report(self.violations, context))


def format_report(violations: Sequence[Violation], context: str = "") -> str:
    """A readable report: one block per violation, then ``context`` (e.g. the events)."""
    count = len(violations)
    lines = [f"{count} rollout invariant violation{'s' if count != 1 else ''}:"]
    lines += [str(v) for v in violations]
    if context:
        lines += ["", context]
    return "\n".join(lines)


def dedupe(violations: Iterable[Violation]) -> list[Violation]:
    """The first of each (object, invariant, expected, actual), in order."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for v in violations:
        key = (v.object, v.invariant, v.expected, v.actual)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


# ----------------------------------------------------------------------------------------
# Upstream arithmetic, restated independently of rollsim's controllers.


def _scaled(value: int | str | None, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``: ints as they are, ``N%`` of ``total``."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    percent = int(value.rstrip("%"))
    exact = percent * total
    return (exact + 99) // 100 if round_up else exact // 100


def fenceposts(
    max_surge: int | str | None, max_unavailable: int | str | None, replicas: int
) -> tuple[int, int]:
    """``ResolveFenceposts``: surge rounds up, unavailable rounds down, and when both
    come to 0 unavailable is 1 (pkg/controller/deployment/util/deployment_util.go)."""
    surge = _scaled(max_surge, replicas, True)
    unavailable = _scaled(max_unavailable, replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def rolling_update_limits(d: Any) -> tuple[int, int]:
    """(most pods the ReplicaSets may ask for, fewest that must stay available) of a
    RollingUpdate Deployment: ``replicas + MaxSurge(d)`` and ``MinAvailable(d)``,
    where ``MaxUnavailable`` is capped at ``replicas`` (deployment_util.go)."""
    replicas = int(d.replicas)
    ru = d.spec.strategy.rolling_update
    surge, unavailable = fenceposts(
        ru.max_surge if ru else None, ru.max_unavailable if ru else None, replicas
    )
    max_unavailable = 0 if replicas == 0 else min(unavailable, replicas)
    return replicas + surge, replicas - max_unavailable


def _without_hash(template: Any) -> Any:
    labels = template.metadata.labels
    if POD_TEMPLATE_HASH_LABEL not in labels:
        return template
    kept = {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH_LABEL}
    return replace(template, metadata=replace(template.metadata, labels=kept))


def same_template(a: Any, b: Any) -> bool:
    """``EqualIgnoreHash``: equal once the pod-template-hash label is dropped."""
    return bool(_without_hash(a) == _without_hash(b))


def _complete(d: Any, status: Any) -> bool:
    """``DeploymentComplete``: every replica updated and available, spec observed."""
    replicas = d.replicas
    return bool(
        status.updated_replicas == replicas
        and status.replicas == replicas
        and status.available_replicas == replicas
        and status.observed_generation >= d.metadata.generation
    )


def _settled(d: Any, snap: Snapshot) -> bool:
    """The controllers have caught up with the spec: the Deployment's generation is
    observed and every ReplicaSet runs as many pods as it asks for."""
    return bool(
        d.status.observed_generation >= d.metadata.generation
        and all(
            s.rs.status.replicas == s.rs.replicas
            and s.rs.status.observed_generation >= s.rs.metadata.generation
            for s in snap.replica_sets
        )
    )


#: Appended to a ``min-available`` violation that upstream's pod ranking explains.
RANKING_NOTE = (
    "; the ReplicaSet controller deleted an available pod in place of a Ready pod "
    "still within minReadySeconds (getPodsToDelete ranks Ready pods by Ready time, "
    "not by availability)"
)


def _ranking_note(snap: Snapshot, previous: dict[str, tuple[int, int]]) -> str:
    """``RANKING_NOTE`` if a ReplicaSet that had Ready but not yet available pods lost
    available pods at this write, else nothing."""
    for s in snap.replica_sets:
        ready, available = previous.get(s.uid, (0, 0))
        if ready > available and s.rs.status.available_replicas < available:
            return RANKING_NOTE
    return ""


def _sizes(snap: Snapshot, field: Callable[[Any], int]) -> str:
    return ", ".join(f"{s.name}: {field(s)}" for s in snap.replica_sets) or "no ReplicaSets"


# ----------------------------------------------------------------------------------------
# Online monitors (one instance per workload) and their history forms.


class RollingUpdateBounds:
    """maxSurge and maxUnavailable hold during a RollingUpdate.

    Mirrors upstream's e2e check ``checkRollingUpdateStatus`` (test/utils/
    deployment.go, used by ``WaitForDeploymentCompleteAndCheckRolling``):

    - ``max-surge``: the sum of the ReplicaSets' ``spec.replicas`` is at most
      ``replicas + MaxSurge``, at every write (upstream polls).
    - ``min-available``: the sum of the ReplicaSets' ``status.availableReplicas``
      (what ``status.availableReplicas`` of the Deployment sums) is at least
      ``MinAvailable = replicas - MaxUnavailable``.

    Upstream skips the check "shortly after a scaling event or the deployment
    is just created". Precisely: a *regime* is a fixed (replicas, maxSurge,
    maxUnavailable, minReadySeconds) with no ReplicaSet's minReadySeconds
    changing. Each bound is armed once it is seen to hold within the regime
    (so creation and scaling are exempt until the bound is first reached) and
    is then checked at every later write of the regime. A bound arms only at
    a settled write (the Deployment's generation observed, every ReplicaSet
    running its ``spec.replicas``), because a scaling event is over only once
    its writes and pod deletions are done: proportional scaling writes the
    ReplicaSets one at a time and may grow one before shrinking another
    (sync.go ``scale``: the leftover goes to the largest ReplicaSet first),
    and a scale-down's deletions follow the ReplicaSet controller's ranking. ``min-available`` is
    also disarmed while any pod exists whose behaviour can lose availability on
    its own (``crash_loop`` or ``unready_after``): those pods fail, the
    controller does not. Pods that never become available
    (``never_ready``, ``image_pull_error``) keep it armed: the controller must
    not drain old pods for them. After a violation the bound disarms, so each
    dip is reported once.

    Upstream itself breaks ``min-available`` when ``minReadySeconds > 0``:
    ``cleanupUnhealthyReplicas`` scales an old ReplicaSet down by its count of
    unavailable pods, but the ReplicaSet controller picks victims by
    readiness and Ready time (``ActivePodsWithRanks``, logarithmic buckets,
    then UID), so it may delete an available pod and keep a Ready one still
    inside minReadySeconds. rollsim reproduces that; the violation then says
    so (``RANKING_NOTE``). It is a true finding about the rollout.
    """

    def __init__(self) -> None:
        self._regime: tuple[Any, ...] | None = None
        self._min_ready: dict[str, int] = {}
        self._surge_armed = False
        self._available_armed = False
        self._status: dict[str, tuple[int, int]] = {}

    def observe(self, snap: Snapshot) -> list[Violation]:
        d = snap.workload
        if snap.key[0] != "Deployment" or d.spec.strategy.type != "RollingUpdate":
            self._regime = None
            return []
        ru = d.spec.strategy.rolling_update
        regime = (
            d.replicas,
            ru.max_surge if ru else None,
            ru.max_unavailable if ru else None,
            d.spec.min_ready_seconds,
        )
        min_ready = {s.uid: s.rs.spec.min_ready_seconds for s in snap.replica_sets}
        if regime != self._regime:
            self._regime = regime
            self._surge_armed = self._available_armed = False
        if any(self._min_ready.get(uid, v) != v for uid, v in min_ready.items()):
            self._available_armed = False
        self._min_ready = min_ready
        most, least = rolling_update_limits(d)
        out = []
        total = sum(s.rs.replicas for s in snap.replica_sets)
        if total > most or (not self._surge_armed and not _settled(d, snap)):
            if self._surge_armed:
                out.append(
                    Violation(
                        snap.time,
                        snap.ref,
                        "max-surge",
                        f"sum of ReplicaSet spec.replicas <= replicas + maxSurge = {most}",
                        f"{total} ({_sizes(snap, lambda s: s.rs.replicas)}) after {snap.cause}",
                    )
                )
                self._surge_armed = False
        else:
            self._surge_armed = True
        fragile = any(
            loses_availability(s.behavior) and (s.active > 0 or s.rs.replicas > 0)
            for s in snap.replica_sets
        )
        available = sum(s.rs.status.available_replicas for s in snap.replica_sets)
        previous = self._status
        self._status = {
            s.uid: (s.rs.status.ready_replicas, s.rs.status.available_replicas)
            for s in snap.replica_sets
        }
        if fragile:
            self._available_armed = False
        elif not self._available_armed and not _settled(d, snap):
            pass
        elif available < least:
            if self._available_armed:
                out.append(
                    Violation(
                        snap.time,
                        snap.ref,
                        "min-available",
                        f"available >= replicas - maxUnavailable = {least} (pods healthy, no "
                        f"scaling event)",
                        f"{available} ({_sizes(snap, lambda s: s.rs.status.available_replicas)}) "
                        f"after {snap.cause}" + _ranking_note(snap, previous),
                    )
                )
                self._available_armed = False
        else:
            self._available_armed = True
        return out


class RecreateOneVersion:
    """``recreate-one-version``: Recreate never runs two pod templates at once.

    No pod of the new ReplicaSet (the one whose template is the Deployment's)
    exists while a pod of another ReplicaSet exists, terminating pods
    included (recreate.go: ``rolloutRecreate`` scales the new ReplicaSet up
    only once ``oldPodsRunning`` is false).

    That is the guarantee of the Recreate *strategy*; upstream's ``sync``
    path does not give it. A paused Deployment, or one seeing a scaling
    event, is synced by ``sync``/``scale``, and ``FindActiveOrLatest`` scales
    the new ReplicaSet to ``replicas`` when no ReplicaSet is active, even
    while old pods are still terminating (deployment_controller.go,
    sync.go). So the check is disarmed while the Deployment is paused and
    when ``replicas`` changes, and armed again once a single version runs;
    it is also armed only after a single version has been seen under
    Recreate, so a switch from RollingUpdate mid-rollout is exempt until it
    has settled.
    """

    def __init__(self) -> None:
        self._armed = False
        self._replicas: int | None = None

    def observe(self, snap: Snapshot) -> list[Violation]:
        d = snap.workload
        if snap.key[0] != "Deployment" or d.spec.strategy.type != "Recreate":
            self._armed = False
            return []
        if d.spec.paused or d.replicas != self._replicas:
            self._replicas = d.replicas
            self._armed = False
        new = [s for s in snap.replica_sets if same_template(s.rs.spec.template, d.spec.template)]
        new_pods = sum(s.pods for s in new)
        others = [s for s in snap.replica_sets if s not in new and s.pods > 0]
        if new_pods and others:
            if not self._armed:
                return []
            self._armed = False
            return [
                Violation(
                    snap.time,
                    snap.ref,
                    "recreate-one-version",
                    "no pod of the new ReplicaSet while an old pod exists (terminating included)",
                    f"new {', '.join(s.name for s in new)}: {new_pods} pods; old "
                    + ", ".join(
                        f"{s.name}: {s.active} active + {s.terminating} terminating" for s in others
                    )
                    + f" after {snap.cause}",
                )
            ]
        self._armed = True
        return []


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
        if snap.key[0] != "Deployment":
            return []
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


class Completion:
    """``completion``: when the Deployment's status says complete
    (``DeploymentComplete``: updated == replicas == available, generation
    observed), every active pod belongs to the new ReplicaSet, there are
    ``replicas`` of them, and all are available, as the kubelet has them.
    Checked at each write of the Deployment itself (its status is fresh then:
    ReplicaSet work always runs before a Deployment sync)."""

    def observe(self, snap: Snapshot) -> list[Violation]:
        d = snap.workload
        if (
            snap.key[0] != "Deployment"
            or not snap.cause.startswith("Deployment/")
            or not _complete(d, d.status)
        ):
            return []
        new = [s for s in snap.replica_sets if same_template(s.rs.spec.template, d.spec.template)]
        new_active = sum(s.active for s in new)
        new_available = sum(s.available for s in new)
        old_active = sum(s.active for s in snap.replica_sets if s not in new)
        if new_active == d.replicas and new_available == d.replicas and old_active == 0:
            return []
        return [
            Violation(
                snap.time,
                snap.ref,
                "completion",
                f"complete status means {d.replicas} pods, all of the new template and available, "
                f"none of an old one",
                f"{new_active} new pods ({new_available} available), {old_active} old pods; status "
                f"updated={d.status.updated_replicas} available={d.status.available_replicas}",
            )
        ]


class EndpointsReady:
    """``endpoints-ready``: traffic goes only to ready endpoints.

    Every endpoint a route lists as serving (not dead) is a pod that exists
    and is Ready; with no propagation lag it is also not terminating. With a
    lag, an endpoint that stopped serving stays listed until the lag passes,
    but it is marked dead and every request sent to it fails (see
    ``rollsim.controllers.endpoints``): that is the modelled 5xx, not a
    violation. Runs on the live cluster after every write.
    """

    def __init__(self) -> None:
        self._reported: set[tuple[Any, ...]] = set()

    def __call__(self, cluster: Cluster, now: float) -> list[Violation]:
        routes = cluster.endpoints.routes
        if not any(route.members for route in routes.values()):
            return []
        pods = {p.uid: p for p in cluster.kubelet.pods.values()}
        out = []
        for key, route in routes.items():
            for uid, dead in route.members.items():
                if dead:
                    continue
                pod = pods.get(uid)
                if pod is None:
                    problem = "no such pod any more"
                elif not pod.ready:
                    problem = f"pod {pod.name} is not Ready"
                elif route.lag <= 0 and pod.deleted_at is not None:
                    problem = f"pod {pod.name} is terminating"
                else:
                    continue
                report_key = (key, uid, problem)
                if report_key in self._reported:
                    continue
                self._reported.add(report_key)
                out.append(
                    Violation(
                        now,
                        f"{key[0]}/{key[2]}",
                        "endpoints-ready",
                        "serving endpoints are Ready pods (not terminating when "
                        "there is no endpoint lag)",
                        f"endpoint {uid} serves: {problem}",
                    )
                )
        return out


#: Monitors per workload kind; each gets one fresh instance per workload.
MONITORS: dict[str, list[MonitorFactory]] = {
    "Deployment": [RollingUpdateBounds, RecreateOneVersion, RevisionsIncrease, Completion],
}
#: Checks of the whole cluster run after every write.
GLOBAL_CHECKS: list[Callable[[], GlobalCheck]] = [EndpointsReady]


#: Checks of one settled workload of a kind (``check(cluster, workload)``), run by
#: ``collect`` for every workload of that kind: how the timeline invariants of
#: Argo Rollouts and Flagger canaries join ``assert_rollout_invariants``.
WORKLOAD_CHECKS: dict[str, list[Callable[[Cluster, Any], list[Violation]]]] = {}


def register_workload_check(kind: str, check: Callable[[Cluster, Any], list[Violation]]) -> None:
    """Run ``check(cluster, workload)`` on every ``kind`` workload in ``collect``."""
    WORKLOAD_CHECKS.setdefault(kind, []).append(check)


def workload_checks(cluster: Cluster, ref: str | None = None) -> list[Violation]:
    """Every ``WORKLOAD_CHECKS`` check on each workload of its kind (or only ``ref``)."""
    out = []
    for kind, checks in WORKLOAD_CHECKS.items():
        for w in cluster.store.list(kind, None):
            if ref is not None and ref != f"{kind.lower()}/{w.metadata.name}":
                continue
            for check in checks:
                out += check(cluster, w)
    return out


def register_monitor(kind: str, factory: MonitorFactory) -> None:
    """Check another workload kind (an Argo Rollout, a Flagger canary's target)."""
    MONITORS.setdefault(kind, []).append(factory)


def watch(cluster: Cluster, keep_history: bool = True) -> Watch:
    """Record and check every write of ``cluster`` from now on; attach before running.

    Returns the watch already attached, if any. Its ``violations`` are the
    online results of every history invariant; ``history`` has the snapshots.
    """
    existing = attached_watch(cluster)
    if existing is not None:
        return existing
    return Watch(
        cluster,
        lambda kind: MONITORS.get(kind, []),
        [make() for make in GLOBAL_CHECKS],
        keep_history=keep_history,
    )


def _replay(factory: MonitorFactory, history: Sequence[Snapshot]) -> list[Violation]:
    monitors: dict[WorkloadKey, Monitor] = {}
    out = []
    for snap in history:
        monitor = monitors.get(snap.key)
        if monitor is None:
            monitor = monitors[snap.key] = factory()
        out.extend(monitor.observe(snap))
    return out


def rolling_update_bounds(history: Sequence[Snapshot]) -> list[Violation]:
    """``max-surge`` and ``min-available`` over a recorded history (``RollingUpdateBounds``)."""
    return _replay(RollingUpdateBounds, history)


def recreate_one_version(history: Sequence[Snapshot]) -> list[Violation]:
    """``recreate-one-version`` over a recorded history (``RecreateOneVersion``)."""
    return _replay(RecreateOneVersion, history)


def revisions_increase(history: Sequence[Snapshot]) -> list[Violation]:
    """``revisions`` and ``revision-reuse`` over a recorded history (``RevisionsIncrease``)."""
    return _replay(RevisionsIncrease, history)


def completion(history: Sequence[Snapshot]) -> list[Violation]:
    """``completion`` over a recorded history (``Completion``)."""
    return _replay(Completion, history)


def endpoints_ready(cluster: Cluster) -> list[Violation]:
    """``endpoints-ready`` on the cluster as it is now (``EndpointsReady``)."""
    return EndpointsReady()(cluster, cluster.now)


# ----------------------------------------------------------------------------------------
# State invariants (on a settled cluster).


def _deployments(cluster: Cluster, ref: str | None) -> list[Any]:
    if ref is not None:
        found = cluster.get(ref)
        return [found] if isinstance(found, Deployment) else []
    return list(cluster.list("deployment", None))


def history_within_limit(cluster: Cluster, ref: str | None = None) -> list[Violation]:
    """``history-limit``: once a rollout is complete, at most ``revisionHistoryLimit``
    old ReplicaSets remain (sync.go ``cleanupDeployment`` runs on the sync after
    completion, or while paused). Under Recreate, "complete" also needs the old
    pods gone: ``rolloutRecreate`` returns before its cleanup while any old pod
    still terminates (a Deployment scaled to 0 is complete at once). Settles
    the current instant first."""
    cluster.run(cluster.now)
    out = []
    for d in _deployments(cluster, ref):
        replica_sets = cluster.store.owned_replica_sets(d.metadata.uid)
        terminating = any(
            cluster.replicasets.pods_of(rs.metadata.uid).terminating for rs in replica_sets
        )
        out += excess_history(d, replica_sets, cluster.now, terminating)
    return out


def excess_history(
    d: Any, replica_sets: Sequence[Any], now: float, old_pods_terminating: bool = False
) -> list[Violation]:
    """The ``history-limit`` rule on one Deployment and its ReplicaSets, as data."""
    limit = d.spec.revision_history_limit
    if limit is None or not _complete(d, d.status):
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
    for d in _deployments(cluster, ref):
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
    replica_sets = cluster.store.owned_replica_sets(d.metadata.uid)
    by_revision = {}
    for rs in replica_sets:
        try:
            by_revision[int(rs.metadata.annotations.get(REVISION_ANNOTATION, ""))] = rs
        except ValueError:
            continue
    if to_revision == 0:
        ordered = sorted(by_revision)
        target = by_revision[ordered[-2]] if len(ordered) >= 2 else None
    else:
        target = by_revision.get(to_revision)
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
    wanted = "the target revision's template"
    if refused:
        if target is not None and not d.spec.paused:
            out.append(
                Violation(
                    cluster.now,
                    obj,
                    "rollback",
                    f"undo to revision {to_revision or 'previous'} succeeds "
                    f"(it exists and the Deployment is not paused)",
                    output.strip(),
                )
            )
    elif target is None or d.spec.paused:
        out.append(
            Violation(
                cluster.now,
                obj,
                "rollback",
                "undo refused (no such revision, or paused)",
                output.strip(),
            )
        )
    elif "skipped rollback" in output:
        if not same_template(d.spec.template, target.spec.template):
            out.append(
                Violation(
                    cluster.now,
                    obj,
                    "rollback",
                    "skip only when the template already matches",
                    output.strip(),
                )
            )
    elif not same_template(after.spec.template, target.spec.template):
        out.append(
            Violation(
                cluster.now,
                obj,
                "rollback",
                wanted + f" ({target.metadata.name})",
                "a different template after: " + output.strip(),
            )
        )
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


def rollout_completes(
    cluster: Cluster, ref: str, timeout: float = 7200.0, namespace: str = "default"
) -> list[Violation]:
    """``liveness``: a rollout whose pods are healthy completes.

    If the Deployment is not paused and pods of its current template have no
    fault, ``run_until_complete`` must succeed within ``timeout`` seconds.
    Advances the clock (to completion, or by ``timeout``).
    """
    name = ref.split("/", 1)[1] if "/" in ref else ref
    d = cluster.get("deployment", name, namespace=namespace)
    if d.spec.paused or faulty(cluster.kubelet.behavior_for(d.spec.template)):
        return []
    start = cluster.now
    if cluster.run_until_complete(f"deployment/{name}", timeout=timeout, namespace=namespace):
        return []
    d = cluster.get("deployment", name, namespace=namespace)
    s = d.status
    return [
        Violation(
            cluster.now,
            f"deployment/{name}",
            "liveness",
            f"complete within {timeout:g}s of t={start:g} (healthy pods, not paused)",
            f"replicas={s.replicas} updated={s.updated_replicas} "
            f"available={s.available_replicas} of {d.replicas}",
        )
    ]


# ----------------------------------------------------------------------------------------
# Timeline invariants.


def _row_tol(value: float) -> float:
    return REL_TOL * max(1.0, abs(value)) + 1e-9


def traffic_shares_sum_to_one(tl: Timeline) -> list[Violation]:
    """``traffic-shares``: whenever the workload has endpoints, the traffic shares of
    its ReplicaSets sum to 1 (kube-proxy spreads all of a Service's requests over
    its endpoints); with none, nothing is sent to any. Assumes the traffic
    reaches only this workload's pods."""
    revisions = list(tl.by_replica_set.values())
    if not revisions:
        return []
    shares = np.sum([r["traffic_share"] for r in revisions], axis=0)
    endpoints = tl["endpoints"]
    for i in range(len(tl.t)):
        listed = endpoints[i] > 0
        want = 1.0 if listed else 0.0
        if abs(shares[i] - want) > 1e-9:
            return [
                Violation(
                    float(tl.t[i]),
                    f"deployment/{tl.name}",
                    "traffic-shares",
                    f"shares sum to {want:g} ({endpoints[i]:g} endpoints)",
                    f"{float(shares[i])!r}",
                )
            ]
    return []


def traffic_to_ready_endpoints(tl: Timeline) -> list[Violation]:
    """``traffic-to-endpoints``: a ReplicaSet gets a share of the traffic only while it
    has listed endpoints (the watch's ``endpoints-ready`` checks they are Ready)."""
    for rev in tl.by_replica_set.values():
        bad = np.nonzero((rev["traffic_share"] > 0) & (rev["endpoints"] <= 0))[0]
        if len(bad):
            i = int(bad[0])
            return [
                Violation(
                    float(tl.t[i]),
                    f"replicaset/{rev.name}",
                    "traffic-to-endpoints",
                    "no share of traffic without endpoints",
                    f"share {rev['traffic_share'][i]:g} with 0 endpoints",
                )
            ]
    return []


def requests_conserved(tl: Timeline) -> list[Violation]:
    """``requests-conserved``: served + failed = offered at every row, where served is
    what the ReplicaSets answered (sent minus their failures) and failed counts
    failures plus requests that found no endpoint; counts never go down and no
    ReplicaSet fails more than it was sent. Assumes the traffic reaches only this
    workload's pods."""
    obj = f"deployment/{tl.name}"
    offered = [float(x) for x in tl["requests"]]
    failed = [float(x) for x in tl["errors"]]
    revisions = list(tl.by_replica_set.values())
    sent = np.sum([r["requests"] for r in revisions], axis=0) if revisions else np.zeros(len(tl.t))
    failed_rs = (
        np.sum([r["errors"] for r in revisions], axis=0) if revisions else np.zeros(len(tl.t))
    )
    served = [float(x) for x in sent - failed_rs]
    for i in range(len(tl.t)):
        if abs(served[i] + failed[i] - offered[i]) > _row_tol(offered[i]):
            return [
                Violation(
                    float(tl.t[i]),
                    obj,
                    "requests-conserved",
                    f"served + failed = offered = {offered[i]!r}",
                    f"served {served[i]!r} + failed {failed[i]!r} = {served[i] + failed[i]!r}",
                )
            ]
        if failed[i] > offered[i] + _row_tol(offered[i]):
            return [
                Violation(
                    float(tl.t[i]),
                    obj,
                    "requests-conserved",
                    f"failed <= offered = {offered[i]!r}",
                    f"{failed[i]!r}",
                )
            ]
    columns = [(obj, "requests", tl["requests"]), (obj, "errors", tl["errors"])]
    columns += [
        (f"replicaset/{r.name}", c, r[c]) for r in revisions for c in ("requests", "errors")
    ]
    for name, column, data in columns:
        drops = np.nonzero(np.diff(data) < -_row_tol(float(np.max(data, initial=0.0))))[0]
        if len(drops):
            i = int(drops[0]) + 1
            return [
                Violation(
                    float(tl.t[i]),
                    name,
                    "requests-conserved",
                    f"cumulative {column} never decrease (was {float(data[i - 1])!r})",
                    f"{float(data[i])!r}",
                )
            ]
    for r in revisions:
        over = np.nonzero(r["errors"] > r["requests"] + 1e-9 * np.maximum(1.0, r["requests"]))[0]
        if len(over):
            i = int(over[0])
            return [
                Violation(
                    float(tl.t[i]),
                    f"replicaset/{r.name}",
                    "requests-conserved",
                    f"failures <= requests sent = {float(r['requests'][i])!r}",
                    f"{float(r['errors'][i])!r}",
                )
            ]
    return []


def _selects(route: Any, labels: Any) -> bool:
    selector = route.selector if route is not None else None
    return bool(selector is not None and not selector.empty and selector.matches(labels))


def _template_labels(workload: Any) -> Any:
    """The pod template labels of a workload that has a template (a Flagger Canary
    points at one instead)."""
    template = getattr(workload.spec, "template", None)
    return template.metadata.labels if template is not None else None


def _traffic_reaches_only(cluster: Cluster, d: Any) -> bool:
    """Whether the traffic reaching ``d``'s pods reaches no other workload's pods and
    goes through no router split (the timeline then accounts for all of it)."""
    labels = d.spec.template.metadata.labels
    flows = [
        f
        for f in cluster.recorder.flows
        if _selects(f.route, labels) or _selects(f.route.canary, labels)
    ]
    if not flows:
        return True
    if len(flows) > 1:
        return False
    route = flows[0].route
    if route.canary is not None:
        return False
    others = [
        w
        for kind in WORKLOADS
        for w in cluster.store.list(kind, None)
        if w.metadata.uid != d.metadata.uid
        and _template_labels(w) is not None
        and _selects(route, _template_labels(w))
    ]
    return not others


def timeline_invariants(cluster: Cluster, ref: str | None = None) -> list[Violation]:
    """Every timeline invariant for each Deployment (or ``ref``) of ``cluster``."""
    out = []
    for d in _deployments(cluster, ref):
        try:
            tl = cluster.timeline(f"deployment/{d.metadata.name}", d.metadata.namespace)
        except LookupError:
            continue
        if _traffic_reaches_only(cluster, d):
            # With a router split (Argo, Flagger) the timeline's endpoint columns count
            # the stable route only; the watch's endpoints-ready covers every route.
            out += traffic_to_ready_endpoints(tl)
            out += traffic_shares_sum_to_one(tl)
            out += requests_conserved(tl)
    return out


# ----------------------------------------------------------------------------------------
# Determinism.


def _hash_array(h: Any, name: str, data: Any) -> None:
    h.update(name.encode())
    h.update(np.ascontiguousarray(data, dtype=np.float64).tobytes())


def digest(cluster: Cluster) -> str:
    """A SHA-256 of everything observable: every event, every workload's timeline
    (all columns, per ReplicaSet too, bit for bit) and every stored object.
    Same inputs and seed must give the same digest."""
    h = hashlib.sha256()
    cluster.run(cluster.now)
    for event in cluster.events:
        h.update(repr(tuple(event)).encode())
    for kind in sorted(WORKLOADS):
        for w in cluster.store.list(kind, None):
            try:
                tl = cluster.recorder.timeline(kind, w.metadata.namespace, w.metadata.name)
            except LookupError:
                continue
            _hash_array(h, f"{kind}/{w.metadata.name}:t", tl.t)
            for column in tl.columns:
                _hash_array(h, column, tl[column])
            for name in sorted(tl.by_replica_set):
                rev = tl.by_replica_set[name]
                for column in rev.columns:
                    _hash_array(h, f"{name}:{rev.revision}:{column}", rev[column])
            h.update(repr(tl.rollouts).encode())
    for kind in ("Deployment", "ReplicaSet", "Service", *sorted(WORKLOADS)):
        for obj in cluster.store.list(kind, None):
            h.update(json.dumps(to_dict(obj), sort_keys=True, default=repr).encode())
    for pod in sorted(cluster.kubelet.pods.values(), key=lambda p: (p.namespace, p.name)):
        h.update(f"{pod.name}|{pod.uid}|{pod.phase}|{pod.ready}|{pod.deleted_at!r}".encode())
    return h.hexdigest()


def determinism(make: Callable[[], Cluster], runs: int = 2) -> list[Violation]:
    """``determinism``: ``make()`` (which builds and runs a cluster from fixed inputs
    and seed) gives the same ``digest`` every time."""
    digests = []
    last: Cluster | None = None
    for _ in range(runs):
        last = make()
        digests.append(digest(last))
    if len(set(digests)) <= 1:
        return []
    assert last is not None
    return [
        Violation(
            last.now,
            "cluster",
            "determinism",
            f"one digest over {runs} runs with seed {last.seed}",
            ", ".join(d[:12] for d in digests),
        )
    ]


# ----------------------------------------------------------------------------------------
# Everything at once.


def events_context(cluster: Cluster, violations: Sequence[Violation], count: int = 12) -> str:
    """The events up to the first violation, as ``kubectl get events`` would list them."""
    if not violations:
        return ""
    first = min(v.time for v in violations)
    events = [
        e
        for e in cluster.events
        if e.time <= first
        and e.reason
        in ("ScalingReplicaSet", "DeploymentRollback", "Killing", "BackOff", "Unhealthy", "Failed")
    ]
    if not events:
        return ""
    lines = [f"last events up to t={first:g}:"]
    lines += [
        f"  t={e.time:g} {e.kind.lower()}/{e.name} {e.reason}: {e.message}" for e in events[-count:]
    ]
    return "\n".join(lines)


def collect(cluster: Cluster, ref: str | None = None) -> list[Violation]:
    """Every violation found by the attached watch plus the state and timeline
    invariants on the settled cluster, de-duplicated, in time order."""
    cluster.run(cluster.now)
    found: list[Violation] = []
    watcher = attached_watch(cluster)
    if watcher is not None:
        found += [
            v
            for v in watcher.violations
            if ref is None or v.object == ref or not v.object.startswith("deployment/")
        ]
    found += history_within_limit(cluster, ref)
    found += revision_annotation(cluster, ref)
    found += timeline_invariants(cluster, ref)
    found += workload_checks(cluster, ref)
    return sorted(dedupe(found), key=lambda v: v.time)


def assert_rollout_invariants(cluster: Cluster, ref: str | None = None) -> None:
    """Raise ``InvariantViolation`` if any rollout invariant is broken in ``cluster``.

    Checks what the attached ``watch`` found at every write (attach it with
    ``watch(cluster)`` before running: without it only the state and
    timeline invariants can be checked), then ``history_within_limit``,
    ``revision_annotation`` and the timeline invariants of each Deployment
    (or of ``ref``, e.g. ``"deployment/web"``). Liveness and determinism need
    further runs: see ``rollout_completes``, ``determinism`` and
    ``rollsim.testing.check_scenario``.
    """
    violations = collect(cluster, ref)
    if violations:
        raise InvariantViolation(violations, events_context(cluster, violations))
