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
        # Quantity.UnmarshalJSON parses the text: a malformed one ends decoding.
        (
            {"limits": {"cpu": "abc"}},
            f'Deployment in version "v1" cannot be handled as a Deployment: {QUANTITY}',
        ),
        (
            {"requests": {"memory": "1.2.3Gi"}},
            f'Deployment in version "v1" cannot be handled as a Deployment: {QUANTITY}',
        ),
        (
            {"requests": {"memory": "1e9999999"}},
            'Deployment in version "v1" cannot be handled as a Deployment: '
            "unable to parse quantity's suffix",
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
        "limits": {"cpu": "1500m", "memory": " 1Gi ", "example.com/gpu": 1},
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


# --- Argo Rollouts ---------------------------------------------------------------------


def rollout(steps: list[dict[str, Any]], routed: bool = False) -> dict[str, Any]:
    canary: dict[str, Any] = {"steps": steps}
    if routed:
        canary |= {
            "canaryService": "c",
            "stableService": "s",
            "trafficRouting": {"nginx": {"stableIngress": "x"}},
        }
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 4,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "web:1"}]},
            },
            "strategy": {"canary": canary},
        },
    }


DURATION = "Duration needs to be greater than 0"


@pytest.mark.parametrize("duration", [-1, "abc", "5%", "²s", "-5s", "0x10"])
def test_pause_duration_that_reads_negative_is_refused(duration: Any) -> None:
    # DurationSeconds: an int as it is, else ParseInt, else ParseDuration, else -1.
    seconds = duration if isinstance(duration, int) else -5 if duration == "-5s" else -1
    assert problems(rollout([{"setWeight": 20}, {"pause": {"duration": duration}}])) == [
        f"spec.strategy.canary.steps[1].pause.duration: Invalid value: {seconds}: {DURATION}"
    ]


@pytest.mark.parametrize("duration", [0, "30", "1m30s", "0"])
def test_pause_durations_argo_reads_are_accepted(duration: Any) -> None:
    [r] = rollsim.load(rollout([{"setWeight": 20}, {"pause": {"duration": duration}}]))
    assert r.spec.strategy.canary.steps[1].pause.duration == duration


@pytest.mark.parametrize("routed", [False, True])
@pytest.mark.parametrize("weight", [-1, 101, 2**31 - 1])
def test_set_weight_outside_0_to_100_is_refused_with_or_without_a_router(
    weight: int, routed: bool
) -> None:
    assert problems(rollout([{"setWeight": weight}], routed)) == [
        f"spec.strategy.canary.steps[0].setWeight: Invalid value: {weight}: "
        "SetWeight needs to be between 0 and 100"
    ]


def test_set_weight_is_held_to_max_traffic_weight() -> None:
    doc = rollout([{"setWeight": 20}], routed=True)
    doc["spec"]["strategy"]["canary"]["trafficRouting"]["maxTrafficWeight"] = 10
    assert problems(doc) == [
        "spec.strategy.canary.steps[0].setWeight: Invalid value: 20: "
        "SetWeight needs to be between 0 and 10"
    ]


@pytest.mark.parametrize("weight", [-5, 200, 2**31 - 1])
def test_set_canary_scale_weight_outside_0_to_100_is_refused(weight: int) -> None:
    assert problems(rollout([{"setCanaryScale": {"weight": weight}}], routed=True)) == [
        f"spec.strategy.canary.steps[0].setCanaryScale.weight: Invalid value: {weight}: "
        "SetCanaryScale weight needs to be between 0 and 100"
    ]


def test_set_canary_scale_without_a_router_names_traffic_routing() -> None:
    assert problems(rollout([{"setCanaryScale": {"replicas": 1}}])) == [
        "spec.strategy.canary.trafficRouting: Required value: "
        "SetCanaryScale requires TrafficRouting to be set"
    ]


@pytest.mark.parametrize("field", ["minReadySeconds", "revisionHistoryLimit"])
def test_negative_rollout_counts_are_refused(field: str) -> None:
    doc = rollout([{"setWeight": 20}])
    doc["spec"][field] = -1
    assert problems(doc) == [f"spec.{field}: Invalid value: -1: must be greater than or equal to 0"]


def analysis_template(**metric: Any) -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AnalysisTemplate",
        "metadata": {"name": "sr"},
        "spec": {
            "metrics": [
                {
                    "name": "success-rate",
                    "successCondition": "result[0] >= 0.95",
                    "provider": {"prometheus": {"address": "http://p", "query": "q"}},
                    **metric,
                }
            ]
        },
    }


M0 = "spec.metrics[0]"


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (
            {"interval": "true", "count": 3},
            f'{M0}.interval: Invalid value: "true": '
            'invalid interval string: time: invalid duration "true"',
        ),
        (
            {"interval": "10s", "initialDelay": "5x"},
            f'{M0}.initialDelay: Invalid value: "5x": '
            'invalid startDelay string: time: unknown unit "x" in duration "5x"',
        ),
        ({"interval": "-5s", "count": 3}, f'{M0}.interval: Invalid value: "-5s": {DURATION}'),
        ({"count": 3}, f"{M0}.interval: Required value: interval must be specified when count > 1"),
        (
            {"interval": "10s", "count": 2, "failureLimit": 3},
            f"{M0}.count: Invalid value: 2: count must be >= failureLimit",
        ),
        (
            {"interval": "10s", "count": 2, "inconclusiveLimit": "3"},
            f"{M0}.count: Invalid value: 2: count must be >= inconclusiveLimit",
        ),
        (
            {"interval": "10s", "count": 2, "consecutiveErrorLimit": -1},
            f"{M0}.consecutiveErrorLimit: Invalid value: -1: consecutiveErrorLimit must be >= 0",
        ),
    ],
)
def test_analysis_metric(metric: dict[str, Any], expected: str) -> None:
    assert problems(analysis_template(**metric)) == [expected]


def test_count_that_is_not_an_ascii_integer_reads_as_argo_reads_it() -> None:
    # intstr.IntValue: strconv.Atoi fails on '²', so the count is 0: accepted, and the
    # simulated run reads it through the same ASCII parser instead of int('²').
    [t] = rollsim.load(analysis_template(interval="10s", count="²"))
    assert t.spec.metrics[0].count == "²"
