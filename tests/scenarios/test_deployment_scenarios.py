"""End-to-end scenarios of the Deployment and ReplicaSet controllers.

Every expected value here was derived by hand from upstream semantics, as
restated in ``shared/reference/kubernetes.md`` (cited as "ref §N"), and
written into the test with its derivation. None was copied from a rollsim
run. When a test fails, re-check the derivation against the reference before
blaming rollsim.

Conventions:
- Pod timings are fixed: with ``PodBehavior(startup=2.0)`` a pod created at
  ``t`` is Running and Ready at ``t + 2`` (no readinessProbe), and Available
  at ``t + 2 + minReadySeconds`` (inclusive boundary, ref §7.1).
- The control plane is idealised (zero latency): at each instant pod
  transitions come first, then controllers run to quiescence, ReplicaSet work
  before each Deployment sync. A deleted pod leaves its ReplicaSet's counts at
  once (ref §9.3).
- ReplicaSet names contain the opaque pod-template-hash (ref §6.2), so tests
  find each ReplicaSet by the image of its template and build the expected
  event messages from its name.
- Conditions that live only within one instant (``NewReplicaSetCreated``,
  ``DeploymentResumed``, ``FoundNewReplicaSet``) are observed through
  ``Cluster.store.watchers`` (``ConditionLog``): every write, as a watch would.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

import rollsim
from rollsim.dist import LogNormal, Uniform

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED_V1 = EXAMPLES / "ngx-dep-v1.yaml"
SEED_V2 = EXAMPLES / "ngx-dep-v2.yaml"
SEED_V3 = EXAMPLES / "ngx-dep-v3.yaml"

IMG_V1 = "nginx:1.24-alpine"
IMG_V2 = "nginx:1.25-alpine"
IMG_V3 = "nginx:1.27-alpine"
IMG_BAD = "nginx:never-ready"
IMG_BAD2 = "nginx:never-ready-2"

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX = "deployment.kubernetes.io/max-replicas"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH_LABEL = "pod-template-hash"

CAUSE_V3 = "升级Nginx的版本到1.27"
MAX_INT32 = 2**31 - 1


# Helpers.


def cluster() -> rollsim.Cluster:
    """Every pod Running and Ready 2 s after creation, gone at once when deleted."""
    return rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))


def never_ready_cluster(fault: str = "never_ready") -> rollsim.Cluster:
    """As ``cluster()``, but pods of ``IMG_BAD`` and ``IMG_BAD2`` never become Ready.

    ``fault="never_ready"``: they start (Running) and never pass readiness;
    ``fault="image_pull_error"``: they stay Pending.
    """
    bad = rollsim.PodBehavior(startup=2.0, **{fault: True})
    return rollsim.Cluster(
        seed=0, pods=rollsim.PodBehavior(startup=2.0), images={IMG_BAD: bad, IMG_BAD2: bad}
    )


def deployment(
    name: str = "web",
    image: str = IMG_V1,
    replicas: int = 4,
    *,
    strategy: dict[str, Any] | None = None,
    min_ready: int = 0,
    deadline: int | None = None,
    history_limit: int | None = None,
    grace: int | None = None,
) -> dict[str, Any]:
    """A Deployment manifest (camelCase, as in a YAML file). Its container has a
    readinessProbe that notices a failing application within a second: without one
    the kubelet calls a running container Ready whatever its application does."""
    probe = {
        "httpGet": {"path": "/healthz", "port": 8080},
        "periodSeconds": 1,
        "failureThreshold": 1,
    }
    pod_spec: dict[str, Any] = {
        "containers": [{"name": "app", "image": image, "readinessProbe": probe}]
    }
    if grace is not None:
        pod_spec["terminationGracePeriodSeconds"] = grace
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec},
    }
    if strategy is not None:
        spec["strategy"] = strategy
    if min_ready:
        spec["minReadySeconds"] = min_ready
    if deadline is not None:
        spec["progressDeadlineSeconds"] = deadline
    if history_limit is not None:
        spec["revisionHistoryLimit"] = history_limit
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": spec,
    }


def rolling(max_surge: int | str, max_unavailable: int | str) -> dict[str, Any]:
    return {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": max_unavailable},
    }


def condition(obj: Any, type_: str) -> Any:
    for c in obj.status.conditions:
        if c.type == type_:
            return c
    return None


def scalings(
    c: rollsim.Cluster, name: str | None = None, since: float = float("-inf")
) -> list[tuple[float, str]]:
    """``ScalingReplicaSet`` events (time, message), in order."""
    out = []
    for e in c.events:
        if e.reason != "ScalingReplicaSet" or e.time < since:
            continue
        assert e.type == "Normal" and e.kind == "Deployment"
        if name is None or e.name == name:
            out.append((e.time, e.message))
    return out


def up(rs: Any, old: int, new: int) -> str:
    return f"Scaled up replica set {rs.metadata.name} from {old} to {new}"


def down(rs: Any, old: int, new: int) -> str:
    return f"Scaled down replica set {rs.metadata.name} from {old} to {new}"


def rs_for(c: rollsim.Cluster, image: str) -> Any:
    """The one ReplicaSet whose template runs ``image`` (fresh from the store)."""
    found = [
        rs for rs in c.list("replicaset") if rs.spec.template.spec.containers[0].image == image
    ]
    assert len(found) == 1, f"expected one ReplicaSet for {image}, found {len(found)}"
    return found[0]


def rs_state(rs: Any) -> tuple[int, int, int, int]:
    """(spec.replicas, status.replicas, status.readyReplicas, status.availableReplicas)."""
    s = rs.status
    return rs.spec.replicas, s.replicas, s.ready_replicas, s.available_replicas


def d_state(d: Any) -> dict[str, int]:
    s = d.status
    return {
        "replicas": s.replicas,
        "updated": s.updated_replicas,
        "ready": s.ready_replicas,
        "available": s.available_replicas,
        "unavailable": s.unavailable_replicas,
    }


def live_pods(c: rollsim.Cluster) -> list[Any]:
    """Pods not being deleted."""
    return [p for p in c.list("pod") if p.metadata.deletion_timestamp is None]


def is_ready(pod: Any) -> bool:
    ready = condition(pod, "Ready")
    return ready is not None and ready.status == "True"


def revisions(c: rollsim.Cluster) -> list[int]:
    """What ``rollout history`` lists: the RS revisions, ascending."""
    return sorted(int(rs.metadata.annotations[REVISION]) for rs in c.list("replicaset"))


class ConditionLog:
    """Records every distinct (status, reason) a Deployment condition was written with.

    Hooks the store's watch (every write, even those superseded within the
    same instant), so transient reasons such as ``NewReplicaSetCreated`` and
    ``DeploymentResumed`` are seen. ``writes`` keeps every written condition.
    """

    def __init__(self, c: rollsim.Cluster, name: str, type_: str = "Progressing") -> None:
        self.transitions: list[tuple[float, str, str]] = []
        self.writes: list[tuple[float, Any]] = []

        def watch(kind: str, old: Any, new: Any) -> None:
            if kind != "Deployment" or new is None or new.metadata.name != name:
                return
            cond = condition(new, type_)
            if cond is None:
                return
            self.writes.append((c.now, cond))
            key = (cond.status, cond.reason)
            if not self.transitions or self.transitions[-1][1:] != key:
                self.transitions.append((c.now, *key))

        c.store.watchers.append(watch)

    def messages(self, reason: str) -> list[str]:
        seen: list[str] = []
        for _, cond in self.writes:
            if cond.reason == reason and cond.message not in seen:
                seen.append(cond.message)
        return seen


class MinAvailable:
    """The lowest Σ availableReplicas over a Deployment's ReplicaSets, at every RS write."""

    def __init__(self, c: rollsim.Cluster, start: float) -> None:
        self.low: int | None = None

        def watch(kind: str, old: Any, new: Any) -> None:
            if kind != "ReplicaSet" or c.now < start:
                return
            total = sum(rs.status.available_replicas for rs in c.list("replicaset"))
            self.low = total if self.low is None else min(self.low, total)

        c.store.watchers.append(watch)


# 1. The seed walkthrough.
#
# ngx-dep-v1: R=4, 25%/25% -> surge ceil(1)=1, unavailable floor(1)=1 (ref §1.2),
# minAvailable 3, minReadySeconds 20, progressDeadlineSeconds defaulted to 600.
# Pods are Ready 2 s after creation and Available 20 s later.
#
# t=0   create A (rev 1) with NewRSNewReplicas = 0+min(5-0, 4) = 4 (ref §2.3).
# t=2   A's pods Ready; t=22 Available -> complete.
# t=22  apply v2 (template change, not a scaling event: desired-replicas 4 == R):
#       sync 1: create B (rev 2) with min(5-4, 4) = 1; reconcileNew: Σspec 5 >= 5, no-op;
#               reconcileOld: maxScaledDown = 5-3-(1-0) = 1; available 4 > 3, budget 1 -> A 4->3.
#       sync 2: Σspec 3+1 = 4 < 5 -> B 1+min(1, 3) = 2.
#       sync 3: Σspec 5; maxScaledDown = 5-3-(2-0) = 0 -> nothing (ref §2.5.3).
#       B1, B2 created at 22 -> Ready 24 -> Available 44.
# t=44  maxScaledDown = 5-3-0 = 2; available 3+2 = 5, budget 2 -> A 3->1;
#       then Σspec 1+2 = 3 -> B 2+min(2, 2) = 4. B3, B4: Ready 46, Available 66.
# t=66  budget = (1+4)-3 = 2 -> A 1->0; then Σold = 0 and the status is complete.


def _seed_events(a: Any, b: Any) -> list[tuple[float, str]]:
    return [
        (0.0, up(a, 0, 4)),
        (22.0, up(b, 0, 1)),
        (22.0, down(a, 4, 3)),
        (22.0, up(b, 1, 2)),
        (44.0, down(a, 3, 1)),
        (44.0, up(b, 2, 4)),
        (66.0, down(a, 1, 0)),
    ]


