"""The Go types of the fields rollsim stores but does not simulate.

rollsim keeps a container's ``ports``, ``resources``, ``volumeMounts``, probe
handlers, a pod's ``volumes``, ``tolerations``, ``affinity`` and the like as the
JSON they arrived as (``extra``), so a manifest round-trips and its template
hash is the one the API server would compute. The API server still decodes
them into the structs of k8s.io/api core/v1 (``types.go``) first, so a value of
the wrong JSON type never gets past the request: this module names those
types, and ``rollsim.api.wire`` checks each opaque value against its type
while decoding, in ``encoding/json``'s words.

Nodes: ``Scalar`` (a string, bool or integer Go type, ``intstr.IntOrString``,
``resource.Quantity``), ``ListOf`` (a Go slice), ``MapOf`` (a Go map),
``Struct`` (a Go struct with its JSON fields, or ``fields=None`` where rollsim
checks only that the value is an object, e.g. ``affinity``'s internals) and
``Modelled`` (a struct rollsim models as a dataclass elsewhere, e.g. a
``livenessProbe`` is a ``v1.Probe`` like the modelled ``readinessProbe``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "ENV_VAR_FIELDS",
    "OBJECT_META_FIELDS",
    "POD_SECURITY_CONTEXT",
    "PROBE_HANDLER_FIELDS",
    "SERVICE_PORT_FIELDS",
    "SERVICE_SPEC_FIELDS",
    "ListOf",
    "MapOf",
    "Modelled",
    "Node",
    "Scalar",
    "Struct",
    "container_fields",
    "pod_spec_fields",
]

ScalarKind = Literal["string", "bool", "integer", "int_or_string", "quantity"]


@dataclass(frozen=True)
class Scalar:
    """A Go scalar: ``go`` is the type's name as ``reflect.Type.String`` gives it."""

    go: str
    kind: ScalarKind


@dataclass(frozen=True)
class ListOf:
    """A Go slice of ``element``."""

    element: Node

    @property
    def go(self) -> str:
        return "[]" + self.element.go


@dataclass(frozen=True)
class MapOf:
    """A Go map with string keys (``map[string]string``, ``v1.ResourceList``)."""

    value: Node
    go: str


@dataclass(frozen=True)
class Struct:
    """A Go struct; ``fields`` maps each JSON name to its type, or is ``None`` where
    only the outer JSON type (an object) is checked and the contents are kept."""

    go: str
    fields: Mapping[str, Node] | None = None

    @property
    def name(self) -> str:
        """The struct's name without its package, as ``UnmarshalTypeError.Struct``."""
        return self.go.rpartition(".")[2]


@dataclass(frozen=True)
class Modelled:
    """A struct rollsim models as the dataclass ``hint``, decoded by it and discarded."""

    hint: Any
    go: str


Node = Scalar | ListOf | MapOf | Struct | Modelled

STRING = Scalar("string", "string")
BOOL = Scalar("bool", "bool")
INT32 = Scalar("int32", "integer")
INT64 = Scalar("int64", "integer")
# intstr.IntOrString.UnmarshalJSON decodes a non-string into its int32, so a wrong
# type is reported against int32.
INT_OR_STRING = Scalar("int32", "int_or_string")
QUANTITY = Scalar("resource.Quantity", "quantity")
STRINGS = ListOf(STRING)
STRING_MAP = MapOf(STRING, "map[string]string")
RESOURCE_LIST = MapOf(QUANTITY, "v1.ResourceList")


def named(go: str) -> Scalar:
    """A named string type, e.g. ``v1.Protocol``."""
    return Scalar(go, "string")


def struct(go: str, **fields: Node) -> Struct:
    return Struct(go, fields)


def shallow(go: str) -> Struct:
    return Struct(go)


_SELECTOR = {"name": STRING, "key": STRING, "optional": BOOL}

