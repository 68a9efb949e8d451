"""The fields rollsim stores but does not simulate are decoded against their Go types (issue 11).

Every expected string was transcribed from upstream, never from rollsim's output:

* Go ``encoding/json`` (as vendored in sigs.k8s.io/json, which the API server decodes
  with): ``UnmarshalTypeError.Error()`` -> ``json: cannot unmarshal <JSON type> into Go
  struct field <Struct>.<path without indexes> of type <reflect.Type>``, where the struct
  is the innermost Go struct being decoded and the type is the one the value met
  (``v1.ContainerPort`` for a slice element, ``[]v1.ContainerPort`` for the slice);
  ``addErrorContext`` gives an error a type's ``UnmarshalJSON`` returns the same context.
* k8s.io/api ``core/v1/types.go``: the Go type of each field (``Container.Ports
  []ContainerPort``, ``ContainerPort.ContainerPort int32``, ``ResourceRequirements.Limits
  ResourceList``, ``ProbeHandler.HTTPGet *HTTPGetAction``, ``Toleration``, ...).
* k8s.io/apimachinery ``intstr.IntOrString.UnmarshalJSON`` (a non-string is unmarshalled
  into its ``int32``) and ``resource.Quantity.UnmarshalJSON`` (``ErrFormatWrong``).
* ``strictDecodingError``: ``strict decoding error: unknown field "<path with indexes>"``.
* ``transformDecodeError``: ``%s in version %q cannot be handled as a %s: %v``.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
import yaml

import rollsim
from rollsim import ValidationError
from rollsim.api import Container, Deployment, PodSpec
from rollsim.api.wire import decode
from rollsim.controllers.controller_utils import compute_hash

DECODE = 'Deployment in version "v1" cannot be handled as a Deployment: '
C = "spec.template.spec.containers"
QUANTITY = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


def deployment(pod: dict[str, Any] | None = None, **container: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [{"name": "web", "image": "web:1", **container}],
                    **(pod or {}),
                },
            },
        },
    }


def refused(doc: dict[str, Any]) -> str:
    """The decode error, checked to be the only error, fast, and to leave nothing behind."""
    cluster = rollsim.Cluster()
    start = time.perf_counter()
    with pytest.raises(ValidationError) as caught:
        cluster.apply(copy.deepcopy(doc))
    assert time.perf_counter() - start < 1.0
    assert cluster.list("Deployment") == [] and cluster.events == []
    (error,) = caught.value.errors
    assert error.type == "Decode"
    return str(caught.value)


def unmarshal(json_type: str, struct_path: str, go_type: str) -> str:
    return (
        f"{DECODE}json: cannot unmarshal {json_type} into Go struct field {struct_path} "
        f"of type {go_type}"
    )


@pytest.mark.parametrize(
    ("container", "expected"),
    [
        ({"ports": [80]}, unmarshal("number", f"Container.{C}.ports", "v1.ContainerPort")),
        ({"ports": "abc"}, unmarshal("string", f"Container.{C}.ports", "[]v1.ContainerPort")),
        (
            {"ports": [{"containerPort": "abc"}]},
            unmarshal("string", f"ContainerPort.{C}.ports.containerPort", "int32"),
        ),
        (
            {"ports": [{"containerPort": 80, "protocol": 6}]},
            unmarshal("number", f"ContainerPort.{C}.ports.protocol", "v1.Protocol"),
        ),
        (
            {"ports": [{"containerPort": 80.5}]},
            unmarshal("number 80.5", f"ContainerPort.{C}.ports.containerPort", "int32"),
        ),
        (
            {"resources": "abc"},
            unmarshal("string", f"Container.{C}.resources", "v1.ResourceRequirements"),
        ),
        (
            {"resources": {"limits": [1]}},
            unmarshal("array", f"ResourceRequirements.{C}.resources.limits", "v1.ResourceList"),
        ),
        ({"resources": {"limits": {"cpu": [1]}}}, DECODE + QUANTITY),
        ({"resources": {"requests": {"cpu": True}}}, DECODE + QUANTITY),
        (
            {"readinessProbe": {"httpGet": "abc"}},
            unmarshal("string", f"Probe.{C}.readinessProbe.httpGet", "v1.HTTPGetAction"),
        ),
        (
            {"readinessProbe": {"exec": "abc"}},
            unmarshal("string", f"Probe.{C}.readinessProbe.exec", "v1.ExecAction"),
        ),
        (
            {"readinessProbe": {"exec": {"command": "ls"}}},
            unmarshal("string", f"ExecAction.{C}.readinessProbe.exec.command", "[]string"),
        ),
        (
            {"readinessProbe": {"httpGet": {"port": 80, "httpHeaders": [{"name": 1}]}}},
            unmarshal(
                "number", f"HTTPHeader.{C}.readinessProbe.httpGet.httpHeaders.name", "string"
            ),
        ),
        (
            {"readinessProbe": {"grpc": {"port": "80"}}},
            unmarshal("string", f"GRPCAction.{C}.readinessProbe.grpc.port", "int32"),
        ),
        (
            {"livenessProbe": {"tcpSocket": {"port": True}}},
            unmarshal("bool", f"TCPSocketAction.{C}.livenessProbe.tcpSocket.port", "int32"),
        ),
        (
            {"startupProbe": {"periodSeconds": "5"}},
            unmarshal("string", f"Probe.{C}.startupProbe.periodSeconds", "int32"),
        ),
        (
            {"volumeMounts": ["abc"]},
            unmarshal("string", f"Container.{C}.volumeMounts", "v1.VolumeMount"),
        ),
        (
            {"volumeMounts": [{"name": "a", "mountPath": "/a", "readOnly": "yes"}]},
            unmarshal("string", f"VolumeMount.{C}.volumeMounts.readOnly", "bool"),
        ),
        (
            {"env": [{"name": "A", "valueFrom": "x"}]},
            unmarshal("string", f"EnvVar.{C}.env.valueFrom", "v1.EnvVarSource"),
        ),
        (
            {"envFrom": [{"configMapRef": {"name": 1}}]},
            unmarshal("number", f"ConfigMapEnvSource.{C}.envFrom.configMapRef.name", "string"),
        ),
        (
            {"lifecycle": {"preStop": {"sleep": {"seconds": "5"}}}},
            unmarshal("string", f"SleepAction.{C}.lifecycle.preStop.sleep.seconds", "int64"),
        ),
        (
            {"securityContext": {"runAsUser": "root"}},
            unmarshal("string", f"SecurityContext.{C}.securityContext.runAsUser", "int64"),
        ),
        ({"command": "sleep 1"}, unmarshal("string", f"Container.{C}.command", "[]string")),
        ({"tty": "yes"}, unmarshal("string", f"Container.{C}.tty", "bool")),
        (
            {"imagePullPolicy": 1},
            unmarshal("number", f"Container.{C}.imagePullPolicy", "v1.PullPolicy"),
        ),
        ({"env": "abc"}, unmarshal("string", f"Container.{C}.env", "[]v1.EnvVar")),
    ],
)
def test_a_container_field_of_the_wrong_type_is_a_decode_error(
    container: dict[str, Any], expected: str
) -> None:
    assert refused(deployment(**container)) == expected


P = "spec.template.spec"


@pytest.mark.parametrize(
    ("pod", "expected"),
    [
        ({"volumes": "abc"}, unmarshal("string", f"PodSpec.{P}.volumes", "[]v1.Volume")),
        ({"volumes": [{"name": 1}]}, unmarshal("number", f"Volume.{P}.volumes.name", "string")),
        (
            {"volumes": [{"name": "a", "emptyDir": "abc"}]},
            unmarshal("string", f"Volume.{P}.volumes.emptyDir", "v1.EmptyDirVolumeSource"),
        ),
        ({"nodeSelector": {"a": 1}}, unmarshal("number", f"PodSpec.{P}.nodeSelector", "string")),
        ({"tolerations": [1]}, unmarshal("number", f"PodSpec.{P}.tolerations", "v1.Toleration")),
        (
            {"tolerations": [{"key": "a", "tolerationSeconds": "60"}]},
            unmarshal("string", f"Toleration.{P}.tolerations.tolerationSeconds", "int64"),
        ),
        ({"affinity": []}, unmarshal("array", f"PodSpec.{P}.affinity", "v1.Affinity")),
        (
            {"affinity": {"nodeAffinity": "abc"}},
            unmarshal("string", f"Affinity.{P}.affinity.nodeAffinity", "v1.NodeAffinity"),
        ),
        (
            {"securityContext": "abc"},
            unmarshal("string", f"PodSpec.{P}.securityContext", "v1.PodSecurityContext"),
        ),
        (
            {"initContainers": [{"name": "init", "image": "i", "ports": [80]}]},
            unmarshal("number", f"Container.{P}.initContainers.ports", "v1.ContainerPort"),
        ),
        ({"hostNetwork": "true"}, unmarshal("string", f"PodSpec.{P}.hostNetwork", "bool")),
        (
            {"priority": 2**31},
            unmarshal("number 2147483648", f"PodSpec.{P}.priority", "int32"),
        ),
        (
            {"dnsConfig": {"options": [{"name": "ndots", "value": 2}]}},
            unmarshal("number", f"PodDNSConfigOption.{P}.dnsConfig.options.value", "string"),
        ),
    ],
)
def test_a_pod_spec_field_of_the_wrong_type_is_a_decode_error(
    pod: dict[str, Any], expected: str
) -> None:
    assert refused(deployment(pod)) == expected


def test_an_unknown_field_in_a_typed_struct_is_a_strict_decoding_error() -> None:
    # As for the structs rollsim models: kubectl's default --validate=strict.
    doc = deployment(ports=[{"containerPort": 80, "port": 80}])
    assert refused(doc) == (DECODE + f'strict decoding error: unknown field "{C}[0].ports[0].port"')


def test_a_type_error_comes_before_unknown_fields() -> None:
    doc = deployment(ports=[{"containerPort": 80, "port": 80}], resources="abc")
    assert refused(doc) == unmarshal(
        "string", f"Container.{C}.resources", "v1.ResourceRequirements"
    )


def test_an_unmarshal_json_error_ends_decoding_so_it_wins_over_an_earlier_type_error() -> None:
    # ports is decoded first and its error saved; IntOrString's UnmarshalJSON returns its own.
    doc = deployment(ports=[80], readinessProbe={"httpGet": {"port": 1.5}})
    assert refused(doc) == unmarshal(
        "number 1.5", f"HTTPGetAction.{C}.readinessProbe.httpGet.port", "int32"
    )


def test_a_modelled_int_or_string_is_reported_against_int32_too() -> None:
    doc = deployment()
    doc["spec"]["strategy"] = {"rollingUpdate": {"maxSurge": True}}
    assert refused(doc) == unmarshal(
        "bool", "RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge", "int32"
    )


def test_a_service_field_of_the_wrong_type_is_a_decode_error() -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], "sessionAffinity": 1},
    }
    with pytest.raises(ValidationError) as caught:
        rollsim.Cluster().apply(service)
    assert str(caught.value) == (
        'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number '
        "into Go struct field ServiceSpec.spec.sessionAffinity of type v1.ServiceAffinity"
    )


def test_a_service_port_takes_its_app_protocol() -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "appProtocol": "http"}]},
    }
    (stored,) = rollsim.Cluster().apply(service)
    assert stored.spec.ports[0].extra == {"appProtocol": "http"}


FULL_POD = """\
initContainers:
- name: init
  image: busybox
  command: [sh, -c, "true"]
