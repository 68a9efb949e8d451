"""Progressive-delivery conformance vectors (Argo Rollouts, Flagger) against rollsim's pure
functions in ``rollsim.controllers.rollout`` (Argo: ``replicas``, ``canary_steps``,
``bluegreen_replicas``, ``rolloututil``, ``defaults``) and
``rollsim.controllers.canary_scheduler`` (Flagger).

The cases live in ``tests/conformance/progressive/<table>.json``, transcribed from the
upstream test tables (provenance and conventions in ``progressive/_about.json``; each
file's ``notes`` carries the table's harness notes). Every case of every table runs; the
Flagger scheduler runs (``flagger.weight_progression.service_target`` and
``flagger.phase_sequence.deployment_target``) go through ``advance_canary``, a pure
one-tick state transition, with each tick's inputs taken from the case's ``drive``.

Skipped cases
=============

None: every case runs (no ``skip``; no ``xfail``).

Not asserted (not skipped)
==========================

* ``argo.CalculateReplicaCountsForTrafficRoutedCanary``, case "stable scales to
  spec.Replicas once weight reaches zero": ``expected_canary`` is null (upstream asserts
  only the stable count), so only the stable count is asserted.
* ``flagger.isDeploymentReady``: ``expected_retriable`` null (upstream ignores it) is not
  asserted; ``error_contains`` null means no message check.
* ``flagger.phase_sequence.deployment_target``: ticks without ``expected_*`` fields only
  drive the run.

Beyond the tables, a few checks pin reference behaviours that have no upstream vector
(progressive-delivery.md B1, B3, B4.14, B5, B6): the analysis-interval default and 10 s
floor, accumulating failed checks with the rollback on the following tick, the off-ladder
jump to full weight, and the kubernetes provider's forced 10-iteration blue-green.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from rollsim.controllers import canary_scheduler as fs
from rollsim.controllers.canary_scheduler import FlaggerSpec, FlaggerState, FlaggerTick
from rollsim.controllers.rollout import bluegreen_replicas as bg
from rollsim.controllers.rollout import canary_steps as cs
from rollsim.controllers.rollout import defaults, rolloututil
from rollsim.controllers.rollout import replicas as rp
from rollsim.controllers.rollout.canary_steps import (
    CanaryStep,
    ReplicaProgressThreshold,
    SetCanaryScale,
)
from rollsim.controllers.rollout.replicas import ReplicaSetCounts, RolloutCondition, TrafficWeights

DATA = Path(__file__).parent / "progressive"


def _load(table: str) -> dict[str, Any]:
    with (DATA / f"{table}.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _case_id(case: dict[str, Any], index: int) -> str:
    if case.get("name"):
        return f"{index}-{case['name']}"
    shown = ",".join(f"{k}={v}" for k, v in case.items() if not k.startswith("expected"))
    return f"{index}-{shown}"


def _params(table: str) -> list[Any]:
    cases = _load(table)["cases"]
    return [pytest.param(case, id=_case_id(case, i)) for i, case in enumerate(cases)]


def _steps(raw: list[dict[str, Any]]) -> list[CanaryStep]:
    steps = []
    for step in raw:
        scale = step.get("setCanaryScale")
        steps.append(
            CanaryStep(
                set_weight=step.get("setWeight"),
                set_canary_scale=None
                if scale is None
                else SetCanaryScale(
                    replicas=scale.get("replicas"),
                    weight=scale.get("weight"),
                    match_traffic_weight=bool(scale.get("matchTrafficWeight", False)),
                ),
            )
        )
    return steps


def _rs(
    spec: int | None, available: int | None, status: int | None = None, is_nil: bool = False
) -> ReplicaSetCounts | None:
    """A ReplicaSet's counts; ``None`` when the RS is nil (or all its fields are null)."""
    if is_nil or (spec is None and available is None):
        return None
    return ReplicaSetCounts(defaults.replicas_or_default(spec), available or 0, status or 0)


