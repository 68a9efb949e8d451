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
from rollsim.summary import RolloutSummary
from rollsim.timeline import Timeline
from rollsim.traffic import Traffic

__all__ = ["Action", "Scenario"]


@dataclass(frozen=True)
class Action:
    """At ``time``, apply ``apply`` (anything ``Cluster.apply`` takes) or run ``kubectl``."""

    time: float
    apply: Any = None
    kubectl: str | None = None

    def __post_init__(self) -> None:
        if (self.apply is None) == (self.kubectl is None):
            raise ValueError("an Action takes exactly one of apply= or kubectl=")
        if self.time < 0:
            raise ValueError(f"Action.time must be >= 0, got {self.time}")


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

    def run(self, seed: int | None = None) -> Cluster:
        """Play the scenario on a new cluster and return it, settled at the end."""
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
        or else the only Deployment among the manifests."""
        documents = [obj for obj, _ in load_documents(self.manifests)]
        if self.target is not None:
            kind_text, _, name = self.target.rpartition("/")
            info = lookup(kind_text or "deployment")
            kind = info.kind if info is not None else "Deployment"
            namespaces = [
                d.metadata.namespace
                for d in documents
                if d.kind == kind and d.metadata.name == name
            ]
            return f"{kind.lower()}/{name}", (namespaces[0] if namespaces else "") or "default"
        found = [obj for obj in documents if obj.kind == "Deployment"]
        if len(found) != 1:
            raise ValueError(f"name the scenario's target: it has {len(found)} Deployments")
        return f"deployment/{found[0].metadata.name}", found[0].metadata.namespace or "default"

    def timeline(self, seed: int | None = None) -> Timeline:
        """The target's timeline after a run with ``seed``."""
        target, namespace = self.target_ref()
        return self.run(seed).timeline(target, namespace)

    def summary(self, seed: int | None = None) -> RolloutSummary:
        """The target's rollout summary after a run with ``seed``."""
        target, namespace = self.target_ref()
        return self.run(seed).summary(target, namespace)
