"""A command or document that fails changes nothing (issue 11, "Atomicity"): the stored
objects, the event log, the ClusterIP allocator, the resourceVersion counter and the
names stream are exactly as before. The documents of one apply are applied as kubectl
applies them, each on its own (``ApplyOptions.Run``, ``applyOneObject`` per object): a
duplicate's second copy is an update of the first, never dropped, and a refused
document leaves the others applied and itself unwritten."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import rollsim
from rollsim.api.errors import InvalidOperation, NotFoundError, RollsimError, ValidationError
from rollsim.api.kinds import KINDS
from rollsim.api.manifest import to_dict
from rollsim.kubectl import KubectlError
from rollsim.verbs.apply import merge_patch

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1"}]}
"""

ROLLOUT = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  replicas: 2
  selector: {matchLabels: {app: ro}}
  template:
    metadata: {labels: {app: ro}}
    spec: {containers: [{name: ro, image: "nginx:1"}]}
  strategy:
    canary:
      steps: [{setWeight: 50}, {pause: {}}]
"""

CANARY = """apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: web}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  service: {port: 80}
  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
"""


def service(name: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80}}]
"""


def snapshot(c: rollsim.Cluster) -> dict[str, Any]:
    """Everything a failed command must leave as it was."""
    objects = {
        kind: json.dumps([to_dict(o) for o in c.store.list(kind)], sort_keys=True, default=str)
        for kind in sorted({info.kind for info in KINDS.values()} - {"Pod", "Event"})
    }
    return {
        "objects": objects,
        "events": list(c.events),
        "cluster_ips": c.store.cluster_ips_allocated,
        "resource_version": c.store.resource_version,
        "names": json.dumps(c.random.names.bit_generator.state, sort_keys=True),
        "pods": sorted(c.kubelet.pods),
    }


@pytest.fixture
def cluster() -> rollsim.Cluster:
    """A cluster that has run: a Deployment with its Canary and services, a Rollout
    paused at its second step."""
    c = rollsim.Cluster(seed=3)
    c.apply(DEPLOYMENT + "---\n" + service("web-svc"))
    c.apply(ROLLOUT)
    c.run(until=30)
    c.apply(ROLLOUT.replace("nginx:1", "nginx:2"))
    c.run(until=60)
    return c


FAILING: dict[str, tuple[Callable[[rollsim.Cluster], Any], type[Exception], str]] = {
    "apply, a document invalid": (
        lambda c: c.apply(DEPLOYMENT.replace("replicas: 2", "replicas: -1")),
        ValidationError,
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0",
    ),
    "apply, an invalid update": (
        lambda c: c.apply(DEPLOYMENT.replace("app: web}", "app: moved}")),
        ValidationError,
        "field is immutable",
    ),
    "apply over the budget": (
        lambda c: c.apply(DEPLOYMENT.replace("2", "1000000000")),
        ValidationError,
        "spec.replicas: Invalid value: 1000000000: exceeds the simulation budget",
    ),
    "apply into a missing namespace": (
        lambda c: c.apply(service("fresh").replace("{name: fresh}", "{name: fresh, namespace: x}")),
        NotFoundError,
        'namespaces "x" not found',
    ),
    "patch to another namespace": (
        lambda c: c.patch("deployment/web", {"metadata": {"namespace": "other"}}),
        ValidationError,
        "Error from server (BadRequest): the namespace of the object (other) does not match "
        "the namespace on the request (default)",
    ),
    "patch to another name": (
        lambda c: c.patch("rollout/ro", {"metadata": {"name": "other"}}),
        ValidationError,
        "Error from server (BadRequest): the name of the object (other) does not match the "
        "name on the URL (ro)",
    ),
    "patch invalid": (
        lambda c: c.patch("deployment/web", {"spec": {"replicas": -3}}),
        ValidationError,
        "spec.replicas: Invalid value: -3: must be greater than or equal to 0",
    ),
    "scale over the budget": (
        lambda c: c.scale("deployment/web", 10**9),
        ValidationError,
        "exceeds the simulation budget of 2000000 pods",
    ),
    "scale a Service": (
        lambda c: c.scale("service/web-svc", 3),
        NotFoundError,
        "the server could not find the requested resource",
    ),
    "set image of an unknown container": (
        lambda c: c.set_image("deployment/web", nope="nginx:2"),
        NotFoundError,
        'unable to find container named "nope"',
    ),
    "set image of a Service": (
        lambda c: c.set_image("service/web-svc", web="nginx:2"),
        InvalidOperation,
        "services/web-svc is not a pod or does not have a pod template",
    ),
    "resume a running Deployment": (
        lambda c: c.resume("deployment/web"),
        InvalidOperation,
        'deployments.apps "web" is not paused',
    ),
    "pause a Service": (
        lambda c: c.pause("service/web-svc"),
        InvalidOperation,
        'services "web-svc" pausing is not supported',
    ),
    "restart a Service": (
        lambda c: c.restart("service/web-svc"),
        InvalidOperation,
        'services "web-svc" restarting is not supported',
    ),
    "rollback to a missing revision": (
        lambda c: c.rollback("deployment/web", to_revision=7),
        InvalidOperation,
        "unable to find specified revision 7 in history",
    ),
    "rollback a Service": (
        lambda c: c.rollback("service/web-svc"),
        InvalidOperation,
        'no rollbacker has been implemented for "Service"',
    ),
    "delete a missing object": (
        lambda c: c.delete("deployment/missing"),
        NotFoundError,
        'deployments.apps "missing" not found',
    ),
    "undo a Rollout to a missing revision": (
        lambda c: c.undo_rollout("ro", to_revision=9),
        InvalidOperation,
        "unable to find specified revision 9 in history",
    ),
    "promote a Deployment": (
        lambda c: c.promote("deployment/web"),
        InvalidOperation,
        "Deployment is not an Argo Rollout",
    ),
    "kubectl apply of a document over the budget": (
        lambda c: c.kubectl("apply -f -", stdin=DEPLOYMENT.replace("2", "1000000000")),
        KubectlError,
        'The Deployment "web" is invalid: spec.replicas: Invalid value: 1000000000: '
        "exceeds the simulation budget of 2000000 pods",
    ),
}