# ---------------------------------------------------------------------------------------
# Argo Rollouts: fenceposts
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("argo.resolveFenceposts"))
def test_resolve_fenceposts(case: dict[str, Any]) -> None:
    if case["expect_error"]:
        with pytest.raises(ValueError):
            rp.resolve_fenceposts(case["max_surge"], case["max_unavailable"], case["desired"])
        return
    assert rp.resolve_fenceposts(case["max_surge"], case["max_unavailable"], case["desired"]) == (
        case["expected_surge"],
        case["expected_unavailable"],
    )


@pytest.mark.parametrize("case", _params("argo.MaxSurge"))
def test_max_surge(case: dict[str, Any]) -> None:
    assert (
        rp.max_surge(
            case["strategy"], case["spec_replicas"], case["max_surge"], case["max_unavailable"]
        )
        == case["expected"]
    )


@pytest.mark.parametrize("case", _params("argo.MaxUnavailable"))
def test_max_unavailable(case: dict[str, Any]) -> None:
    assert (
        rp.max_unavailable(
            case["strategy"], case["spec_replicas"], case["max_surge"], case["max_unavailable"]
        )
        == case["expected"]
    )


# ---------------------------------------------------------------------------------------
# Argo Rollouts: weights
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("argo.approximateWeightedCanaryStableReplicaCounts"))
def test_approximate_weighted_canary_stable_replica_counts(case: dict[str, Any]) -> None:
    assert rp.approximate_weighted_canary_stable_replica_counts(
        case["spec_replicas"],
        case["weight"],
        case["max_surge"],
        case["max_weight"],
    ) == (case["expected_canary"], case["expected_stable"])


@pytest.mark.parametrize("case", _params("argo.trafficWeightToReplicas"))
def test_traffic_weight_to_replicas(case: dict[str, Any]) -> None:
    assert (
        rp.traffic_weight_to_replicas(case["replicas"], case["weight"], case["max_weight"])
        == case["expected"]
    )


@pytest.mark.parametrize("case", _params("argo.GetCurrentSetWeight"))
def test_get_current_set_weight(case: dict[str, Any]) -> None:
    assert (
        rp.get_current_set_weight(
            _steps(case["steps"]), case["current_step_index"], aborted=case["status_abort"]
        )
        == case["expected"]
    )


@pytest.mark.parametrize("case", _params("argo.GetDesiredCanaryWeight.abort_dynamicStableScale"))
def test_get_desired_canary_weight(case: dict[str, Any]) -> None:
    weight = cs.get_desired_canary_weight(
        case["spec_replicas"],
        _steps(case["steps"]),
        0,
        aborted=case["status_abort"],
        traffic_routing=case["traffic_routing"],
        dynamic_stable_scale=case["dynamic_stable_scale"],
        abort_scale_down_delay_seconds=case["abort_scale_down_delay_seconds"],
        canary_rs=_rs(case["canary_rs_spec"], case["canary_rs_available"]),
        stable_rs=_rs(case["stable_rs_spec"], case["stable_rs_available"]),
    )
    assert weight == case["expected_weight"]


@pytest.mark.parametrize("case", _params("argo.GetCanaryReplicasOrWeight"))
def test_get_canary_replicas_or_weight(case: dict[str, Any]) -> None:
    answer = cs.get_canary_replicas_or_weight(
        1,
        _steps(case["steps"]),
        case["current_step_index"],
        stable_rs_hash=case["status_stable_rs"],
        current_pod_hash="",
        promote_full=case["promote_full"],
        aborted=case["status_abort"],
        traffic_routing=case["traffic_routing"],
    )
    assert answer == (case["expected_replicas"], case["expected_weight"])


# ---------------------------------------------------------------------------------------
# Argo Rollouts: replica counts
# ---------------------------------------------------------------------------------------