@pytest.mark.parametrize("shutdown", [0.0, 30.0])
def test_seed_rolling_update_scaling_events_and_completion(shutdown: float) -> None:
    # Terminating pods are invisible to RollingUpdate (ref §9.3): a 30 s shutdown changes
    # nothing in the trace, it only lets live + terminating pods exceed R + surge = 5.
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0, shutdown=shutdown))
    c.apply(SEED_V1)
    c.run(until=22)
    c.apply(SEED_V2)
    if shutdown:
        # t=23: A 3 live + 1 terminating (deleted 22, gone 52), B 2 live.
        c.run(until=23)
        assert (len(live_pods(c)), len(c.list("pod"))) == (5, 6)
        # t=45: A 1 live + 3 terminating (1 from 22, 2 from 44), B 4 live.
        c.run(until=45)
        assert (len(live_pods(c)), len(c.list("pod"))) == (5, 8)
    assert c.run_until_complete("deployment/ngx-dep") is True
    assert c.now == 66.0
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_V2)
    assert scalings(c, "ngx-dep") == _seed_events(a, b)

    # Pod churn, from the same trace: A creates 4 at 0; B creates 2 at 22 and 2 at 44;
    # A deletes 1 at 22, 2 at 44, 1 at 66.
    def count(reason: str, rs: Any) -> dict[float, int]:
        out: dict[float, int] = {}
        for e in c.events:
            if e.reason == reason and e.kind == "ReplicaSet" and e.name == rs.metadata.name:
                out[e.time] = out.get(e.time, 0) + 1
        return out

    assert count("SuccessfulCreate", a) == {0.0: 4}
    assert count("SuccessfulDelete", a) == {22.0: 1, 44.0: 2, 66.0: 1}
    assert count("SuccessfulCreate", b) == {22.0: 2, 44.0: 2}
    assert count("SuccessfulDelete", b) == {}


def test_seed_conditions_and_status_through_time() -> None:
    c = cluster()
    progressing = ConditionLog(c, "ngx-dep")
    available = ConditionLog(c, "ngx-dep", "Available")
    c.apply(SEED_V1)

    # t=0: A created (Progressing NewReplicaSetCreated), its 4 pods exist at once, so the
    # next sync sees updatedReplicas 0->4: ReplicaSetUpdated (ref §7.5 (b)). Nothing is
    # available: 0 < 4-1 -> Available False.
    c.run(until=0)
    d = c.get("deployment", "ngx-dep")
    a = rs_for(c, IMG_V1)
    assert d.metadata.annotations[REVISION] == "1"
    assert a.metadata.annotations[REVISION] == "1"
    assert REVISION_HISTORY not in a.metadata.annotations
    assert (a.metadata.annotations[DESIRED], a.metadata.annotations[MAX]) == ("4", "5")
    assert rs_state(a) == (4, 4, 0, 0)
    assert d_state(d) == {"replicas": 4, "updated": 4, "ready": 0, "available": 0, "unavailable": 4}
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message) == (
        "True",
        "ReplicaSetUpdated",
        f'ReplicaSet "{a.metadata.name}" is progressing.',
    )
    av = condition(d, "Available")
    assert (av.status, av.reason, av.message) == (
        "False",
        "MinimumReplicasUnavailable",
        "Deployment does not have minimum availability.",
    )

    # t=21: Ready since 2 (progress: readyReplicas 0->4 refreshed lastUpdateTime to 2),
    # not yet available (2 + 20 = 22).
    c.run(until=21)
    d = c.get("deployment", "ngx-dep")
    assert rs_state(rs_for(c, IMG_V1)) == (4, 4, 4, 0)
    p = condition(d, "Progressing")
    assert (p.reason, p.last_update_time, p.last_transition_time) == ("ReplicaSetUpdated", 2.0, 0.0)
    assert condition(d, "Available").status == "False"

    # t=22: available 4 -> DeploymentComplete -> NewReplicaSetAvailable; Available True.
    c.run(until=22)
    d = c.get("deployment", "ngx-dep")
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message, p.last_update_time, p.last_transition_time) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{a.metadata.name}" has successfully progressed.',
        22.0,
        0.0,
    )
    av = condition(d, "Available")
    assert (av.status, av.reason, av.message, av.last_transition_time) == (
        "True",
        "MinimumReplicasAvailable",
        "Deployment has minimum availability.",
        22.0,
    )

    c.apply(SEED_V2)
    # t=30: A 3 pods all available; B 2 pods Ready since 24, available at 44.
    # replicas 3+2, updated 2, ready 5, available 3, unavailable Σspec 5 - 3 = 2.
    # Progressing was last refreshed at 24 (readyReplicas 3->5); it stayed True since 0,
    # so lastTransitionTime is still 0 (ref §7.3/§7.4 notes). Available stays True: 3 >= 3.
    c.run(until=30)
    d = c.get("deployment", "ngx-dep")
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_V2)
    assert d.metadata.generation == 2 and d.status.observed_generation == 2
    assert d.metadata.annotations[REVISION] == "2"
    assert b.metadata.annotations[REVISION] == "2"
    assert rs_state(a) == (3, 3, 3, 3)
    assert rs_state(b) == (2, 2, 2, 0)
    assert d_state(d) == {"replicas": 5, "updated": 2, "ready": 5, "available": 3, "unavailable": 2}
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message, p.last_update_time, p.last_transition_time) == (
        "True",
        "ReplicaSetUpdated",
        f'ReplicaSet "{b.metadata.name}" is progressing.',
        24.0,
        0.0,
    )
    assert condition(d, "Available").status == "True"

    # t=50: A 1 pod; B 4 pods, B1 B2 available (44), B3 B4 Ready since 46.
    c.run(until=50)
    d = c.get("deployment", "ngx-dep")
    assert rs_state(rs_for(c, IMG_V1)) == (1, 1, 1, 1)
    assert rs_state(rs_for(c, IMG_V2)) == (4, 4, 4, 2)
    assert d_state(d) == {"replicas": 5, "updated": 4, "ready": 5, "available": 3, "unavailable": 2}
    assert condition(d, "Progressing").last_update_time == 46.0

    assert c.run_until_complete("deployment/ngx-dep") and c.now == 66.0
    d = c.get("deployment", "ngx-dep")
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message, p.last_update_time, p.last_transition_time) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{b.metadata.name}" has successfully progressed.',
        66.0,
        0.0,
    )
    av = condition(d, "Available")
    assert (av.status, av.reason, av.last_transition_time) == (
        "True",
        "MinimumReplicasAvailable",
        22.0,
    )

    # Every Progressing (status, reason) written, in order, and when.
    assert progressing.transitions == [
        (0.0, "True", "NewReplicaSetCreated"),
        (0.0, "True", "ReplicaSetUpdated"),
        (22.0, "True", "NewReplicaSetAvailable"),
        (22.0, "True", "NewReplicaSetCreated"),
        (22.0, "True", "ReplicaSetUpdated"),
        (66.0, "True", "NewReplicaSetAvailable"),
    ]
    assert progressing.messages("NewReplicaSetCreated") == [
        f'Created new replica set "{a.metadata.name}"',
        f'Created new replica set "{b.metadata.name}"',
    ]
    # During the v2 rollout ReplicaSetUpdated was refreshed exactly at the instants of
    # measurable progress: 22 (updated 0->1->2), 24 (ready 3->5), 44 (available 3->5, then
    # old pending 3->1), 46 (ready 3->5), 66 (available 3->5).
    assert sorted(
        {
            cond.last_update_time
            for t, cond in progressing.writes
            if t >= 22 and cond.reason == "ReplicaSetUpdated"
        }
    ) == [22.0, 24.0, 44.0, 46.0, 66.0]
    assert available.transitions == [
        (0.0, "False", "MinimumReplicasUnavailable"),
        (22.0, "True", "MinimumReplicasAvailable"),
    ]


def test_seed_final_objects() -> None:
    c = cluster()
    c.apply(SEED_V1)
    c.run(until=22)
    c.apply(SEED_V2)
    assert c.run_until_complete("deployment/ngx-dep")
    d = c.get("deployment", "ngx-dep")
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_V2)

    assert d_state(d) == {"replicas": 4, "updated": 4, "ready": 4, "available": 4, "unavailable": 0}
    assert d.status.observed_generation == d.metadata.generation == 2

    # Revisions: A 1, B 2; no reuse, so no revision-history (ref §5.1).
    assert d.metadata.annotations[REVISION] == "2"
    assert (a.metadata.annotations[REVISION], b.metadata.annotations[REVISION]) == ("1", "2")
    for rs in (a, b):
        assert REVISION_HISTORY not in rs.metadata.annotations
        # Both were last written through scaleReplicaSet with R=4, surge 1 (ref §3.2).
        assert (rs.metadata.annotations[DESIRED], rs.metadata.annotations[MAX]) == ("4", "5")
        assert rs.spec.min_ready_seconds == 20
        h = rs.metadata.labels[HASH_LABEL]
        assert rs.metadata.name == f"ngx-dep-{h}"
        assert rs.spec.selector.match_labels == {"app": "ngx-dep", HASH_LABEL: h}
        assert rs.spec.template.metadata.labels == {"app": "ngx-dep", HASH_LABEL: h}
        owner = [r for r in rs.metadata.owner_references if r.controller]
        assert [(r.kind, r.name, r.uid) for r in owner] == [
            ("Deployment", "ngx-dep", d.metadata.uid)
        ]
    assert a.metadata.labels[HASH_LABEL] != b.metadata.labels[HASH_LABEL]

    # Spec writes: A 4 (create), 3, 1, 0 -> generation 4; B 1 (create), 2, 4 -> 3.
    assert rs_state(a) == (0, 0, 0, 0)
    assert (a.metadata.generation, a.status.observed_generation) == (4, 4)
    assert rs_state(b) == (4, 4, 4, 4)
    assert (b.metadata.generation, b.status.observed_generation) == (3, 3)

    pods = c.list("pod")
    assert len(pods) == 4
    for pod in pods:
        assert pod.metadata.deletion_timestamp is None
        assert pod.spec.containers[0].image == IMG_V2
        assert pod.metadata.labels[HASH_LABEL] == b.metadata.labels[HASH_LABEL]
        assert pod.metadata.name.startswith(b.metadata.name + "-")
        assert [r.name for r in pod.metadata.owner_references] == [b.metadata.name]
        assert is_ready(pod) and pod.status.phase == "Running"
    # B1, B2 were created at 22, B3, B4 at 44.
    assert sorted(p.metadata.creation_timestamp for p in pods) == [22.0, 22.0, 44.0, 44.0]


# 2. Recreate (ref §4).
#
# R=3, Recreate (MaxSurge = MaxUnavailable = 0), minReadySeconds 0, pods Ready at +2.
# t=0   no old RS, no old pods: create A at full size R=3; complete at 2.
# t=10  set_image: scale every active old RS to 0 (A 3->0) and return. The new RS is
#       not created while any old pod exists, terminating ones included: old pods get
#       SIGTERM at 10 and are gone after min(shutdown, terminationGracePeriodSeconds).
# gone  create B at full size 3 (NewRSNewReplicas = R for Recreate); Ready/complete at +2.


