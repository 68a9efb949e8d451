"""apps/v1 objects: Deployment and ReplicaSet.

Field names follow the wire schema in snake_case. Status objects are
immutable too: a controller writes a new status rather than mutating one,
as a client of the API server would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rollsim.api.core import PodTemplateSpec
from rollsim.api.meta import LabelSelector, ObjectMeta

__all__ = [
    "Deployment",
    "DeploymentCondition",
    "DeploymentSpec",
    "DeploymentStatus",
    "DeploymentStrategy",
    "ReplicaSet",
    "ReplicaSetCondition",
    "ReplicaSetSpec",
    "ReplicaSetStatus",
    "RollingUpdateDeployment",
]

IntOrString = int | str


@dataclass(frozen=True)
class RollingUpdateDeployment:
    max_unavailable: IntOrString | None = None
    max_surge: IntOrString | None = None


@dataclass(frozen=True)
class DeploymentStrategy:
    type: str = field(default="", metadata={"go": "v1.DeploymentStrategyType"})
    rolling_update: RollingUpdateDeployment | None = None


@dataclass(frozen=True)
class DeploymentSpec:
    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)
    strategy: DeploymentStrategy = field(default_factory=DeploymentStrategy)
    min_ready_seconds: int = field(default=0, metadata={"omitempty": True})
    revision_history_limit: int | None = None
    paused: bool = False
    progress_deadline_seconds: int | None = None


@dataclass(frozen=True)
class DeploymentCondition:
    type: str = ""
    status: str = ""
    last_update_time: float | None = field(default=None, metadata={"time": True})
    last_transition_time: float | None = field(default=None, metadata={"time": True})
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class DeploymentStatus:
    observed_generation: int = field(default=0, metadata={"omitempty": True, "go": "int64"})
    replicas: int = field(default=0, metadata={"omitempty": True})
    updated_replicas: int = field(default=0, metadata={"omitempty": True})
    ready_replicas: int = field(default=0, metadata={"omitempty": True})
    available_replicas: int = field(default=0, metadata={"omitempty": True})
    unavailable_replicas: int = field(default=0, metadata={"omitempty": True})
    conditions: tuple[DeploymentCondition, ...] = ()
    collision_count: int | None = None


@dataclass(frozen=True)
class Deployment:
    api_version: str = "apps/v1"
    kind: str = "Deployment"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: DeploymentSpec = field(default_factory=DeploymentSpec)
    status: DeploymentStatus = field(default_factory=DeploymentStatus)

    @property
    def replicas(self) -> int:
        """``spec.replicas`` after defaulting (1 when unset)."""
        return 1 if self.spec.replicas is None else self.spec.replicas


@dataclass(frozen=True)
class ReplicaSetSpec:
    replicas: int | None = None
    min_ready_seconds: int = field(default=0, metadata={"omitempty": True})
    selector: LabelSelector | None = None
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)


@dataclass(frozen=True)
class ReplicaSetCondition:
    type: str = ""
    status: str = ""
    last_transition_time: float | None = field(default=None, metadata={"time": True})
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class ReplicaSetStatus:
    replicas: int = 0
    fully_labeled_replicas: int = field(default=0, metadata={"omitempty": True})
    ready_replicas: int = field(default=0, metadata={"omitempty": True})
    available_replicas: int = field(default=0, metadata={"omitempty": True})
    observed_generation: int = field(default=0, metadata={"omitempty": True, "go": "int64"})
    conditions: tuple[ReplicaSetCondition, ...] = ()


@dataclass(frozen=True)
class ReplicaSet:
    api_version: str = "apps/v1"
    kind: str = "ReplicaSet"
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: ReplicaSetSpec = field(default_factory=ReplicaSetSpec)
    status: ReplicaSetStatus = field(default_factory=ReplicaSetStatus)

    @property
    def replicas(self) -> int:
        """``spec.replicas`` (0 when unset, as the controllers read ``*rs.Spec.Replicas``)."""
        return self.spec.replicas or 0