def _basic_canary_counts(case: dict[str, Any]) -> tuple[int, int]:
    replicas = case["spec_replicas"]
    step: dict[str, Any] = {"setWeight": case["set_weight"]}
    if "set_canary_scale_ignored_without_traffic_routing" in case:
        step["setCanaryScale"] = case["set_canary_scale_ignored_without_traffic_routing"]
    stable_hash = "" if case.get("status_stable_rs_empty") else "stable"
    current_hash = "" if case.get("status_stable_rs_empty") else "canary"
    _, weight = cs.get_canary_replicas_or_weight(
        replicas,
        _steps([step]),
        None,
        stable_rs_hash=stable_hash,
        current_pod_hash=current_hash,
        promote_full=case.get("promote_full", False),
    )
    surge = rp.max_surge(rp.CANARY, replicas, case["max_surge"], case["max_unavailable"])
    unavailable = rp.max_unavailable(
        rp.CANARY, replicas, case["max_surge"], case["max_unavailable"]
    )
    new_rs = _rs(case["canary_spec"], case["canary_available"], case.get("canary_status_replicas"))
    stable_rs = _rs(case["stable_spec"], case["stable_available"])
    older = [_rs(case.get("older_spec"), case.get("older_available"))]
    return rp.calculate_replica_counts_for_basic_canary(
        replicas,
        weight,
        surge,
        unavailable,
        new_rs,
        stable_rs,
        older,
        stable_is_new=bool(case.get("new_rs_is_stable_rs")),
    )


@pytest.mark.parametrize("case", _params("argo.CalculateReplicaCountsForBasicCanary"))
def test_calculate_replica_counts_for_basic_canary(case: dict[str, Any]) -> None:
    assert _basic_canary_counts(case) == (case["expected_canary"], case["expected_stable"])


@pytest.mark.parametrize("case", _params("argo.CalculateReplicaCountsForTrafficRoutedCanary"))
def test_calculate_replica_counts_for_traffic_routed_canary(case: dict[str, Any]) -> None:
    replicas = case["spec_replicas"]
    weights = None
    if case["weights_canary"] is not None:
        weights = TrafficWeights(canary=case["weights_canary"], stable=case["weights_stable"])
    canary_replicas, weight = cs.get_canary_replicas_or_weight(
        replicas,
        _steps(case["steps"]),
        case["current_step_index"],
        stable_rs_hash="stable",
        current_pod_hash="canary",
        promote_full=case["promote_full"],
        aborted=case["status_abort"],
        traffic_routing=True,
        dynamic_stable_scale=case["dynamic_stable_scale"],
        abort_scale_down_delay_seconds=case["abort_scale_down_delay_seconds"],
        canary_rs=_rs(case["canary_rs_spec"], case["canary_rs_available"]),
        stable_rs=_rs(case["stable_rs_spec"], case["stable_rs_available"]),
    )
    canary, stable = rp.calculate_replica_counts_for_traffic_routed_canary(
        replicas,
        canary_replicas,
        weight,
        dynamic_stable_scale=case["dynamic_stable_scale"],
        min_pods_per_replica_set=case["min_pods_per_replica_set"],
        aborted=case["status_abort"],
        weights=weights,
    )
    assert stable == case["expected_stable"]
    if case["expected_canary"] is not None:
        assert canary == case["expected_canary"]


@pytest.mark.parametrize("case", _params("argo.GetReplicasForScaleDown"))
def test_get_replicas_for_scale_down(case: dict[str, Any]) -> None:
    rs = _rs(case["rs_spec"], case["rs_available"])
    assert rp.get_replicas_for_scale_down(rs, case["ignore_availability"]) == case["expected"]


@pytest.mark.parametrize("case", _params("argo.allDesiredAreAvailable"))
def test_all_desired_are_available(case: dict[str, Any]) -> None:
    rs = _rs(case["rs_spec"], case["rs_available"], is_nil=bool(case.get("rs_is_nil")))
    assert cs.all_desired_are_available(rs, case["desired"]) is case["expected"]


@pytest.mark.parametrize("case", _params("argo.ReplicaProgressThresholdMet"))
def test_replica_progress_threshold_met(case: dict[str, Any]) -> None:
    rs = _rs(case["rs_spec"], case["rs_available"], is_nil=bool(case.get("rs_is_nil")))
    threshold = None
    if case["threshold_type"] is not None:
        threshold = ReplicaProgressThreshold(case["threshold_type"], case["threshold_value"])
    assert cs.replica_progress_threshold_met(rs, case["desired"], threshold) is case["expected"]