@pytest.mark.parametrize(
    ("shutdown", "grace", "gone"),
    [
        (0.0, None, 10.0),  # pods vanish at once: B is created in the same instant
        (5.0, None, 15.0),
        (50.0, None, 40.0),  # capped by the default terminationGracePeriodSeconds, 30
        (50.0, 5, 15.0),  # capped by the manifest's grace period
    ],
)
def test_recreate_waits_for_old_pods_to_be_gone(
    shutdown: float, grace: int | None, gone: float
) -> None:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0, shutdown=shutdown))
    progressing = ConditionLog(c, "web")
    c.apply(deployment(replicas=3, strategy={"type": "Recreate"}, grace=grace))
    assert c.run_until_complete("deployment/web") and c.now == 2.0
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_V2)
    a = rs_for(c, IMG_V1)

    if gone > 10.0:
        c.run(until=gone - 0.5)
        # Still waiting: only A exists, at 0, its 3 pods terminating since 10.
        assert [rs.metadata.name for rs in c.list("replicaset")] == [a.metadata.name]
        pods = c.list("pod")
        assert len(pods) == 3
        # deletionTimestamp: the end of the grace period, as the API server sets it.
        assert {p.metadata.deletion_timestamp for p in pods} == {10.0 + (grace or 30)}
        assert {p.spec.containers[0].image for p in pods} == {IMG_V1}
        d = c.get("deployment", "web")
        # Terminating pods are not counted (ref §7.2): everything is 0, even unavailable
        # (Σspec 0 - 0). Available needs 3 - 0 = 3 -> False since 10.
        assert d_state(d) == {
            "replicas": 0,
            "updated": 0,
            "ready": 0,
            "available": 0,
            "unavailable": 0,
        }
        av = condition(d, "Available")
        assert (av.status, av.reason, av.message, av.last_transition_time) == (
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            10.0,
        )
        # No new RS yet, so the Deployment's revision is still A's.
        assert d.metadata.annotations[REVISION] == "1"
        # NewReplicaSetAvailable is sticky while replicas == updatedReplicas (0 == 0), and
        # at the scale-down sync nothing counted as progress (ref §7.5 step 2-3).
        p = condition(d, "Progressing")
        assert (p.status, p.reason, p.message, p.last_update_time) == (
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{a.metadata.name}" has successfully progressed.',
            2.0,
        )

    assert c.run_until_complete("deployment/web")
    assert c.now == gone + 2.0
    b = rs_for(c, IMG_V2)
    assert scalings(c, "web") == [
        (0.0, up(a, 0, 3)),
        (10.0, down(a, 3, 0)),
        (gone, up(b, 0, 3)),
    ]
    assert [p.metadata.creation_timestamp for p in c.list("pod")] == [gone] * 3
    assert {p.spec.containers[0].image for p in c.list("pod")} == {IMG_V2}
    d = c.get("deployment", "web")
    assert d.metadata.annotations[REVISION] == "2"
    assert b.metadata.annotations[REVISION] == "2"
    # Recreate: max-replicas = R + MaxSurge = 3 + 0.
    assert (b.metadata.annotations[DESIRED], b.metadata.annotations[MAX]) == ("3", "3")
    assert d_state(d) == {"replicas": 3, "updated": 3, "ready": 3, "available": 3, "unavailable": 0}
    assert condition(d, "Available").last_transition_time == gone + 2.0
    assert progressing.transitions == [
        (0.0, "True", "NewReplicaSetCreated"),
        (0.0, "True", "ReplicaSetUpdated"),
        (2.0, "True", "NewReplicaSetAvailable"),
        (gone, "True", "NewReplicaSetCreated"),
        (gone, "True", "ReplicaSetUpdated"),
        (gone + 2.0, "True", "NewReplicaSetAvailable"),
    ]


def test_recreate_rollback_reuses_the_old_replica_set() -> None:
    # R=3, Recreate, shutdown 5. v1 (A) complete at 2; v2 at 10: A 3->0, B 0->3 at 15,
    # complete 17. Undo at 20: A matches the template (revision 3, history "1"); B 3->0;
    # B's pods are gone at 25; then the existing A is scaled to R (ref §4 step 5): A 0->3.
    # Complete at 27.
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0, shutdown=5.0))
    c.apply(deployment(replicas=3, strategy={"type": "Recreate"}))
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_V2)
    assert c.run_until_complete("deployment/web") and c.now == 17.0
    c.run(until=20)
    assert c.rollback("deployment/web") == "rolled back"
    c.run(until=24)
    # Deleted at 20; the deletionTimestamp is the end of the 30 s grace period.
    assert {p.metadata.deletion_timestamp for p in c.list("pod")} == {50.0}
    assert c.run_until_complete("deployment/web") and c.now == 27.0
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_V2)
    assert scalings(c, "web", since=20) == [(20.0, down(b, 3, 0)), (25.0, up(a, 0, 3))]
    assert (a.metadata.annotations[REVISION], a.metadata.annotations[REVISION_HISTORY]) == (
        "3",
        "1",
    )
    assert revisions(c) == [2, 3]
    assert [(p.spec.containers[0].image, p.metadata.creation_timestamp) for p in c.list("pod")] == [
        (IMG_V1, 25.0)
    ] * 3


# 3. Rollback renumbering (ref §5.1, §5.2, §5.5, §10.3).
#
# Each seed rollout from a fully available RS takes 44 s (see scenario 1): v1 complete
# at 22, v2 applied at 22 -> 66, v3 at 66 -> 110. Each undo reuses an RS at 0 and runs
# the same trace: reconcileNew grows it 0->1 (Σspec 4 < 5), then the old RS 4->3, then
# the reused RS 1->2; +22 s old 3->1, reused 2->4; +44 s old 1->0. So undo at 110 ->
# complete at 154, undo at 160 -> 204, undo at 204 -> 248.


def test_rollback_renumbers_revisions_and_restores_images() -> None:
    c = cluster()
    c.apply(SEED_V1)
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 22.0
    c.apply(SEED_V2)
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 66.0
    c.apply(SEED_V3)
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 110.0
    a, b, rs_c = rs_for(c, IMG_V1), rs_for(c, IMG_V2), rs_for(c, IMG_V3)
    assert revisions(c) == [1, 2, 3]
    assert c.get("deployment", "ngx-dep").metadata.annotations[REVISION] == "3"
    # The Deployment's change-cause was copied onto the RS it created (ref §5.3), only.
    assert rs_c.metadata.annotations[CHANGE_CAUSE] == CAUSE_V3
    assert CHANGE_CAUSE not in a.metadata.annotations
    assert CHANGE_CAUSE not in b.metadata.annotations

    # Undo: the second-highest revision is 2 (B). kubectl replaces the template and the
    # annotations (the Deployment's skip-listed keys + B's others, of which there are
    # none), so the v3 change-cause leaves the Deployment.
    # (v3's last step, C's predecessor B 1->0, also happened at 110: count from here.)
    seen = len(scalings(c, "ngx-dep"))
    assert c.rollback("deployment/ngx-dep") == "rolled back"
    c.run(until=110)
    d = c.get("deployment", "ngx-dep")
    assert d.spec.template.spec.containers[0].image == IMG_V2
    assert HASH_LABEL not in d.spec.template.metadata.labels
    assert CHANGE_CAUSE not in d.metadata.annotations
    # B is the new RS again: revision max(1, 3) + 1 = 4, its old "2" in the history.
    b = rs_for(c, IMG_V2)
    assert (b.metadata.annotations[REVISION], b.metadata.annotations[REVISION_HISTORY]) == (
        "4",
        "2",
    )
    assert d.metadata.annotations[REVISION] == "4"
    assert revisions(c) == [1, 3, 4]
    assert len(c.list("replicaset")) == 3  # reused, not created
    assert scalings(c, "ngx-dep")[seen:] == [
        (110.0, up(b, 0, 1)),
        (110.0, down(rs_c, 4, 3)),
        (110.0, up(b, 1, 2)),
    ]
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 154.0
    assert scalings(c, "ngx-dep", since=111) == [
        (132.0, down(rs_c, 3, 1)),
        (132.0, up(b, 2, 4)),
        (154.0, down(rs_c, 1, 0)),
    ]
    assert {p.spec.containers[0].image for p in c.list("pod")} == {IMG_V2}
    assert {p.metadata.labels[HASH_LABEL] for p in c.list("pod")} == {b.metadata.labels[HASH_LABEL]}

    # Errors (kubectl's messages, ref §10.3) change nothing.
    before = c.get("deployment", "ngx-dep")
    with pytest.raises(ValueError, match=r"^unable to find specified revision 2 in history$"):
        c.rollback("deployment/ngx-dep", to_revision=2)
    with pytest.raises(ValueError, match=r"^unable to find specified revision -1 in history$"):
        c.rollback("deployment/ngx-dep", to_revision=-1)
    with pytest.raises(ValueError, match=r"^unable to find specified revision 7 in history$"):
        c.rollback("deployment/ngx-dep", to_revision=7)
    assert c.rollback("deployment/ngx-dep", to_revision=4) == (
        "skipped rollback (current template already matches revision 4)"
    )
    c.run(until=160)
    assert c.get("deployment", "ngx-dep") == before
    assert scalings(c, "ngx-dep", since=155) == []

    # Another undo at 160: second-highest of {1, 3, 4} is 3 (C) -> revision 5, history "3";
    # C's change-cause comes back with its template.
    assert c.rollback("deployment/ngx-dep") == "rolled back"
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 204.0
    d = c.get("deployment", "ngx-dep")
    rs_c = rs_for(c, IMG_V3)
    assert (rs_c.metadata.annotations[REVISION], rs_c.metadata.annotations[REVISION_HISTORY]) == (
        "5",
        "3",
    )
    assert rs_for(c, IMG_V2).metadata.annotations[REVISION] == "4"
    assert d.metadata.annotations[REVISION] == "5"
    assert d.metadata.annotations[CHANGE_CAUSE] == CAUSE_V3
    assert revisions(c) == [1, 4, 5]
    assert {p.spec.containers[0].image for p in c.list("pod")} == {IMG_V3}

    # --to-revision=1 at 204: A becomes revision 6 with history "1"; the Deployment gets
    # A's annotations (no change-cause).
    assert c.rollback("deployment/ngx-dep", to_revision=1) == "rolled back"
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 248.0
    d = c.get("deployment", "ngx-dep")
    a = rs_for(c, IMG_V1)
    assert (a.metadata.annotations[REVISION], a.metadata.annotations[REVISION_HISTORY]) == (
        "6",
        "1",
    )
    assert d.metadata.annotations[REVISION] == "6"
    assert CHANGE_CAUSE not in d.metadata.annotations
    assert revisions(c) == [4, 5, 6]
    assert {p.spec.containers[0].image for p in c.list("pod")} == {IMG_V1}
    # Old RSs are never touched: C keeps its change-cause and history.
    rs_c = rs_for(c, IMG_V3)
    assert rs_c.metadata.annotations[CHANGE_CAUSE] == CAUSE_V3
    assert rs_c.metadata.annotations[REVISION_HISTORY] == "3"

    # Undo at 248: second-highest of {4, 5, 6} is 5 (C) -> revision 7; its old revision is
    # appended to the history, comma-separated: "3,5" (ref §5.1).
    assert c.rollback("deployment/ngx-dep") == "rolled back"
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 292.0
    rs_c = rs_for(c, IMG_V3)
    assert (rs_c.metadata.annotations[REVISION], rs_c.metadata.annotations[REVISION_HISTORY]) == (
        "7",
        "3,5",
    )
    assert revisions(c) == [4, 6, 7]
    assert c.get("deployment", "ngx-dep").metadata.annotations[CHANGE_CAUSE] == CAUSE_V3
    assert {p.spec.containers[0].image for p in c.list("pod")} == {IMG_V3}


