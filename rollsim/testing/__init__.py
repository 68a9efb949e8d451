"""Property-based testing of rollouts: Hypothesis strategies, invariants, a state machine.

Needs Hypothesis: ``pip install 'rollsim[testing]'``. The five-line test of
your own Deployment::

    from hypothesis import given
    from rollsim.testing import assert_scenario, from_manifest

    @given(from_manifest("deploy/web.yaml"))
    def test_web_rollout(scenario):
        assert_scenario(scenario)

``strategies`` generates valid manifests, pod behaviours, traffic and timed
scenarios; ``invariants`` checks what every correct rollout satisfies
(maxSurge/maxUnavailable bounds, Recreate's one version at a time,
revisions, history limit, completion, rollback, endpoints, traffic shares,
request conservation, liveness, determinism); ``RolloutStateMachine``
drives a Deployment through random kubectl actions, checking them all after
every step. See docs/testing.md.
"""

try:
    import hypothesis  # noqa: F401
except ImportError as err:  # pragma: no cover - depends on the installation
    raise ImportError("rollsim.testing needs Hypothesis: pip install 'rollsim[testing]'") from err

from rollsim.testing.invariants import (
    MONITORS,
    InvariantViolation,
    assert_rollout_invariants,
    check_undo,
    completion,
    determinism,
    digest,
    endpoints_ready,
    excess_history,
    fenceposts,
    history_within_limit,
    recreate_one_version,
    register_monitor,
    register_workload_check,
    requests_conserved,
    revision_annotation,
    revisions_increase,
    rolling_update_bounds,
    rolling_update_limits,
    rollout_completes,
    traffic_shares_sum_to_one,
    traffic_to_ready_endpoints,
    watch,
)
from rollsim.testing.observe import ReplicaSetState, Snapshot, Violation, Watch
from rollsim.testing.progressive import (
    CanaryLimit,
    bluegreen_active_one_version,
    canaries,
    canary_scenarios,
    canary_weight_within_step,
    rollout_scenarios,
    rollouts,
)
from rollsim.testing.run import assert_scenario, check_scenario, run_scenario
from rollsim.testing.state_machine import ArgoRolloutStateMachine, RolloutStateMachine
from rollsim.testing.strategies import (
    RolloutScenario,
    deployments,
    durations,
    from_manifest,
    pod_behaviors,
    scenarios,
    traffic,
)

__all__ = [
    "MONITORS",
    "ArgoRolloutStateMachine",
    "CanaryLimit",
    "InvariantViolation",
    "ReplicaSetState",
    "RolloutScenario",
    "RolloutStateMachine",
    "Snapshot",
    "Violation",
    "Watch",
    "assert_rollout_invariants",
    "assert_scenario",
    "bluegreen_active_one_version",
    "canaries",
    "canary_scenarios",
    "canary_weight_within_step",
    "check_scenario",
    "check_undo",
    "completion",
    "deployments",
    "determinism",
    "digest",
    "durations",
    "endpoints_ready",
    "excess_history",
    "fenceposts",
    "from_manifest",
    "history_within_limit",
    "pod_behaviors",
    "recreate_one_version",
    "register_monitor",
    "register_workload_check",
    "requests_conserved",
    "revision_annotation",
    "revisions_increase",
    "rolling_update_bounds",
    "rolling_update_limits",
    "rollout_completes",
    "rollout_scenarios",
    "rollouts",
    "run_scenario",
    "scenarios",
    "traffic",
    "traffic_shares_sum_to_one",
    "traffic_to_ready_endpoints",
    "watch",
]
