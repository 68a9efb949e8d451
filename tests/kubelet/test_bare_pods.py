"""Bare pods: a Pod written to the store is run by the kubelet (its API server
source), listed, deleted, and adopted by a ReplicaSet whose selector matches it.

Most tests write the Pod object to the store, as ``apply`` does after decoding; the
docs' walkthrough is also replayed through ``apply`` on its own files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim
from rollsim.api.core import Container, Pod, PodSpec
from rollsim.api.meta import ObjectMeta

EXAMPLES = Path(__file__).parent.parent / "manifests" / "kubernetes-website"


def bare_pod(name: str, labels: dict[str, str], image: str) -> Pod:
    """A pod as the docs' ``pods/pod-rs.yaml`` declares it."""
    container = Container(name=name.replace("pod", "hello"), image=image)
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", labels=labels),
        spec=PodSpec(containers=(container,)),
    )


def cluster() -> rollsim.Cluster:
    return rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0, shutdown=3.0))


def test_the_kubelet_runs_lists_and_deletes_a_bare_pod() -> None:
    c = cluster()
    stored = c.store.create(bare_pod("pod1", {"tier": "frontend"}, "hello-app:2.0"))
    assert stored is not None
    c.run(5.0)
    [pod] = c.list("pod")
    assert (pod.metadata.name, pod.metadata.uid) == ("pod1", stored.metadata.uid)
    assert pod.metadata.owner_references == () and pod.metadata.generate_name == ""
    assert (pod.status.phase, pod.status.container_statuses[0].ready) == ("Running", True)
    assert c.kubectl("get pods") == (
        "NAME   READY   STATUS    RESTARTS   AGE\npod1   1/1     Running   0          5s\n"
    )
    c.delete("pod", "pod1")
    # The API server stamps the end of the grace period (30 s by default).
    assert c.get("pod", "pod1").metadata.deletion_timestamp == 35.0
    c.run(8.0)
    assert c.list("pod") == [] and c.store.get("Pod", "default", "pod1") is None


def test_a_replica_set_adopts_matching_bare_pods_and_creates_only_the_rest() -> None:
    # The ReplicaSet page's "Non-Template Pod acquisitions": the pods exist first,
    # so frontend (3 replicas) acquires both and creates one.
    c = cluster()
    c.store.create(bare_pod("pod1", {"tier": "frontend"}, "gcr.io/google-samples/hello-app:2.0"))
    c.store.create(bare_pod("pod2", {"tier": "frontend"}, "gcr.io/google-samples/hello-app:1.0"))
    [rs] = c.apply(EXAMPLES / "controllers" / "frontend.yaml")
    c.run(10.0)
    pods = c.list("pod")
    assert len(pods) == 3
    assert {p.metadata.owner_references[0].uid for p in pods} == {rs.metadata.uid}
    created = [e.message for e in c.events if e.reason == "SuccessfulCreate"]
    assert len(created) == 1 and created[0].startswith("Created pod: frontend-")
    assert {"pod1", "pod2"} <= {p.metadata.name for p in pods}
    assert c.get("rs/frontend").status.available_replicas == 3


def test_a_non_matching_bare_pod_stays_an_orphan() -> None:
    c = cluster()
    c.store.create(bare_pod("pod1", {"tier": "backend"}, "hello-app:2.0"))
    c.apply(EXAMPLES / "controllers" / "frontend.yaml")
    c.run(10.0)
    assert c.get("pod", "pod1").metadata.owner_references == ()
    assert len([e for e in c.events if e.reason == "SuccessfulCreate"]) == 3


def test_a_bare_pod_being_deleted_is_not_adopted() -> None:
    c = cluster()
    c.store.create(bare_pod("pod1", {"tier": "frontend"}, "hello-app:2.0"))
    c.run(5.0)
    c.delete("pod", "pod1")
    c.apply(EXAMPLES / "controllers" / "frontend.yaml")
    c.run(6.0)
    assert c.get("pod", "pod1").metadata.owner_references == ()
    assert len([e for e in c.events if e.reason == "SuccessfulCreate"]) == 3


def test_the_docs_walkthrough_applies_the_pods_then_the_replica_set() -> None:
    """kubernetes/website concepts/workloads/controllers/replicaset.md: ``kubectl apply
    -f pod-rs.yaml`` then ``frontend.yaml``; frontend acquires both pods, makes one."""
    c = cluster()
    assert c.kubectl(f"apply -f {EXAMPLES / 'pods' / 'pod-rs.yaml'}") == (
        "pod/pod1 created\npod/pod2 created\n"
    )
    c.run(5.0)
    c.apply(EXAMPLES / "controllers" / "frontend.yaml")
    c.run(10.0)
    names = sorted(p.metadata.name for p in c.list("pod"))
    assert len(names) == 3 and names[1:] == ["pod1", "pod2"]
    assert names[0].startswith("frontend-")
    rs = c.get("rs", "frontend")
    assert (rs.status.replicas, rs.status.ready_replicas) == (3, 3)


def test_an_invalid_bare_pod_is_refused_in_the_api_servers_words() -> None:
    c = cluster()
    with pytest.raises(rollsim.ValidationError) as raised:
        c.apply(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
            "spec: {restartPolicy: Sometimes, containers: [{name: c, image: nginx}]}\n"
        )
    assert str(raised.value) == (
        'The Pod "p" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": '
        'supported values: "Always", "OnFailure", "Never"'
    )
    assert c.list("pod") == []
