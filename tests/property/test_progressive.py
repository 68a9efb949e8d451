"""Progressive delivery in the property suite: generated Argo Rollouts and Flagger
canaries keep every invariant, and the two progressive invariants catch what
they are about on hand-built timelines.

The generated runs check everything ``check_scenario`` checks (the watch's
online checks, the settled-state and timeline invariants, the progressive
``canary-weight`` and ``active-one-version``, determinism; liveness for the
Flagger target Deployment). Budgets scale with the Hypothesis profile.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from rollsim import Cluster, PodBehavior, Traffic
from rollsim.testing import (
    ArgoRolloutStateMachine,
    CanaryLimit,
    RolloutScenario,
    assert_rollout_invariants,
    bluegreen_active_one_version,
    canaries,
    canary_scenarios,
    canary_weight_within_step,
    check_scenario,
    rollout_scenarios,
    rollouts,
    watch,
)
from rollsim.testing.invariants import WORKLOAD_CHECKS
from rollsim.timeline import RevisionTimeline, Timeline

from .support import budget, report, unexpected

BLUE_GREEN = [
    {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "app:v1"}]},
            },
            "strategy": {
                "blueGreen": {
                    "activeService": "web-active",
                    "previewService": "web-preview",
                    "autoPromotionEnabled": False,
                }
            },
        },
    },
    *(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": f"web-{role}"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
        }
        for role in ("active", "preview")
    ),
]


def check(scenario: RolloutScenario) -> None:
    found = unexpected(check_scenario(scenario))
    assert not found, report(found)


# Generated manifests are valid by construction.


@settings(max_examples=budget(0.3))
@given(rollouts())
def test_generated_rollouts_apply_cleanly(documents: list[dict[str, object]]) -> None:
    cluster = Cluster(seed=0)
    applied = cluster.apply(documents)
    assert [obj.kind for obj in applied] == [d["kind"] for d in documents]
    cluster.run(until=5)
    assert cluster.get("rollout", "web").status.phase != "InvalidSpec"


@settings(max_examples=budget(0.2))
@given(canaries())
def test_generated_canaries_apply_cleanly(documents: list[dict[str, object]]) -> None:
    cluster = Cluster(seed=0)
    cluster.apply(documents)
    cluster.run(until=5)
    assert cluster.get("deployment", "podinfo-primary") is not None


# Generated scenarios keep every invariant.


@settings(max_examples=budget(3))
@given(rollout_scenarios())
def test_generated_argo_rollouts_keep_every_invariant(scenario: RolloutScenario) -> None:
    check(scenario)


@settings(max_examples=budget(3))
@given(rollout_scenarios(rollouts(strategies=("trafficRouted",)), max_actions=6))
def test_traffic_routed_canaries_keep_the_step_weight(scenario: RolloutScenario) -> None:
    check(scenario)


@settings(max_examples=budget(2))
@given(rollout_scenarios(rollouts(strategies=("blueGreen",)), max_actions=6))
def test_blue_green_active_service_serves_one_version(scenario: RolloutScenario) -> None:
    check(scenario)


@settings(max_examples=budget(1.5))
@given(canary_scenarios())
def test_generated_flagger_canaries_keep_every_invariant(scenario: RolloutScenario) -> None:
    check(scenario)


# The Argo state machine: set image, promote (--full), abort, retry, wait.


class TrafficRoutedCanary(ArgoRolloutStateMachine):
    """The default: a traffic-routed canary, 100 rps to its stable Service."""


class ManualBlueGreen(ArgoRolloutStateMachine):
    manifest = BLUE_GREEN


for machine in (TrafficRoutedCanary, ManualBlueGreen):
    machine.TestCase.settings = settings(max_examples=budget(0.6))

TestTrafficRoutedCanary = TrafficRoutedCanary.TestCase
TestManualBlueGreen = ManualBlueGreen.TestCase


def test_progressive_checks_are_registered() -> None:
    assert {"Rollout", "Canary"} <= set(WORKLOAD_CHECKS)


# The invariants catch a deliberately broken state (hand-built timelines).


def timeline(shares: list[list[float]], name: str = "web") -> Timeline:
    t = np.arange(len(shares[0]), dtype=float)
    by_name = {}
    for i, column in enumerate(shares):
        cols = {"traffic_share": np.array(column, dtype=float)}
        rs = f"{name}-{i}"
        by_name[rs] = RevisionTimeline(t, cols, i + 1, rs, f"uid-{i}")
    return Timeline(
        t, {"endpoints": np.ones(len(t))}, {r.revision: r for r in by_name.values()}, by_name, name
    )


STABLE = frozenset({"web-0"})


def test_canary_weight_holds_within_the_step() -> None:
    tl = timeline([[1.0, 0.8, 0.6, 0.0], [0.0, 0.2, 0.4, 1.0]])
    limits = [
        CanaryLimit(0.0, 20, STABLE),
        CanaryLimit(2.0, 40, STABLE),
        CanaryLimit(3.0, 100, frozenset({"web-1"})),
    ]
    assert canary_weight_within_step(tl, limits) == []


def test_canary_weight_catches_a_share_above_the_step() -> None:
    # The router jumps to 40% while the step still says 20%.
    tl = timeline([[1.0, 0.6, 0.6], [0.0, 0.4, 0.4]])
    found = canary_weight_within_step(
        tl, [CanaryLimit(0.0, 20, STABLE), CanaryLimit(2.0, 40, STABLE)]
    )
    assert [(v.time, v.object, v.invariant) for v in found] == [
        (1.0, "rollout/web", "canary-weight")
    ]
    assert "20%" in found[0].expected and "web-1: 0.4" in found[0].actual


def test_canary_weight_counts_every_non_stable_replica_set() -> None:
    # Two canaries at 15% each: 30% of the traffic off the stable, above 20%.
    tl = timeline([[0.7], [0.15], [0.15]])
    found = canary_weight_within_step(tl, [CanaryLimit(0.0, 20, STABLE)], "canary/web")
    assert [(v.object, v.invariant) for v in found] == [("canary/web", "canary-weight")]


def test_canary_weight_within_one_instant_allows_any_limit_of_that_instant() -> None:
    # Two rows at t=1 (promote, then a new image resets the steps): the first row may
    # follow the 50% limit, the second the 25% one; a share above both is caught.
    tl = timeline([[1.0, 0.5, 1.0], [0.0, 0.5, 0.0]])
    tl = Timeline(
        np.array([0.0, 1.0, 1.0]),
        {"endpoints": np.ones(3)},
        tl.by_revision,
        tl.by_replica_set,
        "web",
    )
    limits = [
        CanaryLimit(0.0, 25, STABLE),
        CanaryLimit(1.0, 50, STABLE),
        CanaryLimit(1.0, 25, STABLE),
    ]
    assert canary_weight_within_step(tl, limits) == []
    tight = [
        CanaryLimit(0.0, 25, STABLE),
        CanaryLimit(1.0, 40, STABLE),
        CanaryLimit(1.0, 25, STABLE),
    ]
    assert [v.time for v in canary_weight_within_step(tl, tight)] == [1.0]


def test_active_one_version_holds_across_an_atomic_switch() -> None:
    assert bluegreen_active_one_version(timeline([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])) == []


def test_active_one_version_catches_two_versions_behind_the_active_service() -> None:
    tl = timeline([[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]])
    found = bluegreen_active_one_version(tl)
    assert [(v.time, v.object, v.invariant) for v in found] == [
        (1.0, "rollout/web", "active-one-version")
    ]
    assert found[0].actual == "web-0: 0.5, web-1: 0.5"
    # Before the controller first pointed the Service at a hash, it is the user's.
    assert bluegreen_active_one_version(tl, since=2.0) == []


def test_canary_weight_runs_from_assert_rollout_invariants() -> None:
    # A real traffic-routed canary: fine as it is; with the bound tightened below the
    # step's setWeight the same timeline is caught.
    cluster = Cluster(seed=0)
    observer = watch(cluster)
    cluster.apply(
        [
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Rollout",
                "metadata": {"name": "web"},
                "spec": {
                    "replicas": 4,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "app", "image": "app:v1"}]},
                    },
                    "strategy": {
                        "canary": {
                            "canaryService": "web-canary",
                            "stableService": "web-stable",
                            "trafficRouting": {"nginx": {"stableIngress": "web"}},
                            "steps": [{"setWeight": 50}, {"pause": {}}],
                        }
                    },
                },
            },
            *(
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": f"web-{role}"},
                    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
                }
                for role in ("stable", "canary")
            ),
        ]
    )
    cluster.run(until=1)
    cluster.add_traffic(Traffic(rps=100, service="web-stable"))
    cluster.run(until=10)
    cluster.kubectl("argo rollouts set image web app=app:v2")
    cluster.run(until=60)
    assert_rollout_invariants(cluster)
    tl = cluster.timeline("rollout/web")
    stable = cluster.get("rollout", "web").status.stable_rs
    assert (
        max(
            float(np.max(r["traffic_share"]))
            for n, r in tl.by_replica_set.items()
            if n != f"web-{stable}"
        )
        == 0.5
    )
    assert observer.history
    tight = [CanaryLimit(0.0, 25, frozenset({f"web-{stable}"}))]
    assert [v.invariant for v in canary_weight_within_step(tl, tight)] == ["canary-weight"]


# A rollsim bug these properties found (fixed in 2da0293), kept as a regression test.


def test_stale_endpoint_outlives_a_selector_switch() -> None:
    # Blue-green, 1 replica; v2 pods start faster than v1's, so v2 is saturated first:
    # the active Service switches from the user's app=web to v2's hash at t=1 (applied
    # at 1 + 5 lag), while v1's pod turned Ready at t=2 under the old selector. Before
    # the fix it was listed at t=7 anyway and, once scaled down, its dead endpoint
    # took half the traffic for good.
    cluster = Cluster(
        seed=0, pods=PodBehavior(startup=2.0), images={"app:v2": PodBehavior(startup=1.0)}
    )
    cluster.apply(
        [
            {
                **BLUE_GREEN[0],
                "spec": {
                    **BLUE_GREEN[0]["spec"],
                    "replicas": 1,
                    "strategy": {
                        "blueGreen": {
                            "activeService": "web-active",
                            "previewService": "web-preview",
                        }
                    },
                },
            },
            *BLUE_GREEN[1:],
        ]
    )
    cluster.add_traffic(Traffic(rps=100, service="web-active", endpoint_lag=5.0))
    cluster.kubectl("argo rollouts set image web app=app:v2")
    cluster.run(until=100)
    tl = cluster.timeline("rollout/web")
    assert bluegreen_active_one_version(tl) == []
    # Requests fail only until the first endpoint is listed (v2's pod, at 1 + 5).
    assert float(tl["errors"][-1]) == float(tl.at(6.0)["errors"]) == 600.0
