"""Fields that used to pass apply and fail later (issue 11): refused at apply in upstream's words.

Every expected string was transcribed from upstream, never from rollsim's output:

* kubernetes ``pkg/apis/core/validation/validation.go``: ``validateContainerPorts``,
  ``validateProbe``/``validateHandler``/``validateHTTPGetAction``/``ValidatePortNumOrName``,
  ``validateExecAction``, ``ValidateVolumeMounts``, ``ValidateResourceRequirements``,
  ``validateContainerResourceName``; apimachinery ``IsValidPortNum``
  (``InclusiveRangeError(1, 65535)``), ``IsValidPortName``, ``resource.ParseQuantity``
  (``ErrFormatWrong``), ``ValidateAnnotationsSize`` (``TotalAnnotationSizeLimitB``).
* argo-rollouts ``pkg/apis/rollouts/validation/validation.go`` (``InvalidSetWeightMessage``,
  ``InvalidDurationMessage``, ``ValidateNonnegativeField``), ``utils/analysis/helpers.go``
  (``ValidateMetric``).
* flagger ``artifacts/flagger/crd.yaml`` (``service.port: type: number``, required; the
  ``interval`` pattern), worded as the apiextensions schema validator words them.

Each case also shows the symptom it replaces: ``describe`` no longer meets the field.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

import rollsim
from rollsim import ValidationError

PORT_RANGE = "must be between 1 and 65535, inclusive"
QUANTITY = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
C0 = "spec.template.spec.containers[0]"


def deployment(**container: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "web:1", **container}]},
            },
        },
    }


def problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        rollsim.Cluster().apply(copy.deepcopy(doc))
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        ([{"containerPort": 0}], f"{C0}.ports[0].containerPort: Required value"),
        (
            [{"containerPort": 70000}],
            f"{C0}.ports[0].containerPort: Invalid value: 70000: {PORT_RANGE}",
        ),
        (
            [{"containerPort": 80, "hostPort": -1}],
            f"{C0}.ports[0].hostPort: Invalid value: -1: {PORT_RANGE}",
        ),
        (
            [{"containerPort": 80, "protocol": "FOO"}],
            f'{C0}.ports[0].protocol: Unsupported value: "FOO": '
            'supported values: "SCTP", "TCP", "UDP"',
        ),
        (
            [{"containerPort": 80, "name": "http"}, {"containerPort": 81, "name": "http"}],
            f'{C0}.ports[1].name: Duplicate value: "http"',
        ),
        (
            [{"containerPort": 80, "name": "Web"}],
            f'{C0}.ports[0].name: Invalid value: "Web": '
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ),
    ],
)
def test_container_ports(ports: list[dict[str, Any]], expected: str) -> None:
    assert problems(deployment(ports=ports)) == [expected]


def test_valid_ports_still_describe() -> None:
    c = rollsim.Cluster()
    c.apply(deployment(ports=[{"containerPort": 8080, "name": "http"}]))
    assert re.search(r"\n    Port:\s+8080/TCP\n", c.kubectl("describe deploy/web"))


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        (
            {"httpGet": {"port": 0}},
            f"{C0}.readinessProbe.httpGet.port: Invalid value: 0: {PORT_RANGE}",
        ),
        (
            {"httpGet": {"path": "/"}},
            f"{C0}.readinessProbe.httpGet.port: Invalid value: 0: {PORT_RANGE}",
        ),
        (
            {"httpGet": {"port": 80, "scheme": "FTP"}},
            f'{C0}.readinessProbe.httpGet.scheme: Unsupported value: "FTP": '
            'supported values: "HTTP", "HTTPS"',
        ),
        (
            {"tcpSocket": {"port": 99999}},
            f"{C0}.readinessProbe.tcpSocket.port: Invalid value: 99999: {PORT_RANGE}",
        ),
        ({"exec": {"command": []}}, f"{C0}.readinessProbe.exec.command: Required value"),
        (
            {"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}},
            f"{C0}.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
        ),
        (
            {"periodSeconds": 5},
            f"{C0}.readinessProbe: Required value: must specify a handler type",
        ),
    ],
)
def test_readiness_probe_handler(probe: dict[str, Any], expected: str) -> None:
    assert problems(deployment(readinessProbe=probe)) == [expected]


def test_http_get_without_path_or_scheme_is_defaulted_not_refused() -> None:
    # SetDefaults_HTTPGetAction fills path "/" and scheme HTTP before validation.
    [d] = rollsim.load(deployment(readinessProbe={"httpGet": {"port": "http"}}))
    assert d.spec.template.spec.containers[0].readiness_probe is not None


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        (
            {"limits": {"cpu": "abc"}},
            f'{C0}.resources.limits[cpu]: Invalid value: "abc": {QUANTITY}',
        ),
        (
            {"requests": {"memory": "1.2.3Gi"}},
            f'{C0}.resources.requests[memory]: Invalid value: "1.2.3Gi": {QUANTITY}',
        ),
        (
            {"requests": {"cpu": "-1"}},
            f'{C0}.resources.requests[cpu]: Invalid value: "-1": '
            "must be greater than or equal to 0",
        ),
        (
            {"limits": {"cpu": "1"}, "requests": {"cpu": "2"}},
            f'{C0}.resources.requests: Invalid value: "2": must be less than or equal to '
            "cpu limit of 1",
        ),
        (
            {"limits": {"gpu": "1"}},
            f'{C0}.resources.limits[gpu]: Invalid value: "gpu": '
            "must be a standard resource for containers",
        ),
    ],
)
def test_resources(resources: dict[str, Any], expected: str) -> None:
    assert problems(deployment(resources=resources)) == [expected]


def test_valid_quantities_are_accepted() -> None:
    resources = {
        "limits": {"cpu": "1500m", "memory": "1Gi", "example.com/gpu": 1},
        "requests": {"cpu": 1.5, "memory": "1e9", "ephemeral-storage": "10G"},
    }
    c = rollsim.Cluster()
    c.apply(deployment(resources=resources))
    assert "1500m\n" in c.kubectl("describe deploy/web")


def test_volume_mounts() -> None:
    doc = deployment(volumeMounts=[{"mountPath": "/a"}, {"name": "data", "mountPath": "/a"}])
    doc["spec"]["template"]["spec"]["volumes"] = [{"name": "data", "emptyDir": {}}]
    assert problems(doc) == [
        f"{C0}.volumeMounts[0].name: Required value",
        f'{C0}.volumeMounts[0].name: Not found: ""',
        f'{C0}.volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
    ]


def test_volume_mount_of_a_missing_volume_and_without_a_path() -> None:
    assert problems(deployment(volumeMounts=[{"name": "cache"}])) == [
        f'{C0}.volumeMounts[0].name: Not found: "cache"',
        f"{C0}.volumeMounts[0].mountPath: Required value",
    ]


def test_volume_names() -> None:
    doc = deployment()
    doc["spec"]["template"]["spec"]["volumes"] = [{"emptyDir": {}}, {"name": "a"}, {"name": "a"}]
    assert problems(doc) == [
        "spec.template.spec.volumes[0].name: Required value",
        'spec.template.spec.volumes[2].name: Duplicate value: "a"',
    ]


TOO_LONG = "metadata.annotations: Too long: must have at most 262144 bytes"


def test_annotations_over_256_kib_are_refused() -> None:
    doc = deployment()
    doc["metadata"]["annotations"] = {"a": "x" * (256 * 1024)}
    assert problems(doc) == [TOO_LONG]


def test_annotations_of_exactly_256_kib_are_accepted() -> None:
    doc = deployment()
    doc["metadata"]["annotations"] = {"a": "x" * (256 * 1024 - 1)}
    [d] = rollsim.load(doc)
    assert len(d.metadata.annotations["a"]) == 256 * 1024 - 1


def test_annotation_size_counts_utf8_bytes() -> None:
    doc = deployment()
    doc["metadata"]["annotations"] = {"k": "é" * (128 * 1024)}  # 2 bytes each: 1 over
    assert problems(doc) == [TOO_LONG]


def test_pod_template_annotations_are_limited_too() -> None:
    doc = deployment()
    doc["spec"]["template"]["metadata"]["annotations"] = {"a": "x" * (256 * 1024)}
    assert problems(doc) == [
        "spec.template.metadata.annotations: Too long: must have at most 262144 bytes"
    ]


def test_a_refused_annotation_changes_nothing() -> None:
    c = rollsim.Cluster()
    doc = deployment()
    doc["metadata"]["annotations"] = {"a": "x" * (300 * 1024)}
    with pytest.raises(ValidationError):
        c.apply(doc)
    assert c.store.list("Deployment") == []
