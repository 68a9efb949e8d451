"""Ownership as the controller-ref manager keeps it: a bare ReplicaSet runs its pods,
``claim_object`` decides adoption and release as ``ClaimObject`` does, and a
Deployment releases a ReplicaSet whose labels it no longer selects."""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim
from rollsim.api.meta import ObjectMeta, OwnerReference
from rollsim.controllers.controller_utils import claim_object

EXAMPLES = Path(__file__).parent.parent / "manifests" / "kubernetes-website"

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27}]
"""


def test_the_docs_bare_replica_set_runs_its_three_pods() -> None:
    c = rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0))
    [rs] = c.apply(EXAMPLES / "controllers" / "frontend.yaml")
    assert rs.metadata.owner_references == ()
    c.run(10.0)
    pods = c.list("pod")
    assert len(pods) == 3 and all(p.metadata.name.startswith("frontend-") for p in pods)
    assert {p.metadata.owner_references[0].uid for p in pods} == {rs.metadata.uid}
    assert c.kubectl("get rs") == (
        "NAME       DESIRED   CURRENT   READY   AGE\nfrontend   3         3         3       10s\n"
    )
    created = [(e.kind, e.name, e.message) for e in c.events if e.reason == "SuccessfulCreate"]
    assert sorted(created) == [
        ("ReplicaSet", "frontend", f"Created pod: {p.metadata.name}") for p in pods
    ]


def test_a_deployment_releases_a_replica_set_whose_labels_it_no_longer_selects() -> None:
    c = rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0))
    c.apply(DEPLOYMENT)
    c.run(10.0)
    [first] = c.list("rs")
    c.patch(("rs", first.metadata.name), {"metadata": {"labels": {"app": None}}})
    c.run(20.0)
    released = c.get("rs", first.metadata.name)
    assert released.metadata.owner_references == ()
    # The released ReplicaSet keeps its pods; the Deployment's next one takes the next
    # name, as the template hash collides with the released one's.
    assert released.status.available_replicas == 2
    d = c.get("deploy/web")
    assert d.status.collision_count == 1
    [second] = [rs for rs in c.list("rs") if rs.metadata.name != first.metadata.name]
    assert second.metadata.owner_references[0].uid == d.metadata.uid
    assert second.status.available_replicas == 2
    assert len(c.list("pod")) == 4


OWNER = ObjectMeta(name="web", namespace="default", uid="owner")
MINE = OwnerReference("apps/v1", "Deployment", "web", "owner", controller=True)
THEIRS = OwnerReference("apps/v1", "Deployment", "other", "other", controller=True)


@pytest.mark.parametrize(
    ("obj", "matches", "owner_deleting", "expected"),
    [
        (ObjectMeta(namespace="default", owner_references=(MINE,)), True, False, "claimed"),
        (ObjectMeta(namespace="default", owner_references=(MINE,)), True, True, "claimed"),
        (ObjectMeta(namespace="default", owner_references=(MINE,)), False, False, "release"),
        # No release while the owner is being deleted.
        (ObjectMeta(namespace="default", owner_references=(MINE,)), False, True, "ignore"),
        (ObjectMeta(namespace="default", owner_references=(THEIRS,)), True, False, "ignore"),
        (ObjectMeta(namespace="default"), True, False, "adopt"),
        (ObjectMeta(namespace="default"), False, False, "ignore"),
        # An owner being deleted adopts nothing; an orphan being deleted is not adopted.
        (ObjectMeta(namespace="default"), True, True, "ignore"),
        (ObjectMeta(namespace="default", deletion_timestamp=5.0), True, False, "ignore"),
        (ObjectMeta(namespace="test"), True, False, "ignore"),
    ],
)
def test_claim_object_decides_as_the_controller_ref_manager(
    obj: ObjectMeta, matches: bool, owner_deleting: bool, expected: str
) -> None:
    assert claim_object(OWNER, obj, matches, owner_deleting) == expected
