"""Argo Rollouts analysis on simulated metrics: step and background AnalysisRuns,
measurement timing, failure, inconclusive pauses, blue-green post-promotion.

Derived by hand from shared/reference/progressive-delivery.md (A6, A9.5, A10, A12.5,
A13, A14.7) and argoproj/argo-rollouts: analysis/analysis.go (first measurement at
start + initialDelay, then one per interval after the previous one; Count counts
Successful/Failed/Inconclusive measurements but not Error ones; Failed once failed >
failureLimit; Inconclusive once inconclusive > inconclusiveLimit (0); the run message
'Metric "<name>" assessed <Phase> due to failed (n) > failureLimit (m)'),
rollout/analysis.go and rollout/sync.go (abort condition message "Rollout aborted
update to revision N: <Step-based|Background> analysis phase error/failed: <run
message>"), cmd/promote (promote on an inconclusive step run skips the step).
A measurement over a window in which the canary served nothing has no data: the
query returns an empty vector and `result[0]` fails to evaluate -> Error.

Scenario: basic canary, R = 5 (surge ceil(1.25) = 2, unavailable floor(1.25) = 1,
minAvailable 4, ceiling 7), 100 rps offered to Service web (all app=web pods),
web:1 at t=0, web:2 at T0 = 10. setWeight 20 -> A5: 5*0.2 = 1 -> canary 1, stable 4;
A6: stable 5->4 then canary 0->1 at T0, canary Ready at T0+2 = 12.
The success-rate metric is the share of non-failed requests the canary pods served
in the measurement's window; PodBehavior(error_rate=0.1) makes it exactly 0.9.
"""

from __future__ import annotations

import rollsim

from .support import (
    HASH,
    behavior,
    cluster,
    conservation,
    messages,
    phase,
    pod_hash,
    rollout,
    rollout_yaml,
    rs_of,
    scaled,
    service_selector,
    service_yaml,
    share_at,
    success_rate_template,
)

T0 = 10.0
ABORTED = "RolloutAborted: Rollout aborted update to revision 2"
FAILED_1_0 = 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)'
FAILED_2_1 = 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)'
BAD = {"web:2": behavior(error_rate=0.1)}


def start(
    strategy: str,
    template: str,
    images: dict[str, rollsim.PodBehavior] | None = None,
    replicas: int = 5,
) -> rollsim.Cluster:
    c = cluster(images)
    c.apply(rollout_yaml(replicas=replicas, strategy=strategy) + service_yaml("web") + template)
    c.run(until=0)
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(until=T0)
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0)
    return c


def runs(c: rollsim.Cluster) -> list:
    return c.controllers["rollouts"].analysis_runs[("default", "web")]


STEP_ANALYSIS = """    canary:
      steps:
      - setWeight: 20
      - analysis:
          templates:
          - templateName: success-rate
"""


def test_step_analysis_passes_and_rollout_completes() -> None:
    # Run starts when step 1 is reached (T0+2 = 12). initialDelay 5s, interval 10s,
    # count 3 -> measurements at 17, 27, 37, each 1.0 >= 0.95 -> Successful at 37 ->
    # "Rollout step 2/2 completed (analysis)" at 37.
    # Then W = 100 (A4.4): 37: stable 4->3 (room 2, count 1+4 = 5 > 4), canary 1->4
    # (room 7-4 = 3); 39: canary 4 Ready, count 4+3 = 7 > 4 -> stable 3->0, then room
    # 3 -> canary 4->5; 41: canary 5/5 available -> promoted.
    c = start(STEP_ANALYSIS, success_rate_template(initial_delay="5s"))
    c.run(until=T0 + 2)
    h2 = pod_hash(rs_of(c, "web:2"))
    (run,) = runs(c)
    assert run.name == f"web-{h2}-2-1"
    assert run.started == 12.0
    c.run(until=36)
    assert run.metrics[0].phases == ["Successful", "Successful"]
    assert run.phase == "Running"
    assert rollout(c).status.current_step_index == 1
    c.run(until=37)
    assert run.metrics[0].phases == ["Successful"] * 3
    assert run.phase == "Successful"
    assert messages(c, "RolloutStepCompleted", since=T0) == [
        (12.0, "Rollout step 1/2 completed (setWeight: 20)"),
        (37.0, "Rollout step 2/2 completed (analysis)"),
    ]
    c.run(until=41)
    n1, n2 = rs_of(c, "web:1").metadata.name, rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=37) == [
        (37.0, scaled(n1, 1, 4, 3)),
        (37.0, scaled(n2, 2, 1, 4)),
        (39.0, scaled(n1, 1, 3, 0)),
        (39.0, scaled(n2, 2, 4, 5)),
    ]
    assert messages(c, "RolloutCompleted", since=T0) == [
        (41.0, f"Rollout completed update to revision 2 ({h2}): Completed all 2 canary steps")
    ]
    assert phase(c) == ("Healthy", "")