ENV_VAR_SOURCE = struct(
    "v1.EnvVarSource",
    fieldRef=struct("v1.ObjectFieldSelector", apiVersion=STRING, fieldPath=STRING),
    resourceFieldRef=struct(
        "v1.ResourceFieldSelector", containerName=STRING, resource=STRING, divisor=QUANTITY
    ),
    configMapKeyRef=Struct("v1.ConfigMapKeySelector", _SELECTOR),
    secretKeyRef=Struct("v1.SecretKeySelector", _SELECTOR),
    fileKeyRef=struct(
        "v1.FileKeySelector", volumeName=STRING, path=STRING, key=STRING, optional=BOOL
    ),
)

#: ``v1.EnvVar``'s opaque field.
ENV_VAR_FIELDS: Mapping[str, Node] = {"valueFrom": ENV_VAR_SOURCE}

EXEC = struct("v1.ExecAction", command=STRINGS)
HTTP_GET = struct(
    "v1.HTTPGetAction",
    path=STRING,
    port=INT_OR_STRING,
    host=STRING,
    scheme=named("v1.URIScheme"),
    httpHeaders=ListOf(struct("v1.HTTPHeader", name=STRING, value=STRING)),
)
TCP_SOCKET = struct("v1.TCPSocketAction", port=INT_OR_STRING, host=STRING)

#: ``v1.Probe``'s opaque fields: ``ProbeHandler`` (inlined) and the grace period.
PROBE_HANDLER_FIELDS: Mapping[str, Node] = {
    "exec": EXEC,
    "httpGet": HTTP_GET,
    "tcpSocket": TCP_SOCKET,
    "grpc": struct("v1.GRPCAction", port=INT32, service=STRING),
    "terminationGracePeriodSeconds": INT64,
}

LIFECYCLE_HANDLER = struct(
    "v1.LifecycleHandler",
    exec=EXEC,
    httpGet=HTTP_GET,
    tcpSocket=TCP_SOCKET,
    sleep=struct("v1.SleepAction", seconds=INT64),
)

_OBJECT_NAME = {"name": STRING, "optional": BOOL}

SECURITY_CONTEXT = struct(
    "v1.SecurityContext",
    capabilities=struct(
        "v1.Capabilities",
        add=ListOf(named("v1.Capability")),
        drop=ListOf(named("v1.Capability")),
    ),
    privileged=BOOL,
    seLinuxOptions=shallow("v1.SELinuxOptions"),
    windowsOptions=shallow("v1.WindowsSecurityContextOptions"),
    runAsUser=INT64,
    runAsGroup=INT64,
    runAsNonRoot=BOOL,
    readOnlyRootFilesystem=BOOL,
    allowPrivilegeEscalation=BOOL,
    procMount=named("v1.ProcMountType"),
    seccompProfile=shallow("v1.SeccompProfile"),
    appArmorProfile=shallow("v1.AppArmorProfile"),
)

RESOURCE_REQUIREMENTS = struct(
    "v1.ResourceRequirements",
    limits=RESOURCE_LIST,
    requests=RESOURCE_LIST,
    claims=ListOf(struct("v1.ResourceClaim", name=STRING, request=STRING)),
)


