"""One registry of the kinds rollsim knows: names, decoding, and what a workload reports.

Mirrors what the API server's discovery (``kubectl api-resources``) and its
RESTMapper tell a client: each kind's group/version, plural resource name,
short names and whether it is namespaced; plus, for the kinds rollsim
decodes, how a manifest becomes an object (type, defaulting, validation).

Kinds that run ReplicaSets (Deployment, Argo's Rollout, Flagger's Canary)
also carry a ``Workload``: how the metrics recorder reads their facts and how
``run_until_complete`` tells a finished rollout. Controllers attach it when
their module is imported (``register_workload``), since the facts use their
arithmetic; the registry itself depends on nothing above the API layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.argo import (
    AnalysisTemplate,
    Rollout,
    default_rollout,
    validate_analysis_template,
    validate_rollout,
)
from rollsim.api.core import Service
from rollsim.api.defaults import default_deployment, default_replica_set, default_service
from rollsim.api.errors import FieldError
from rollsim.api.flagger import Canary, default_canary, validate_canary
from rollsim.api.validation import validate_deployment, validate_replica_set, validate_service

__all__ = [
    "KINDS",
    "Decoding",
    "KindInfo",
    "RolloutStatus",
    "Workload",
    "WorkloadFacts",
    "decodable",
    "kind_info",
    "lookup",
    "owned_replica_sets",
    "register_kind",
    "register_rollout_status",
    "register_workload",
    "workloads",
]


@dataclass(frozen=True)
class WorkloadFacts:
    """What the recorder reads from a workload object and its ReplicaSets."""

    desired: int
    updated: int
    min_available: int
    max_pods: int
    #: The ReplicaSets running the version being rolled out (usually one; a Flagger
    #: canary and its promoted primary are two).
    new_replica_sets: tuple[ReplicaSet, ...]
    complete: bool
    #: What identifies the version: a change of it starts a new rollout.
    template: Any


#: A workload's ReplicaSets, read from the store (default: those it controls).
ReplicaSetsReader = Callable[[Any, Any], list[ReplicaSet]]


def owned_replica_sets(store: Any, obj: Any) -> list[ReplicaSet]:
    """The ReplicaSets whose controller is ``obj`` (the default for a workload)."""
    owned: list[ReplicaSet] = store.owned_replica_sets(obj.metadata.uid)
    return owned


@dataclass(frozen=True)
class Workload:
    """How one workload kind is observed.

    ``facts`` reads the gauges of a row; ``revision`` numbers a ReplicaSet;
    ``replica_sets`` finds the workload's ReplicaSets in the store.
    """

    facts: Callable[[Any, Sequence[ReplicaSet]], WorkloadFacts]
    revision: Callable[[ReplicaSet], int]
    replica_sets: ReplicaSetsReader = owned_replica_sets


#: ``complete``, ``failed`` (nothing more happens without a user: an Argo abort, a
#: failed Flagger analysis) or ``running``, from the object and its ReplicaSets.
RolloutStatus = Callable[[Any, Sequence[ReplicaSet]], str]


@dataclass(frozen=True)
class Decoding:
    """How ``apply`` turns a manifest of ``kind`` into an object: the type it decodes
    into, the API server's defaulting, then its validation."""

    kind: str
    cls: type[Any]
    default: Callable[[Any], Any]
    validate: Callable[[Any], list[FieldError]]


@dataclass(frozen=True)
class KindInfo:
    """One kind: its names as discovery lists them, and how a manifest of it is read.

    ``decoding`` is set for the kinds ``apply`` decodes;
    ``versioned`` is false where the registry strategy keeps no
    ``metadata.generation`` (a Service).
    """

    api_version: str
    kind: str
    plural: str
    short_names: tuple[str, ...] = ()
    namespaced: bool = True
    decoding: Decoding | None = None
    versioned: bool = True
    workload: Workload | None = None
    rollout_status: RolloutStatus | None = None

    @property
    def group(self) -> str:
        """The API group: ``apps`` for apps/v1, empty for the core group."""
        return self.api_version.rpartition("/")[0]

    @property
    def resource(self) -> str:
        """``deployments.apps``: the plural with its group, as API errors name it."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def singular(self) -> str:
        """``deployment.apps``: how kubectl names an object it created or deleted."""
        name = self.kind.lower()
        return f"{name}.{self.group}" if self.group else name

    @property
    def group_kind(self) -> str:
        """``Deployment.apps``: the GroupKind kubectl's messages print."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    @property
    def names(self) -> tuple[str, ...]:
        """Every name kubectl accepts for the kind (lower-cased)."""
        return (self.kind.lower(), self.plural, *self.short_names)


