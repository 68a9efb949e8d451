"""Endpoints follow ownership: a pod adopted by a ReplicaSet, or released from one, is
counted under its owner of the moment, once, in the routes and in the timeline.

The EndpointSlice names pods, not owners: when the ReplicaSet controller adopts a
bare pod (``AdoptPod``) the pod keeps serving without a blip, and when a relabel
takes it out of its ReplicaSet's selector (``ReleasePod``) it keeps serving the
Service whose selector still matches it, but no longer for the ReplicaSet.
"""

from __future__ import annotations

import rollsim
from rollsim.api.core import Container, Pod, PodSpec
from rollsim.api.defaults import default_pod
from rollsim.api.meta import ObjectMeta


def store_pod(c: rollsim.Cluster, pod: Pod) -> None:
    """A bare pod written to the store as apply writes one: defaulted (a patch of it is
    then checked against the defaulted spec, as the API server checks it)."""
    c.store.create(default_pod(pod))


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27}]
"""

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def template_hash() -> str:
    """The pod-template-hash the Deployment's ReplicaSet gets (the same in any cluster)."""
    scratch = rollsim.Cluster()
    scratch.apply(DEPLOYMENT)
    scratch.run(1.0)
    [rs] = scratch.list("rs")
    return str(rs.metadata.labels["pod-template-hash"])


def serving_bare_pod() -> rollsim.Cluster:
    """A bare pod with the ReplicaSet's labels serves the Service for 5 s, then the
    Deployment is applied: its ReplicaSet adopts the pod and creates two more."""
    c = rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0, shutdown=3.0))
    c.apply(SERVICE)
    labels = {"app": "web", "pod-template-hash": template_hash()}
    container = Container(name="nginx", image="nginx:1.27")
    store_pod(
        c,
        Pod(
            metadata=ObjectMeta(name="bare", namespace="default", labels=labels),
            spec=PodSpec(containers=(container,)),
        ),
    )
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(5.0)
    c.apply(DEPLOYMENT)
    c.run(20.0)
    return c


def route_counts(c: rollsim.Cluster) -> dict[str, tuple[int, int]]:
    route = c.endpoints.routes[("service", "default", "web")]
    return {uid: (n.listed, n.dead) for uid, n in route.counts.items() if n.listed}


def test_an_adopted_bare_pod_keeps_serving_and_counts_once_for_its_replica_set() -> None:
    c = serving_bare_pod()
    bare = c.get("pod", "bare")
    [rs] = c.list("rs")
    assert bare.metadata.owner_references[0].uid == rs.metadata.uid
    assert len([e for e in c.events if e.reason == "SuccessfulCreate"]) == 2
    assert route_counts(c) == {rs.metadata.uid: (3, 0)}
    tl = c.timeline("deployment/web")
    assert tl.t.tolist() == [5.0, 7.0, 20.0]
    # The adopted pod is an endpoint of the ReplicaSet from the adoption on.
    assert tl["endpoints"].tolist() == [1.0, 3.0, 3.0]
    [revision] = tl.by_replica_set.values()
    assert revision["endpoints"].tolist() == [1.0, 3.0, 3.0]
    assert revision["traffic_share"].tolist() == [1.0, 1.0, 1.0]
    # Every request offered from the adoption on reached the ReplicaSet; the only
    # failures are the 2 s before the bare pod was first Ready, none after.
    assert revision["requests"].tolist() == [0.0, 200.0, 1500.0]
    assert tl["errors"].tolist() == [200.0, 200.0, 200.0]


def test_deleting_the_adopted_pod_takes_it_from_its_replica_set_only() -> None:
    c = serving_bare_pod()
    [rs] = c.list("rs")
    c.delete("pod", "bare")
    c.run(40.0)
    # No endpoint left behind under the orphan it once was, none taken twice.
    assert route_counts(c) == {rs.metadata.uid: (3, 0)}
    tl = c.timeline("deployment/web")
    # The replacement is Ready at 22 s; the deleted pod is gone at 23 s.
    assert tl.t.tolist() == [5.0, 7.0, 20.0, 22.0, 23.0, 40.0]
    assert tl["endpoints"].tolist() == [1.0, 3.0, 2.0, 3.0, 3.0, 3.0]
    [revision] = tl.by_replica_set.values()
    assert revision["traffic_share"].tolist() == [1.0] * 6


def test_a_pod_released_by_a_relabel_stops_counting_for_its_old_replica_set() -> None:
    c = serving_bare_pod()
    [rs] = c.list("rs")
    bare_uid = c.get("pod", "bare").metadata.uid
    # Out of the ReplicaSet's selector, still in the Service's (app: web).
    c.patch(("pod", "bare"), {"metadata": {"labels": {"pod-template-hash": None}}})
    c.run(30.0)
    assert c.get("pod", "bare").metadata.owner_references == ()
    assert len([e for e in c.events if e.reason == "SuccessfulCreate"]) == 3
    assert route_counts(c) == {rs.metadata.uid: (3, 0), bare_uid: (1, 0)}
    tl = c.timeline("deployment/web")
    assert tl.t.tolist() == [5.0, 7.0, 20.0, 22.0, 30.0]
    assert tl["endpoints"].tolist() == [1.0, 3.0, 2.0, 3.0, 3.0]
    [revision] = tl.by_replica_set.values()
    # The released pod serves a quarter of the Service's requests, for no ReplicaSet.
    assert revision["traffic_share"].tolist() == [1.0, 1.0, 2 / 3, 0.75, 0.75]


def test_a_bare_pod_relabelled_out_of_the_service_leaves_its_endpoints() -> None:
    c = rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0))
    c.apply(SERVICE)
    container = Container(name="nginx", image="nginx:1.27")
    store_pod(
        c,
        Pod(
            metadata=ObjectMeta(name="bare", namespace="default", labels={"app": "web"}),
            spec=PodSpec(containers=(container,)),
        ),
    )
    flow = c.add_traffic(rollsim.Traffic(rps=10, service="web", endpoint_lag=1.0))
    c.run(5.0)
    bare_uid = c.get("pod", "bare").metadata.uid
    assert route_counts(c) == {bare_uid: (1, 0)}
    c.patch(("pod", "bare"), {"metadata": {"labels": {"app": "other"}}})
    c.run(5.5)
    # kube-proxy still sends it requests until the change propagates.
    assert route_counts(c) == {bare_uid: (1, 0)}
    c.run(10.0)
    assert route_counts(c) == {}
    # Listed from 3 s (Ready at 2 s, then the lag) to 6 s, at 10 rps.
    assert flow.sent == {bare_uid: 30.0}
