"""Observing every intermediate state of a simulated cluster.

A ``Watch`` is a store watcher (``cluster.store.watchers``): the API server
calls it after every write, exactly where an informer would hear of the
change. For each write of a workload (a Deployment, or any kind registered
with ``rollsim.metrics.register_workload``) or of a ReplicaSet it owns, the
watch takes a ``Snapshot`` of that workload: the stored object, every
ReplicaSet it owns with its live pod counts, and which of those pods'
behaviours can fail on their own. Monitors (see ``rollsim.testing.invariants``)
consume snapshots one by one, so the checks run online and cost O(ReplicaSets)
per write, never O(history).

Between two writes nothing a controller can act on changes: pods change
state through the kubelet, but a ReplicaSet controller sync (and so a status
write) follows every pod change before any Deployment sync, so a snapshot per
write sees every state a controller decides from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from rollsim.api.apps import Deployment
from rollsim.api.kinds import workloads
from rollsim.behavior import PodBehavior
from rollsim.controllers.deployment.util import REVISION_ANNOTATION

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = [
    "Monitor",
    "ReplicaSetState",
    "Snapshot",
    "Violation",
    "Watch",
    "WorkloadKey",
    "faulty",
    "loses_availability",
]

#: (kind, namespace, name) of a workload.
WorkloadKey = tuple[str, str, str]


@dataclass(frozen=True)
class Violation:
    """One broken invariant: when, on which object, which rule, and the two sides.

    ``object`` is ``kind/name`` as kubectl writes it (``deployment/web``);
    ``invariant`` is the rule's short name (``max-surge``, ``min-available``
    ...); ``expected`` states the rule with the numbers it was checked
    against and ``actual`` what the cluster did.
    """

    time: float
    object: str
    invariant: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return (
            f"t={self.time:g} {self.object} [{self.invariant}]\n"
            f"    expected: {self.expected}\n"
            f"    actual:   {self.actual}"
        )


def faulty(behavior: PodBehavior) -> bool:
    """Whether pods of this behaviour may never become (or stay) available."""
    return (
        behavior.never_ready
        or behavior.image_pull_error
        or behavior.crash_loop is not None
        or behavior.unready_after is not None
        or behavior.hangs_after is not None
    )


def loses_availability(behavior: PodBehavior) -> bool:
    """Whether an available pod of this behaviour can turn unavailable by itself
    (a crash, a failing readiness probe, a liveness restart), with no controller
    deleting it."""
    return (
        behavior.crash_loop is not None
        or behavior.unready_after is not None
        or behavior.hangs_after is not None
    )


@dataclass(frozen=True)
class ReplicaSetState:
    """One owned ReplicaSet at a snapshot, with its live pods as the kubelet has them.

    ``active`` pods count for ``status.replicas`` (not terminating);
    ``terminating`` pods are deleted but still running their shutdown.
    ``revision`` is the revision annotation (``None`` if missing or not a number).
    """

    rs: Any
    revision: int | None
    active: int
    terminating: int
    ready: int
    available: int
    behavior: PodBehavior

    @property
    def uid(self) -> str:
        return str(self.rs.metadata.uid)

    @property
    def name(self) -> str:
        return str(self.rs.metadata.name)

    @property
    def pods(self) -> int:
        """Every pod that exists, terminating included."""
        return self.active + self.terminating


@dataclass(frozen=True)
class Snapshot:
    """A workload and its ReplicaSets right after one write to the store.

    ``seq`` numbers writes in order; ``cause`` says which write
    (``ReplicaSet/web-6d4f created``); ``workload`` is the stored object
    (``None`` once deleted).
    """

    seq: int
    time: float
    cause: str
    key: WorkloadKey
    workload: Any
    replica_sets: tuple[ReplicaSetState, ...]

    @property
    def ref(self) -> str:
        return f"{self.key[0].lower()}/{self.key[2]}"


class Monitor(Protocol):
    """An online invariant check: fed every snapshot of one workload, in order."""

    def observe(self, snap: Snapshot) -> list[Violation]: ...


MonitorFactory = Callable[[], Monitor]
#: A check of the whole cluster after a write (e.g. endpoints); returns violations.
GlobalCheck = Callable[["Cluster", float], list[Violation]]


def _revision(rs: Any) -> int | None:
    text = rs.metadata.annotations.get(REVISION_ANNOTATION)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _controller_ref(obj: Any) -> Any | None:
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref
    return None


class Watch:
    """Records a snapshot per workload write and runs the monitors on it.

    Attach before anything is applied (``rollsim.testing.watch(cluster)``
    does so); a watch attached later sees only what happens after.
    ``history`` keeps every snapshot when ``keep_history`` is true (the
    function forms of the invariants re-check a history);
    ``violations`` collects what the monitors found, in order.
    """

    def __init__(
        self,
        cluster: Cluster,
        monitors: Callable[[str], Sequence[MonitorFactory]],
        global_checks: Sequence[GlobalCheck] = (),
        keep_history: bool = True,
    ) -> None:
        self.cluster = cluster
        self.history: list[Snapshot] = []
        self.violations: list[Violation] = []
        self.keep_history = keep_history
        self._monitor_factories = monitors
        self._monitors: dict[WorkloadKey, list[Monitor]] = {}
        self._global_checks = list(global_checks)
        self._seq = 0
        cluster.store.watchers.append(self)

    def __call__(self, kind: str, old: Any, new: Any) -> None:
        obj = new if new is not None else old
        verb = "created" if old is None else "deleted" if new is None else "updated"
        cause = f"{kind}/{obj.metadata.name} {verb}"
        self._seq += 1
        key: WorkloadKey | None = None
        if kind in workloads():
            key = (kind, obj.metadata.namespace, obj.metadata.name)
        elif kind == "ReplicaSet":
            owner = _controller_ref(obj)
            if owner is not None and owner.kind in workloads():
                key = (owner.kind, obj.metadata.namespace, owner.name)
        if key is not None:
            snap = self.snapshot(key, cause)
            if snap is not None:
                if self.keep_history:
                    self.history.append(snap)
                monitors = self._monitors.get(key)
                if monitors is None:
                    monitors = self._monitors[key] = [f() for f in self._monitor_factories(key[0])]
                for monitor in monitors:
                    self.violations.extend(monitor.observe(snap))
            elif kind in workloads() and new is None:
                self._monitors.pop(key, None)
        for check in self._global_checks:
            self.violations.extend(check(self.cluster, self.cluster.now))

    def snapshot(self, key: WorkloadKey, cause: str = "") -> Snapshot | None:
        """The workload ``key`` and its ReplicaSets now (``None`` if it does not exist)."""
        cluster = self.cluster
        kind, namespace, name = key
        workload = cluster.store.get(kind, namespace, name)
        if workload is None:
            return None
        states = []
        for rs in cluster.store.owned_replica_sets(workload.metadata.uid):
            pods = cluster.kubelet.index.owner_pods(rs.metadata.uid)
            states.append(
                ReplicaSetState(
                    rs=rs,
                    revision=_revision(rs),
                    active=pods.active,
                    terminating=pods.terminating,
                    ready=len(pods.ready),
                    available=pods.available,
                    behavior=cluster.behaviors.for_template(rs.spec.template),
                )
            )
        return Snapshot(self._seq, cluster.now, cause, key, workload, tuple(states))

    def extend(self, violations: Iterable[Violation]) -> None:
        """Add violations found outside the store watch (settled-state checks, undo)."""
        self.violations.extend(violations)

    def detach(self) -> None:
        """Stop watching (the history and violations stay)."""
        watchers = self.cluster.store.watchers
        if self in watchers:
            watchers.remove(self)


def attached_watch(cluster: Cluster) -> Watch | None:
    """The ``Watch`` attached to ``cluster``, if any."""
    for watcher in cluster.store.watchers:
        if isinstance(watcher, Watch):
            return watcher
    return None


def replay(factory: MonitorFactory, history: Sequence[Snapshot]) -> list[Violation]:
    """What a monitor finds over a recorded history: one fresh ``factory()`` per
    workload, fed that workload's snapshots in order, as the watch does online."""
    monitors: dict[WorkloadKey, Monitor] = {}
    out = []
    for snap in history:
        monitor = monitors.get(snap.key)
        if monitor is None:
            monitor = monitors[snap.key] = factory()
        out.extend(monitor.observe(snap))
    return out


def checked_deployments(cluster: Cluster, ref: str | None) -> list[Any]:
    """The Deployments a settled-state check looks at: the one ``ref`` names (none if
    it names another kind), or every Deployment of ``cluster``."""
    if ref is not None:
        found = cluster.get(ref)
        return [found] if isinstance(found, Deployment) else []
    return list(cluster.list("deployment", None))
