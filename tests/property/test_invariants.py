"""Each invariant can fail: sabotage a healthy cluster the way a broken controller
would (writing to the store directly), or hand-build a broken timeline, and the
invariant reports it. Plus the independent fencepost oracle against upstream's
examples and against rollsim's own arithmetic."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rollsim
from rollsim.controllers.deployment.util import REVISION_ANNOTATION, resolve_fenceposts
from rollsim.testing import (
    InvariantViolation,
    assert_rollout_invariants,
    check_undo,
    determinism,
    digest,
    excess_history,
    fenceposts,
    history_within_limit,
    requests_conserved,
    rolling_update_bounds,
    rollout_completes,
    traffic_shares_sum_to_one,
    traffic_to_ready_endpoints,
    watch,
)
from rollsim.timeline import RevisionTimeline, Timeline

from .support import budget


def manifest(strategy: str = "RollingUpdate", replicas: int = 4, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "strategy": {"type": strategy},
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "app:v1"}]},
            },
            **spec,
        },
    }


def settled_cluster(**spec: Any) -> rollsim.Cluster:
    cluster = rollsim.Cluster(seed=1, pods=rollsim.PodBehavior(startup=1.0, shutdown=2.0))
    watch(cluster)
    cluster.apply(manifest(**spec))
    cluster.run(until=30)
    return cluster


def names(cluster: rollsim.Cluster) -> set[str]:
    return {v.invariant for v in watch(cluster).violations}


# The fencepost oracle.


@pytest.mark.parametrize(
    ("surge", "unavailable", "replicas", "expected"),
    [
        ("39%", "39%", 10, (4, 3)),
        ("0%", "0%", 0, (0, 1)),
        (None, None, 10, (0, 1)),
        ("25%", "25%", 1, (1, 0)),
        ("25%", "25%", 3, (1, 0)),
        ("25%", "25%", 4, (1, 1)),
        ("25%", "25%", 10, (3, 2)),
        ("1%", "1%", 10, (1, 0)),
    ],
)
def test_fenceposts_match_upstreams_examples(
    surge: Any, unavailable: Any, replicas: int, expected: tuple[int, int]
) -> None:
    """The examples of the reference (ResolveFenceposts, deployment_util.go)."""
    assert fenceposts(surge, unavailable, replicas) == expected


int_or_percent = st.one_of(
    st.none(), st.integers(0, 50), st.integers(0, 300).map(lambda n: f"{n}%")
)


@settings(max_examples=budget(3))
@given(int_or_percent, int_or_percent, st.integers(0, 1000))
def test_fenceposts_agree_with_rollsim(surge: Any, unavailable: Any, replicas: int) -> None:
    assert fenceposts(surge, unavailable, replicas) == resolve_fenceposts(
        surge, unavailable, replicas
    )


# History invariants, through a watch.


def test_a_healthy_rollout_has_no_violation() -> None:
    cluster = settled_cluster()
    cluster.set_image("deployment/web", app="app:v2")
    assert cluster.run_until_complete("deployment/web")
    assert_rollout_invariants(cluster)
    assert len(watch(cluster).history) > 10


def test_max_surge_catches_a_replicaset_over_the_bound() -> None:
    cluster = settled_cluster()
    (rs,) = cluster.list("replicaset")
    cluster.store.update(replace(rs, spec=replace(rs.spec, replicas=6)))  # 4 + maxSurge 1 = 5
    assert "max-surge" in names(cluster)
    assert rolling_update_bounds(watch(cluster).history)


def test_min_available_catches_pods_removed_under_the_floor() -> None:
    cluster = settled_cluster()
    (rs,) = cluster.list("replicaset")
    cluster.store.update(replace(rs, spec=replace(rs.spec, replicas=2)))  # floor: 4 - 1 = 3
    cluster.run(cluster.now)
    assert "min-available" in names(cluster)
    with pytest.raises(
        InvariantViolation,
        match=r"min-available[\s\S]*expected: available >= "
        r"replicas - maxUnavailable = 3",
    ):
        assert_rollout_invariants(cluster)


def test_recreate_catches_two_versions_at_once() -> None:
    cluster = settled_cluster(strategy="Recreate")
    (old,) = cluster.list("replicaset")
    cluster.set_image("deployment/web", app="app:v2")
    cluster.run(cluster.now)  # old pods terminating (2 s), no new ReplicaSet yet
    new = replace(
        old,
        metadata=replace(old.metadata, name="web-sneaky", uid="", labels={}),
        spec=replace(old.spec, replicas=1, template=cluster.get("deployment/web").spec.template),
    )
    cluster.store.create(new)
    cluster.run(cluster.now)
    assert "recreate-one-version" in names(cluster)


def test_revisions_catch_a_lowered_revision() -> None:
    cluster = settled_cluster()
    cluster.set_image("deployment/web", app="app:v2")
    cluster.run_until_complete("deployment/web")
    new = next(
        rs
        for rs in cluster.list("replicaset")
        if rs.metadata.annotations[REVISION_ANNOTATION] == "2"
    )
    lowered = {**new.metadata.annotations, REVISION_ANNOTATION: "1"}
    cluster.store.update(replace(new, metadata=replace(new.metadata, annotations=lowered)))
    assert "revisions" in names(cluster)


def test_completion_catches_a_status_that_lies() -> None:
    cluster = settled_cluster()
    cluster.set_image("deployment/web", app="app:v2")
    cluster.run(cluster.now)
    d = cluster.get("deployment/web")
    lie = replace(
        d.status,
        replicas=4,
        updated_replicas=4,
        available_replicas=4,
        observed_generation=d.metadata.generation,
    )
    cluster.store.update(replace(d, status=lie))
    assert "completion" in names(cluster)


def test_history_limit_catches_a_leftover_replicaset() -> None:
    cluster = settled_cluster(revisionHistoryLimit=0)
    cluster.set_image("deployment/web", app="app:v2")
    cluster.run_until_complete("deployment/web")
    assert history_within_limit(cluster) == []  # the controller cleaned revision 1 up
    d = cluster.get("deployment/web")
    (rs,) = cluster.list("replicaset")
    leftover = replace(
        rs,
        metadata=replace(rs.metadata, name="web-leftover"),
        spec=replace(rs.spec, replicas=0, template=rollsim.load(manifest())[0].spec.template),
    )
    found = excess_history(d, [rs, leftover], cluster.now)
    assert [v.invariant for v in found] == ["history-limit"]
    assert (
        excess_history(
            replace(d, spec=replace(d.spec, revision_history_limit=1)), [rs, leftover], cluster.now
        )
        == []
    )


def test_endpoints_ready_catches_an_unready_endpoint() -> None:
    cluster = settled_cluster()
    cluster.add_traffic(rollsim.Traffic(rps=10))
    route = next(iter(cluster.endpoints.routes.values()))
    pod = next(p for p in cluster.kubelet.pods.values())
    pod.ready = False  # the kubelet's record, not the route: the route is now wrong
    cluster.scale("deployment/web", 4)  # any write runs the global checks
    cluster.apply(manifest(replicas=5))
    assert pod.uid in route.members
    assert "endpoints-ready" in names(cluster)


def test_check_undo_restores_the_template_and_accepts_kubectls_refusals() -> None:
    cluster = settled_cluster()
    output, found = check_undo(cluster, "deployment/web")
    assert "no rollout history found" in output and found == []
    cluster.set_image("deployment/web", app="app:v2")
    cluster.run_until_complete("deployment/web")
    output, found = check_undo(cluster, "deployment/web")
    assert output.strip() == "deployment.apps/web rolled back" and found == []
    assert cluster.get("deployment/web").spec.template.spec.containers[0].image == "app:v1"
    cluster.pause("deployment/web")
    output, found = check_undo(cluster, "deployment/web", to_revision=2)
    assert "paused" in output and found == []


def test_liveness_and_determinism() -> None:
    cluster = settled_cluster()
    cluster.set_image("deployment/web", app="app:v2")
    assert rollout_completes(cluster, "deployment/web") == []

    def build(seed: int) -> rollsim.Cluster:
        c = rollsim.Cluster(seed=seed, pods=rollsim.PodBehavior(startup=rollsim.dist.Uniform(0, 5)))
        c.apply(manifest())
        c.run(until=20)
        return c

    assert determinism(lambda: build(7)) == []
    assert digest(build(7)) != digest(build(8))
    seeds = iter([7, 8])
    assert [v.invariant for v in determinism(lambda: build(next(seeds)))] == ["determinism"]


# Timeline invariants, on hand-built timelines.


def timeline(
    shares: list[list[float]],
    endpoints: list[list[float]],
    offered: list[float],
    failed: list[float],
    sent: list[list[float]],
    failed_rs: list[list[float]],
) -> Timeline:
    t = np.arange(len(offered), dtype=float)
    by_name = {}
    for i in range(len(shares)):
        cols = {
            "traffic_share": np.array(shares[i], dtype=float),
            "endpoints": np.array(endpoints[i], dtype=float),
            "requests": np.array(sent[i], dtype=float),
            "errors": np.array(failed_rs[i], dtype=float),
        }
        by_name[f"web-{i}"] = RevisionTimeline(t, cols, i + 1, f"web-{i}", f"uid-{i}")
    columns = {
        "endpoints": np.sum([np.array(e) for e in endpoints], axis=0),
        "requests": np.array(offered, dtype=float),
        "errors": np.array(failed, dtype=float),
    }
    return Timeline(t, columns, {r.revision: r for r in by_name.values()}, by_name, "web")


def test_timeline_invariants_hold_on_a_consistent_timeline() -> None:
    # No endpoint until t=1 (10 requests fail), then revision 1 alone (10 sent, 2 fail),
    # then both revisions share the traffic.
    tl = timeline(
        [[0, 1, 0.5], [0, 0, 0.5]],
        [[0, 2, 1], [0, 0, 1]],
        [0, 10, 20],
        [0, 10, 12],
        [[0, 0, 10], [0, 0, 0]],
        [[0, 0, 2], [0, 0, 0]],
    )
    assert traffic_shares_sum_to_one(tl) == []
    assert traffic_to_ready_endpoints(tl) == []
    assert requests_conserved(tl) == []


def test_timeline_invariants_catch_lost_traffic() -> None:
    tl = timeline(
        [[0, 0.5], [0.2, 0.5]],
        [[0, 1], [0, 1]],
        [0, 10],
        [0, 0],
        [[0, 4], [0, 4]],
        [[0, 0], [0, 0]],
    )
    assert [v.invariant for v in traffic_to_ready_endpoints(tl)] == ["traffic-to-endpoints"]
    assert [v.invariant for v in traffic_shares_sum_to_one(tl)] == ["traffic-shares"]
    assert [v.invariant for v in requests_conserved(tl)] == ["requests-conserved"]