@pytest.mark.parametrize("case", _params("argo.AtDesiredReplicaCountsForCanary"))
def test_at_desired_replica_counts_for_canary(case: dict[str, Any]) -> None:
    counts = {
        "spec_replicas": case["spec_replicas"],
        "set_weight": case["set_weight"],
        "max_surge": case["max_surge"],
        "max_unavailable": case["max_unavailable"],
        "canary_spec": case["new_spec"],
        "canary_available": case["new_available"],
        "canary_status_replicas": case["new_status_replicas"],
        "stable_spec": case["stable_spec"],
        "stable_available": case["stable_available"],
    }
    desired_new, desired_stable = _basic_canary_counts(counts)
    new_rs = ReplicaSetCounts(case["new_spec"], case["new_available"], case["new_status_replicas"])
    stable_rs = ReplicaSetCounts(
        case["stable_spec"], case["stable_available"], case["stable_status_replicas"]
    )
    assert (
        cs.at_desired_replica_counts_for_canary(new_rs, stable_rs, [], desired_new, desired_stable)
        is case["expected"]
    )


# ---------------------------------------------------------------------------------------
# Argo Rollouts: blue-green
# ---------------------------------------------------------------------------------------


def _blue_green_desired(case: dict[str, Any]) -> int:
    new_hash = case["new_rs_hash"] or ""
    hashes = [*case["other_rs_hashes"], *([new_hash] if new_hash else [])]
    return bg.blue_green_new_rs_new_replicas(
        defaults.replicas_or_default(case["spec_replicas"]),
        case["preview_replica_count"],
        new_rs_hash=new_hash,
        active_selector=case["active_selector"],
        rs_hashes=hashes,
        current_pod_hash=case["status_current_pod_hash"],
        promote_full=case["promote_full"],
        spec_paused=case["spec_paused"],
        has_pause_conditions=case["pause_conditions"] > 0,
        scale_up_preview_checkpoint=case["scale_up_preview_checkpoint"],
    )


@pytest.mark.parametrize("case", _params("argo.NewRSNewReplicas.blueGreen_previewReplicaCount"))
def test_blue_green_new_rs_new_replicas(case: dict[str, Any]) -> None:
    assert _blue_green_desired(case) == case["expected"]


@pytest.mark.parametrize("case", _params("argo.ReadyForPause"))
def test_ready_for_pause(case: dict[str, Any]) -> None:
    desired: int | None = None
    if case["strategy"] == rp.BLUE_GREEN:
        desired = bg.blue_green_new_rs_new_replicas(
            defaults.replicas_or_default(None),
            None,
            new_rs_hash="abcd",
            active_selector="",
            rs_hashes=["abcd"],
            current_pod_hash="",
        )
    new_rs = _rs(case["new_spec"], case["new_available"])
    assert bg.ready_for_pause(new_rs, desired) is case["expected"]


# ---------------------------------------------------------------------------------------
# Argo Rollouts: phase
# ---------------------------------------------------------------------------------------


def _rollout_phase(case: dict[str, Any]) -> tuple[str, str]:
    calculated = rp.calculate_rollout_phase(
        strategy=case["strategy"],
        spec_replicas=case["spec_replicas"],
        status_replicas=case["status_replicas"],
        updated_replicas=case["updated_replicas"],
        available_replicas=case["available_replicas"],
        stable_rs=case["stable_rs"],
        current_pod_hash=case["current_pod_hash"],
        traffic_routing=case["traffic_routing"],
        spec_paused=case["spec_paused"],
        pause_conditions=case["pause_conditions"],
        conditions=[
            RolloutCondition(c["type"], c.get("reason", ""), c.get("message", ""))
            for c in case["conditions"]
        ],
        restart_pending=bool(case.get("restart_pending")),
        active_selector=case["active_selector"],
        waiting_for_post_promotion_analysis=case["post_promotion_analysis"],
    )
    return rolloututil.get_rollout_phase(
        generation=case["generation"],
        observed_generation=case["observed_generation"],
        controller_pause=False,
        pause_conditions=case["pause_conditions"],
        status_phase="",
        status_message="",
        calculated=calculated,
    )


@pytest.mark.parametrize("case", _params("argo.CalculateRolloutPhase"))
def test_rollout_phase(case: dict[str, Any]) -> None:
    if "expected_sequence" in case:
        for step in case["expected_sequence"]:
            answer = rolloututil.get_rollout_phase(
                generation=0,
                observed_generation="",
                controller_pause=step["controller_pause"],
                pause_conditions=step["pause_conditions"],
                status_phase=step["status_phase"],
                status_message=step["status_message"],
                calculated=("", ""),
            )
            assert answer == (step["expected_phase"], step["expected_message"])
        return
    assert _rollout_phase(case) == (case["expected_phase"], case["expected_message"])