@pytest.mark.parametrize("name", sorted(FAILING))
def test_a_failing_command_changes_nothing(cluster: rollsim.Cluster, name: str) -> None:
    command, error, words = FAILING[name]
    before = snapshot(cluster)
    with pytest.raises(error) as raised:
        command(cluster)
    assert words in str(raised.value)
    assert isinstance(raised.value, RollsimError)
    assert snapshot(cluster) == before
    # Nothing was queued either: the next instant runs as if nothing had been tried.
    cluster.run(until=cluster.now)
    assert snapshot(cluster) == before


def test_a_rejected_apply_takes_no_cluster_ip() -> None:
    """The issue's example: a later Service gets 10.96.0.3, not 10.96.0.4, after a
    rejected one between them."""
    c = rollsim.Cluster()
    with pytest.raises(ValidationError):
        c.apply(service("a") + "---\n" + service("bad").replace("port: 80", "port: -1"))
    c.apply(service("b"))
    assert c.get("service/b").spec.cluster_ip == "10.96.0.3"
    assert c.store.cluster_ips_allocated == 2


REFUSED_AMONG_OTHERS = {
    "an invalid document": DEPLOYMENT.replace("replicas: 2", "replicas: -1"),
    "an invalid update": DEPLOYMENT.replace("app: web}", "app: moved}"),
    "a document over the budget": DEPLOYMENT.replace("2", "1000000000"),
    "a document in a missing namespace": service("fresh").replace(
        "{name: fresh}", "{name: fresh, namespace: x}"
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED_AMONG_OTHERS))
def test_a_refused_document_among_others_changes_only_what_the_others_do(name: str) -> None:
    """kubectl applies the documents around a refused one; the refused one writes
    nothing: the cluster ends as if it had been left out of the file."""

    def fresh() -> rollsim.Cluster:
        c = rollsim.Cluster(seed=5)
        c.apply(DEPLOYMENT)
        c.run(until=10)
        return c

    before, after = service("before"), service("after")
    with_it, without_it = fresh(), fresh()
    with pytest.raises(rollsim.ApplyError) as raised:
        with_it.apply("---\n".join([before, REFUSED_AMONG_OTHERS[name], after]))
    applied = without_it.apply("---\n".join([before, after]))
    assert [o.metadata.name for o in raised.value.applied] == ["before", "after"]
    assert snapshot(with_it) == snapshot(without_it)
    assert [o.metadata.name for o in applied] == ["before", "after"]


def test_a_duplicate_document_is_applied_twice_in_order() -> None:
    """kubectl applies each object in turn: the second copy finds the first and is a
    no-op when identical; it is returned, never None."""
    c = rollsim.Cluster()
    first, second = c.apply(DEPLOYMENT + "---\n" + DEPLOYMENT)
    assert first is not None and second is not None
    assert second.metadata.resource_version == first.metadata.resource_version
    assert second.metadata.uid == first.metadata.uid
    assert [d.metadata.name for d in c.list("deployment")] == ["web"]


