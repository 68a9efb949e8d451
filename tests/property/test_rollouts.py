"""The project's own property suite: generated rollouts keep every invariant.

Each test plays generated scenarios (a Deployment, timed kubectl actions,
pod timings and faults, traffic) and requires ``check_scenario`` to find
nothing: the watch's online checks at every store write, the settled-state
and timeline invariants, determinism (a second run, same digest) and
liveness. Budgets scale with the Hypothesis profile (see conftest.py).
"""

from __future__ import annotations

from hypothesis import given, settings

from rollsim.testing import RolloutScenario, check_scenario, deployments, from_manifest, scenarios

from .support import budget, report, unexpected


def check(scenario: RolloutScenario) -> None:
    found = unexpected(check_scenario(scenario))
    assert not found, report(found)


@settings(max_examples=budget(6))
@given(scenarios())
def test_generated_rollouts_keep_every_invariant(scenario: RolloutScenario) -> None:
    check(scenario)


@settings(max_examples=budget(4))
@given(
    scenarios(
        deployments(strategies=("RollingUpdate",), max_replicas=10), max_replicas=10, max_actions=8
    )
)
def test_rolling_updates_keep_every_invariant(scenario: RolloutScenario) -> None:
    check(scenario)


@settings(max_examples=budget(3))
@given(scenarios(deployments(strategies=("Recreate",)), max_actions=8))
def test_recreate_rollouts_keep_every_invariant(scenario: RolloutScenario) -> None:
    check(scenario)


@settings(max_examples=budget(4))
@given(scenarios(max_replicas=8, max_actions=12, horizon=40))
def test_crowded_interleavings_keep_every_invariant(scenario: RolloutScenario) -> None:
    """Many actions within 40 s: rollouts overlap, pause mid-rollout, undo mid-rollout."""
    check(scenario)


@settings(max_examples=budget(2))
@given(from_manifest("examples/ngx-dep-v1.yaml"))
def test_the_seed_walkthrough_deployment_keeps_every_invariant(scenario: RolloutScenario) -> None:
    check(scenario)