def test_rollback_without_history_or_while_paused_fails() -> None:
    c = cluster()
    c.apply(SEED_V1)
    assert c.run_until_complete("deployment/ngx-dep")
    before = c.get("deployment", "ngx-dep")
    # Only one revision: --to-revision=0 has no previous one (ref §10.3).
    with pytest.raises(ValueError, match=r'^no rollout history found for deployment "ngx-dep"$'):
        c.rollback("deployment/ngx-dep")
    assert c.rollback("deployment/ngx-dep", to_revision=1) == (
        "skipped rollback (current template already matches revision 1)"
    )
    assert c.get("deployment", "ngx-dep") == before

    c.apply(SEED_V2)
    assert c.run_until_complete("deployment/ngx-dep")
    c.pause("deployment/ngx-dep")
    c.run(until=c.now)
    paused = c.get("deployment", "ngx-dep")
    # kubectl's rollback.go names the Deployment in the hint (the reference quotes the
    # 2016 wording without it).
    with pytest.raises(
        ValueError,
        match=r"^you cannot rollback a paused deployment; resume it "
        r"first with 'kubectl rollout resume "
        r"deployment/ngx-dep' and try again$",
    ):
        c.rollback("deployment/ngx-dep")
    with pytest.raises(
        ValueError,
        match=r"^can't restart paused deployment \(run rollout "
        r"resume first\)$",
    ):
        c.restart("deployment/ngx-dep")
    with pytest.raises(ValueError, match=r'deployments.apps "ngx-dep" is already paused'):
        c.pause("deployment/ngx-dep")
    assert c.get("deployment", "ngx-dep") == paused


def test_history_limit_deletes_oldest_old_replica_set_when_complete() -> None:
    # revisionHistoryLimit 1 (ref §5.4): cleanup runs on the sync after the status is
    # complete. At 66 (v2 complete) the only old RS is A: n = 1 - 1 = 0. At 110 (v3
    # complete) the old RSs are A (rev 1) and B (rev 2): n = 1, the lowest revision, A,
    # has spec 0 and no pods, so it is deleted, at 110 and not before.
    c = cluster()

    def apply(path: Path) -> None:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
        manifest["spec"]["revisionHistoryLimit"] = 1
        c.apply(manifest)

    apply(SEED_V1)
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 22.0
    apply(SEED_V2)
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 66.0
    assert revisions(c) == [1, 2]
    apply(SEED_V3)
    c.run(until=109)
    assert revisions(c) == [1, 2, 3]
    assert c.run_until_complete("deployment/ngx-dep") and c.now == 110.0
    assert revisions(c) == [2, 3]
    assert {rs.spec.template.spec.containers[0].image for rs in c.list("replicaset")} == {
        IMG_V2,
        IMG_V3,
    }


def test_restart_rolls_out_a_new_revision() -> None:
    # rollout restart stamps the template with kubectl.kubernetes.io/restartedAt (ref
    # §10.4): a template change like any other. R=4, minReadySeconds 0: at 10 B 0->1,
    # A 4->3, B 1->2; 12: A 3->1, B 2->4; 14: A 1->0 (scenario 1 with 2 s steps).
    c = cluster()
    c.apply(deployment(replicas=4))
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.restart("deployment/web")
    assert c.run_until_complete("deployment/web") and c.now == 14.0
    assert len(c.list("replicaset")) == 2
    by_revision = {rs.metadata.annotations[REVISION]: rs for rs in c.list("replicaset")}
    a, b = by_revision["1"], by_revision["2"]
    stamp = "kubectl.kubernetes.io/restartedAt"
    assert stamp not in a.spec.template.metadata.annotations
    assert stamp in b.spec.template.metadata.annotations
    assert scalings(c, "web", since=10) == [
        (10.0, up(b, 0, 1)),
        (10.0, down(a, 4, 3)),
        (10.0, up(b, 1, 2)),
        (12.0, down(a, 3, 1)),
        (12.0, up(b, 2, 4)),
        (14.0, down(a, 1, 0)),
    ]
    for pod in c.list("pod"):
        assert pod.metadata.annotations[stamp] == b.spec.template.metadata.annotations[stamp]


def test_history_cleanup_runs_while_paused_not_mid_rollout() -> None:
    # revisionHistoryLimit 1, R=4, minReadySeconds 0. v1 (A) complete at 2; v2 (B) at 6:
    # cleanup then has one old RS, n = 1 - 1 = 0. At 10 a never-ready v3 (C): stuck with
    # B 3, C 2. Old RSs A (rev 1, spec 0) and B: n = 1, but the rolling path only cleans up
    # once complete, so A survives. Pausing runs sync(), which cleans up (ref §5.4, §8):
    # the lowest revision, A, has no replicas and goes.
    c = never_ready_cluster()
    c.apply(deployment(replicas=4, history_limit=1))
    assert c.run_until_complete("deployment/web")
    c.set_image("deployment/web", app=IMG_V2)
    assert c.run_until_complete("deployment/web") and c.now == 6.0
    assert revisions(c) == [1, 2]
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_BAD)
    c.run(until=30)
    assert revisions(c) == [1, 2, 3]
    assert (rs_for(c, IMG_V2).spec.replicas, rs_for(c, IMG_BAD).spec.replicas) == (3, 2)
    c.pause("deployment/web")
    c.run(until=30)
    assert revisions(c) == [2, 3]
    assert {rs.spec.template.spec.containers[0].image for rs in c.list("replicaset")} == {
        IMG_V2,
        IMG_BAD,
    }


# 4. A new image that never becomes ready, with a short progress deadline (ref §7.5).
#
# R=4, 25%/25% (surge 1, unavailable 1, minAvailable 3), minReadySeconds 0,
# progressDeadlineSeconds 30. v1 complete at 2.
# t=10  set_image to the never-ready image: B 0->1, A 4->3, B 1->2 (as in scenario 1);
#       then maxScaledDown = 5-3-(2-0) = 0: stuck with A 3 available, B 2 never ready.
#       Last progress: updatedReplicas 1->2 at 10, so lastUpdateTime = 10. Pods that start
#       Running at 12 change no RS status field.
#       The status then stops changing; the controller requeues at
#       lastUpdateTime + 30 - now + 1 s = t 41.
# t=41  10 + 30 < 41 (strict) -> Progressing False / ProgressDeadlineExceeded. A sync at
#       exactly 40 would not have timed out. Nothing else is done about it (ref §7.5.6).


@pytest.mark.parametrize(
    ("fault", "phase"), [("never_ready", "Running"), ("image_pull_error", "Pending")]
)
def test_progress_deadline_exceeded_while_old_pods_keep_serving(fault: str, phase: str) -> None:
    # Whether B's pods run unready or never get their image, the controllers only see
    # "not Ready": the same trace and deadline.
    c = never_ready_cluster(fault)
    progressing = ConditionLog(c, "web")
    c.apply(deployment(replicas=4, deadline=30))
    assert c.run_until_complete("deployment/web") and c.now == 2.0
    lowest = MinAvailable(c, start=2.0)
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_BAD)
    c.run(until=40.5)
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_BAD)
    assert scalings(c, "web") == [
        (0.0, up(a, 0, 4)),
        (10.0, up(b, 0, 1)),
        (10.0, down(a, 4, 3)),
        (10.0, up(b, 1, 2)),
    ]
    d = c.get("deployment", "web")
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.last_update_time) == ("True", "ReplicaSetUpdated", 10.0)

    c.run(until=41)
    d = c.get("deployment", "web")
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message, p.last_update_time, p.last_transition_time) == (
        "False",
        "ProgressDeadlineExceeded",
        f'ReplicaSet "{b.metadata.name}" has timed out progressing.',
        41.0,
        41.0,
    )

    c.run(until=100)
    assert scalings(c, "web", since=10.5) == []
    d = c.get("deployment", "web")
    assert condition(d, "Progressing").reason == "ProgressDeadlineExceeded"
    assert condition(d, "Progressing").last_update_time == 41.0
    # Old pods keep serving: 3 available of A (= R - maxUnavailable), B's 2 are Running
    # but never Ready. replicas 3+2, updated 2, unavailable Σspec 5 - 3.
    assert rs_state(a) == (3, 3, 3, 3) and rs_state(b) == (2, 2, 0, 0)
    assert d_state(d) == {"replicas": 5, "updated": 2, "ready": 3, "available": 3, "unavailable": 2}
    av = condition(d, "Available")
    assert (av.status, av.reason) == ("True", "MinimumReplicasAvailable")
    assert lowest.low == 3
    pods = live_pods(c)
    assert sorted((p.spec.containers[0].image, p.status.phase, is_ready(p)) for p in pods) == (
        [(IMG_V1, "Running", True)] * 3 + [(IMG_BAD, phase, False)] * 2
    )
    assert progressing.transitions == [
        (0.0, "True", "NewReplicaSetCreated"),
        (0.0, "True", "ReplicaSetUpdated"),
        (2.0, "True", "NewReplicaSetAvailable"),
        (10.0, "True", "NewReplicaSetCreated"),
        (10.0, "True", "ReplicaSetUpdated"),
        (41.0, "False", "ProgressDeadlineExceeded"),
    ]
    assert c.run_until_complete("deployment/web", timeout=50) is False
    assert c.now == 150.0

    # Undo at 150: A is the new RS again (revision 3, history "1"). Not a scaling event
    # (desired-replicas 4 on both). reconcileNew: Σspec 3+2 = 5 >= 5, no-op. reconcileOld:
    # maxScaledDown = 5-3-(3-3) = 2; cleanupUnhealthyReplicas removes B's 2 unavailable
    # (B 2->0); then Σspec 3 < 5 -> A 3+min(2, 1) = 4. Its new pod is Available at 152.
    # updatedReplicas 2->3 is progress: Progressing True again with a new transition time.
    assert c.rollback("deployment/web") == "rolled back"
    assert c.run_until_complete("deployment/web") and c.now == 152.0
    a = rs_for(c, IMG_V1)
    assert scalings(c, "web", since=150) == [
        (150.0, down(b, 2, 0)),
        (150.0, up(a, 3, 4)),
    ]
    assert (a.metadata.annotations[REVISION], a.metadata.annotations[REVISION_HISTORY]) == (
        "3",
        "1",
    )
    d = c.get("deployment", "web")
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message, p.last_update_time, p.last_transition_time) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{a.metadata.name}" has successfully progressed.',
        152.0,
        150.0,
    )
    assert progressing.transitions[-2:] == [
        (150.0, "True", "ReplicaSetUpdated"),
        (152.0, "True", "NewReplicaSetAvailable"),
    ]
    assert lowest.low == 3
    assert sorted(p.spec.containers[0].image for p in live_pods(c)) == [IMG_V1] * 4