volumes:
- {name: config, configMap: {name: web-config, items: [{key: a, path: a}]}}
- {name: cache, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
- {name: token, projected: {sources: [{serviceAccountToken: {path: token}}]}}
nodeSelector: {disk: ssd}
tolerations:
- {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
- {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        labelSelector: {matchLabels: {app: web}}
        topologyKey: kubernetes.io/hostname
topologySpreadConstraints:
- {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}
securityContext: {runAsNonRoot: true, fsGroup: 2000}
imagePullSecrets: [{name: registry}]
dnsConfig: {options: [{name: ndots, value: "2"}]}
serviceAccountName: web
priorityClassName: high
"""

FULL_CONTAINER = """\
ports: [{containerPort: 8080, name: http}, {containerPort: 9090, protocol: UDP, hostPort: 9090}]
envFrom: [{configMapRef: {name: web-env}, prefix: WEB_}]
env:
- {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
- {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
resources:
  limits: {cpu: "1", memory: 128Mi, example.com/gpu: 1}
  requests: {cpu: 0.5, memory: 64Mi}
readinessProbe:
  httpGet: {path: /healthz, port: http, httpHeaders: [{name: X-Probe, value: "1"}]}
livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 10, terminationGracePeriodSeconds: 5}
startupProbe: {exec: {command: [cat, /tmp/ready]}, failureThreshold: 30}
lifecycle:
  preStop: {sleep: {seconds: 5}}
  postStart: {httpGet: {port: 8080, path: /warm}}
securityContext:
  capabilities: {drop: [ALL]}
  readOnlyRootFilesystem: true
  seccompProfile: {type: RuntimeDefault}
volumeMounts:
- {name: config, mountPath: /etc/web, readOnly: true}
- {name: cache, mountPath: /cache, subPath: web}
"""


#: compute_hash of full_deployment()'s template, as the decoder before this change gave it,
#: then once more when liveness and startup probes became typed and defaulted as the API
#: server defaults them (SetDefaults_Probe): their timeouts and thresholds are part of
#: the template now, as they are upstream.
FULL_TEMPLATE_HASH = "75f879b87c"


def full_deployment() -> dict[str, Any]:
    return deployment(yaml.safe_load(FULL_POD), **yaml.safe_load(FULL_CONTAINER))


def test_a_manifest_using_every_kind_of_opaque_field_decodes_to_what_it_holds() -> None:
    # Typing only refuses: every opaque value is kept exactly as it came (before defaults).
    doc = full_deployment()
    stored, errors = decode(Deployment, copy.deepcopy(doc), "Deployment", "v1")
    assert errors == [] and stored is not None
    spec = stored.spec.template.spec
    given_pod = doc["spec"]["template"]["spec"]
    given_container = given_pod["containers"][0]
    assert dict(spec.extra) == {k: v for k, v in given_pod.items() if k in PodSpec.OPAQUE}
    assert spec.security_context == given_pod["securityContext"]
    assert dict(spec.containers[0].extra) == {
        k: v for k, v in given_container.items() if k in Container.OPAQUE
    }
    assert spec.containers[0].readiness_probe is not None
    assert spec.containers[0].readiness_probe.extra == given_container["readinessProbe"]
    assert [e.extra for e in spec.containers[0].env] == [
        {"valueFrom": e["valueFrom"]} for e in given_container["env"]
    ]
    assert len(spec.extra) == 10 and len(spec.containers[0].extra) == 6
    assert spec.containers[0].liveness_probe is not None


def test_the_template_hash_of_a_valid_manifest_is_unchanged() -> None:
    # Measured with the decoder before opaque fields were typed (commit 06f9a90): typing
    # only refuses, it never changes what a valid manifest decodes to.
    cluster = rollsim.Cluster()
    (stored,) = cluster.apply(full_deployment())
    assert compute_hash(stored.spec.template, None) == FULL_TEMPLATE_HASH


def described(cluster: rollsim.Cluster) -> set[str]:
    """``describe deployment web``'s lines with tabwriter's padding collapsed."""
    text = cluster.kubectl("describe deployment web")
    return {" ".join(line.split()) for line in text.splitlines()}


def test_describe_prints_every_opaque_field_of_a_valid_manifest() -> None:
    cluster = rollsim.Cluster()
    cluster.apply(full_deployment())
    lines = described(cluster)
    assert "Ports: 8080/TCP, 9090/UDP" in lines
    assert "Host Ports: 0/TCP, 9090/UDP" in lines
    assert (
        "Readiness: http-get http://:http/healthz delay=0s timeout=1s period=10s "
        "#success=1 #failure=3"
    ) in lines
    assert "Limits:" in lines and "example.com/gpu: 1" in lines and "cpu: 0.5" in lines
    assert "POD: <set from valueFrom>" in lines
    assert "/etc/web from config (ro)" in lines and "/cache from cache (rw)" in lines
    assert "cache:" in lines and "token:" in lines
    assert "Node-Selectors: disk=ssd" in lines
    assert "Tolerations: dedicated=web:NoSchedule" in lines
    assert "node.kubernetes.io/not-ready:NoExecute" in lines


def test_a_null_in_an_opaque_field_reads_as_gos_zero_value() -> None:
    # encoding/json decodes null into any type as its zero value: accepted, and describe
    # prints the zero toleration rather than failing on it.
    cluster = rollsim.Cluster()
    doc = deployment({"tolerations": [None], "nodeSelector": {"disk": None}})
    cluster.apply(doc)
    lines = described(cluster)
    assert "Node-Selectors: disk=" in lines
    assert "Tolerations:" in lines


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            {"apiVersion": "apps/v1", "kind": -(10**5000), "metadata": {"name": "x"}},
            'The object "x" is invalid: kind: Invalid value: number: number out of range',
        ),
        (
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": 10**5000}},
            'The Deployment "" is invalid: metadata.name: Invalid value: number: '
            "number out of range",
        ),
    ],
)
def test_a_kind_or_name_too_long_to_print_is_refused_by_json_not_by_str(
    doc: dict[str, Any], expected: str
) -> None:
    # str() of a 5000-digit int raises ValueError (Python's int_max_str_digits): the
    # error must be jsonable's refusal, which names the number only as "number".
    with pytest.raises(ValidationError) as caught:
        rollsim.Cluster().apply(doc)
    assert str(caught.value) == expected