def test_failing_step_analysis_aborts_the_rollout() -> None:
    # First measurement at 17: 0.9 < 0.95 -> Failed; failed 1 > failureLimit 0 -> the
    # run is Failed at 17 -> abort at 17 (A10.3). Abort drain (A6, W=0) from canary
    # 1/1, stable 4/4: room 7-5 = 2 -> stable 4->5 first; not increasing -> count =
    # canary.spec 1 + stable.available 4 = 5 > 4 -> canary 1->0.
    c = start(STEP_ANALYSIS, success_rate_template(initial_delay="5s"), BAD)
    c.run(until=16)
    assert rollout(c).status.abort is False
    c.run(until=17)
    (run,) = runs(c)
    assert run.metrics[0].phases == ["Failed"]
    assert run.phase == "Failed"
    n1, n2 = rs_of(c, "web:1").metadata.name, rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=17) == [
        (17.0, scaled(n1, 1, 4, 5)),
        (17.0, scaled(n2, 2, 1, 0)),
    ]
    r = rollout(c)
    assert r.status.abort is True
    assert r.status.current_step_index == 0
    assert r.status.phase == "Degraded"


ABORT_MESSAGE_BUG = (
    "rollsim bug: RolloutController._conditions writes only 'Rollout aborted update to "
    "revision N' and drops the abort reason (canary._reconcile_analysis passes 'Metric "
    "assessed Failed' instead of the run's message with the 'Step-based/Background "
    "analysis phase error/failed: ' prefix), so the phase message lacks the analysis "
    "outcome upstream shows"
)


def test_failing_step_analysis_message() -> None:
    c = start(STEP_ANALYSIS, success_rate_template(initial_delay="5s"), BAD)
    c.run(until=17)
    assert phase(c) == (
        "Degraded",
        f"{ABORTED}: Step-based analysis phase error/failed: {FAILED_1_0}",
    )


BACKGROUND = """    canary:
      analysis:
        templates:
        - templateName: success-rate
      steps:
      - setWeight: 20
      - pause: {duration: 60}
"""


def test_failing_background_analysis_aborts_on_second_failure() -> None:
    # Background run from T0 = 10 (startingStep 0, A10.1); interval 10s, no count,
    # failureLimit 1. 10: the canary has no pod -> no data -> Error; 20: window
    # [10, 20], the canary served from 12 at 10% errors -> 0.9 -> Failed (1 <= 1);
    # 30: Failed (2 > 1) -> run Failed -> abort at 30, drained as above.
    c = start(BACKGROUND, success_rate_template(count=None, failure_limit=1), BAD)
    (run,) = runs(c)
    assert run.started == T0
    c.run(until=29)
    assert run.metrics[0].phases == ["Error", "Failed"]
    assert rollout(c).status.abort is False
    c.run(until=30)
    assert run.metrics[0].phases == ["Error", "Failed", "Failed"]
    assert run.phase == "Failed"
    n1, n2 = rs_of(c, "web:1").metadata.name, rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=30) == [
        (30.0, scaled(n1, 1, 4, 5)),
        (30.0, scaled(n2, 2, 1, 0)),
    ]
    assert rollout(c).status.phase == "Degraded"


def test_failing_background_analysis_message() -> None:
    c = start(BACKGROUND, success_rate_template(count=None, failure_limit=1), BAD)
    c.run(until=30)
    assert phase(c) == (
        "Degraded",
        f"{ABORTED}: Background analysis phase error/failed: {FAILED_2_1}",
    )