def container_fields(probe: Any) -> Mapping[str, Node]:
    """``v1.Container``'s opaque fields; ``probe`` is the modelled ``Probe`` dataclass,
    which ``livenessProbe`` and ``startupProbe`` share with ``readinessProbe``."""
    return {
        "command": STRINGS,
        "args": STRINGS,
        "workingDir": STRING,
        "ports": ListOf(
            struct(
                "v1.ContainerPort",
                name=STRING,
                hostPort=INT32,
                containerPort=INT32,
                protocol=named("v1.Protocol"),
                hostIP=STRING,
            )
        ),
        "envFrom": ListOf(
            struct(
                "v1.EnvFromSource",
                prefix=STRING,
                configMapRef=Struct("v1.ConfigMapEnvSource", _OBJECT_NAME),
                secretRef=Struct("v1.SecretEnvSource", _OBJECT_NAME),
            )
        ),
        "resources": RESOURCE_REQUIREMENTS,
        "resizePolicy": ListOf(
            struct(
                "v1.ContainerResizePolicy",
                resourceName=named("v1.ResourceName"),
                restartPolicy=named("v1.ResourceResizeRestartPolicy"),
            )
        ),
        "restartPolicy": named("v1.ContainerRestartPolicy"),
        "volumeMounts": ListOf(
            struct(
                "v1.VolumeMount",
                name=STRING,
                readOnly=BOOL,
                recursiveReadOnly=named("v1.RecursiveReadOnlyMode"),
                mountPath=STRING,
                subPath=STRING,
                mountPropagation=named("v1.MountPropagationMode"),
                subPathExpr=STRING,
            )
        ),
        "volumeDevices": ListOf(struct("v1.VolumeDevice", name=STRING, devicePath=STRING)),
        "lifecycle": struct(
            "v1.Lifecycle",
            postStart=LIFECYCLE_HANDLER,
            preStop=LIFECYCLE_HANDLER,
            stopSignal=named("v1.Signal"),
        ),
        "securityContext": SECURITY_CONTEXT,
        "stdin": BOOL,
        "stdinOnce": BOOL,
        "tty": BOOL,
    }


#: ``v1.VolumeSource``'s members (inlined in ``v1.Volume``), each an object.
VOLUME_SOURCES: Mapping[str, str] = {
    "hostPath": "HostPathVolumeSource",
    "emptyDir": "EmptyDirVolumeSource",
    "gcePersistentDisk": "GCEPersistentDiskVolumeSource",
    "awsElasticBlockStore": "AWSElasticBlockStoreVolumeSource",
    "gitRepo": "GitRepoVolumeSource",
    "secret": "SecretVolumeSource",
    "nfs": "NFSVolumeSource",
    "iscsi": "ISCSIVolumeSource",
    "glusterfs": "GlusterfsVolumeSource",
    "persistentVolumeClaim": "PersistentVolumeClaimVolumeSource",
    "rbd": "RBDVolumeSource",
    "flexVolume": "FlexVolumeSource",
    "cinder": "CinderVolumeSource",
    "cephfs": "CephFSVolumeSource",
    "flocker": "FlockerVolumeSource",
    "downwardAPI": "DownwardAPIVolumeSource",
    "fc": "FCVolumeSource",
    "azureFile": "AzureFileVolumeSource",
    "configMap": "ConfigMapVolumeSource",
    "vsphereVolume": "VsphereVirtualDiskVolumeSource",
    "quobyte": "QuobyteVolumeSource",
    "azureDisk": "AzureDiskVolumeSource",
    "photonPersistentDisk": "PhotonPersistentDiskVolumeSource",
    "projected": "ProjectedVolumeSource",
    "portworxVolume": "PortworxVolumeSource",
    "scaleIO": "ScaleIOVolumeSource",
    "storageos": "StorageOSVolumeSource",
    "csi": "CSIVolumeSource",
    "ephemeral": "EphemeralVolumeSource",
    "image": "ImageVolumeSource",
}

VOLUME = Struct(
    "v1.Volume",
    {"name": STRING} | {key: shallow(f"v1.{go}") for key, go in VOLUME_SOURCES.items()},
)

TOLERATION = struct(
    "v1.Toleration",
    key=STRING,
    operator=named("v1.TolerationOperator"),
    value=STRING,
    effect=named("v1.TaintEffect"),
    tolerationSeconds=INT64,
)

AFFINITY = struct(
    "v1.Affinity",
    nodeAffinity=shallow("v1.NodeAffinity"),
    podAffinity=shallow("v1.PodAffinity"),
    podAntiAffinity=shallow("v1.PodAntiAffinity"),
)

POD_SECURITY_CONTEXT = shallow("v1.PodSecurityContext")