def test_progress_deadline_comparison_is_strict() -> None:
    # As above (lastUpdateTime 10, deadline 30), but one of A's pods is deleted at exactly
    # t=40, which makes the controllers sync then: A's replacement is not Ready (readyReplicas
    # and availableReplicas go down, which is not progress) and 10 + 30 < 40 is false, so
    # Progressing is unchanged. The unchanged resync finds the deadline under 1 s away and
    # requeues at once, rate limited (ref §7.5 step 4): the flip follows within the next
    # instants (upstream's first rate-limited retry is 5 ms later), well before 40.5.
    c = never_ready_cluster()
    c.apply(deployment(replicas=4, deadline=30))
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_BAD)
    c.run(until=40)
    victim = next(p for p in live_pods(c) if p.spec.containers[0].image == IMG_V1)
    c.delete("pod", victim.metadata.name)
    c.run(until=40)
    d = c.get("deployment", "web")
    assert d.status.available_replicas == 2
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.last_update_time) == ("True", "ReplicaSetUpdated", 10.0)
    c.run(until=40.5)
    p = condition(c.get("deployment", "web"), "Progressing")
    assert (p.status, p.reason) == ("False", "ProgressDeadlineExceeded")
    assert 40.0 < p.last_update_time <= 40.5


def test_losing_readiness_after_completion_flips_available_not_progressing() -> None:
    # R=4, minReadySeconds 0, deadline 30; pods Ready at 2, NotReady at 12 (unready_after
    # 10, no probe). Complete at 2 -> NewReplicaSetAvailable. From 12 available = 0 < 3:
    # Available False. Progressing is not estimated any more: the previous reason is
    # NewReplicaSetAvailable and replicas == updatedReplicas (ref §7.5 step 2), so it
    # neither changes nor times out, and the RS does not replace unready pods.
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0, unready_after=10.0))
    progressing = ConditionLog(c, "web")
    c.apply(deployment(replicas=4, deadline=30))
    assert c.run_until_complete("deployment/web") and c.now == 2.0
    c.run(until=40)  # past lastUpdateTime + deadline = 32
    a = rs_for(c, IMG_V1)
    assert rs_state(a) == (4, 4, 0, 0)
    d = c.get("deployment", "web")
    assert d_state(d) == {"replicas": 4, "updated": 4, "ready": 0, "available": 0, "unavailable": 4}
    av = condition(d, "Available")
    assert (av.status, av.reason, av.last_transition_time) == (
        "False",
        "MinimumReplicasUnavailable",
        12.0,
    )
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.last_update_time) == ("True", "NewReplicaSetAvailable", 2.0)
    assert progressing.transitions == [
        (0.0, "True", "NewReplicaSetCreated"),
        (0.0, "True", "ReplicaSetUpdated"),
        (2.0, "True", "NewReplicaSetAvailable"),
    ]
    assert scalings(c, "web") == [(0.0, up(a, 0, 4))]
    assert [p.metadata.creation_timestamp for p in c.list("pod")] == [0.0] * 4


def test_deleted_pod_is_replaced_at_once() -> None:
    # A pod being deleted leaves status.replicas at once and the RS creates a replacement in
    # the same instant (ref §9.1, §9.3), while the old one is still terminating (10 s).
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0, shutdown=10.0))
    c.apply(deployment(replicas=4, deadline=30))
    assert c.run_until_complete("deployment/web") and c.now == 2.0
    c.run(until=10)
    victim = c.list("pod")[0].metadata.name
    c.delete("pod", victim)
    c.run(until=11)
    a = rs_for(c, IMG_V1)
    pods = c.list("pod")
    assert len(pods) == 5
    assert [
        (p.metadata.name, p.metadata.deletion_timestamp)
        for p in pods
        if p.metadata.deletion_timestamp is not None
    ] == [(victim, 40.0)]  # deleted at 10, with a grace period of 30 s
    fresh = [p for p in pods if p.metadata.creation_timestamp == 10.0]
    assert len(fresh) == 1 and not is_ready(fresh[0])
    assert rs_state(a) == (4, 4, 3, 3)
    d = c.get("deployment", "web")
    assert d_state(d) == {"replicas": 4, "updated": 4, "ready": 3, "available": 3, "unavailable": 1}
    assert condition(d, "Available").status == "True"  # 3 >= 4 - 1
    p = condition(d, "Progressing")
    assert (p.reason, p.last_update_time) == ("NewReplicaSetAvailable", 2.0)
    created = [e for e in c.events if e.reason == "SuccessfulCreate" and e.time == 10.0]
    assert [e.name for e in created] == [a.metadata.name]
    assert not [e for e in c.events if e.reason == "SuccessfulDelete"]
    assert scalings(c, "web") == [(0.0, up(a, 0, 4))]
    c.run(until=20)
    assert len(c.list("pod")) == 4
    assert rs_state(rs_for(c, IMG_V1)) == (4, 4, 4, 4)


def test_progressing_condition_exists_only_with_a_deadline() -> None:
    # progressDeadlineSeconds = MaxInt32 means no deadline: no Progressing condition
    # (ref §7.4). Setting a deadline on a settled Deployment: the existing new RS is found
    # while there is no Progressing condition -> FoundNewReplicaSet, and in the same sync
    # the status is complete -> NewReplicaSetAvailable (same status True: transition kept).
    # Removing the deadline again removes the condition.
    c = cluster()
    progressing = ConditionLog(c, "web")
    c.apply(deployment(replicas=2, deadline=MAX_INT32))
    assert c.run_until_complete("deployment/web") and c.now == 2.0
    c.run(until=10)
    d = c.get("deployment", "web")
    assert condition(d, "Progressing") is None
    assert condition(d, "Available").status == "True"
    a = rs_for(c, IMG_V1)

    c.apply(deployment(replicas=2, deadline=600))
    c.run(until=10)
    assert [t for t in progressing.transitions if t[0] >= 10] == [
        (10.0, "True", "FoundNewReplicaSet"),
        (10.0, "True", "NewReplicaSetAvailable"),
    ]
    assert progressing.messages("FoundNewReplicaSet") == [
        f'Found new replica set "{a.metadata.name}"'
    ]
    p = condition(c.get("deployment", "web"), "Progressing")
    assert (p.status, p.reason, p.message, p.last_update_time, p.last_transition_time) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{a.metadata.name}" has successfully progressed.',
        10.0,
        10.0,
    )

    c.run(until=20)
    c.apply(deployment(replicas=2, deadline=MAX_INT32))
    c.run(until=20)
    assert condition(c.get("deployment", "web"), "Progressing") is None
    assert scalings(c, "web") == [(0.0, up(a, 0, 2))]


# 5. Pause / resume (ref §8).
#
# R=4, 25%/25%, minReadySeconds 0, progressDeadlineSeconds 30; v1 complete at 2.
# t=10  pause: Progressing Unknown/DeploymentPaused (lastUpdate = lastTransition = 10).
# t=20  set_image: paused -> only sync(): no new RS for a template edit, nothing scaled;
#       updatedReplicas = 0 (no new RS). Progress is not estimated, so no timeout even
#       though 10 + 30 < now.
# t=100 resume: Unknown/DeploymentResumed (lastUpdate 100, lastTransition kept: same
#       status), then the rollout: B 0->1, A 4->3, B 1->2 at 100 (Progressing True again,
#       new transition time); B1 B2 Available at 102: A 3->1, B 2->4; 104: A 1->0.


def test_pause_holds_a_template_change_until_resume() -> None:
    c = cluster()
    progressing = ConditionLog(c, "web")
    c.apply(deployment(replicas=4, deadline=30))
    assert c.run_until_complete("deployment/web") and c.now == 2.0
    c.run(until=10)
    c.pause("deployment/web")
    c.run(until=10)
    d = c.get("deployment", "web")
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message, p.last_update_time, p.last_transition_time) == (
        "Unknown",
        "DeploymentPaused",
        "Deployment is paused",
        10.0,
        10.0,
    )
    assert condition(d, "Available").status == "True"

    c.run(until=20)
    c.set_image("deployment/web", app=IMG_V2)
    c.run(until=99)
    a = rs_for(c, IMG_V1)
    assert [rs.metadata.name for rs in c.list("replicaset")] == [a.metadata.name]
    assert scalings(c, "web") == [(0.0, up(a, 0, 4))]
    d = c.get("deployment", "web")
    # generation: 1 create, 2 pause, 3 set image; observed by the paused sync.
    assert d.metadata.generation == 3 and d.status.observed_generation == 3
    assert d.metadata.annotations[REVISION] == "1"
    assert d_state(d) == {"replicas": 4, "updated": 0, "ready": 4, "available": 4, "unavailable": 0}
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.last_update_time) == ("Unknown", "DeploymentPaused", 10.0)
    assert {p.spec.containers[0].image for p in c.list("pod")} == {IMG_V1}

    c.run(until=100)
    c.resume("deployment/web")
    assert c.run_until_complete("deployment/web") and c.now == 104.0
    b = rs_for(c, IMG_V2)
    assert scalings(c, "web") == [
        (0.0, up(a, 0, 4)),
        (100.0, up(b, 0, 1)),
        (100.0, down(a, 4, 3)),
        (100.0, up(b, 1, 2)),
        (102.0, down(a, 3, 1)),
        (102.0, up(b, 2, 4)),
        (104.0, down(a, 1, 0)),
    ]
    d = c.get("deployment", "web")
    assert d.metadata.annotations[REVISION] == "2"
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.last_update_time, p.last_transition_time) == (
        "True",
        "NewReplicaSetAvailable",
        104.0,
        100.0,
    )
    resumed = [cond for _, cond in progressing.writes if cond.reason == "DeploymentResumed"]
    assert resumed, "DeploymentResumed was never written"
    assert (
        resumed[0].status,
        resumed[0].message,
        resumed[0].last_update_time,
        resumed[0].last_transition_time,
    ) == ("Unknown", "Deployment is resumed", 100.0, 10.0)
    assert progressing.transitions == [
        (0.0, "True", "NewReplicaSetCreated"),
        (0.0, "True", "ReplicaSetUpdated"),
        (2.0, "True", "NewReplicaSetAvailable"),
        (10.0, "Unknown", "DeploymentPaused"),
        (100.0, "Unknown", "DeploymentResumed"),
        (100.0, "True", "NewReplicaSetCreated"),
        (100.0, "True", "ReplicaSetUpdated"),
        (104.0, "True", "NewReplicaSetAvailable"),
    ]
    assert {p.spec.containers[0].image for p in c.list("pod")} == {IMG_V2}


