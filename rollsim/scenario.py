"""A rollout experiment as one reusable value: manifests, pods, traffic and timed actions.

``Scenario.run()`` builds a fresh ``Cluster``, applies the manifests at t=0,
starts the traffic, performs each action at its time, then runs until the
target's rollout completes (or ``until``). Same scenario and seed, same run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rollsim.api.kinds import lookup
from rollsim.api.manifest import load_documents
from rollsim.behavior import PodBehavior
from rollsim.cluster import Cluster
from rollsim.dist import check_seconds, invalid_argument
from rollsim.summary import RolloutSummary
from rollsim.timeline import Timeline
from rollsim.traffic import Traffic

__all__ = ["Action", "Scenario"]

#: The kinds whose rollout a scenario follows, the one driving the others first: a
#: Flagger Canary drives its target Deployment, an Argo Rollout with workloadRef runs
#: the template of a Deployment it references.
_WORKLOAD_KINDS = ("Canary", "Rollout", "Deployment")


def _only_workload(documents: Sequence[Any]) -> tuple[str, str]:
    """(``kind/NAME``, namespace) of the one workload among decoded ``documents``: the
    only Canary, else the only Rollout, else the only Deployment. Every other kind
    (Namespaces, ConfigMaps, Services, HPAs, inert objects) is not a workload; a
    document without a namespace is in ``default``, where ``apply`` puts it."""
    for kind in _WORKLOAD_KINDS:
        found = [obj for obj in documents if obj.kind == kind]
        if len(found) > 1:
            plural = f"{kind}s" if kind != "Canary" else "Canaries"
            raise ValueError(f"name the scenario's target: it has {len(found)} {plural}")
        if found:
            return f"{kind.lower()}/{found[0].metadata.name}", found[0].metadata.namespace or (
                "default"
            )
    raise ValueError("name the scenario's target: it has no Deployment, Rollout or Canary")


def _check_traffic(traffic: Any) -> None:
    """``traffic``: none, one ``Traffic`` or a list of them."""
    flows = [traffic] if isinstance(traffic, Traffic) else traffic
    if flows is None:
        return
    if isinstance(flows, (str, bytes)) or not isinstance(flows, Sequence):
        raise invalid_argument("Scenario", "traffic", traffic, "must be a Traffic or a list")
    if not all(isinstance(t, Traffic) for t in flows):
        raise invalid_argument("Scenario", "traffic", traffic, "must be a Traffic or a list")


def _check_latency(latency: Any) -> None:
    """``latency``: seconds, or seconds per controller name."""
    if isinstance(latency, Mapping):
        for name, seconds in latency.items():
            if not isinstance(name, str):
                raise invalid_argument(
                    "Scenario", "latency", latency, "must map controller names to seconds"
                )
            check_seconds("Scenario", f"latency[{name}]", seconds)
        return
    check_seconds("Scenario", "latency", latency)


def _check_seed(seed: Any) -> None:
    """A seed NumPy's ``SeedSequence`` takes: a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise invalid_argument("Scenario", "seed", seed, "must be a non-negative integer")


@dataclass(frozen=True)
class Action:
    """At ``time``, apply ``apply`` (anything ``Cluster.apply`` takes) or run ``kubectl``."""

    time: float
    apply: Any = None
    kubectl: str | None = None

    def __post_init__(self) -> None:
        if (self.apply is None) == (self.kubectl is None):
            raise invalid_argument(
                "Action",
                "kubectl",
                self.kubectl,
                "an Action takes exactly one of apply= or kubectl=",
            )
        if self.kubectl is not None and not isinstance(self.kubectl, str):
            raise invalid_argument("Action", "kubectl", self.kubectl, "must be a command line")
        check_seconds("Action", "time", self.time)