def test_error_measurements_do_not_count_towards_count() -> None:
    # Healthy canary, background run with count 3: 10 Error (no data, not counted),
    # 20, 30, 40 Successful -> the metric reaches its count, and the run succeeds, at
    # 40, not at 30.
    c = start(BACKGROUND, success_rate_template(count=3))
    (run,) = runs(c)
    c.run(until=35)
    assert run.metrics[0].phases == ["Error", "Successful", "Successful"]
    assert run.phase == "Running"
    c.run(until=40)
    assert run.metrics[0].phases == ["Error", "Successful", "Successful", "Successful"]
    assert run.phase == "Successful"
    assert rollout(c).status.abort is False


def healthy_background() -> rollsim.Cluster:
    return start(BACKGROUND, success_rate_template(count=None, failure_limit=1))


def test_healthy_background_analysis_lets_the_rollout_complete() -> None:
    # Healthy web:2, background run without count (runs until the rollout is done):
    # 10 Error (no data), then 1.0 every 10 s. The 60 s pause runs 12 -> 72; then W =
    # 100: 72 stable 4->3, canary 1->4; 74 stable 3->0, canary 4->5; 76 promoted.
    c = healthy_background()
    c.run(until=71)
    (run,) = runs(c)
    assert run.metrics[0].phases == ["Error"] + ["Successful"] * 6
    assert rollout(c).status.current_step_index == 1
    c.run(until=76)
    h2 = pod_hash(rs_of(c, "web:2"))
    assert messages(c, "RolloutCompleted", since=T0) == [
        (76.0, f"Rollout completed update to revision 2 ({h2}): Completed all 2 canary steps")
    ]
    assert phase(c) == ("Healthy", "")
    assert rollout(c).status.abort is False


def test_background_run_is_terminated_successful_on_promotion() -> None:
    c = healthy_background()
    c.run(until=90)
    (run,) = runs(c)
    assert run.phase == "Successful"
    # Measurements at 10, 20, ..., 70; none after the promotion at 76.
    assert len(run.metrics[0].phases) == 7


INCONCLUSIVE = """    canary:
      steps:
      - setWeight: 20
      - analysis:
          templates:
          - templateName: success-rate
      - setWeight: 40
      - pause: {}
"""


def test_inconclusive_run_pauses_until_promoted() -> None:
    # success "result[0] >= 0.95", failure "result[0] < 0.5": 0.9 is neither ->
    # Inconclusive; inconclusive 1 > inconclusiveLimit 0 -> run Inconclusive at 17 ->
    # pause condition InconclusiveAnalysisRun, phase Paused (A9.5, A10.3).
    template = success_rate_template(count=1, failure="result[0] < 0.5", initial_delay="5s")
    c = start(INCONCLUSIVE, template, BAD)
    c.run(until=17)
    (run,) = runs(c)
    assert run.metrics[0].phases == ["Inconclusive"]
    assert run.phase == "Inconclusive"
    assert phase(c) == ("Paused", "InconclusiveAnalysisRun")
    c.run(until=30)
    assert phase(c) == ("Paused", "InconclusiveAnalysisRun")
    assert rollout(c).status.current_step_index == 1


def test_promote_after_inconclusive_skips_the_analysis_step() -> None:
    # cmd/promote getPatches: an inconclusive step run with the controller paused ->
    # clear the pause conditions and controllerPause AND advance the index (1 -> 2);
    # no RolloutStepCompleted for the skipped step. Step 2 (setWeight 40, A5: 2 exactly
    # -> canary 2, stable 3): 30: stable 4->3 (count 1+4 = 5 > 4), canary 1->2; 32:
    # canary Ready -> "Rollout step 3/4 completed (setWeight: 40)", then CanaryPauseStep.
    template = success_rate_template(count=1, failure="result[0] < 0.5", initial_delay="5s")
    c = start(INCONCLUSIVE, template, BAD)
    c.run(until=30)
    c.promote("rollout/web")
    c.run(until=30)
    assert rollout(c).status.current_step_index == 2
    c.run(until=32)
    n1, n2 = rs_of(c, "web:1").metadata.name, rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=30) == [
        (30.0, scaled(n1, 1, 4, 3)),
        (30.0, scaled(n2, 2, 1, 2)),
    ]
    assert messages(c, "RolloutStepCompleted", since=30) == [
        (32.0, "Rollout step 3/4 completed (setWeight: 40)")
    ]
    assert phase(c) == ("Paused", "CanaryPauseStep")


