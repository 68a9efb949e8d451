"""Shared fixtures for the kubectl tests: manifests, small clusters and API objects.

Clusters are driven only through ``Cluster.kubectl`` (apply from stdin,
``rollout status`` to let a rollout finish), so the setup uses the same
surface the tests check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
import yaml

from rollsim import Cluster, KubectlError, PodBehavior
from rollsim.api import (
    Container,
    Deployment,
    DeploymentCondition,
    DeploymentSpec,
    DeploymentStatus,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
)

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
NEVER_READY = "never-ready:1"


def manifest(
    name: str = "foo",
    image: str = "nginx:1",
    replicas: int = 2,
    *,
    annotations: Mapping[str, str] | None = None,
    paused: bool = False,
    progress_deadline_seconds: int | None = None,
) -> str:
    """A Deployment manifest (YAML text) with one container named ``nginx``; a
    ``NEVER_READY`` container has a readinessProbe, which is what keeps it from Ready
    (without one the kubelet calls a running container Ready)."""
    container: dict[str, Any] = {"name": "nginx", "image": image}
    if image == NEVER_READY:
        container["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}}
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}},
    }
    if paused:
        spec["paused"] = True
    if progress_deadline_seconds is not None:
        spec["progressDeadlineSeconds"] = progress_deadline_seconds
    metadata: dict[str, Any] = {"name": name, "labels": {"app": name}}
    if annotations:
        metadata["annotations"] = dict(annotations)
    doc = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": spec}
    return yaml.safe_dump(doc, allow_unicode=True)


def new_cluster(**kwargs: Any) -> Cluster:
    """A cluster where pods of ``NEVER_READY`` run but never pass readiness."""
    kwargs.setdefault("images", {NEVER_READY: PodBehavior(never_ready=True)})
    return Cluster(**kwargs)


def apply(cluster: Cluster, text: str) -> str:
    return cluster.kubectl("apply -f -", stdin=text)


def one_revision(name: str = "foo") -> Cluster:
    """``name`` applied with image nginx:1 and rolled out (revision 1)."""
    cluster = new_cluster()
    apply(cluster, manifest(name))
    cluster.kubectl(f"rollout status deployment/{name}")
    return cluster


def two_revisions(name: str = "foo") -> Cluster:
    """Revision 1 runs nginx:1, revision 2 (current, rolled out) runs nginx:2."""
    cluster = one_revision(name)
    cluster.kubectl(f"set image deployment/{name} nginx=nginx:2")
    cluster.kubectl(f"rollout status deployment/{name}")
    return cluster


def two_revisions_paused(name: str = "foo") -> Cluster:
    cluster = two_revisions(name)
    cluster.kubectl(f"rollout pause deployment/{name}")
    return cluster


def no_replica_sets(name: str = "foo") -> Cluster:
    """A Deployment created paused: the controller never creates a ReplicaSet."""
    cluster = new_cluster()
    apply(cluster, manifest(name, paused=True))
    return cluster


def progress_deadline(name: str = "foo") -> Cluster:
    """A Deployment whose pods never turn Ready, with a 30 s progress deadline."""
    cluster = new_cluster()
    apply(cluster, manifest(name, image=NEVER_READY, progress_deadline_seconds=30))
    return cluster


def deleted_while_watching(name: str = "foo") -> Cluster:
    """A stuck Deployment that is deleted 10 s into the next ``rollout status`` watch."""
    cluster = new_cluster()
    apply(cluster, manifest(name, image=NEVER_READY))
    cluster.clock.at(10.0, lambda _: cluster.delete(("Deployment", name)), None)
    return cluster


SCENARIOS = {
    "one_revision": one_revision,
    "two_revisions": two_revisions,
    "two_revisions_paused": two_revisions_paused,
    "no_replica_sets": no_replica_sets,
    "progress_deadline": progress_deadline,
    "deleted_while_watching": deleted_while_watching,
}


def fails(cluster: Cluster, command: str, stdin: str | None = None) -> KubectlError:
    """Run ``command`` and return the ``KubectlError`` it must raise."""
    with pytest.raises(KubectlError) as info:
        cluster.kubectl(command, stdin=stdin)
    return info.value


def replica_set_of(cluster: Cluster, revision: int, deployment: str = "foo") -> ReplicaSet:
    for rs in cluster.list("ReplicaSet"):
        if (
            rs.metadata.annotations.get(REVISION) == str(revision)
            and rs.metadata.labels.get("app") == deployment
        ):
            return rs
    raise AssertionError(f"no ReplicaSet with revision {revision}")


# API objects for the function-level tests.


def template(
    labels: Mapping[str, str],
    container: str = "test",
    image: str = "nginx",
    annotations: Mapping[str, str] | None = None,
) -> PodTemplateSpec:
    return PodTemplateSpec(
        metadata=ObjectMeta(labels=dict(labels), annotations=dict(annotations or {})),
        spec=PodSpec(containers=(Container(name=container, image=image),)),
    )


def deployment(
    name: str = "foo",
    *,
    namespace: str = "bar",
    generation: int = 0,
    replicas: int | None = 1,
    status: Mapping[str, Any] | None = None,
    annotations: Mapping[str, str] | None = None,
    paused: bool = False,
) -> Deployment:
    """A Deployment as upstream's status tests build it (namespace ``bar``)."""
    status = dict(status or {})
    conditions = tuple(
        DeploymentCondition(type=c["type"], reason=c.get("reason", ""), status=c.get("status", ""))
        for c in status.pop("conditions", ())
    )
    return Deployment(
        metadata=ObjectMeta(
            name=name,
            namespace=namespace,
            generation=generation,
            annotations=dict(annotations or {}),
        ),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels={"foo": "bar"}),
            template=template({"foo": "bar"}),
            paused=paused,
        ),
        status=DeploymentStatus(
            observed_generation=status.get("observedGeneration", 0),
            replicas=status.get("replicas", 0),
            updated_replicas=status.get("updatedReplicas", 0),
            available_replicas=status.get("availableReplicas", 0),
            unavailable_replicas=status.get("unavailableReplicas", 0),
            conditions=conditions,
        ),
    )


def moons() -> list[ReplicaSet]:
    """history_test.go's ReplicaSets moons-1..moons-4 (change-cause on 3 and 4)."""
    causes = {3: "foo change cause", 4: "bar change cause"}
    rss = []
    for i in range(1, 5):
        annotations = {REVISION: str(i)}
        if i in causes:
            annotations[CHANGE_CAUSE] = causes[i]
        rss.append(
            ReplicaSet(
                metadata=ObjectMeta(
                    name=f"moons-{i}",
                    namespace="default",
                    labels={"foo": "bar"},
                    annotations=annotations,
                ),
                spec=ReplicaSetSpec(
                    replicas=1,
                    selector=LabelSelector(match_labels={"foo": "bar"}),
                    template=template({"foo": "bar"}, image=f"foo:{i}"),
                ),
            )
        )
    return rss
