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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.argo import (
    AnalysisTemplate,
    ClusterAnalysisTemplate,
    Rollout,
    default_rollout,
    validate_analysis_template,
    validate_rollout,
)
from rollsim.api.core import Pod, Service
from rollsim.api.defaults import (
    default_deployment,
    default_pod,
    default_replica_set,
    default_service,
)
from rollsim.api.discovery import INERT_KINDS, guess_plural, reserved
from rollsim.api.errors import FieldError
from rollsim.api.flagger import (
    Canary,
    MetricTemplate,
    default_canary,
    validate_canary,
    validate_metric_template,
)
from rollsim.api.validation import (
    validate_deployment,
    validate_pod,
    validate_replica_set,
    validate_service,
)

__all__ = [
    "KINDS",
    "Decoding",
    "Discovery",
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

    ``decoding`` is set for the kinds ``apply`` decodes into simulated objects;
    ``inert`` for the kinds it stores without simulating (``rollsim.api.inert``);
    ``versioned`` is false where the registry strategy keeps no
    ``metadata.generation`` (a Service). ``key`` is the registry's key when the
    Kind alone is taken by another group (``Gateway.networking.istio.io``).
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
    inert: bool = False
    #: Every apiVersion the kind is served at beyond ``api_version``.
    other_versions: tuple[str, ...] = ()
    key: str = ""
    name_is_label: bool = False
    #: Names guessed for a custom resource whose CustomResourceDefinition was not seen.
    guessed: bool = False

    @property
    def store_key(self) -> str:
        """What the registry and the store file the kind under: the Kind, unless taken."""
        return self.key or self.kind

    @property
    def versions(self) -> tuple[str, ...]:
        """Every apiVersion a manifest of the kind may name."""
        return (self.api_version, *self.other_versions)

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
        """Every name kubectl accepts for the kind (lower-cased), bare and with the group."""
        bare = (self.kind.lower(), self.plural, *self.short_names)
        if not self.group:
            return bare
        return (*bare, *(f"{name}.{self.group}" for name in bare))


class _Index:
    """Kinds by key, by every name kubectl accepts, and by (apiVersion, Kind)."""

    def __init__(self) -> None:
        self.kinds: dict[str, KindInfo] = {}
        self.by_name: dict[str, str] = {}
        self.by_version: dict[tuple[str, str], str] = {}

    def add(self, info: KindInfo) -> None:
        """File ``info``; a name another kind already answers to stays that kind's."""
        key = info.store_key
        self.kinds[key] = info
        for version in info.versions:
            self.by_version[(version, info.kind)] = key
        for name in info.names:
            self.by_name.setdefault(name, key)

    def lookup(self, name: str) -> KindInfo | None:
        """``deploy``, ``deployments.apps``, ``deployments.v1.apps``, ``Pod``."""
        lowered = name.lower()
        key = self.by_name.get(lowered)
        if key is None:
            # ``deployments.v1.apps``: a resource, a version, then the group.
            head, _, rest = lowered.partition(".")
            _version, _, group = rest.partition(".")
            key = self.by_name.get(f"{head}.{group}") if group else None
        return self.kinds[key] if key is not None else None


#: Every kind, by its key (``store_key``: the Kind unless two groups share it).
_STATIC = _Index()
KINDS: dict[str, KindInfo] = _STATIC.kinds


def register_kind(info: KindInfo) -> None:
    """Make a kind known: addressable by its names and, with ``decoding``, loadable."""
    _STATIC.add(info)


def register_workload(kind: str, workload: Workload) -> None:
    """Record timelines (and rollout completion) for ``kind`` as ``workload`` says."""
    KINDS[kind] = replace(KINDS[kind], workload=workload)


def register_rollout_status(kind: str, status: RolloutStatus) -> None:
    """Let ``run_until_complete`` follow a rollout of ``kind``."""
    KINDS[kind] = replace(KINDS[kind], rollout_status=status)


def lookup(name: str) -> KindInfo | None:
    """The kind a kubectl resource name means: ``deploy``, ``deployments.apps``, ``Pod``."""
    return _STATIC.lookup(name)


def kind_info(kind: str) -> KindInfo:
    """The registered kind of key ``kind`` (exact ``Kind`` spelling)."""
    return KINDS[kind]


def decodable(api_version: str, kind: str) -> Decoding | None:
    """How ``apply`` decodes this apiVersion and kind into a simulated object, if it does."""
    found = _STATIC.by_version.get((api_version, kind))
    return KINDS[found].decoding if found is not None else None


class Discovery:
    """The kinds one cluster serves: the registry's, and the custom resources it has
    learned, from a CustomResourceDefinition or from the first object of a kind no
    CRD named (its names guessed as kubectl guesses them).

    Mirrors the API server's discovery as a client's RESTMapper reads it; kept per
    cluster, so what one cluster learned never changes another's names.
    """

    def __init__(self) -> None:
        self._learned = _Index()

    def info(self, key: str) -> KindInfo:
        """The kind filed under ``key``."""
        return self._learned.kinds.get(key) or KINDS[key]

    def lookup(self, name: str) -> KindInfo | None:
        """The kind a resource name on the command line means."""
        return _STATIC.lookup(name) or self._learned.lookup(name)

    def learned(self) -> list[KindInfo]:
        """The custom kinds learned so far, in the order they were."""
        return list(self._learned.kinds.values())

    def resolve(self, api_version: str, kind: str) -> KindInfo | None:
        """The kind a manifest's apiVersion and Kind name: a registered or learned one;
        for a group that is not reserved, a guessed custom resource (not yet learned);
        None where the API server would answer ``no matches for kind``."""
        key = _STATIC.by_version.get((api_version, kind)) or self._learned.by_version.get(
            (api_version, kind)
        )
        if key is not None:
            return self.info(key)
        group = api_version.rpartition("/")[0]
        if reserved(group) or not kind or "/" in group:
            return None
        plural = guess_plural(kind)
        return self._custom(api_version, kind, plural, (), namespaced=True, guessed=True)

    def _custom(
        self,
        api_version: str,
        kind: str,
        plural: str,
        short_names: tuple[str, ...],
        namespaced: bool,
        guessed: bool,
        other_versions: tuple[str, ...] = (),
    ) -> KindInfo:
        group = api_version.rpartition("/")[0]
        taken = kind in KINDS or kind in self._learned.kinds
        previous = self._learned.kinds.get(f"{kind}.{group}") or self._learned.kinds.get(kind)
        if previous is not None and previous.group == group:
            key = previous.key
        else:
            key = f"{kind}.{group}" if taken else ""
        return KindInfo(
            api_version,
            kind,
            plural,
            short_names,
            namespaced,
            inert=True,
            other_versions=other_versions,
            key=key,
            guessed=guessed,
        )

    def learn(self, info: KindInfo) -> None:
        """Serve ``info`` from now on (a no-op for a registered kind)."""
        if info.store_key not in KINDS:
            self._learned.add(info)

    def learn_definition(self, crd: Any) -> KindInfo | None:
        """Serve the kind a CustomResourceDefinition defines, replacing any guess; None
        for a CRD of a kind the registry already has."""
        spec = crd.content.get("spec") or {}
        names = spec.get("names") or {}
        versions = [v.get("name") for v in spec.get("versions") or () if isinstance(v, Mapping)]
        group, kind = spec.get("group"), names.get("kind")
        if not (group and kind and versions) or (f"{group}/{versions[0]}", kind) in (
            _STATIC.by_version
        ):
            return None
        info = self._custom(
            f"{group}/{versions[0]}",
            kind,
            names.get("plural") or guess_plural(kind),
            tuple(names.get("shortNames") or ()),
            namespaced=spec.get("scope") != "Cluster",
            guessed=False,
            other_versions=tuple(f"{group}/{v}" for v in versions[1:]),
        )
        self._learned.add(info)
        return info


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
# A bare pod is applied like any object; the kubelet runs it (``Kubelet.serve``).
register_kind(
    KindInfo("v1", "Pod", "pods", ("po",), decoding=Decoding("Pod", Pod, default_pod, validate_pod))
)
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
        # The CRD's shortNames (argo-rollouts manifests/crds/analysis-template-crd.yaml).
        ("at",),
        decoding=Decoding(
            "AnalysisTemplate", AnalysisTemplate, _identity, validate_analysis_template
        ),
    )
)
# Rollouts' clusterScope templates run its metrics, as an AnalysisTemplate's.
register_kind(
    KindInfo(
        "argoproj.io/v1alpha1",
        "ClusterAnalysisTemplate",
        "clusteranalysistemplates",
        ("cat",),
        namespaced=False,
        decoding=Decoding(
            "ClusterAnalysisTemplate",
            ClusterAnalysisTemplate,
            _identity,
            validate_analysis_template,
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
# A Canary's templateRef metrics run its query (controllers/canary_metrics.py).
register_kind(
    KindInfo(
        "flagger.app/v1beta1",
        "MetricTemplate",
        "metrictemplates",
        decoding=Decoding("MetricTemplate", MetricTemplate, _identity, validate_metric_template),
    )
)

for known in INERT_KINDS:
    register_kind(
        KindInfo(
            known.versions[0],
            known.kind,
            known.plural,
            known.short_names,
            known.namespaced,
            versioned=known.versioned,
            inert=True,
            other_versions=known.versions[1:],
            key=known.kind
            if known.kind not in KINDS
            else f"{known.kind}.{known.versions[0].rpartition('/')[0]}",
            name_is_label=known.name_is_label,
        )
    )