POST_PROMOTION = """    blueGreen:
      activeService: web-active
      previewService: web-preview
      postPromotionAnalysis:
        templates:
        - templateName: success-rate
"""


def post_promotion_cluster() -> rollsim.Cluster:
    """Blue-green R=3 first deployed WITHOUT post-promotion analysis (so the first
    deploy is promoted whatever rollsim does with analysis on an initial deploy); at
    T0 the same apply adds postPromotionAnalysis and the bad image web:2."""
    plain = POST_PROMOTION.split("      postPromotionAnalysis:")[0]
    c = cluster(BAD)
    c.apply(
        rollout_yaml(replicas=3, strategy=plain)
        + service_yaml("web-active")
        + service_yaml("web-preview")
        + success_rate_template()
    )
    c.run(until=0)
    c.add_traffic(rollsim.Traffic(rps=100, service="web-active"))
    c.run(until=T0)
    c.apply(rollout_yaml(replicas=3, image="web:2", strategy=POST_PROMOTION))
    return c


def test_failing_post_promotion_analysis_returns_active_to_stable() -> None:
    # R = 3, traffic on web-active. New RS saturated at 12 -> active switch (no pause)
    # -> post-promotion run starts at 12 (A14.7). 12: window [2, 12], the new pods
    # served nothing (the preview gets no traffic) -> Error; 22: window [12, 22], all
    # active traffic at 10% errors -> 0.9 -> Failed -> abort: active service back to
    # the stable hash at 22 (A13.5), stable never promoted; the new RS goes to 0 after
    # abortScaleDownDelaySeconds, at 52.
    c = post_promotion_cluster()
    c.run(until=12)
    h1, h2 = pod_hash(rs_of(c, "web:1")), pod_hash(rs_of(c, "web:2"))
    assert service_selector(c, "web-active")[HASH] == h2
    (run,) = runs(c)
    assert run.started == 12.0
    assert run.metrics[0].phases == ["Error"]
    # A2.7: active switched but not yet promoted while the post-promotion run runs.
    assert phase(c) == ("Progressing", "waiting for analysis to complete")
    c.run(until=22)
    assert run.metrics[0].phases == ["Error", "Failed"]
    assert service_selector(c, "web-active")[HASH] == h1
    r = rollout(c)
    assert r.status.stable_rs == h1
    assert r.status.phase == "Degraded"
    assert r.status.message.startswith(ABORTED)
    tl = c.timeline("rollout/web")
    assert share_at(tl, 2, 12) == 1.0
    assert share_at(tl, 2, 21) == 1.0
    assert share_at(tl, 2, 22) == 0.0
    assert share_at(tl, 1, 22) == 1.0
    # 10% of the 10 s x 100 rps the bad version served failed: 100 requests.
    errors = tl.by_revision[2]["errors"]
    assert abs(float(errors[-1]) - 100.0) < 1e-6
    c.run(until=52)
    rs2 = rs_of(c, "web:2")
    assert messages(c, "ScalingReplicaSet", since=13) == [
        (52.0, scaled(rs2.metadata.name, 2, 3, 0))
    ]
    assert rs_of(c, "web:1").replicas == 3
    offered, accounted = conservation(c.timeline("rollout/web"))
    assert abs(offered - accounted) < 1e-6


def test_failing_post_promotion_analysis_message() -> None:
    c = post_promotion_cluster()
    c.run(until=22)
    assert FAILED_1_0 in rollout(c).status.message


def test_initial_deploy_with_post_promotion_analysis_is_promoted_at_once() -> None:
    c = cluster(BAD)
    c.apply(
        rollout_yaml(replicas=3, strategy=POST_PROMOTION)
        + service_yaml("web-active")
        + service_yaml("web-preview")
        + success_rate_template()
    )
    c.run(until=T0)
    h1 = pod_hash(rs_of(c, "web:1"))
    assert rollout(c).status.stable_rs == h1
    assert c.controllers["rollouts"].analysis_runs.get(("default", "web"), []) == []
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0 + 1)
    # The old active keeps serving while the new RS comes up (A14.2).
    assert rs_of(c, "web:1").replicas == 3