#: Every kind, by its ``kind``.
KINDS: dict[str, KindInfo] = {}
_BY_NAME: dict[str, str] = {}
_BY_VERSION: dict[tuple[str, str], str] = {}


def register_kind(info: KindInfo) -> None:
    """Make a kind known: addressable by its names and, with ``cls``, loadable."""
    KINDS[info.kind] = info
    _BY_VERSION[(info.api_version, info.kind)] = info.kind
    for name in info.names:
        _BY_NAME[name] = info.kind


def register_workload(kind: str, workload: Workload) -> None:
    """Record timelines (and rollout completion) for ``kind`` as ``workload`` says."""
    KINDS[kind] = replace(KINDS[kind], workload=workload)


def register_rollout_status(kind: str, status: RolloutStatus) -> None:
    """Let ``run_until_complete`` follow a rollout of ``kind``."""
    KINDS[kind] = replace(KINDS[kind], rollout_status=status)


def lookup(name: str) -> KindInfo | None:
    """The kind a kubectl resource name means: ``deploy``, ``deployments.apps``, ``Pod``."""
    lowered = name.lower()
    kind = _BY_NAME.get(lowered) or _BY_NAME.get(lowered.split(".", 1)[0])
    return KINDS[kind] if kind is not None else None


def kind_info(kind: str) -> KindInfo:
    """The registered ``kind`` (exact ``Kind`` spelling)."""
    return KINDS[kind]


def decodable(api_version: str, kind: str) -> Decoding | None:
    """How ``apply`` decodes this apiVersion and kind, if it does."""
    found = _BY_VERSION.get((api_version, kind))
    return KINDS[found].decoding if found is not None else None


def workloads() -> dict[str, Workload]:
    """The kinds the recorder samples, in registration order."""
    return {k: info.workload for k, info in KINDS.items() if info.workload is not None}


def _identity(obj: Any) -> Any:
    return obj


register_kind(
    KindInfo(
        "apps/v1",
        "Deployment",
        "deployments",
        ("deploy",),
        decoding=Decoding("Deployment", Deployment, default_deployment, validate_deployment),
    )
)
register_kind(
    KindInfo(
        "apps/v1",
        "ReplicaSet",
        "replicasets",
        ("rs",),
        decoding=Decoding("ReplicaSet", ReplicaSet, default_replica_set, validate_replica_set),
    )
)
register_kind(
    KindInfo(
        "v1",
        "Service",
        "services",
        ("svc",),
        decoding=Decoding("Service", Service, default_service, validate_service),
        versioned=False,
    )
)
# The kubelet, not ``apply``, makes pods: the kind is known by name only.
register_kind(KindInfo("v1", "Pod", "pods", ("po",)))
register_kind(KindInfo("v1", "Event", "events", ("ev",)))
register_kind(
    KindInfo(
        "argoproj.io/v1alpha1",
        "Rollout",
        "rollouts",
        ("ro",),
        decoding=Decoding("Rollout", Rollout, default_rollout, validate_rollout),
    )
)
register_kind(
    KindInfo(
        "argoproj.io/v1alpha1",
        "AnalysisTemplate",
        "analysistemplates",
        decoding=Decoding(
            "AnalysisTemplate", AnalysisTemplate, _identity, validate_analysis_template
        ),
    )
)
register_kind(
    KindInfo(
        "flagger.app/v1beta1",
        "Canary",
        "canaries",
        decoding=Decoding("Canary", Canary, default_canary, validate_canary),
    )
)