@dataclass(frozen=True)
class Scenario:
    """Everything one simulated rollout needs.

    ``target`` names the Deployment whose rollout ends the run (default: the
    only Deployment in ``manifests``). After the last action the run goes on
    until that rollout completes, at most ``timeout`` more seconds, then to
    ``until`` if that is later.
    """

    manifests: Any
    actions: Sequence[Action] = ()
    pods: PodBehavior = field(default_factory=PodBehavior)
    images: Mapping[str, PodBehavior] = field(default_factory=dict)
    traffic: Traffic | Sequence[Traffic] | None = None
    target: str | None = None
    until: float | None = None
    timeout: float = 3600.0
    latency: float | Mapping[str, float] = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        """Refuse, naming the field, what ``run`` would otherwise trip over deep inside
        the cluster: wrong types, negative or non-finite times, a negative seed."""
        if isinstance(self.actions, (str, bytes)) or not all(
            isinstance(a, Action) for a in self.actions
        ):
            raise invalid_argument("Scenario", "actions", self.actions, "must be a list of Actions")
        if not isinstance(self.pods, PodBehavior):
            raise invalid_argument("Scenario", "pods", self.pods, "must be a PodBehavior")
        if not isinstance(self.images, Mapping) or not all(
            isinstance(k, str) and isinstance(v, PodBehavior) for k, v in self.images.items()
        ):
            raise invalid_argument(
                "Scenario", "images", self.images, "must map image names to PodBehaviors"
            )
        _check_traffic(self.traffic)
        if self.target is not None and not isinstance(self.target, str):
            raise invalid_argument("Scenario", "target", self.target, "must be KIND/NAME or NAME")
        if self.until is not None:
            check_seconds("Scenario", "until", self.until)
        check_seconds("Scenario", "timeout", self.timeout)
        _check_latency(self.latency)
        _check_seed(self.seed)

    def run(self, seed: int | None = None) -> Cluster:
        """Play the scenario on a new cluster and return it, settled at the end."""
        if seed is not None:
            _check_seed(seed)
        cluster = Cluster(
            seed=self.seed if seed is None else seed,
            pods=self.pods,
            images=self.images,
            latency=self.latency,
        )
        cluster.apply(self.manifests)
        target, namespace = self.target_ref()
        traffic = [self.traffic] if isinstance(self.traffic, Traffic) else list(self.traffic or [])
        for t in traffic:
            cluster.add_traffic(t)
        for action in sorted(self.actions, key=lambda a: a.time):
            cluster.run(until=max(action.time, cluster.now))
            if action.apply is not None:
                cluster.apply(action.apply)
            else:
                assert action.kubectl is not None
                cluster.kubectl(action.kubectl)
        cluster.run_until_complete(target, timeout=self.timeout, namespace=namespace)
        if self.until is not None and self.until > cluster.now:
            cluster.run(until=self.until)
        return cluster

    def target_ref(self) -> tuple[str, str]:
        """(``kind/NAME``, namespace) of the workload whose rollout ends the run: ``target``,
        or else the manifests' only workload (see ``_only_workload``)."""
        documents = [obj for obj, _ in load_documents(self.manifests)]
        if self.target is not None:
            kind_text, _, name = self.target.rpartition("/")
            info = lookup(kind_text or "deployment")
            if info is None:
                raise invalid_argument(
                    "Scenario",
                    "target",
                    self.target,
                    f'the server doesn\'t have a resource type "{kind_text}"',
                )
            kind = info.kind
            namespaces = [
                d.metadata.namespace
                for d in documents
                if d.kind == kind and d.metadata.name == name
            ]
            return f"{kind.lower()}/{name}", (namespaces[0] if namespaces else "") or "default"
        return _only_workload(documents)

    def timeline(self, seed: int | None = None) -> Timeline:
        """The target's timeline after a run with ``seed``."""
        target, namespace = self.target_ref()
        return self.run(seed).timeline(target, namespace)

    def summary(self, seed: int | None = None) -> RolloutSummary:
        """The target's rollout summary after a run with ``seed``."""
        target, namespace = self.target_ref()
        return self.run(seed).summary(target, namespace)