def test_paused_edit_back_to_an_existing_template_raises_its_revision() -> None:
    # v1 (A, rev 1) -> v2 (B, rev 2) complete at 4 (minReadySeconds 0: 2 s per step).
    # Paused, the template goes back to v1: no RS is created, but A now matches, so it is
    # the new RS and its revision is raised to max(2) + 1 = 3, history "1" (ref §8).
    # scale(): the only active RS is B at R, so nothing is scaled; updatedReplicas is A's
    # actual count, 0. On resume the normal rollout moves pods back to A.
    c = cluster()
    c.apply(deployment(replicas=4))
    assert c.run_until_complete("deployment/web")
    c.set_image("deployment/web", app=IMG_V2)
    assert c.run_until_complete("deployment/web") and c.now == 6.0
    c.run(until=10)
    c.pause("deployment/web")
    c.set_image("deployment/web", app=IMG_V1)
    c.run(until=20)
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_V2)
    assert (a.metadata.annotations[REVISION], a.metadata.annotations[REVISION_HISTORY]) == (
        "3",
        "1",
    )
    d = c.get("deployment", "web")
    assert d.metadata.annotations[REVISION] == "3"
    assert (a.spec.replicas, b.spec.replicas) == (0, 4)
    assert d_state(d) == {"replicas": 4, "updated": 0, "ready": 4, "available": 4, "unavailable": 0}
    assert scalings(c, "web", since=7) == []
    c.resume("deployment/web")
    # Resume at 20: A 0->1 (reconcileNew), B 4->3, A 1->2; 22: B 3->1, A 2->4; 24: B 1->0.
    assert c.run_until_complete("deployment/web") and c.now == 24.0
    assert scalings(c, "web", since=20) == [
        (20.0, up(a, 0, 1)),
        (20.0, down(b, 4, 3)),
        (20.0, up(a, 1, 2)),
        (22.0, down(b, 3, 1)),
        (22.0, up(a, 2, 4)),
        (24.0, down(b, 1, 0)),
    ]
    assert revisions(c) == [2, 3]


# 6. Scaling during a rollout: proportional scaling (ref §3).


def _stuck(c: rollsim.Cluster, manifest: dict[str, Any]) -> tuple[Any, Any]:
    """Apply ``manifest`` (v1), complete it, and at t=10 start a rollout to IMG_BAD."""
    c.apply(manifest)
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_BAD)
    c.run(until=15)
    return rs_for(c, IMG_V1), rs_for(c, IMG_BAD)


def _annotations(rs: Any) -> tuple[str, str]:
    return rs.metadata.annotations[DESIRED], rs.metadata.annotations[MAX]


@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
def test_proportional_scaling_of_a_stuck_rollout(paused: bool) -> None:
    # R=10, 25%/25% -> surge ceil(2.5)=3, unavailable floor(2.5)=2, minAvailable 8.
    # t=10: create B with min(13-10, 10) = 3; maxScaledDown = 13-8-3 = 2, available 10 > 8:
    #       A 10->8; Σspec 11 < 13 -> B 3+min(2, 7) = 5; then 13-8-5 = 0: stuck at A 8, B 5,
    #       both annotated desired 10 / max 13.
    # Paused or not, a replicas change is handled by sync() -> scale() (ref §2.1, §3.3).
    c = never_ready_cluster()
    a, b = _stuck(c, deployment(replicas=10))
    assert scalings(c, "web", since=10) == [
        (10.0, up(b, 0, 3)),
        (10.0, down(a, 10, 8)),
        (10.0, up(b, 3, 5)),
    ]
    assert _annotations(a) == _annotations(b) == ("10", "13")
    if paused:
        c.pause("deployment/web")

    # Scale to 20 at t=20: surge ceil(5)=5, allowed 25, toAdd = 25 - 13 = 12.
    # Order: spec descending, A(8), B(5).
    #   A: round(8*25/13) - 8 = round(15.38) - 8 = 7; min(7, 12) = 7.
    #   B: round(5*25/13) - 5 = round(9.62) - 5 = 5; min(5, 12-7) = 5. Leftover 0.
    # -> A 8->15, B 5->10 (events in that order). Afterwards, rolling: Σspec 25 >= 25;
    # maxScaledDown = 25-15-10 = 0: stays. A's 7 new pods are Available at 22.
    c.run(until=20)
    c.scale("deployment/web", 20)
    c.run(until=20)
    assert scalings(c, "web", since=20) == [(20.0, up(a, 8, 15)), (20.0, up(b, 5, 10))]
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_BAD)
    assert _annotations(a) == _annotations(b) == ("20", "25")
    d = c.get("deployment", "web")
    # Available needs 20 - 5 = 15; only A's 8 old pods are available.
    av = condition(d, "Available")
    assert (av.status, av.reason, av.last_transition_time) == (
        "False",
        "MinimumReplicasUnavailable",
        20.0,
    )

    c.run(until=25)
    d = c.get("deployment", "web")
    assert rs_state(rs_for(c, IMG_V1)) == (15, 15, 15, 15)
    assert rs_state(rs_for(c, IMG_BAD)) == (10, 10, 0, 0)
    assert d_state(d) == {
        "replicas": 25,
        "updated": 10,
        "ready": 15,
        "available": 15,
        "unavailable": 10,
    }
    av = condition(d, "Available")
    assert (av.status, av.last_transition_time) == ("True", 22.0)

    # Scale to 8 at t=30: surge ceil(2)=2, allowed 10, toAdd = 10 - 25 = -15.
    # Order: A(15), B(10).
    #   A: round(15*10/25) - 15 = 6 - 15 = -9; max(-9, -15) = -9.
    #   B: round(10*10/25) - 10 = 4 - 10 = -6; max(-6, -15+9) = -6. Leftover 0.
    # -> A 15->6, B 10->4. Then maxScaledDown = 10-(8-2)-4 = 0: stays.
    c.run(until=30)
    c.scale("deployment/web", 8)
    c.run(until=40)
    assert scalings(c, "web", since=30) == [(30.0, down(a, 15, 6)), (30.0, down(b, 10, 4))]
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_BAD)
    assert _annotations(a) == _annotations(b) == ("8", "10")
    assert rs_state(a) == (6, 6, 6, 6) and rs_state(b) == (4, 4, 0, 0)
    d = c.get("deployment", "web")
    assert d_state(d) == {
        "replicas": 10,
        "updated": 4,
        "ready": 6,
        "available": 6,
        "unavailable": 4,
    }
    assert condition(d, "Available").status == "True"  # 6 >= 8 - 2
    p = condition(d, "Progressing")
    if paused:
        assert (p.status, p.reason) == ("Unknown", "DeploymentPaused")
    else:
        assert p.reason == "ReplicaSetUpdated"
    assert len(c.list("replicaset")) == 2  # no new RS during a scaling event


@pytest.mark.parametrize(
    ("replicas", "a_size", "events"),
    [
        # allowed 5+1 = 6, toAdd = 6 - 4 = 2. A first (spec 3 > 1):
        #   A: round(3*6/4) - 3 = round(4.5) - 3 = 5 - 3 = 2 (half away from zero; round-half-
        #   even would give 1); min(2, 2) = 2. B: toAdd == added -> 0. A 3->5, B stays 1.
        (5, 5, ["up 3 5"]),
        # allowed 1+1 = 2, toAdd = 2 - 4 = -2. A first:
        #   A: round(3*2/4) - 3 = round(1.5) - 3 = -1; max(-1, -2) = -1.
        #   B: round(1*2/4) - 1 = round(0.5) - 1 = 0 (half-even would give -1); max(0, -1) = 0.
        #   Leftover -2 - (-1) = -1 goes to the first RS: A 3 - 1 - 1 = 1. B stays 1.
        (1, 1, ["down 3 1"]),
    ],
)
def test_proportional_scaling_rounding_and_leftover(
    replicas: int, a_size: int, events: list[str]
) -> None:
    # R=3, maxSurge 1, maxUnavailable 0: create B with min(4-3, 3) = 1; maxScaledDown =
    # 4-3-1 = 0: stuck at A 3, B 1 (max-replicas 4).
    c = never_ready_cluster()
    a, b = _stuck(c, deployment(replicas=3, strategy=rolling(1, 0)))
    assert scalings(c, "web", since=10) == [(10.0, up(b, 0, 1))]
    assert (a.spec.replicas, b.spec.replicas) == (3, 1)
    c.run(until=20)
    c.scale("deployment/web", replicas)
    c.run(until=30)
    expected = []
    for text in events:
        verb, old, new = text.split()
        expected.append((20.0, (up if verb == "up" else down)(a, int(old), int(new))))
    assert scalings(c, "web", since=20) == expected
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_BAD)
    # After scaling, rolling finds nothing to do: with R=5, Σspec 6 >= 6 and
    # maxScaledDown = 6-5-1 = 0; with R=1, B == R and 2-1-1 = 0.
    assert (a.spec.replicas, b.spec.replicas) == (a_size, 1)
    # Every active RS is written by proportional scaling: B's annotations are refreshed
    # even though its size did not change (ref §3.2).
    assert _annotations(a) == _annotations(b) == (str(replicas), str(replicas + 1))