# ---------------------------------------------------------------------------------------
# Flagger: pure helpers
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("flagger.DeploymentStrategy"))
def test_deployment_strategy(case: dict[str, Any]) -> None:
    analysis = case["analysis"] or {}
    answer = fs.deployment_strategy(analysis.get("iterations", 0), bool(analysis.get("match")))
    assert answer == case["expected"]


@pytest.mark.parametrize("case", _params("flagger.isDeploymentReady"))
def test_is_deployment_ready(case: dict[str, Any]) -> None:
    unavailable_for = case["min_replicas_unavailable_since_s"]
    if case["progress_deadline_exceeded_condition"]:
        progressing_reason: str | None = "ProgressDeadlineExceeded"
    else:
        progressing_reason = None if unavailable_for is None else ""
    answer = fs.is_deployment_ready(
        generation=0,
        observed_generation=-1 if case["generation_lags"] else 0,
        spec_replicas=case["spec_replicas"],
        status_replicas=case["status_replicas"],
        updated_replicas=case["updated"],
        available_replicas=case["available"],
        deadline_seconds=case["deadline_s"],
        ready_threshold=case["ready_threshold"],
        progressing_reason=progressing_reason,
        min_replicas_unavailable_for=unavailable_for,
    )
    assert answer.ready is case["expected_ready"]
    if case["expected_retriable"] is not None:
        assert answer.retriable is case["expected_retriable"]
    if case["error_contains"] is not None:
        assert case["error_contains"] in answer.message


# ---------------------------------------------------------------------------------------
# Flagger: scheduler runs through advance_canary
# ---------------------------------------------------------------------------------------


def _flagger_spec(analysis: dict[str, Any] | None, step_weight_promotion: int = 0) -> FlaggerSpec:
    analysis = analysis or {}
    return FlaggerSpec(
        threshold=analysis.get("threshold", 0),
        step_weight=analysis.get("stepWeight", 0),
        step_weights=tuple(analysis.get("stepWeights", ())),
        max_weight=analysis.get("maxWeight", 0),
        step_weight_promotion=analysis.get("stepWeightPromotion", step_weight_promotion),
        iterations=analysis.get("iterations", 0),
        match=bool(analysis.get("match")),
        mirror=bool(analysis.get("mirror", False)),
        skip_analysis=bool(analysis.get("skipAnalysis", False)),
    )


_TICK_FIELDS = {f.name for f in fields(FlaggerTick)}


def _tick(drive: dict[str, Any]) -> FlaggerTick:
    return FlaggerTick(**{k: v for k, v in drive.items() if k in _TICK_FIELDS})


@pytest.mark.parametrize("case", _params("flagger.weight_progression.service_target"))
def test_flagger_weight_progression(case: dict[str, Any]) -> None:
    spec = _flagger_spec(case["analysis"], case["stepWeightPromotion"])
    state = fs.advance_canary(FlaggerState(), spec, FlaggerTick(target_revision=1))
    assert state.phase == "Initialized"
    update = FlaggerTick(target_revision=2)
    for primary, canary in zip(
        case["expected_primary_weights_per_tick"],
        case["expected_canary_weights_per_tick"],
        strict=True,
    ):
        state = fs.advance_canary(state, spec, update)
        assert (state.primary_route, state.canary_route, state.mirrored) == (primary, canary, False)
    assert state.phase == case["phase_after_weight_ticks"]
    for then in case["then_ticks"]:
        state = fs.advance_canary(state, spec, update)
        assert state.phase == then["expected_phase"]
        if "expected_primary_weight" in then:
            assert (state.primary_route, state.canary_route, state.mirrored) == (
                then["expected_primary_weight"],
                then["expected_canary_weight"],
                False,
            )
    canary_weights = case["expected_canary_weights_per_tick"][1:]
    ladder = fs.canary_weight_progression(spec.step_weight, spec.step_weights, spec.max_weight)
    assert ladder == [0, *canary_weights]


