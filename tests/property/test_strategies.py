"""The strategies generate only valid input, and shrink towards the simplest."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import find, given, settings
from hypothesis import strategies as st

import rollsim
from rollsim.dist import Distribution
from rollsim.testing import (
    RolloutScenario,
    deployments,
    durations,
    from_manifest,
    pod_behaviors,
    run_scenario,
    scenarios,
    traffic,
)
from rollsim.testing.observe import faulty

from .support import budget


@settings(max_examples=budget(2))
@given(deployments())
def test_deployments_are_valid_manifests(manifest: dict[str, Any]) -> None:
    (d,) = rollsim.load(manifest)  # raises ValidationError if the API server would
    spec = d.spec
    assert spec.progress_deadline_seconds > spec.min_ready_seconds
    if spec.strategy.type == "RollingUpdate":
        ru = spec.strategy.rolling_update
        assert (ru.max_surge, ru.max_unavailable) not in (
            (0, 0),
            ("0%", "0%"),
            (0, "0%"),
            ("0%", 0),
        )
    cluster = rollsim.Cluster()
    cluster.apply(manifest)
    cluster.run(until=1)
    assert cluster.list("replicaset")


@settings(max_examples=budget(2))
@given(durations(), st.integers(0, 2**32 - 1))
def test_durations_sample_non_negative_seconds(value: float | Distribution, seed: int) -> None:
    if isinstance(value, Distribution):
        samples = value.sample(np.random.default_rng(seed), 16)
        assert samples.shape == (16,)
        assert (samples >= 0).all()
    else:
        assert value >= 0


@settings(max_examples=budget(1))
@given(pod_behaviors(require_fault=True))
def test_required_faults_are_faults(behavior: rollsim.PodBehavior) -> None:
    assert faulty(behavior)


@settings(max_examples=budget(1))
@given(pod_behaviors(faults=False))
def test_healthy_behaviors_have_no_fault(behavior: rollsim.PodBehavior) -> None:
    assert not faulty(behavior)
    assert behavior.error_rate == 0.0


@settings(max_examples=budget(1))
@given(traffic())
def test_traffic_is_valid(flow: rollsim.Traffic) -> None:
    assert flow.rps >= 0 and flow.endpoint_lag >= 0
    assert flow.offered(0.0, 10.0) >= 0


@settings(max_examples=budget(1))
@given(scenarios())
def test_scenario_actions_are_what_kubectl_runs(scenario: RolloutScenario) -> None:
    """Every action runs (an undo kubectl refuses is an outcome, checked elsewhere)."""
    cluster = run_scenario(scenario)
    assert cluster.get("deployment", "web")
    assert "RolloutScenario(seed=" in repr(scenario)


def test_from_manifest_keeps_the_users_spec() -> None:
    found = find(
        from_manifest("examples/ngx-dep-v1.yaml"),
        lambda s: len(s.actions) >= 2,
        settings=settings(max_examples=200),
    )
    manifest = found.manifests[0]
    assert manifest["spec"]["minReadySeconds"] == 20
    assert manifest["spec"]["replicas"] == 4
    assert all(a.kubectl is not None and "ngx-dep" in a.kubectl for a in found.actions)


def test_manifests_shrink_to_the_defaults() -> None:
    minimal = find(deployments(), lambda m: True)
    spec = minimal["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
    }
    assert set(spec) == {"replicas", "selector", "strategy", "template"}


def test_scenarios_shrink_to_one_action_at_zero_with_fixed_timings() -> None:
    minimal = find(scenarios(), lambda s: len(s.actions) >= 1)
    assert len(minimal.actions) == 1 and minimal.actions[0].time == 0
    assert minimal.pods == rollsim.PodBehavior()
    assert minimal.traffic is None and minimal.images == {} and minimal.seed == 0


def test_faults_shrink_to_the_simplest_fault() -> None:
    minimal = find(pod_behaviors(require_fault=True), lambda b: True)
    assert minimal == rollsim.PodBehavior(never_ready=True)
