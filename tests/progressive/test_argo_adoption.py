"""A Rollout claims ReplicaSets as argo-rollouts' getReplicaSetsForRollouts does.

Through the controller-ref manager (``ClaimReplicaSets``): an orphan its selector
matches is adopted, an owned one it no longer matches is released, one another
controller owns is left alone. That last rule is why Argo's migration guide
(docs/migrating.md, both YAML blocks kept unchanged under
tests/manifests/argo-rollouts/docs/) can say the Rollout "won't try to manage
existing Deployment Pods": the Deployment's ReplicaSets are owned.
"""

from __future__ import annotations

from pathlib import Path

import rollsim

from .support import HASH, cluster

DOCS = Path(__file__).parent.parent / "manifests/argo-rollouts/docs"
CONVERTED = DOCS / "migrating-convert-deployment-to-rollout.yaml"

#: The Deployment the docs' Rollout was converted from: the same object with the
#: three fields the guide changes put back (apiVersion, kind, no canary strategy).
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rollouts-demo
spec:
  selector:
    matchLabels:
      app: rollouts-demo
  template:
    metadata:
      labels:
        app: rollouts-demo
    spec:
      containers:
      - name: rollouts-demo
        image: argoproj/rollouts-demo:blue
        ports:
        - containerPort: 8080
"""


def owners(c: rollsim.Cluster) -> dict[str, list[str]]:
    """Each ReplicaSet's owners as ``Kind/name``, by whose pod-template hash label it has."""
    return {
        ("rollout" if HASH in rs.metadata.labels else "deployment"): [
            f"{ref.kind}/{ref.name}" for ref in rs.metadata.owner_references
        ]
        for rs in c.list("rs")
    }


def rollout_events(c: rollsim.Cluster, since: float = 0.0) -> list[tuple[float, str]]:
    return [(e.time, e.message) for e in c.events if e.kind == "Rollout" and e.time >= since]


def side_by_side() -> rollsim.Cluster:
    """The guide's advice: the Rollout runs next to the Deployment first."""
    c = cluster()
    c.kubectl("apply -f -", stdin=DEPLOYMENT)
    c.run(until=5)
    assert c.kubectl(f"apply -f {CONVERTED}") == "rollout.argoproj.io/rollouts-demo created\n"
    c.run(until=10)
    return c


def test_converted_rollout_runs_beside_the_deployment_and_adopts_nothing() -> None:
    c = side_by_side()
    assert owners(c) == {
        "deployment": ["Deployment/rollouts-demo"],
        "rollout": ["Rollout/rollouts-demo"],
    }
    assert sorted(rs.status.ready_replicas for rs in c.list("rs")) == [1, 1]
    rollout = c.get("rollout/rollouts-demo")
    assert rollout.status.phase == "Healthy"
    # Same name, same template: the Deployment's ReplicaSet holds the name the
    # Rollout's would take, so createDesiredReplicaSet raised the collision count.
    assert rollout.status.collision_count == 1
    # Deleting the Deployment takes its ReplicaSet and pod; the Rollout's pod serves on.
    c.kubectl("delete deployment rollouts-demo")
    c.run(until=20)
    assert owners(c) == {"rollout": ["Rollout/rollouts-demo"]}
    assert len(c.list("pod")) == 1


def test_deployment_deleted_with_orphan_gives_its_replica_set_to_the_rollout() -> None:
    """The orphaned ReplicaSet matches the Rollout's selector: adopted, it is an older
    ReplicaSet (its template has no rollouts-pod-template-hash, and no Argo revision)
    and is scaled down, the Rollout's own pod already serving."""
    c = side_by_side()
    c.kubectl("delete deployment rollouts-demo --cascade=orphan")
    c.run(until=20)
    assert owners(c) == {
        "deployment": ["Rollout/rollouts-demo"],
        "rollout": ["Rollout/rollouts-demo"],
    }
    adopted = next(rs for rs in c.list("rs") if HASH not in rs.metadata.labels)
    assert adopted.metadata.owner_references[0].block_owner_deletion is True
    assert rollout_events(c, since=10) == [
        (10.0, f"Scaled down ReplicaSet {adopted.metadata.name} (revision 0) from 1 to 0")
    ]
    assert adopted.spec.replicas == 0
    assert c.get("rollout/rollouts-demo").status.phase == "Healthy"


def test_orphaned_rollout_replica_set_is_adopted_back_with_its_revision() -> None:
    """``delete rollout --cascade=orphan`` then the same file again: the new Rollout
    (another UID) adopts the ReplicaSet of its template, creates none, and the next
    template is revision 2."""
    c = side_by_side()
    c.kubectl("delete deployment rollouts-demo")
    c.kubectl("delete rollout rollouts-demo --cascade=orphan")
    c.run(until=20)
    (kept,) = c.list("rs")
    assert kept.metadata.owner_references == ()
    c.kubectl(f"apply -f {CONVERTED}")
    c.run(until=25)
    (adopted,) = c.list("rs")
    assert adopted.metadata.name == kept.metadata.name
    assert adopted.metadata.owner_references[0].uid == c.get("rollout/rollouts-demo").metadata.uid
    assert [m for _, m in rollout_events(c, since=20)] == [
        "Rollout updated to revision 1",
        f"Rollout completed update to revision 1 ({kept.metadata.labels[HASH]}): Initial deploy",
    ]
    c.set_image("rollout/rollouts-demo", **{"rollouts-demo": "argoproj/rollouts-demo:yellow"})
    c.run(until=30)
    assert "Rollout updated to revision 2" in [m for _, m in rollout_events(c, since=25)]


def test_relabelled_replica_set_is_released() -> None:
    c = side_by_side()
    (own,) = [rs for rs in c.list("rs") if HASH in rs.metadata.labels]
    c.kubectl(f"label rs {own.metadata.name} app=elsewhere --overwrite")
    c.run(until=15)
    released = c.get(f"rs/{own.metadata.name}")
    assert released.metadata.owner_references == ()
    # The Rollout makes its template's ReplicaSet again; the name is taken by the
    # released one, so the collision count moves the hash once more.
    rollout = c.get("rollout/rollouts-demo")
    assert rollout.status.collision_count == 2
    mine = [rs for rs in c.list("rs") if rs.metadata.owner_references]
    assert sorted(f"{r.kind}/{r.name}" for rs in mine for r in rs.metadata.owner_references) == [
        "Deployment/rollouts-demo",
        "Rollout/rollouts-demo",
    ]


def test_docs_workload_ref_block_leaves_the_deployment_its_replica_set() -> None:
    c = cluster()
    c.apply(DOCS / "migrating-reference-deployment.yaml")
    c.run(until=30)
    assert owners(c) == {
        "deployment": ["Deployment/rollout-ref-deployment"],
        "rollout": ["Rollout/rollout-ref-deployment"],
    }
    rollout = c.get("rollout/rollout-ref-deployment")
    assert (rollout.status.phase, rollout.status.ready_replicas) == ("Healthy", 5)
    assert c.get("deploy/rollout-ref-deployment").spec.replicas == 0