def test_proportional_scaling_breaks_ties_newest_first_up_oldest_first_down() -> None:
    # R=1, maxSurge 1, maxUnavailable 0: B created with min(2-1, 1) = 1, 2-1-1 = 0:
    # stuck at A 1, B 1 (max-replicas 2).
    c = never_ready_cluster()
    a, b = _stuck(c, deployment(replicas=1, strategy=rolling(1, 0)))
    assert (a.spec.replicas, b.spec.replicas) == (1, 1)

    # Scale to 4: allowed 5, toAdd 3. Equal specs, growing: newest (B) first.
    #   B: round(1*5/2) - 1 = round(2.5) - 1 = 2; min(2, 3) = 2.
    #   A: 2; min(2, 3-2) = 1. Leftover 0. -> B 1->3 then A 1->2.
    # Then rolling: Σspec 5 >= 5; maxScaledDown = 5-4-3 < 0: stays.
    c.run(until=20)
    c.scale("deployment/web", 4)
    c.run(until=30)
    assert scalings(c, "web", since=20) == [(20.0, up(b, 1, 3)), (20.0, up(a, 1, 2))]

    # Scale to 1 back from (A 2, B 3, max 5): allowed 2, toAdd -3. B(3) then A(2).
    #   B: round(3*2/5) - 3 = round(1.2) - 3 = -2; max(-2, -3) = -2.
    #   A: round(2*2/5) - 2 = round(0.8) - 2 = -1; max(-1, -1) = -1. Leftover 0.
    # -> B 3->1, A 2->1, back to A 1, B 1 (2-1-1 = 0: stays).
    c.scale("deployment/web", 1)
    c.run(until=40)
    assert scalings(c, "web", since=30) == [(30.0, down(b, 3, 1)), (30.0, down(a, 2, 1))]

    # Scale to 0: allowed 0, toAdd -2. Equal specs, shrinking: oldest (A) first.
    # R == 0: each fraction is -spec. A: max(-1, -2) = -1; B: max(-1, -1) = -1.
    # -> A 1->0 then B 1->0. Nothing is left to roll out: updated 0 == R, replicas 0,
    # available 0: the rollout is complete (NewReplicaSetAvailable).
    c.run(until=40)
    c.scale("deployment/web", 0)
    c.run(until=50)
    assert scalings(c, "web", since=40) == [(40.0, down(a, 1, 0)), (40.0, down(b, 1, 0))]
    d = c.get("deployment", "web")
    assert d_state(d) == {"replicas": 0, "updated": 0, "ready": 0, "available": 0, "unavailable": 0}
    p = condition(d, "Progressing")
    assert (p.status, p.reason, p.message) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{b.metadata.name}" has successfully progressed.',
    )
    assert live_pods(c) == []


def test_new_template_mid_rollout_rolls_over() -> None:
    # R=10, stuck at A 8 (available), B 5 (never ready), annotations desired 10 / max 13.
    # t=20, another never-ready image:
    # sync 1: create C with NewRSNewReplicas: Σspec 13 >= 13 -> 0 (no event for size 0).
    #         reconcileOld over A, B: maxScaledDown = 13-8-(0-0) = 5. cleanupUnhealthy,
    #         oldest first: A 8 == avail 8 skip; B spec 5, avail 0 -> B 5->0.
    #         scaleDown: available 8 <= 8, nothing.
    # sync 2: Σspec 8 < 13 -> C 0+min(5, 10) = 5; then 13-8-5 = 0: stuck again.
    c = never_ready_cluster()
    _, b = _stuck(c, deployment(replicas=10))
    c.run(until=20)
    c.set_image("deployment/web", app=IMG_BAD2)
    c.run(until=30)
    rs_c = rs_for(c, IMG_BAD2)
    assert scalings(c, "web", since=20) == [(20.0, down(b, 5, 0)), (20.0, up(rs_c, 0, 5))]
    assert rs_state(rs_for(c, IMG_V1)) == (8, 8, 8, 8)
    assert rs_state(rs_for(c, IMG_BAD)) == (0, 0, 0, 0)
    assert rs_state(rs_c) == (5, 5, 0, 0)
    assert rs_c.metadata.annotations[REVISION] == "3"
    assert _annotations(rs_c) == ("10", "13")
    d = c.get("deployment", "web")
    assert d.metadata.annotations[REVISION] == "3"
    assert d_state(d) == {
        "replicas": 13,
        "updated": 5,
        "ready": 8,
        "available": 8,
        "unavailable": 5,
    }
    assert condition(d, "Available").status == "True"


def test_changing_size_and_template_together_scales_first() -> None:
    # R=4 -> 8 and a new image in one apply at t=10 (ref §3.1 "change both").
    # sync 1: scaling event (A's desired-replicas 4 != 8): no new RS; the single active RS
    #         is scaled to R: A 4->8 (4 new pods, unavailable).
    # sync 2: desired 8 == R, rollout. R=8: surge 2, unavailable 2, minAvailable 6.
    #         create B with min(10-8, 8) = 2; maxScaledDown = 10-6-2 = 2;
    #         cleanupUnhealthyReplicas: A spec 8, avail 4 -> remove min(2, 4) = 2: A 8->6;
    #         scaleDown: available 4 <= 6, nothing.
    # sync 3: Σspec 8 < 10 -> B 2+min(2, 6) = 4; then 10-6-4 = 0.
    # t=12:   A's 2 surviving new pods and B's 4 are Available: A 6 + B 4.
    #         maxScaledDown = 10-6-0 = 4; budget (6+4)-6 = 4 -> A 6->2; B 4+min(4, 4) = 8.
    # t=14:   budget (2+8)-6 = 4 -> A 2->0. Complete.
    c = cluster()
    c.apply(deployment(replicas=4))
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.apply(deployment(replicas=8, image=IMG_V2))
    c.run(until=11)
    # A 8->6 removed two of its new, not-yet-ready pods, not old ready ones (ref §9.2).
    assert (
        sorted(
            p.metadata.creation_timestamp
            for p in live_pods(c)
            if p.spec.containers[0].image == IMG_V1
        )
        == [0.0] * 4 + [10.0] * 2
    )
    assert c.run_until_complete("deployment/web") and c.now == 14.0
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_V2)
    assert scalings(c, "web", since=10) == [
        (10.0, up(a, 4, 8)),
        (10.0, up(b, 0, 2)),
        (10.0, down(a, 8, 6)),
        (10.0, up(b, 2, 4)),
        (12.0, down(a, 6, 2)),
        (12.0, up(b, 4, 8)),
        (14.0, down(a, 2, 0)),
    ]
    assert _annotations(b) == ("8", "10")
    assert sorted(p.metadata.creation_timestamp for p in live_pods(c)) == [10.0] * 4 + [12.0] * 4


# 6b. maxSurge / maxUnavailable resolution in real rollouts (ref §1.2, §2).


@pytest.mark.parametrize(
    ("replicas", "strategy", "trace", "duration"),
    [
        # R=10, "39%"/"39%": surge ceil(3.9) = 4, unavailable floor(3.9) = 3, minAvailable 7.
        # T:   B min(14-10, 10) = 4; maxScaledDown 14-7-4 = 3, budget 10-7 = 3: A 10->7;
        #      Σspec 11 -> B 4+min(3, 6) = 7; 14-7-7 = 0.
        # T+2: B's 7 available: maxScaledDown 14-7-0 = 7, budget 14-7 = 7: A 7->0;
        #      B 7+min(7, 3) = 10. T+4 complete.
        (
            10,
            rolling("39%", "39%"),
            [(0, "B", 0, 4), (0, "A", 10, 7), (0, "B", 4, 7), (2, "A", 7, 0), (2, "B", 7, 10)],
            4,
        ),
        # R=10, "0%"/"1%": surge 0 and unavailable floor(0.1) = 0, both 0 -> unavailable 1
        # (valid: the raw 1% is not 0). minAvailable 9.
        # T:    B created with NewRSNewReplicas = 0 (Σspec 10 >= 10; no event for size 0);
        #       maxScaledDown 10-9-0 = 1: A 10->9; then B 0+min(1, 10) = 1.
        # T+2k: (k=1..9) B has k available: A (10-k)->(9-k), B k->(k+1). T+20 complete.
        (
            10,
            rolling("0%", "1%"),
            [(0, "A", 10, 9), (0, "B", 0, 1)]
            + [
                (2 * k, rs, *sizes)
                for k in range(1, 10)
                for rs, sizes in (("A", (10 - k, 9 - k)), ("B", (k, k + 1)))
            ],
            20,
        ),
        # R=2, maxSurge 0, maxUnavailable 5: MaxUnavailable is capped at R = 2 (ref §1.3),
        # minAvailable 0. B created at 0; A 2->0 at once; B 0->2. T+2 complete.
        (2, rolling(0, 5), [(0, "A", 2, 0), (0, "B", 0, 2)], 2),
    ],
)
def test_fenceposts_drive_the_rollout(
    replicas: int, strategy: dict[str, Any], trace: list[tuple[int, str, int, int]], duration: int
) -> None:
    c = cluster()
    c.apply(deployment(replicas=replicas, strategy=strategy))
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_V2)
    assert c.run_until_complete("deployment/web") and c.now == 10.0 + duration
    named = {"A": rs_for(c, IMG_V1), "B": rs_for(c, IMG_V2)}
    assert scalings(c, "web", since=10) == [
        (10.0 + dt, (up if new > old else down)(named[rs], old, new)) for dt, rs, old, new in trace
    ]


def test_scale_up_from_zero_is_not_a_scaling_event() -> None:
    # R=0: A is created with NewRSNewReplicas = min(0+0-0, 0) = 0: no event; the status is
    # complete at once (0 == 0 everywhere): NewReplicaSetAvailable; Available True (0 >= 0).
    # Scale to 3 at 10: no *active* RS carries a desired-replicas annotation, so this is no
    # scaling event (ref §3.1); the rollout path grows A by reconcileNew: surge ceil(0.75)
    # = 1, 0+min(4-0, 3) = 3. Progressing is not estimated (NewReplicaSetAvailable and
    # replicas == updatedReplicas), so it keeps lastUpdateTime 0. Available needs
    # 3 - floor(0.75) = 3: False at 10, True at 12.
    c = cluster()
    progressing = ConditionLog(c, "web")
    c.apply(deployment(replicas=0))
    c.run(until=5)
    a = rs_for(c, IMG_V1)
    assert scalings(c, "web") == []
    assert rs_state(a) == (0, 0, 0, 0)
    d = c.get("deployment", "web")
    p = condition(d, "Progressing")
    assert (p.reason, p.message) == (
        "NewReplicaSetAvailable",
        f'ReplicaSet "{a.metadata.name}" has successfully progressed.',
    )
    assert condition(d, "Available").status == "True"
    c.run(until=10)
    c.scale("deployment/web", 3)
    c.run(until=11)
    assert scalings(c, "web") == [(10.0, up(a, 0, 3))]
    d = c.get("deployment", "web")
    assert (condition(d, "Available").status, condition(d, "Available").last_transition_time) == (
        "False",
        10.0,
    )
    assert c.run_until_complete("deployment/web") and c.now == 12.0
    d = c.get("deployment", "web")
    assert (condition(d, "Available").status, condition(d, "Available").last_transition_time) == (
        "True",
        12.0,
    )
    p = condition(d, "Progressing")
    assert (p.reason, p.last_update_time) == ("NewReplicaSetAvailable", 0.0)
    assert [t[2] for t in progressing.transitions] == [
        "NewReplicaSetCreated",
        "NewReplicaSetAvailable",
    ]


