"""Findings of the property suite, pinned as minimal counterexamples.

Both are upstream Kubernetes behaviour that rollsim reproduces on purpose: the
invariants flag them, as a user should be told.
"""

from __future__ import annotations

from typing import Any

import rollsim
from rollsim.scenario import Action
from rollsim.testing import (
    RolloutScenario,
    check_scenario,
    run_scenario,
)
from rollsim.testing.invariants import RANKING_NOTE


def web(replicas: int, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "app:v1"}]},
            },
            **spec,
        },
    }


def test_upstream_pod_ranking_can_break_max_unavailable() -> None:
    """Upstream behaviour, reproduced: 3 replicas, maxSurge 67%, maxUnavailable 0,
    minReadySeconds 5, pods ready within 0-3 s, a new image at t=0.
    ``cleanupUnhealthyReplicas`` scales the old ReplicaSet down by its 2 pods not yet
    available, but ``getPodsToDelete`` ranks Ready pods by Ready time (same log2
    bucket, then UID), deletes the available one, and availability drops to 2 < 3."""
    scenario = RolloutScenario(
        manifests=[
            web(
                3,
                minReadySeconds=5,
                strategy={
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": "67%", "maxUnavailable": 0},
                },
            )
        ],
        actions=(Action(time=0, kubectl="set image deployment/web app=app:v2"),),
        pods=rollsim.PodBehavior(
            startup=rollsim.dist.Uniform(0.0, 3.0),
            shutdown=rollsim.dist.Empirical((0.0, 0.0)),
        ),
        # Pod timings have their own random stream; seed 9 is the first whose
        # start (Ready) times give two old pods not yet available beside an available one.
        seed=9,
    )
    found = check_scenario(scenario)
    assert [v.invariant for v in found] == ["min-available"]
    assert RANKING_NOTE in found[0].actual
    assert "= 3" in found[0].expected and found[0].actual.startswith("2 ")


def test_upstream_sync_path_runs_two_versions_under_recreate() -> None:
    """Upstream behaviour, reproduced: pausing a Recreate rollout while old pods still
    terminate makes ``scale`` (``FindActiveOrLatest``: no active ReplicaSet, so the
    newest) start the new pods at once. The invariant is disarmed while paused."""
    scenario = RolloutScenario(
        manifests=[web(1, strategy={"type": "Recreate"})],
        actions=(
            Action(time=0, kubectl="set image deployment/web app=app:v2"),
            Action(time=0, kubectl="rollout undo deployment/web"),
            Action(time=1, kubectl="rollout pause deployment/web"),
        ),
        images={"app:v2": rollsim.PodBehavior(shutdown=2.0, never_ready=True)},
        seed=0,
    )
    cluster = run_scenario(scenario)
    assert check_scenario(scenario) == []
    cluster_at_1 = rollsim.Cluster(seed=0, images=scenario.images)
    cluster_at_1.apply(scenario.manifests)
    cluster_at_1.run(until=0)
    for action in scenario.actions:
        cluster_at_1.run(until=action.time)
        assert action.kubectl is not None
        cluster_at_1.kubectl(action.kubectl)
    cluster_at_1.run(until=1)
    pods = {
        rs.metadata.name: cluster_at_1.kubelet.index.owner_pods(rs.metadata.uid)
        for rs in cluster_at_1.list("replicaset")
    }
    running = sorted(name for name, p in pods.items() if p.active + p.terminating)
    assert len(running) == 2, running
    assert cluster.get("deployment/web").spec.paused
