"""Namespace deletion as the API server and the namespace controller do it
(pkg/registry/core/namespace, pkg/controller/namespace/deletion)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollsim import Cluster, KubectlError, PodBehavior

GUESTBOOK = (
    Path(__file__).parent.parent / "manifests" / "kubernetes-website" / "application" / "guestbook"
)
CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: test}\n"


def guestbook_in_test() -> Cluster:
    """The guestbook tutorial's files applied into namespace ``test``, rolled out."""
    cluster = Cluster(pods=PodBehavior(shutdown=10.0))
    cluster.kubectl("create namespace test")
    cluster.kubectl(f"apply -n test -f {GUESTBOOK}")
    cluster.apply(CONFIG_MAP)
    cluster.run_until_complete("deploy/frontend", namespace="test")
    return cluster


def test_delete_marks_terminating_then_the_controller_empties_and_removes_it() -> None:
    cluster = guestbook_in_test()
    start = cluster.now
    assert cluster.kubectl("delete ns test --wait=false") == 'namespace "test" deleted\n'
    namespace = cluster.get("namespace", "test")
    assert namespace.metadata.deletion_timestamp == start
    assert namespace.content["status"] == {"phase": "Terminating"}
    assert len(cluster.list("pod", "test")) == 4
    # namespaceDeletionGracePeriod: nothing is deleted for 5 s.
    cluster.run(start + 4.9)
    assert len(cluster.list("deploy", "test")) == 2
    cluster.run(start + 5.0)
    assert cluster.list("deploy", "test") == [] and cluster.list("cm", "test") == []
    assert cluster.list("svc", "test") == [] and cluster.list("rs", "test") == []
    # The pods' grace (30 s) estimated: requeued after 30 / 2 + 1 = 16 s.
    cluster.run(start + 20.9)
    assert cluster.get("namespace", "test") is not None
    cluster.run(start + 21.0)
    assert "test" not in [n.metadata.name for n in cluster.list("namespace", None)]


def test_kubectl_waits_for_the_namespace_to_go() -> None:
    cluster = guestbook_in_test()
    start = cluster.now
    assert cluster.kubectl("delete namespace test") == 'namespace "test" deleted\n'
    assert cluster.now == start + 21.0
    err = _fails(cluster, "get ns test")
    assert err.message == 'Error from server (NotFound): namespaces "test" not found'


def test_create_into_a_terminating_namespace_is_forbidden() -> None:
    cluster = guestbook_in_test()
    cluster.kubectl("delete ns test --wait=false")
    err = _fails(cluster, "create -f -", stdin=CONFIG_MAP.replace("settings", "late"))
    assert err.message == (
        'Error from server (Forbidden): error when creating "STDIN": configmaps "late" is '
        "forbidden: unable to create new content in namespace test because it is being "
        "terminated"
    )


def test_apply_into_a_terminating_namespace_is_forbidden_but_updates_go_through() -> None:
    """NamespaceLifecycle refuses creates in a terminating namespace; an update of an
    object already there is let through (the controller deletes it soon after)."""
    cluster = guestbook_in_test()
    cluster.kubectl("delete ns test --wait=false")
    err = _fails(cluster, "apply -f -", stdin=CONFIG_MAP.replace("settings", "late"))
    assert err.message == (
        'Error from server (Forbidden): configmaps "late" is forbidden: unable to create new '
        "content in namespace test because it is being terminated"
    )
    assert cluster.kubectl("apply -f -", stdin=CONFIG_MAP + "data: {a: b}\n") == (
        "configmap/settings configured\n"
    )


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_immortal_namespaces_may_not_be_deleted(name: str) -> None:
    err = _fails(Cluster(), f"delete ns {name}")
    assert (err.message, err.exit_code) == (
        f'Error from server (Forbidden): namespaces "{name}" is forbidden: this namespace '
        "may not be deleted",
        1,
    )


def test_kube_node_lease_may_be_deleted() -> None:
    cluster = Cluster()
    assert cluster.kubectl("delete ns kube-node-lease") == 'namespace "kube-node-lease" deleted\n'
    assert [n.metadata.name for n in cluster.list("ns", None)] == [
        "default",
        "kube-public",
        "kube-system",
    ]


def _fails(cluster: Cluster, command: str, stdin: str | None = None) -> KubectlError:
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl(command, stdin=stdin)
    return caught.value
