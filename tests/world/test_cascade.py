"""``Cluster.delete(..., cascade=)``: background, foreground and orphan propagation, as
pkg/controller/garbagecollector carries them out, and ``--cascade``'s parsing as
kubectl's ``parseCascadingFlag``."""

from __future__ import annotations

import pytest

import rollsim
from rollsim.verbs.delete import parse_cascade

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


def running(seconds: float = 30.0) -> rollsim.Cluster:
    """A cluster whose Deployment ``web`` has 3 available pods; pods take 5 s to stop."""
    c = rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0, shutdown=5.0))
    c.apply(DEPLOYMENT)
    c.run(seconds)
    return c


def names(c: rollsim.Cluster, kind: str) -> list[str]:
    return [o.metadata.name for o in c.list(kind)]


def test_background_deletes_the_owner_now_and_its_dependents_after() -> None:
    c = running()
    rs = names(c, "rs")
    c.delete("deployment/web")
    assert names(c, "deploy") == [] and names(c, "rs") == []
    assert [p.status.phase for p in c.list("pod")] == ["Running"] * 3
    # A pod's deletionTimestamp is the end of its grace period (30 s by default).
    assert all(p.metadata.deletion_timestamp == 60.0 for p in c.list("pod"))
    assert rs == ["web-" + rs[0].split("-")[1]]
    c.run(35.0)
    assert c.list("pod") == []


def test_foreground_keeps_the_owner_listed_until_its_pods_are_gone() -> None:
    c = running()
    [rs_name] = names(c, "rs")
    c.delete("deployment/web", cascade="foreground")
    d = c.get("deploy/web")
    rs = c.get("rs", rs_name)
    assert d.metadata.deletion_timestamp == 30.0
    assert d.metadata.extra["finalizers"] == ["foregroundDeletion"]
    # The ReplicaSet has pods of its own, so it is deleted in the foreground too.
    assert rs.metadata.deletion_timestamp == 30.0
    assert rs.metadata.extra["finalizers"] == ["foregroundDeletion"]
    c.run(34.0)
    assert names(c, "deploy") == ["web"] and names(c, "rs") == [rs_name]
    assert c.get("rs", rs_name).status.replicas == 0
    assert [p.metadata.deletion_timestamp for p in c.list("pod")] == [60.0] * 3
    assert c.kubectl("get rs") == (
        "NAME            DESIRED   CURRENT   READY   AGE\n"
        f"{rs_name}   3         0         0       34s\n"
    )
    c.run(35.0)
    assert names(c, "deploy") == [] and names(c, "rs") == [] and c.list("pod") == []


def test_foreground_deployment_creates_no_replica_set_while_deleted() -> None:
    c = running()
    c.delete("deployment/web", cascade="foreground")
    c.run(34.0)
    creates = [e for e in c.events if e.reason in ("ScalingReplicaSet", "SuccessfulCreate")]
    assert [e.time for e in creates] == [0.0, 0.0, 0.0, 0.0]


def test_orphan_keeps_the_replica_set_running_and_a_new_deployment_adopts_it() -> None:
    c = running()
    [rs_name] = names(c, "rs")
    pods = names(c, "pod")
    c.delete("deployment/web", cascade="orphan")
    assert names(c, "deploy") == []
    rs = c.get("rs", rs_name)
    assert rs.metadata.owner_references == ()
    c.run(60.0)
    assert names(c, "pod") == pods
    assert [p.status.phase for p in c.list("pod")] == ["Running"] * 3
    c.apply(DEPLOYMENT)
    c.run(90.0)
    rs = c.get("rs", rs_name)
    d = c.get("deploy/web")
    [ref] = rs.metadata.owner_references
    assert (ref.kind, ref.name, ref.uid, ref.controller, ref.block_owner_deletion) == (
        "Deployment",
        "web",
        d.metadata.uid,
        True,
        True,
    )
    assert names(c, "rs") == [rs_name] and names(c, "pod") == pods
    assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    assert rs.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    assert [e for e in c.events if e.time >= 60.0 and e.kind != "Pod"] == []
    assert d.status.available_replicas == 3