_EXPECTED_STATE = {
    "expected_phase": "phase",
    "expected_status_canary_weight": "canary_weight",
    "expected_primary_weight": "primary_route",
    "expected_canary_weight": "canary_route",
    "expected_mirrored": "mirrored",
}


@pytest.mark.parametrize("case", _params("flagger.phase_sequence.deployment_target"))
def test_flagger_phase_sequence(case: dict[str, Any]) -> None:
    spec = _flagger_spec(case["analysis"])
    state = replace(FlaggerState(), **case.get("start", {}))
    for tick in case["ticks"]:
        drive = tick["drive"]
        state = replace(state, **drive.get("force", {}))
        before = state
        state = fs.advance_canary(state, spec, _tick(drive))
        for key, attribute in _EXPECTED_STATE.items():
            if key in tick:
                assert getattr(state, attribute) == tick[key], (tick["label"], key)
        if "expected_canary_replicas" in tick:
            assert state.canary_scaled_up == before.canary_scaled_up is True, tick["label"]


# ---------------------------------------------------------------------------------------
# Flagger: interval parsing (B1; no upstream table, checked against the reference)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "seconds"),
    [
        ("", 60.0),
        ("1m", 60.0),
        ("30s", 30.0),
        ("5s", 10.0),
        ("1m30s", 90.0),
        ("oops", 60.0),
        ("30", 60.0),
        ("-1m", 10.0),
        ("1.5h", 5400.0),
    ],
)
def test_analysis_interval_seconds(interval: str, seconds: float) -> None:
    assert fs.analysis_interval_seconds(interval) == seconds


# ---------------------------------------------------------------------------------------
# Flagger: reference behaviours without an upstream table (progressive-delivery.md, Part B)
# ---------------------------------------------------------------------------------------


def _started_run(spec: FlaggerSpec) -> FlaggerState:
    """Initialized at revision 1, then revision 2 detected (Progressing, canary scaled up)."""
    state = fs.advance_canary(FlaggerState(), spec, FlaggerTick(target_revision=1))
    state = fs.advance_canary(state, spec, FlaggerTick(target_revision=2))
    assert (state.phase, state.canary_scaled_up) == ("Progressing", True)
    return state


def test_flagger_failed_checks_accumulate_and_roll_back_next_tick() -> None:
    """B4.14/B8.3: failures need not be consecutive; the rollback comes on the tick after
    the threshold-th failure, with all traffic on the primary and the canary scaled down."""
    spec = FlaggerSpec(threshold=2, step_weight=10, max_weight=50)
    state = _started_run(spec)
    seen = []
    for passing in (True, False, True, False, True):
        state = fs.advance_canary(state, spec, FlaggerTick(target_revision=2, checks_pass=passing))
        seen.append((state.phase, state.canary_route, state.failed_checks))
    assert seen == [
        ("Progressing", 10, 0),
        ("Progressing", 10, 1),
        ("Progressing", 20, 1),
        ("Progressing", 20, 2),
        ("Failed", 0, 0),
    ]
    assert (state.primary_route, state.canary_scaled_up) == (100, False)


def test_flagger_off_ladder_weight_jumps_to_full() -> None:
    """B5: with stepWeights, a weight that is not on the ladder steps straight to 100."""
    assert fs.next_step_weight(15, 0, [10, 20, 40]) == 85
    assert fs.next_step_weight(20, 0, [10, 20, 40]) == 20
    assert fs.next_step_weight(100, 0, [10, 20, 40]) == 1


def test_flagger_kubernetes_provider_forces_ten_iteration_blue_green() -> None:
    """B3/B6: the kubernetes provider runs blue-green with 10 iterations, never moves
    traffic, and goes from Promoting straight to Finalising."""
    spec = FlaggerSpec(step_weight=10, max_weight=50, provider="kubernetes")
    state = _started_run(spec)
    tick = FlaggerTick(target_revision=2)
    phases = []
    for _ in range(14):
        state = fs.advance_canary(state, spec, tick)
        phases.append(state.phase)
        assert (state.primary_route, state.canary_route) == (100, 0)
    assert phases == ["Progressing"] * 11 + ["Promoting", "Finalising", "Succeeded"]