def test_availability_is_observed_when_the_replicaset_resyncs() -> None:
    # R=2, minReadySeconds 20. p1, p2 created at 0; p1 deleted at 1, replacement p3
    # created at 1 (ref §9.3). p2 Ready at 2: RS sync, ready 1 != 2, no requeue.
    # p3 Ready at 3: RS sync, ready 2 == 2, available 0 -> requeue after 20 s: t=23 (the
    # upstream pod handler's ready + minReadySeconds + 1 s requeue also gives 2+21 = 23).
    # Nothing syncs the RS at 22, so availableReplicas stays 0 until 23, when both p2
    # (2+20 <= 23) and p3 (3+20 <= 23) count at once.
    c = cluster()
    c.apply(deployment(replicas=2, min_ready=20))
    c.run(until=1)
    c.delete("pod", c.list("pod")[0].metadata.name)
    c.run(until=22.5)
    assert rs_state(rs_for(c, IMG_V1)) == (2, 2, 2, 0)
    assert c.get("deployment", "web").status.available_replicas == 0
    assert c.run_until_complete("deployment/web") and c.now == 23.0


@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
def test_saturated_new_replica_set_scales_old_ones_to_zero(paused: bool) -> None:
    # R=2, maxSurge 2, maxUnavailable 0. At 10: B created with min(4-2, 2) = 2;
    # maxScaledDown = 4-2-2 = 0. At 12 B's pods are Available:
    # - running: reconcileOld, budget (2+2)-2 = 2 -> A 2->0;
    # - paused at 11: sync() -> scale(): two active RSs, and B is saturated (spec 2 == R,
    #   desired-replicas 2 == R, available 2 == R), so every active old RS goes to 0
    #   (ref §3.3 step 2), paused or not.
    c = cluster()
    c.apply(deployment(replicas=2, strategy=rolling(2, 0)))
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.set_image("deployment/web", app=IMG_V2)
    c.run(until=11)
    if paused:
        c.pause("deployment/web")
    c.run(until=13)
    a, b = rs_for(c, IMG_V1), rs_for(c, IMG_V2)
    assert scalings(c, "web", since=10) == [(10.0, up(b, 0, 2)), (12.0, down(a, 2, 0))]
    d = c.get("deployment", "web")
    assert d_state(d) == {"replicas": 2, "updated": 2, "ready": 2, "available": 2, "unavailable": 0}
    p = condition(d, "Progressing")
    assert p.reason == ("DeploymentPaused" if paused else "NewReplicaSetAvailable")


def test_changing_min_ready_seconds_updates_the_replica_set_only() -> None:
    # minReadySeconds is not part of the template: no new RS, no scaling. The new RS's
    # minReadySeconds is kept equal to the Deployment's (ref §5.3). At 10 (0 -> 30) the RS
    # re-evaluates its pods: Ready since 2, 2 + 30 > 10, so none is available any more;
    # Available False (0 < 4 - 1); Progressing is sticky (ref §7.5 step 2).
    c = cluster()
    c.apply(deployment(replicas=4, deadline=600))
    assert c.run_until_complete("deployment/web") and c.now == 2.0
    c.run(until=10)
    c.apply(deployment(replicas=4, min_ready=30, deadline=600))
    c.run(until=10)
    a = rs_for(c, IMG_V1)
    assert len(c.list("replicaset")) == 1
    assert a.spec.min_ready_seconds == 30
    assert a.metadata.annotations[REVISION] == "1"
    assert rs_state(a) == (4, 4, 4, 0)
    d = c.get("deployment", "web")
    av = condition(d, "Available")
    assert (av.status, av.last_transition_time) == ("False", 10.0)
    assert condition(d, "Progressing").reason == "NewReplicaSetAvailable"
    c.run(until=31)
    assert rs_state(rs_for(c, IMG_V1)) == (4, 4, 4, 0)
    # Available again at the latest by the RS's requeue, 10 + 30 = 40.
    c.run(until=40)
    assert rs_state(rs_for(c, IMG_V1)) == (4, 4, 4, 4)
    assert condition(c.get("deployment", "web"), "Available").status == "True"
    assert scalings(c, "web") == [(0.0, up(a, 0, 4))]


def test_min_ready_seconds_change_is_observed_at_the_replica_set_requeue() -> None:
    # As above. The RS sync at 10 finds every pod Ready, none available: requeue after
    # minReadySeconds, at 40 (ref §7.1). No pod changes in between, so nothing else syncs
    # the RS: availableReplicas stays 0 until 40 although 2 + 30 = 32 has passed.
    c = cluster()
    c.apply(deployment(replicas=4, deadline=600))
    assert c.run_until_complete("deployment/web")
    c.run(until=10)
    c.apply(deployment(replicas=4, min_ready=30, deadline=600))
    c.run(until=35)
    assert rs_state(rs_for(c, IMG_V1)) == (4, 4, 4, 0)
    av = condition(c.get("deployment", "web"), "Available")
    assert av.status == "False"
    c.run(until=40)
    av = condition(c.get("deployment", "web"), "Available")
    assert (av.status, av.last_transition_time) == ("True", 40.0)


# 7. Determinism.


def random_timing_run(seed: int) -> list[rollsim.Event]:
    """The seed walkthrough with random pod timings; every draw comes from ``seed``."""
    pods = rollsim.PodBehavior(
        schedule=Uniform(0.0, 0.5),
        pull=LogNormal(3.0, 0.5),
        startup=LogNormal(2.0, 0.3),
        warmup=Uniform(0.0, 2.0),
        shutdown=Uniform(0.0, 3.0),
    )
    c = rollsim.Cluster(
        seed=seed,
        pods=pods,
        images={
            IMG_V2: rollsim.PodBehavior(startup=LogNormal(4.0, 0.8), shutdown=Uniform(1.0, 5.0))
        },
    )
    c.apply(SEED_V1)
    assert c.run_until_complete("deployment/ngx-dep")
    c.apply(SEED_V2)
    assert c.run_until_complete("deployment/ngx-dep")
    c.run(until=c.now + 10)
    return c.events


def events_digest(events: Iterable[rollsim.Event]) -> str:
    text = json.dumps([list(e) for e in events], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_same_seed_same_trace_different_seed_different_trace() -> None:
    first, second = random_timing_run(7), random_timing_run(7)
    assert first == second
    assert any(e.reason == "ScalingReplicaSet" for e in first)
    # Timings really are random: not every event falls on a whole second.
    assert any(e.time != int(e.time) for e in first)
    other = random_timing_run(8)
    assert other != first
    assert [e.time for e in other] != [e.time for e in first]


def test_trace_does_not_depend_on_hash_randomisation() -> None:
    expected = events_digest(random_timing_run(7))
    script = (
        "import runpy, sys; ns = runpy.run_path(sys.argv[1]); "
        "print(ns['events_digest'](ns['random_timing_run'](7)))"
    )
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", script, __file__],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        assert out.stdout.strip() == expected, out.stderr


# 8. Validation: an invalid update raises and changes nothing (DESIGN §5).


def _settled_seed() -> rollsim.Cluster:
    c = cluster()
    c.apply(SEED_V1)
    assert c.run_until_complete("deployment/ngx-dep")
    return c


def _snapshot(c: rollsim.Cluster) -> tuple[Any, ...]:
    return (
        c.get("deployment", "ngx-dep"),
        tuple(c.list("replicaset")),
        tuple(c.list("pod")),
        len(c.events),
    )


def test_changing_the_selector_is_rejected() -> None:
    c = _settled_seed()
    before = _snapshot(c)
    manifest = yaml.safe_load(SEED_V2.read_text(encoding="utf-8"))
    # Selector and template labels changed consistently: only the immutability check fails.
    manifest["spec"]["selector"]["matchLabels"] = {"app": "other"}
    manifest["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(rollsim.ValidationError) as info:
        c.apply(manifest)
    err = info.value
    assert isinstance(err, ValueError)
    assert [(e.type, e.field, e.detail) for e in err.errors] == [
        ("Invalid value", "spec.selector", "field is immutable")
    ]
    assert str(err).startswith('The Deployment "ngx-dep" is invalid: spec.selector: ')
    assert str(err).endswith(": field is immutable")
    assert _snapshot(c) == before
    c.run(until=c.now + 100)
    assert _snapshot(c)[1:] == before[1:]
    assert c.get("deployment", "ngx-dep").spec == before[0].spec


def test_invalid_strategy_update_and_bad_scale_are_rejected() -> None:
    c = _settled_seed()
    before = _snapshot(c)
    manifest = yaml.safe_load(SEED_V2.read_text(encoding="utf-8"))
    manifest["spec"]["strategy"] = rolling(0, 0)
    with pytest.raises(rollsim.ValidationError) as info:
        c.apply(manifest)
    # ref §1.4, the recent kubectl text.
    assert str(info.value) == (
        'The Deployment "ngx-dep" is invalid: spec.strategy.rollingUpdate.maxUnavailable: '
        "Invalid value: 0: may not be 0 when `maxSurge` is 0"
    )
    with pytest.raises(rollsim.ValidationError) as info:
        c.scale("deployment/ngx-dep", -1)
    assert [(e.field, e.detail) for e in info.value.errors] == [
        ("spec.replicas", "must be greater than or equal to 0")
    ]
    assert _snapshot(c) == before


def test_multi_document_apply_applies_each_document_on_its_own() -> None:
    # kubectl's ApplyOptions.Run: the seed's v2 is applied, the invalid "other" is not.
    c = _settled_seed()
    bad = deployment(name="other", replicas=-1)
    text = SEED_V2.read_text(encoding="utf-8") + "---\n" + yaml.safe_dump(bad)
    with pytest.raises(rollsim.ApplyError) as info:
        c.apply(text)
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in str(info.value)
    assert [d.metadata.name for d in info.value.applied] == ["ngx-dep"]
    c.run(until=c.now + 50)
    assert [d.metadata.name for d in c.list("deployment")] == ["ngx-dep"]
    assert c.get("deployment", "ngx-dep").spec.template.spec.containers[0].image != IMG_V1


def test_apply_keeps_what_other_commands_set_and_drops_what_it_stopped_setting() -> None:
    # kubectl apply's three-way merge (ref: last-applied-configuration): a spec field
    # neither the new manifest nor the last applied one sets belongs to someone else.
    # `rollout pause` set spec.paused, so re-applying the unchanged manifest keeps the
    # Deployment paused: the new template waits, no ReplicaSet is created for it.
    c = cluster()
    c.apply(deployment())
    c.run(until=10)
    c.pause("deployment/web")
    c.apply(deployment(image=IMG_V2))
    c.run(until=20)
    d = c.get("deployment", "web")
    assert d.spec.paused
    assert [rs.spec.template.spec.containers[0].image for rs in c.list("replicaset")] == [IMG_V1]
    # A manifest that sets paused: true and then stops setting it hands the field back:
    # the next apply drops it, and the rollout to v2 goes ahead.
    c.resume("deployment/web")
    paused = deployment(image=IMG_V2)
    paused["spec"]["paused"] = True
    c.apply(paused)
    assert c.get("deployment", "web").spec.paused
    c.apply(deployment(image=IMG_V2))
    assert not c.get("deployment", "web").spec.paused
    assert c.run_until_complete("deployment/web")
    assert c.get("deployment", "web").status.updated_replicas == 4
