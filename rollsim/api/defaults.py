"""API-server defaulting, applied before validation and before hashing.

Mirrors ``SetDefaults_Deployment``, ``SetDefaults_ReplicaSet`` (apps/v1),
``SetDefaults_PodSpec``, ``SetDefaults_Container``, ``SetDefaults_Probe`` and
``SetDefaults_Service`` (core/v1). The pod-template-hash is computed over the
defaulted template, as upstream computes it over the stored object.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rollsim.api.apps import (
    Deployment,
    DeploymentStrategy,
    ReplicaSet,
    RollingUpdateDeployment,
)
from rollsim.api.core import Container, Pod, PodSpec, PodTemplateSpec, Probe, Service

__all__ = ["default_deployment", "default_replica_set", "default_service", "default_template"]

DEFAULT_MAX_UNAVAILABLE = "25%"
DEFAULT_MAX_SURGE = "25%"
DEFAULT_REVISION_HISTORY_LIMIT = 10
DEFAULT_PROGRESS_DEADLINE_SECONDS = 600
DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30


def _pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` or an untagged image, else ``IfNotPresent``."""
    name = image.rsplit("/", 1)[-1]
    if "@" in name:
        return "IfNotPresent"
    if ":" not in name or name.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def _default_probe(probe: Probe | None) -> Probe | None:
    if probe is None:
        return None
    return replace(
        probe,
        timeout_seconds=probe.timeout_seconds or 1,
        period_seconds=probe.period_seconds or 10,
        success_threshold=probe.success_threshold or 1,
        failure_threshold=probe.failure_threshold or 3,
    )


def _default_ports(extra: Any) -> dict[str, Any]:
    result = dict(extra)
    ports = result.get("ports")
    if isinstance(ports, list):
        result["ports"] = [
            {**p, "protocol": p.get("protocol", "TCP")} if isinstance(p, dict) else p for p in ports
        ]
    return result


def _default_container(container: Container) -> Container:
    return replace(
        container,
        image_pull_policy=container.image_pull_policy or _pull_policy(container.image),
        termination_message_path=container.termination_message_path or "/dev/termination-log",
        termination_message_policy=container.termination_message_policy or "File",
        liveness_probe=_default_probe(container.liveness_probe),
        readiness_probe=_default_probe(container.readiness_probe),
        startup_probe=_default_probe(container.startup_probe),
        extra=_default_ports(container.extra),
    )


def default_template(template: PodTemplateSpec) -> PodTemplateSpec:
    spec: PodSpec = template.spec
    grace = spec.termination_grace_period_seconds
    return replace(
        template,
        spec=replace(
            spec,
            containers=tuple(_default_container(c) for c in spec.containers),
            restart_policy=spec.restart_policy or "Always",
            termination_grace_period_seconds=(
                DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS if grace is None else grace
            ),
            dns_policy=spec.dns_policy or "ClusterFirst",
            scheduler_name=spec.scheduler_name or "default-scheduler",
            security_context={} if spec.security_context is None else spec.security_context,
        ),
    )


def default_deployment(d: Deployment) -> Deployment:
    spec = d.spec
    strategy = spec.strategy
    if not strategy.type:
        strategy = replace(strategy, type="RollingUpdate")
    if strategy.type == "RollingUpdate":
        ru = strategy.rolling_update or RollingUpdateDeployment()
        strategy = DeploymentStrategy(
            type="RollingUpdate",
            rolling_update=RollingUpdateDeployment(
                max_unavailable=(
                    DEFAULT_MAX_UNAVAILABLE if ru.max_unavailable is None else ru.max_unavailable
                ),
                max_surge=DEFAULT_MAX_SURGE if ru.max_surge is None else ru.max_surge,
            ),
        )
    return replace(
        d,
        spec=replace(
            spec,
            replicas=1 if spec.replicas is None else spec.replicas,
            strategy=strategy,
            revision_history_limit=(
                DEFAULT_REVISION_HISTORY_LIMIT
                if spec.revision_history_limit is None
                else spec.revision_history_limit
            ),
            progress_deadline_seconds=(
                DEFAULT_PROGRESS_DEADLINE_SECONDS
                if spec.progress_deadline_seconds is None
                else spec.progress_deadline_seconds
            ),
            template=default_template(spec.template),
        ),
    )


def default_replica_set(rs: ReplicaSet) -> ReplicaSet:
    spec = rs.spec
    return replace(
        rs,
        spec=replace(
            spec,
            replicas=1 if spec.replicas is None else spec.replicas,
            template=default_template(spec.template),
        ),
    )


def default_pod(pod: Pod) -> Pod:
    """``SetDefaults_Pod`` and its spec's: the containers and policies a template gets."""
    template = default_template(PodTemplateSpec(metadata=pod.metadata, spec=pod.spec))
    return replace(pod, spec=template.spec)


def default_service(svc: Service) -> Service:
    ports = tuple(
        replace(
            p,
            protocol=p.protocol or "TCP",
            target_port=p.port if p.target_port is None else p.target_port,
        )
        for p in svc.spec.ports
    )
    extra = {"sessionAffinity": "None", **svc.spec.extra}
    return replace(
        svc, spec=replace(svc.spec, type=svc.spec.type or "ClusterIP", ports=ports, extra=extra)
    )
