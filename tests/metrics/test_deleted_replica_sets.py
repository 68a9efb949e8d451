"""A ReplicaSet deleted by the history cleanup keeps its place in the timeline.

With ``revisionHistoryLimit: 0`` the Deployment controller deletes the old
ReplicaSet the moment it reaches 0 replicas, while its pod still terminates
and, with endpoint lag, still receives traffic. The requests it served up to
then, and its share while its endpoints linger, must stay in the timeline.

Setup: 10 rps from t=0, pods ready 1 s after creation, v2 applied at t=10;
the default 25%/25% rounds to surge 1, unavailable 0 for 1 and 2 replicas.

1 replica, no lag: no endpoint until the first pod is ready at 1 (10 requests
fail, owned by no revision). At 10 the new pod is created, ready at 11; the
old ReplicaSet goes to 0 and is deleted. Revision 1 served [1, 11]: 100
requests; revision 2 served [11, 30]: 190. Offered: 300.

2 replicas, endpoint lag 1 s: endpoints appear at 2 (20 requests fail). At 10
new 0->1; at 11 it is ready, old 2->1, new 1->2; at 12 the second new pod is
ready, old 1->0 and deleted. Endpoints show the pods of a second before: in
[11, 12] both old pods, one killed at 11; in [12, 13] one old pod, killed at
12, and one new. Each dead endpoint fails its half of a second: 10 requests,
owned by revision 1. From 13 on, two new endpoints.
"""

import numpy as np

import rollsim


def web(replicas: int) -> dict[str, object]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 0,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "app:v1"}]},
            },
        },
    }


def rollout(replicas: int, endpoint_lag: float) -> tuple[rollsim.Cluster, rollsim.Timeline]:
    cluster = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=1.0))
    cluster.apply(web(replicas))
    cluster.add_traffic(rollsim.Traffic(rps=10, endpoint_lag=endpoint_lag))
    cluster.run(until=10)
    cluster.set_image("deployment/web", app="app:v2")
    assert cluster.run_until_complete("deployment/web")
    cluster.run(until=30)
    return cluster, cluster.timeline("deployment/web")


def test_requests_served_before_the_deletion_are_kept() -> None:
    cluster, timeline = rollout(replicas=1, endpoint_lag=0.0)
    assert [rs.metadata.name for rs in cluster.list("replicaset")] == [timeline.by_revision[2].name]
    assert timeline.by_revision[1]["requests"][-1] == 100.0
    assert timeline.by_revision[2]["requests"][-1] == 190.0
    assert timeline["requests"][-1] == 300.0 and timeline["errors"][-1] == 10.0


def test_lingering_endpoints_of_a_deleted_replica_set_keep_their_share() -> None:
    _, timeline = rollout(replicas=2, endpoint_lag=1.0)
    old, new = timeline.by_revision[1], timeline.by_revision[2]
    shares = old["traffic_share"] + new["traffic_share"]
    serving = timeline["endpoints"] > 0
    assert np.allclose(shares[serving], 1.0)
    assert old.at(12)["endpoints"] == 1 and old.at(12)["traffic_share"] == 0.5
    assert old.at(13)["endpoints"] == 0 and old.at(13)["traffic_share"] == 0
    assert old["requests"][-1] == 105.0 and old["errors"][-1] == 10.0
    assert new["requests"][-1] == 175.0 and new["errors"][-1] == 0.0
    assert timeline["requests"][-1] == 300.0 and timeline["errors"][-1] == 30.0


def test_a_name_that_comes_back_counts_both_objects() -> None:
    """Back to v1 at t=12, the instant its ReplicaSet is deleted: a new object takes
    the same name while the deleted one's pod is still a listed endpoint (dead) until
    13. Under that name the timeline counts both, and shares still sum to 1."""
    cluster = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=1.0))
    cluster.apply(web(2))
    cluster.add_traffic(rollsim.Traffic(rps=10, endpoint_lag=1.0))
    cluster.run(until=10)
    v1 = cluster.list("replicaset")[0].metadata.name
    cluster.set_image("deployment/web", app="app:v2")
    cluster.run(until=12)
    assert [rs.metadata.name for rs in cluster.list("replicaset")] != [v1]
    cluster.set_image("deployment/web", app="app:v1")
    assert cluster.run_until_complete("deployment/web")
    cluster.run(until=30)
    timeline = cluster.timeline("deployment/web")
    assert v1 in [rs.metadata.name for rs in cluster.list("replicaset")]
    shares = sum(r["traffic_share"] for r in timeline.by_replica_set.values())
    serving = timeline["endpoints"] > 0
    assert np.allclose(shares[serving], 1.0)
    assert timeline.by_replica_set[v1].at(12)["traffic_share"] == 0.5
    assert sum(r["requests"][-1] for r in timeline.by_replica_set.values()) == 280.0