def test_the_second_copy_of_a_duplicate_wins() -> None:
    """Applied in order, a differing second copy is an update of the first."""
    c = rollsim.Cluster()
    first, second = c.apply(DEPLOYMENT + "---\n" + DEPLOYMENT.replace("replicas: 2", "replicas: 5"))
    assert (first.spec.replicas, second.spec.replicas) == (2, 5)
    assert int(second.metadata.resource_version) > int(first.metadata.resource_version)
    assert second.metadata.generation == 2
    assert c.get("deployment/web").spec.replicas == 5


def test_a_duplicate_service_allocates_one_cluster_ip() -> None:
    c = rollsim.Cluster()
    first, second = c.apply(service("a") + "---\n" + service("a"))
    assert first.spec.cluster_ip == second.spec.cluster_ip == "10.96.0.2"
    assert c.store.cluster_ips_allocated == 1


def test_patching_in_an_empty_namespace_keeps_the_object_namespace(
    cluster: rollsim.Cluster,
) -> None:
    """The issue's ``patch canary x -p '{metadata: {namespace: ""}}'`` (a KeyError in the
    store): the API server fills an empty namespace in from the request."""
    cluster.apply(CANARY)
    before = cluster.get("canary/web")
    after = cluster.patch("canary/web", {"metadata": {"namespace": ""}})
    assert after.metadata.namespace == "default"
    assert after.metadata.resource_version == before.metadata.resource_version


def test_kubectl_patch_to_another_namespace_is_a_bad_request(cluster: rollsim.Cluster) -> None:
    cluster.apply(CANARY)
    cluster.run(until=cluster.now)  # kubectl settles the instant before it reads
    before = snapshot(cluster)
    with pytest.raises(KubectlError) as raised:
        cluster.kubectl('patch canary web --type merge -p \'{"metadata": {"namespace": "x"}}\'')
    assert raised.value.message == (
        "Error from server (BadRequest): the namespace of the object (x) does not match "
        "the namespace on the request (default)"
    )
    assert snapshot(cluster) == before


def test_a_patch_cannot_change_the_kind(cluster: rollsim.Cluster) -> None:
    before = snapshot(cluster)
    with pytest.raises(ValidationError) as raised:
        cluster.patch("deployment/web", {"kind": "ReplicaSet"})
    assert str(raised.value) == (
        'The Deployment "web" is invalid: kind: Invalid value: "ReplicaSet": must be Deployment'
    )
    assert snapshot(cluster) == before


def test_updating_a_missing_object_is_not_found_in_the_api_servers_words() -> None:
    c = rollsim.Cluster()
    (svc,) = c.apply(service("a"))
    c.delete("service/a")
    with pytest.raises(NotFoundError) as raised:
        c.store.update(svc)
    assert str(raised.value) == 'services "a" not found'


def test_a_deeply_nested_merge_patch_merges_without_recursion() -> None:
    """RFC 7386 at a depth Python's recursion limit would refuse."""
    depth = 20_000
    patch: dict[str, Any] = {"leaf": 1}
    target: dict[str, Any] = {"leaf": 0, "kept": True}
    for _ in range(depth):
        patch = {"a": patch, "gone": None}
        target = {"a": target, "gone": 1, "kept": True}
    merged = merge_patch(target, patch)
    for _ in range(depth):
        assert "gone" not in merged and merged["kept"] is True
        merged = merged["a"]
    assert merged == {"leaf": 1, "kept": True}


def test_a_deeply_nested_patch_is_refused_with_a_rollsim_error(cluster: rollsim.Cluster) -> None:
    nested: dict[str, Any] = {}
    for _ in range(5_000):
        nested = {"a": nested}
    before = snapshot(cluster)
    with pytest.raises(ValidationError) as raised:
        cluster.patch("deployment/web", {"metadata": {"annotations": nested}})
    assert "metadata.annotations" in str(raised.value)
    assert snapshot(cluster) == before


def test_merge_patch_follows_rfc_7386() -> None:
    """The RFC's appendix A examples that concern maps."""
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge_patch({"a": "b"}, {"a": None}) == {}
    assert merge_patch({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}
    assert merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge_patch([1, 2], {"a": "b", "c": None}) == {"a": "b"}
    assert merge_patch({}, {"a": {"bb": {"ccc": None}}}) == {"a": {"bb": {}}}
    assert merge_patch({"a": "b"}, ["c"]) == ["c"]
