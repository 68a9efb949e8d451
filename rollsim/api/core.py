"""core/v1 objects: Pod, its template, containers and probes, and Service.

Only the fields that change what a rollout does are modelled as attributes;
the rest of the PodSpec and Container schema is accepted and carried in
``extra`` (part of the template, so it feeds the pod-template-hash). Each
class's ``OPAQUE`` maps those fields to their Go types (``rollsim.api.schema``),
which the decoder holds them to; named string types (``v1.PullPolicy``) are
given as field metadata ``go=``, the name the API server's decoder reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rollsim.api.meta import ObjectMeta
from rollsim.api.schema import (
    ENV_VAR_FIELDS,
    POD_SECURITY_CONTEXT,
    PROBE_HANDLER_FIELDS,
    SERVICE_PORT_FIELDS,
    SERVICE_SPEC_FIELDS,
    container_fields,
    pod_spec_fields,
)

__all__ = [
    "Container",
    "ContainerStatus",
    "EnvVar",
    "Pod",
    "PodCondition",
    "PodSpec",
    "PodStatus",
    "PodTemplateSpec",
    "Probe",
    "Service",
    "ServicePort",
    "ServiceSpec",
]

IntOrString = int | str


@dataclass(frozen=True)
class EnvVar:
    OPAQUE = ENV_VAR_FIELDS

    name: str = ""
    value: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class Probe:
    """A probe's timing (readiness, liveness or startup); the handler (httpGet, exec,
    tcpSocket, grpc) and the probe's own terminationGracePeriodSeconds are opaque."""

    OPAQUE = PROBE_HANDLER_FIELDS

    initial_delay_seconds: int = field(default=0, metadata={"omitempty": True})
    period_seconds: int = 0
    timeout_seconds: int = 0
    success_threshold: int = 0
    failure_threshold: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class Container:
    OPAQUE = container_fields(Probe)

    name: str = ""
    image: str = ""
    image_pull_policy: str = field(default="", metadata={"go": "v1.PullPolicy"})
    env: tuple[EnvVar, ...] = ()
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    termination_message_path: str = ""
    termination_message_policy: str = field(
        default="", metadata={"go": "v1.TerminationMessagePolicy"}
    )
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class PodSpec:
    OPAQUE = pod_spec_fields(Container)

    containers: tuple[Container, ...] = ()
    restart_policy: str = field(default="", metadata={"go": "v1.RestartPolicy"})
    termination_grace_period_seconds: int | None = field(default=None, metadata={"go": "int64"})
    dns_policy: str = field(default="", metadata={"go": "v1.DNSPolicy"})
    scheduler_name: str = ""
    security_context: Mapping[str, Any] | None = field(
        default=None,
        metadata={
            "keep_empty": True,
            "go": "v1.PodSecurityContext",
            "schema": POD_SECURITY_CONTEXT,
        },
    )
    node_name: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class PodTemplateSpec:
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: PodSpec = field(default_factory=PodSpec)


@dataclass(frozen=True)
class PodCondition:
    type: str = ""
    status: str = ""
    last_probe_time: float | None = field(default=None, metadata={"time": True})
    last_transition_time: float | None = field(default=None, metadata={"time": True})
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class ContainerStatus:
    name: str = ""
    image: str = ""
    ready: bool = False
    started: bool = False
    restart_count: int = 0
    state: Mapping[str, Any] = field(default_factory=dict)
    last_state: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PodStatus:
    phase: str = ""
    conditions: tuple[PodCondition, ...] = ()
    container_statuses: tuple[ContainerStatus, ...] = ()
    start_time: float | None = field(default=None, metadata={"time": True})
    reason: str = ""
    host_ip: str = field(default="", metadata={"wire": "hostIP"})
    pod_ip: str = field(default="", metadata={"wire": "podIP"})


@dataclass(frozen=True)
class Pod:
    api_version: str = "v1"
    kind: str = "Pod"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: PodSpec = field(default_factory=PodSpec)
    status: PodStatus = field(default_factory=PodStatus)


@dataclass(frozen=True)
class ServicePort:
    OPAQUE = SERVICE_PORT_FIELDS

    name: str = ""
    protocol: str = field(default="", metadata={"go": "v1.Protocol"})
    port: int = 0
    target_port: IntOrString | None = None
    node_port: int = field(default=0, metadata={"omitempty": True})
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class ServiceSpec:
    OPAQUE = SERVICE_SPEC_FIELDS

    selector: Mapping[str, str] = field(default_factory=dict)
    ports: tuple[ServicePort, ...] = ()
    type: str = field(default="", metadata={"go": "v1.ServiceType"})
    cluster_ip: str = field(default="", metadata={"wire": "clusterIP"})
    extra: Mapping[str, Any] = field(default_factory=dict, metadata={"extra": True})


@dataclass(frozen=True)
class Service:
    api_version: str = "v1"
    kind: str = "Service"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: ServiceSpec = field(default_factory=ServiceSpec)