def test_an_adopted_replica_set_with_another_template_is_the_old_revision() -> None:
    c = running()
    [old] = names(c, "rs")
    c.delete("deployment/web", cascade="orphan")
    c.apply(DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"))
    assert c.run_until_complete("deploy/web", timeout=300)
    rss = {rs.metadata.name: rs for rs in c.list("rs")}
    [new] = [n for n in rss if n != old]
    assert rss[old].metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    assert rss[new].metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    assert (rss[old].spec.replicas, rss[new].spec.replicas) == (0, 3)
    assert rss[old].metadata.owner_references[0].name == "web"


def test_orphaning_a_replica_set_keeps_its_pods_for_the_next_one_to_adopt() -> None:
    c = running()
    [rs_name] = names(c, "rs")
    rs = c.get("rs", rs_name)
    pods = names(c, "pod")
    c.delete("deployment/web", cascade="orphan")
    c.delete("rs", rs_name, cascade="orphan")
    c.run(40.0)
    assert names(c, "rs") == [] and names(c, "pod") == pods
    assert all(p.metadata.owner_references == () for p in c.list("pod"))
    assert all(p.metadata.generate_name == rs_name + "-" for p in c.list("pod"))
    labels = dict(rs.metadata.labels)
    c.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {"name": "adopter", "labels": labels},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
                },
            },
        }
    )
    c.run(50.0)
    adopter = c.get("rs/adopter")
    assert names(c, "pod") == pods
    assert {p.metadata.owner_references[0].name for p in c.list("pod")} == {"adopter"}
    assert (adopter.status.replicas, adopter.status.available_replicas) == (3, 3)
    assert [e for e in c.events if e.time >= 40.0] == []


def test_an_invalid_cascade_is_refused_in_kubectls_words_and_changes_nothing() -> None:
    c = running()
    version = c.store.resource_version
    with pytest.raises(rollsim.InvalidOperation) as refused:
        c.delete("deployment/web", cascade="x")
    assert str(refused.value) == (
        'invalid cascade value (x). Must be "background", "foreground", or "orphan"'
    )
    assert c.store.resource_version == version and names(c, "deploy") == ["web"]


@pytest.mark.parametrize(
    ("flag", "policy", "warning"),
    [
        ("background", "background", None),
        ("foreground", "foreground", None),
        ("orphan", "orphan", None),
        (
            "true",
            "background",
            "warning: --cascade=true is deprecated (boolean value) and can be replaced "
            "with --cascade=background.",
        ),
        (
            "false",
            "orphan",
            "warning: --cascade=false is deprecated (boolean value) and can be replaced "
            "with --cascade=orphan.",
        ),
    ],
)
def test_cascade_flag_is_parsed_as_kubectl_does(
    flag: str, policy: str, warning: str | None
) -> None:
    assert parse_cascade(flag) == (policy, warning)


def test_a_cascade_flag_kubectl_does_not_know_is_refused() -> None:
    with pytest.raises(rollsim.InvalidOperation, match=r"^invalid cascade value \(Orphan\)"):
        parse_cascade("Orphan")


ROLLOUT = """
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  replicas: 2
  selector: {matchLabels: {app: ro}}
  template:
    metadata: {labels: {app: ro}}
    spec: {containers: [{name: ro, image: "nginx:1"}]}
  strategy: {canary: {steps: [{setWeight: 50}, {pause: {}}]}}
"""


def test_a_rollout_being_deleted_in_the_foreground_makes_no_new_replica_set() -> None:
    """Argo's syncHandler does not reconcile a Rollout marked for deletion, so the
    ReplicaSet the collector deletes is not recreated while the Rollout waits."""
    c = rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0, shutdown=5.0))
    c.apply(ROLLOUT)
    c.run(30.0)
    before = c.get("rollout/ro").status
    c.delete("rollout/ro", cascade="foreground")
    c.run(31.0)
    assert c.get("rollout/ro").metadata.deletion_timestamp == 30.0
    assert c.get("rollout/ro").status == before
    assert [rs.metadata.deletion_timestamp for rs in c.list("rs")] == [30.0]
    c.run(40.0)
    assert names(c, "rollout") == [] and names(c, "rs") == [] and c.list("pod") == []
    assert not any(e.reason == "SuccessfulCreate" and e.time >= 30.0 for e in c.events)
