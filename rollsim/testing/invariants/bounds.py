"""Per-write count invariants: the strategy's bounds on how many pods run at once.

``RollingUpdateBounds`` (``max-surge``, ``min-available``) and
``RecreateOneVersion`` (``recreate-one-version``) are monitors: the watch feeds
them every snapshot of a Deployment, in order; ``rolling_update_bounds`` and
``recreate_one_version`` replay a recorded history through them. The bounds
come from ``upstream``, not from rollsim's controllers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rollsim.testing.invariants.upstream import rolling_update_limits, same_template
from rollsim.testing.observe import Snapshot, Violation, loses_availability, replay

__all__ = [
    "RANKING_NOTE",
    "RecreateOneVersion",
    "RollingUpdateBounds",
    "recreate_one_version",
    "rolling_update_bounds",
]

#: Appended to a ``min-available`` violation that upstream's pod ranking explains.
RANKING_NOTE = (
    "; the ReplicaSet controller deleted an available pod in place of a Ready pod "
    "still within minReadySeconds (getPodsToDelete ranks Ready pods by Ready time, "
    "not by availability)"
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


def _ranking_note(snap: Snapshot, previous: dict[str, tuple[int, int]]) -> str:
    """``RANKING_NOTE`` if a ReplicaSet that had Ready but not yet available pods lost
    available pods at this write, else nothing."""
    for s in snap.replica_sets:
        ready, available = previous.get(s.uid, (0, 0))
        if ready > available and s.rs.status.available_replicas < available:
            return RANKING_NOTE
    return ""


def _sizes(snap: Snapshot, field: Callable[[Any], int]) -> str:
    """Each ReplicaSet's ``field``, for the actual side of a report."""
    return ", ".join(f"{s.name}: {field(s)}" for s in snap.replica_sets) or "no ReplicaSets"


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
        """Check one snapshot; report each bound broken while armed."""
        d = snap.workload
        if snap.key[0] != "Deployment" or d.spec.strategy.type != "RollingUpdate":
            self._regime = None
            return []
        self._follow_regime(d, snap)
        most, least = rolling_update_limits(d)
        return self._check_surge(d, snap, most) + self._check_available(d, snap, least)

    def _follow_regime(self, d: Any, snap: Snapshot) -> None:
        """Disarm the bounds a scaling event or a spec change exempts: both when the
        regime changes, ``min-available`` when a ReplicaSet's minReadySeconds does."""
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

    def _check_surge(self, d: Any, snap: Snapshot, most: int) -> list[Violation]:
        """``max-surge``: arm at a settled write within the bound, report a breach once."""
        total = sum(s.rs.replicas for s in snap.replica_sets)
        if total <= most and (self._surge_armed or _settled(d, snap)):
            self._surge_armed = True
            return []
        if not self._surge_armed:
            return []
        self._surge_armed = False
        return [
            Violation(
                snap.time,
                snap.ref,
                "max-surge",
                f"sum of ReplicaSet spec.replicas <= replicas + maxSurge = {most}",
                f"{total} ({_sizes(snap, lambda s: s.rs.replicas)}) after {snap.cause}",
            )
        ]

    def _check_available(self, d: Any, snap: Snapshot, least: int) -> list[Violation]:
        """``min-available``: off while pods can fail on their own; arm at a settled
        write within the bound, report a breach once (with ``RANKING_NOTE`` if due)."""
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
            return []
        if not self._available_armed and not _settled(d, snap):
            return []
        if available >= least:
            self._available_armed = True
            return []
        if not self._available_armed:
            return []
        self._available_armed = False
        return [
            Violation(
                snap.time,
                snap.ref,
                "min-available",
                f"available >= replicas - maxUnavailable = {least} (pods healthy, no "
                f"scaling event)",
                f"{available} ({_sizes(snap, lambda s: s.rs.status.available_replicas)}) "
                f"after {snap.cause}" + _ranking_note(snap, previous),
            )
        ]


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
        """Check one snapshot; report two versions running at once while armed."""
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


def rolling_update_bounds(history: Sequence[Snapshot]) -> list[Violation]:
    """``max-surge`` and ``min-available`` over a recorded history (``RollingUpdateBounds``)."""
    return replay(RollingUpdateBounds, history)


def recreate_one_version(history: Sequence[Snapshot]) -> list[Violation]:
    """``recreate-one-version`` over a recorded history (``RecreateOneVersion``)."""
    return replay(RecreateOneVersion, history)
