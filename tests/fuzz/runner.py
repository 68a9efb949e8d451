"""Classify a mutated manifest or a kubectl line against a cluster built once per process.

The pristine clusters (an empty one for manifests, one holding an object of
every kind for kubectl lines) are built in the parent and inherited by each
forked child, so every case starts from exactly the same world for ~15 ms.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import rollsim

from .isolation import TIMEOUT, Outcome, isolated
from .oracle import apply_case, probe, run_line_case

_ROOT = Path(__file__).resolve().parents[2]
#: The world a kubectl line runs against: a Deployment, a Service, a Flagger Canary
#: with its Deployment, an AnalysisTemplate and a traffic-routed Argo Rollout, each
#: already through one update so history, undo and promote have something to act on.
KUBECTL_WORLD = [
    "examples/ngx-dep-v1.yaml",
    "tests/fuzz/seeds/service.yaml",
    "tests/fuzz/seeds/canary-flagger.yaml",
    "tests/fuzz/seeds/rollout-routed-analysis.yaml",
]


#: The simulation budget of the fuzz clusters (``Cluster(max_pods=...)``), which the
#: oracle judges sizes against. Not the default's two million: an accepted size must
#: also run its minute and be read back inside the hang limit, and measured here one
#: Deployment of 10,000 replicas does so in 0.3 s, 100,000 in 3.2 s, while 1,000,000
#: ends in MemoryError under the child's ceiling after 14 s. The budget's check is the
#: same at any limit, so sizes just past it exercise it as 10^9 does past the default.
MAX_PODS = 10_000


def _pristine() -> rollsim.Cluster:
    return rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0), max_pods=MAX_PODS)


@functools.cache
def empty_world() -> tuple[rollsim.Cluster, tuple[str, str]]:
    """An empty cluster and the probe Service's ClusterIP and UID in it."""
    cluster = _pristine()
    return cluster, _baseline(cluster)


def _baseline(cluster: rollsim.Cluster) -> tuple[str, str]:
    """What the probe Service gets in ``cluster`` when nothing else happened (in a child,
    so ``cluster`` stays pristine)."""

    def case() -> Outcome:
        return Outcome("accepted", notes=list(probe(cluster)))

    outcome = isolated(case)
    if outcome.kind != "accepted":
        raise RuntimeError(f"the probe itself failed: {outcome.describe()}")
    ip, uid = outcome.notes
    return ip, uid


def _build_kubectl_world() -> rollsim.Cluster:
    cluster = _pristine()
    for path in KUBECTL_WORLD:
        cluster.apply((_ROOT / path).read_text())
    cluster.run(until=20)
    cluster.set_image("deployment/ngx-dep", nginx="nginx:1.25-alpine")
    cluster.set_image("rollout/web", web="web:2")
    cluster.set_image("deployment/podinfo", podinfo="podinfo:2")
    cluster.run(until=40)
    return cluster


@functools.cache
def kubectl_world() -> tuple[rollsim.Cluster, tuple[str, str]]:
    """The cluster kubectl lines run against, and its probe baseline."""
    cluster = _build_kubectl_world()
    return cluster, _baseline(cluster)


def manifest_outcome(payload: Any, timeout: float = TIMEOUT) -> Outcome:
    """Apply ``payload`` (text, dicts or a path) to a fresh cluster and classify it."""
    cluster, baseline = empty_world()
    return isolated(apply_case(cluster, payload, baseline), timeout)


def kubectl_outcome(line: str, stdin: str | None = None, timeout: float = TIMEOUT) -> Outcome:
    """Run one kubectl line against the kubectl world and classify it."""
    cluster, baseline = kubectl_world()
    return isolated(run_line_case(cluster, line, stdin, baseline), timeout)
