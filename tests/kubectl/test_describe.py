"""kubectl describe as kubectl 1.34 prints it (pkg/describe/describe.go, v0.34.10).

Cases transcribed from kubernetes/kubectl pkg/describe/describe_test.go
(TestDescribeUnstructuredContent, TestDescribeConfigMap); the cluster cases run the
Kubernetes docs' unchanged frontend.yaml (tests/manifests/kubernetes-website).
"""

from __future__ import annotations

import pytest

import rollsim
from rollsim.kubectl.describe_generic import smart_label, unstructured_content
from rollsim.kubectl.tabwriter import tabwrite

FRONTEND = "tests/manifests/kubernetes-website/controllers/frontend.yaml"


def test_unstructured_content_as_describe_test_go() -> None:
    """TestDescribeUnstructuredContent's object, skipping .dummy1 and .metadata.dummy3."""
    obj = {
        "apiVersion": "v1",
        "kind": "Test",
        "dummyDummy": "present",
        "dummy/dummy": "present",
        "dummy-dummy@dummy": "present",
        "dummy-dummy": "present",
        "dummy1": "present",
        "dummy2": "present",
        "metadata": {
            "name": "MyName",
            "namespace": "MyNamespace",
            "creationTimestamp": "2017-04-01T00:00:00Z",
            "resourceVersion": 123,
            "uid": "00000000-0000-0000-0000-000000000001",
            "dummy3": "present",
        },
        "items": [{"itemBool": True, "itemInt": 42}],
        "url": "http://localhost",
        "status": "ok",
    }
    out = unstructured_content(obj, skip=frozenset({".dummy1", ".metadata.dummy3"}))
    assert out == (
        "API Version:\tv1\nDummy - Dummy:\tpresent\ndummy-dummy@dummy:\tpresent\n"
        "dummy/dummy:\tpresent\ndummy2:\tpresent\nDummy Dummy:\tpresent\nItems:\n"
        "  Item Bool:\ttrue\n  Item Int:\t42\nKind:\tTest\nMetadata:\n"
        "  Creation Timestamp:\t2017-04-01T00:00:00Z\n  Name:\tMyName\n"
        "  Namespace:\tMyNamespace\n  Resource Version:\t123\n"
        "  UID:\t00000000-0000-0000-0000-000000000001\nStatus:\tok\nURL:\thttp://localhost\n"
    )


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("apiVersion", "API Version"),
        ("lastAppliedSpec", "Last Applied Spec"),
        ("canaryWeight", "Canary Weight"),
        ("dummy-dummy", "Dummy - Dummy"),
        ("dummy2", "dummy2"),
    ],
)
def test_smart_label(field: str, label: str) -> None:
    assert smart_label(field) == label


def test_config_map_as_describe_test_go() -> None:
    """TestDescribeConfigMap: key1/key2 with their values, binary keys with their sizes."""
    cluster = rollsim.Cluster(seed=0)
    cluster.kubectl("create namespace foo")
    cluster.kubectl(
        "apply -f -",
        stdin="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mycm\n  namespace: foo\n"
        "data:\n  key1: value1\n  key2: value2\nbinaryData:\n  binarykey1: //79/Ps=\n"
        "  binarykey2: //79/Pv6\n",
    )
    out = cluster.kubectl("describe -n foo configmap mycm")
    assert out == (
        "Name:         mycm\nNamespace:    foo\nLabels:       <none>\nAnnotations:  <none>\n"
        "\nData\n====\nkey1:\n----\nvalue1\n\nkey2:\n----\nvalue2\n\n"
        "\nBinaryData\n====\nbinarykey1: 5 bytes\nbinarykey2: 6 bytes\n\n"
        "Events:\n  Type     Reason        Age   From     Message\n"
        "  ----     ------        ----  ----     -------\n"
        "  Warning  NotSimulated  0s    rollsim  "
        "ConfigMap stored, not simulated: nothing in rollsim acts on it\n"
    )


def frontend() -> rollsim.Cluster:
    cluster = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    cluster.kubectl(f"apply -f {FRONTEND}")
    cluster.run(30)
    return cluster


def test_describe_replica_set_with_events() -> None:
    out = frontend().kubectl("describe rs/frontend")
    assert "Replicas:     3 current / 3 desired\n" in out
    assert "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in out
    assert out.count("Normal  SuccessfulCreate  30s   replicaset-controller  Created pod: ") == 3


def test_describe_pods_by_prefix_has_no_events() -> None:
    """DescribeMatchingResources: no pod is named 'frontend', so each whose name starts
    with it is described, each followed by a blank line, without events."""
    cluster = frontend()
    out = cluster.kubectl("describe pods frontend")
    assert out.count("Name:             frontend-") == 3
    assert out.count("Controlled By:  ReplicaSet/frontend\n") == 3
    assert "QoS Class:          BestEffort\n" in out
    assert "Events:" not in out
    assert out.endswith("Tolerations:        <none>\n\n")


def test_describe_all_of_a_kind_is_joined_by_two_newlines() -> None:
    cluster = frontend()
    out = cluster.kubectl("describe pods -l tier=frontend")
    assert out.count("Tolerations:        <none>\n\n\nName:") == 2


def test_describe_unknown_name_is_not_found() -> None:
    with pytest.raises(rollsim.KubectlError) as err:
        frontend().kubectl("describe rs/backend")
    assert str(err.value) == 'Error from server (NotFound): replicasets.apps "backend" not found'


def test_tabwrite_is_what_describe_aligns_with() -> None:
    assert tabwrite("Name:\tx\nNamespace:\ty\n", 0, 2) == "Name:       x\nNamespace:  y\n"
