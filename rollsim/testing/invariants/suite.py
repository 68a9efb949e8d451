"""The invariant suite: which checks run for which workload kind, and running them all.

``MONITORS`` (per workload kind, fed every write by the ``watch``),
``GLOBAL_CHECKS`` (the whole cluster after every write) and
``WORKLOAD_CHECKS`` (each settled workload of a kind) are registries:
``rollsim.testing.progressive`` adds the Argo Rollout and Flagger Canary checks
to them. ``collect`` gathers what every check found; ``assert_rollout_invariants``
raises it as an ``InvariantViolation``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rollsim.testing.invariants.bounds import RecreateOneVersion, RollingUpdateBounds
from rollsim.testing.invariants.liveness import Completion
from rollsim.testing.invariants.report import InvariantViolation, dedupe, events_context
from rollsim.testing.invariants.revisions import (
    RevisionsIncrease,
    history_within_limit,
    revision_annotation,
)
from rollsim.testing.invariants.traffic import EndpointsReady, timeline_invariants
from rollsim.testing.observe import GlobalCheck, MonitorFactory, Violation, Watch, attached_watch

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = [
    "GLOBAL_CHECKS",
    "MONITORS",
    "WORKLOAD_CHECKS",
    "assert_rollout_invariants",
    "collect",
    "register_monitor",
    "register_workload_check",
    "watch",
    "workload_checks",
]

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