def pod_spec_fields(container: Any) -> Mapping[str, Node]:
    """``v1.PodSpec``'s opaque fields; ``container`` is the modelled ``Container``
    dataclass, which ``initContainers`` share with ``containers``."""
    return {
        "volumes": ListOf(VOLUME),
        "initContainers": ListOf(Modelled(container, "v1.Container")),
        "ephemeralContainers": ListOf(shallow("v1.EphemeralContainer")),
        "activeDeadlineSeconds": INT64,
        "nodeSelector": STRING_MAP,
        "serviceAccountName": STRING,
        "serviceAccount": STRING,
        "automountServiceAccountToken": BOOL,
        "hostNetwork": BOOL,
        "hostPID": BOOL,
        "hostIPC": BOOL,
        "shareProcessNamespace": BOOL,
        "imagePullSecrets": ListOf(struct("v1.LocalObjectReference", name=STRING)),
        "hostname": STRING,
        "subdomain": STRING,
        "affinity": AFFINITY,
        "tolerations": ListOf(TOLERATION),
        "hostAliases": ListOf(struct("v1.HostAlias", ip=STRING, hostnames=STRINGS)),
        "priorityClassName": STRING,
        "priority": INT32,
        "dnsConfig": struct(
            "v1.PodDNSConfig",
            nameservers=STRINGS,
            searches=STRINGS,
            options=ListOf(struct("v1.PodDNSConfigOption", name=STRING, value=STRING)),
        ),
        "readinessGates": ListOf(
            struct("v1.PodReadinessGate", conditionType=named("v1.PodConditionType"))
        ),
        "runtimeClassName": STRING,
        "enableServiceLinks": BOOL,
        "preemptionPolicy": named("v1.PreemptionPolicy"),
        "overhead": RESOURCE_LIST,
        "topologySpreadConstraints": ListOf(shallow("v1.TopologySpreadConstraint")),
        "setHostnameAsFQDN": BOOL,
        "os": struct("v1.PodOS", name=named("v1.OSName")),
        "hostUsers": BOOL,
        "schedulingGates": ListOf(struct("v1.PodSchedulingGate", name=STRING)),
        "resourceClaims": ListOf(shallow("v1.PodResourceClaim")),
        "resources": RESOURCE_REQUIREMENTS,
    }


#: ``v1.ServicePort``'s opaque field.
SERVICE_PORT_FIELDS: Mapping[str, Node] = {"appProtocol": STRING}

#: ``v1.ServiceSpec``'s opaque fields.
SERVICE_SPEC_FIELDS: Mapping[str, Node] = {
    "clusterIPs": STRINGS,
    "externalIPs": STRINGS,
    "sessionAffinity": named("v1.ServiceAffinity"),
    "loadBalancerIP": STRING,
    "loadBalancerSourceRanges": STRINGS,
    "externalName": STRING,
    "externalTrafficPolicy": named("v1.ServiceExternalTrafficPolicy"),
    "healthCheckNodePort": INT32,
    "publishNotReadyAddresses": BOOL,
    "sessionAffinityConfig": struct(
        "v1.SessionAffinityConfig",
        clientIP=struct("v1.ClientIPConfig", timeoutSeconds=INT32),
    ),
    "ipFamilies": ListOf(named("v1.IPFamily")),
    "ipFamilyPolicy": named("v1.IPFamilyPolicy"),
    "allocateLoadBalancerNodePorts": BOOL,
    "loadBalancerClass": STRING,
    "internalTrafficPolicy": named("v1.ServiceInternalTrafficPolicy"),
    "trafficDistribution": STRING,
}

#: ``v1.ObjectMeta``'s opaque fields.
OBJECT_META_FIELDS: Mapping[str, Node] = {
    "finalizers": STRINGS,
    "managedFields": ListOf(shallow("v1.ManagedFieldsEntry")),
    "selfLink": STRING,
}
