"""Shared helpers of the progressive-delivery scenarios.

Conventions (every test file relies on them):

- ``cluster()`` gives fixed pod timings: with ``PodBehavior(startup=2.0)`` a pod
  created at ``t`` is Running and Ready at ``t + 2`` (no readinessProbe, no
  minReadySeconds), and a deleted pod leaves its ReplicaSet's counts at once.
- The control plane is idealised (zero latency): everything a controller does in
  reaction to a change happens at the same instant. Argo Rollouts reconciles
  whenever its Rollout or one of its ReplicaSets changes, and at the moments it
  asked to be requeued (end of a timed pause, next analysis measurement,
  scale-down deadlines).
- ReplicaSet names carry the opaque pod-template hash, so tests find a revision's
  ReplicaSet by the image of its template and build expected messages from it.

Nothing here computes an expected value: helpers only read what happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import rollsim

HASH = "rollouts-pod-template-hash"


def cluster(
    images: Mapping[str, rollsim.PodBehavior] | None = None, seed: int = 0
) -> rollsim.Cluster:
    """Every pod Ready 2 s after it is created; ``images`` overrides per image."""
    return rollsim.Cluster(seed=seed, pods=rollsim.PodBehavior(startup=2.0), images=images)


def behavior(**kwargs: Any) -> rollsim.PodBehavior:
    """A per-image behaviour with the same fixed 2 s startup."""
    return rollsim.PodBehavior(startup=2.0, **kwargs)


def rollout_yaml(
    name: str = "web",
    replicas: int = 10,
    image: str = "web:1",
    strategy: str = "",
    extra_spec: str = "",
) -> str:
    """A Rollout manifest; ``strategy`` is the YAML body under ``spec.strategy``
    (already indented by four spaces)."""
    return f"""
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: {name}, image: "{image}"}}]}}
{extra_spec}  strategy:
{strategy}"""


def service_yaml(name: str, app: str = "web", port: int = 80) -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {app}}}
  ports: [{{port: {port}}}]
"""


def success_rate_template(
    name: str = "success-rate",
    interval: str = "10s",
    count: int | None = 3,
    failure_limit: int | None = None,
    success: str = "result[0] >= 0.95",
    failure: str = "",
    initial_delay: str = "",
) -> str:
    """An AnalysisTemplate with one success-rate metric (a Prometheus query; rollsim
    reads the rate of non-failed requests the canary pods served in the window)."""
    lines = [f"  - name: {name}", f"    interval: {interval}", f'    successCondition: "{success}"']
    if failure:
        lines.append(f'    failureCondition: "{failure}"')
    if count is not None:
        lines.append(f"    count: {count}")
    if failure_limit is not None:
        lines.append(f"    failureLimit: {failure_limit}")
    if initial_delay:
        lines.append(f"    initialDelay: {initial_delay}")
    lines += [
        "    provider:",
        "      prometheus:",
        "        address: http://prometheus:9090",
        "        query: sum(rate(ok[1m])) / sum(rate(all[1m]))",
    ]
    body = "\n".join(lines)
    return f"""
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {{name: {name}}}
spec:
  metrics:
{body}
"""


def rollout(c: rollsim.Cluster, name: str = "web") -> Any:
    return c.get("rollout", name)


def replica_sets(c: rollsim.Cluster, name: str = "web") -> list[Any]:
    r = rollout(c, name)
    return c.store.owned_replica_sets(r.metadata.uid)


def rs_of(c: rollsim.Cluster, image: str, name: str = "web") -> Any:
    """The Rollout's ReplicaSet whose template runs ``image``."""
    found = [
        rs for rs in replica_sets(c, name) if rs.spec.template.spec.containers[0].image == image
    ]
    assert len(found) == 1, f"expected one ReplicaSet of {image}, found {len(found)}"
    return found[0]


def pod_hash(rs: Any) -> str:
    return str(rs.metadata.labels[HASH])


def events(
    c: rollsim.Cluster, kind: str = "Rollout", reason: str | None = None, since: float = 0.0
) -> list[tuple[float, str, str]]:
    """(time, reason, message) of the events of ``kind`` from ``since`` on."""
    return [
        (e.time, e.reason, e.message)
        for e in c.events
        if e.kind == kind and e.time >= since and (reason is None or e.reason == reason)
    ]


def messages(
    c: rollsim.Cluster, reason: str, since: float = 0.0, kind: str = "Rollout"
) -> list[tuple[float, str]]:
    return [(t, m) for t, _, m in events(c, kind, reason, since)]


def scaled(rs_name: str, revision: int, old: int, new: int) -> str:
    """Argo's ScalingReplicaSet message (conditions.ScalingReplicaSetMessage)."""
    direction = "up" if new > old else "down"
    return f"Scaled {direction} ReplicaSet {rs_name} (revision {revision}) from {old} to {new}"


def phase(c: rollsim.Cluster, name: str = "web") -> tuple[str, str]:
    r = rollout(c, name)
    return r.status.phase, r.status.message


def service_selector(c: rollsim.Cluster, name: str) -> dict[str, str]:
    return dict(c.get("service", name).spec.selector)


def share_at(timeline: Any, revision: int, t: float) -> float:
    """The traffic share of one revision's pods at ``t`` (after that instant settled)."""
    return round(timeline.by_revision[revision].at(t)["traffic_share"], 9)


def conservation(timeline: Any) -> tuple[float, float]:
    """(offered, served + failed) at the end of a timeline whose ReplicaSets receive
    all the traffic: served is what the ReplicaSets answered without failing, failed
    is every failed request (including those no endpoint could take)."""
    offered = float(timeline["requests"][-1])
    failed = float(timeline["errors"][-1])
    served = sum(
        float(rs["requests"][-1] - rs["errors"][-1]) for rs in timeline.by_replica_set.values()
    )
    return offered, served + failed
