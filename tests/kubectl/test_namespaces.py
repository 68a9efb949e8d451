"""kubectl's namespace flags (issue 12, item 2): ``-n``/``--namespace`` and
``-A``/``--all-namespaces`` before or after the verb, the NAMESPACE column, and
upstream's notices (``printers.go``: "No resources found in x namespace.")."""

from __future__ import annotations

import pytest

import rollsim

SHOP = """apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
"""

DEFAULT_WEB = SHOP.split("---\n", 1)[1].replace(", namespace: shop", "")


@pytest.fixture
def cluster() -> rollsim.Cluster:
    c = rollsim.Cluster(seed=1)
    c.apply(SHOP)
    c.apply(DEFAULT_WEB.replace("name: web}", "name: api}"))
    c.run(until=20)
    return c


@pytest.mark.parametrize(
    "command",
    [
        "-n shop get deploy",
        "get deploy -n shop",
        "get --namespace=shop deploy",
        "--namespace shop get deploy",
    ],
)
def test_namespace_flag_in_any_position(cluster: rollsim.Cluster, command: str) -> None:
    assert cluster.kubectl(command) == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    1/1     1            1           20s\n"
    )


def test_all_namespaces_adds_the_namespace_column(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get deploy -A") == (
        "NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "default     api    1/1     1            1           20s\n"
        "shop        web    1/1     1            1           20s\n"
    )


def test_an_empty_namespace_says_so(cluster: rollsim.Cluster) -> None:
    notices: list[str] = []
    assert cluster.kubectl("get rs -n kube-system", stderr=notices.append) == ""
    assert notices == ["No resources found in kube-system namespace.\n"]


def test_a_missing_object_in_another_namespace_is_not_found(cluster: rollsim.Cluster) -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        cluster.kubectl("get deploy api -n shop")
    assert raised.value.message == 'Error from server (NotFound): deployments.apps "api" not found'


def test_get_namespaces_lists_the_system_namespaces(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get ns") == (
        "NAME              STATUS   AGE\n"
        "default           Active   20s\n"
        "kube-node-lease   Active   20s\n"
        "kube-public       Active   20s\n"
        "kube-system       Active   20s\n"
        "shop              Active   20s\n"
    )


def test_apply_with_namespace_puts_unnamespaced_documents_there(cluster: rollsim.Cluster) -> None:
    out = cluster.kubectl(
        "apply -n shop -f -", stdin="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n"
    )
    assert out == "configmap/cfg created\n"
    assert cluster.get("configmap", "cfg", namespace="shop").metadata.namespace == "shop"


def test_apply_with_another_namespace_than_the_documents_is_refused(
    cluster: rollsim.Cluster,
) -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        cluster.kubectl("apply -n default -f -", stdin=SHOP.split("---\n", 1)[1])
    assert raised.value.message == (
        'error: the namespace from the provided object "shop" does not match the namespace '
        "\"default\". You must pass '--namespace=shop' to perform this operation."
    )


def test_apply_into_a_missing_namespace_prints_what_was_applied_first() -> None:
    c = rollsim.Cluster()
    stdin = DEFAULT_WEB + "---\n" + SHOP.split("---\n", 1)[1]
    with pytest.raises(rollsim.KubectlError) as raised:
        c.kubectl("apply -f -", stdin=stdin)
    assert raised.value.output == "deployment.apps/web created\n"
    # AddSourceToErr names the source; rollsim names the document and its line too.
    assert raised.value.message == (
        'Error from server (NotFound): error when creating "document #2 (line 11)": '
        'namespaces "shop" not found'
    )
