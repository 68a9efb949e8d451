"""Argo Rollouts basic canary (no trafficRouting): replica arithmetic, steps, pauses.

Expected values are derived by hand from shared/reference/progressive-delivery.md
(cited "A<n>") and, where it is silent, from argoproj/argo-rollouts sources
(utils/replicaset/canary.go, rollout/canary.go, rollout/sync.go,
utils/conditions/conditions.go). Never copied from a rollsim run.

Scenario (unless a test says otherwise): R = 10, maxSurge/maxUnavailable default
25% / 25%, so surge = ceil(2.5) = 3 and unavailable = floor(2.5) = 2 (A3.1);
minAvailable = R - 2 = 8, pod ceiling R + 3 = 13. Steps::

    0 setWeight: 20
    1 pause: {duration: 30}
    2 setWeight: 50
    3 pause: {}

Applied at t=0 (web:1), image changed to web:2 at t=10.
"""

from __future__ import annotations

import pytest

import rollsim

from .support import (
    cluster,
    messages,
    phase,
    pod_hash,
    rollout,
    rollout_yaml,
    rs_of,
    scaled,
    service_yaml,
)

STEPS = """    canary:
      steps:
      - setWeight: 20
      - pause: {duration: 30}
      - setWeight: 50
      - pause: {}
"""
T0 = 10.0


def start(strategy: str = STEPS, replicas: int = 10) -> rollsim.Cluster:
    c = cluster()
    c.apply(rollout_yaml(replicas=replicas, strategy=strategy) + service_yaml("web"))
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(until=T0)
    return c


def test_first_deploy_runs_no_steps() -> None:
    # A12.1: no stable RS yet -> promoted at once ("Initial deploy"), no steps, no
    # pauses: W = MW (A4.1) so the only RS goes 0 -> 10 at t=0, and the step index
    # is set to len(steps) = 4. Pods Ready at t=2 -> Healthy.
    c = cluster()
    c.apply(rollout_yaml(strategy=STEPS) + service_yaml("web"))
    c.run(until=0)
    rs1 = rs_of(c, "web:1")
    r = rollout(c)
    assert r.status.current_step_index == 4
    assert r.status.stable_rs == r.status.current_pod_hash
    assert messages(c, "ScalingReplicaSet") == [(0.0, scaled(rs1.metadata.name, 1, 0, 10))]
    assert messages(c, "RolloutCompleted") == [
        (
            0.0,
            f"Rollout completed update to revision 1 ({r.status.current_pod_hash}): Initial deploy",
        )
    ]
    # A2.6: 10 pods exist (updated = 10 = R) but none is available yet.
    assert phase(c) == ("Progressing", "updated replicas are still becoming available")
    c.run(until=5)
    assert messages(c, "RolloutStepCompleted") == []
    assert rollout(c).status.pause_conditions == ()
    assert phase(c) == ("Healthy", "")


def test_scaling_sequence_steps_and_pauses() -> None:
    c = start()
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0)
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    n1, n2 = rs1.metadata.name, rs2.metadata.name

    # Step 0, W=20. A5: R*W/100 = 2 exactly -> candidate (2, 10) has distance 0 ->
    # targets canary 2, stable 8. A6 from canary 0 / stable 10: room = 13 - 10 = 3,
    # canary may grow to 2; scale-down count = canary.available 0 + stable.spec 10 =
    # 10 > 8 -> stable may drop by 2 to max(8, 10-2) = 8. One RS change per
    # reconcile, stable first (A6.8/A8.3): stable 10->8, then canary 0->2, both at T0.
    assert messages(c, "ScalingReplicaSet", since=T0) == [
        (T0, scaled(n1, 1, 10, 8)),
        (T0, scaled(n2, 2, 0, 2)),
    ]
    assert rollout(c).status.current_step_index == 0
    # updated = 2 < R -> "more replicas need to be updated" (A2.5).
    assert phase(c) == ("Progressing", "more replicas need to be updated")

    # Canary pods Ready at T0+2: canary available 2 == desired == spec and stable
    # spec/replicas 8 == desired -> setWeight step complete (A8.6); the pause step is
    # reached at once and its condition starts then (A9.1).
    c.run(until=T0 + 2)
    assert messages(c, "RolloutStepCompleted", since=T0) == [
        (T0 + 2, "Rollout step 1/4 completed (setWeight: 20)")
    ]
    r = rollout(c)
    assert r.status.current_step_index == 1
    assert [(p.reason, p.start_time) for p in r.status.pause_conditions] == [
        ("CanaryPauseStep", T0 + 2)
    ]
    assert phase(c) == ("Paused", "CanaryPauseStep")

    # A9.3: a 30 s pause ends at its start + 30 = T0+32 (requeued for that moment).
    c.run(until=T0 + 31.5)
    assert rollout(c).status.current_step_index == 1
    c.run(until=T0 + 32)
    # CanaryStepString: "pause: " + the duration as written (int 30 -> "30").
    assert messages(c, "RolloutStepCompleted", since=T0 + 3) == [
        (T0 + 32, "Rollout step 2/4 completed (pause: 30)")
    ]

    # Step 2, W=50. A5: 10*0.5 = 5 exactly -> (5, 5). A6 from canary 2(avail 2) /
    # stable 8: room = 13 - 10 = 3 -> canary may reach 5; count = canary.available 2
    # + stable.spec 8 = 10 > 8 -> stable to max(5, 8-2) = 6. Stable first: 8->6; then
    # canary 2->5 (count 2 + 6 = 8, nothing more to drop). At T0+34 the three new
    # canary pods are Ready: count 5 + 6 = 11 > 8 -> stable max(5, 6-3) = 5.
    assert messages(c, "ScalingReplicaSet", since=T0 + 32) == [
        (T0 + 32, scaled(n1, 1, 8, 6)),
        (T0 + 32, scaled(n2, 2, 2, 5)),
    ]
    assert phase(c) == ("Progressing", "more replicas need to be updated")
    c.run(until=T0 + 34)
    assert messages(c, "ScalingReplicaSet", since=T0 + 33) == [(T0 + 34, scaled(n1, 1, 6, 5))]
    assert messages(c, "RolloutStepCompleted", since=T0 + 33) == [
        (T0 + 34, "Rollout step 3/4 completed (setWeight: 50)")
    ]
    assert phase(c) == ("Paused", "CanaryPauseStep")

    # Step 3 is `pause: {}`: nothing happens until promote (A9.2).
    c.run(until=100)
    assert rollout(c).status.current_step_index == 3
    assert messages(c, "ScalingReplicaSet", since=T0 + 35) == []
    assert phase(c) == ("Paused", "CanaryPauseStep")

    # promote at t=100: the pause condition is cleared -> step 4/4 done; index 4 ->
    # W = 100 (A4.4) -> targets (10, 0). A6 from canary 5/stable 5: room = 13 - 10 =
    # 3 -> canary may reach 8; count 5 + 5 = 10 > 8 -> stable max(0, 5-2) = 3.
    # Stable 5->3 first; then room = 13 - 8 = 5 -> canary 5->10 (count 5 + 3 = 8).
    # At 102 the canary is all Ready: count 10 + 3 = 13 > 8 -> stable 3->0, and the
    # canary (10 available, all steps done) is promoted (A12.4) in that reconcile.
    c.promote("rollout/web")
    c.run(until=100)
    assert messages(c, "RolloutStepCompleted", since=100) == [
        (100.0, "Rollout step 4/4 completed (pause)")
    ]
    assert messages(c, "ScalingReplicaSet", since=100) == [
        (100.0, scaled(n1, 1, 5, 3)),
        (100.0, scaled(n2, 2, 5, 10)),
    ]
    # 13 pods: 10 updated (= R), available 3 + 5 = 8 < 10.
    assert phase(c) == ("Progressing", "updated replicas are still becoming available")
    c.run(until=102)
    assert messages(c, "ScalingReplicaSet", since=101) == [(102.0, scaled(n1, 1, 3, 0))]
    assert messages(c, "RolloutCompleted", since=101) == [
        (
            102.0,
            f"Rollout completed update to revision 2 ({pod_hash(rs2)}): "
            "Completed all 4 canary steps",
        )
    ]
    r = rollout(c)
    assert r.status.stable_rs == r.status.current_pod_hash
    assert r.status.current_step_index == 4
    assert phase(c) == ("Healthy", "")


def test_pod_counts_stay_inside_the_surge_and_availability_band() -> None:
    # A6: every reconcile keeps spec total <= R + surge = 13 and never removes pods
    # below minAvailable = 8; with instant readiness the pod count (pods exist from
    # their creation) therefore stays in [8, 13] and availability >= 8 throughout.
    c = start()
    c.set_image("rollout/web", web="web:2")
    c.run(until=60)
    c.promote("rollout/web")
    assert c.run_until_complete("rollout/web", timeout=100)
    tl = c.timeline("rollout/web")
    after = tl.t >= T0
    assert tl["pods"][after].max() == 13
    assert tl["available"][after].min() >= 8
    assert tl["available"][after].min() == 8


def test_weight_needing_surge_runs_r_plus_one_pods() -> None:
    # R=3, 25%/25%: surge = ceil(0.75) = 1, unavailable = floor(0.75) = 0 (not both
    # 0, so no fix-up); minAvailable 3, ceiling 4. Steps: setWeight 50, pause {}.
    # A5 with W=50: c_up = ceil(1.5) = 2, c_down = 1; at total 3 the pair is tied
    # (fraction .5), so only (2,3) [66.7% -> distance 16.7]; with surge: (2,4) ->
    # exactly 50% and (1,4) -> 25%. Best (2,4): canary 2, stable 2, 4 pods = R + 1.
    # A6 from 0/3: room = 4 - 3 = 1 -> canary 0->1; count 0 + 3 = 3 <= 3 -> keep.
    # At +2 canary 1 ready: room 0; count 1 + 3 = 4 > 3 -> stable max(2, 3-1) = 2
    # (stable 3->2); next reconcile room = 4 - 3 = 1 -> canary 1->2 (count 1+2 = 3).
    # At +4: count 2 + 2 = 4 > 3 but stable is already at its target 2 -> done,
    # and the setWeight step completes with 2 + 2 pods.
    strategy = """    canary:
      steps:
      - setWeight: 50
      - pause: {}
"""
    c = start(strategy, replicas=3)
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0 + 4)
    n1, n2 = rs_of(c, "web:1").metadata.name, rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=T0) == [
        (T0, scaled(n2, 2, 0, 1)),
        (T0 + 2, scaled(n1, 1, 3, 2)),
        (T0 + 2, scaled(n2, 2, 1, 2)),
    ]
    assert messages(c, "RolloutStepCompleted", since=T0) == [
        (T0 + 4, "Rollout step 1/2 completed (setWeight: 50)")
    ]
    assert (rs_of(c, "web:1").replicas, rs_of(c, "web:2").replicas) == (2, 2)
    assert rollout(c).status.replicas == 4


def test_single_percent_weight_adds_one_pod_beyond_r() -> None:
    # A5's own example: R=10, W=1, surge 3 > 0. c_up = ceil(0.1) = 1, c_down = 0 (zero
    # not allowed for 0 < W < 100). Candidates (1,10) -> 10% (distance 9) and (1,11) ->
    # 9.09% (distance 8.09): (1,11) wins -> canary 1, stable 10, 11 pods.
    # A6 from 0/10: room 3 -> canary 0->1; count 0 + 10 = 10 > 8 but stable spec 10
    # is not above its target 10 -> unchanged.
    strategy = """    canary:
      steps:
      - setWeight: 1
      - pause: {}
"""
    c = start(strategy)
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0 + 2)
    n2 = rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=T0) == [(T0, scaled(n2, 2, 0, 1))]
    assert (rs_of(c, "web:1").replicas, rs_of(c, "web:2").replicas) == (10, 1)
    assert messages(c, "RolloutStepCompleted", since=T0) == [
        (T0 + 2, "Rollout step 1/2 completed (setWeight: 1)")
    ]


def test_both_fenceposts_zero_is_rejected() -> None:
    # Upstream ValidateRolloutStrategyCanary (invalidMaxSurgeMaxUnavailable): the
    # values as written, percent or absolute, both 0 -> InvalidSpec
    # "MaxSurge and MaxUnavailable both can not be zero".
    strategy = """    canary:
      maxSurge: 0
      maxUnavailable: "0%"
      steps:
      - setWeight: 20
"""
    c = cluster()
    with pytest.raises(
        rollsim.ValidationError, match="MaxSurge and MaxUnavailable both can not be zero"
    ):
        c.apply(rollout_yaml(strategy=strategy))


def test_fenceposts_resolving_to_zero_zero_allow_one_unavailable() -> None:
    # maxSurge 0, maxUnavailable "5%" is valid as written (5 != 0), but resolves to
    # surge 0 and unavailable floor(0.5) = 0 -> A3.2 forces unavailable to 1:
    # minAvailable 9, ceiling 10. W=20 -> targets (2, 8) (as above).
    # A6 from 0/10: room = 10 - 10 = 0; count 0 + 10 = 10 > 9 -> stable max(8, 9) = 9.
    # Then room 1 -> canary 0->1 (count 0 + 9 = 9). At +2: count 1 + 9 = 10 > 9 ->
    # stable max(8, 8) = 8; room 1 -> canary 1->2 (count 1 + 8 = 9). At +4 the step
    # completes. Never more than 10 pods, never fewer than 9 available.
    strategy = """    canary:
      maxSurge: 0
      maxUnavailable: "5%"
      steps:
      - setWeight: 20
      - pause: {}
"""
    c = start(strategy)
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0 + 4)
    n1, n2 = rs_of(c, "web:1").metadata.name, rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=T0) == [
        (T0, scaled(n1, 1, 10, 9)),
        (T0, scaled(n2, 2, 0, 1)),
        (T0 + 2, scaled(n1, 1, 9, 8)),
        (T0 + 2, scaled(n2, 2, 1, 2)),
    ]
    assert messages(c, "RolloutStepCompleted", since=T0) == [
        (T0 + 4, "Rollout step 1/2 completed (setWeight: 20)")
    ]
    tl = c.timeline("rollout/web")
    after = tl.t >= T0
    assert tl["pods"][after].max() == 10
    assert tl["available"][after].min() == 9


def test_abort_drains_within_surge_and_unavailability() -> None:
    # A13.2 + A6.7/A6.8 ("Abort (W=0) from 10/0"): here abort while paused at step 1
    # with canary 2 / stable 8 (both fully available). W = 0 -> targets (0, 10).
    # A6: room = 13 - 10 = 3 -> stable (first) grows 8 -> 10; not increasing
    # (0 < canary.spec 2) so the canary's availability is ignored: count = canary.spec
    # 2 + stable.available 8 = 10 > 8 -> canary max(0, 2-2) = 0; rebalance keeps
    # min(2,0) + min(8,10) = 8 >= 8. Stable first (10), then canary 2->0, at once.
    # Degraded with "RolloutAborted: Rollout aborted update to revision 2" (A2, A13.1,
    # conditions.RolloutAbortedMessage); index back to 0; no abort scale-down delay
    # for basic canary.
    c = start()
    c.set_image("rollout/web", web="web:2")
    c.run(until=20)
    c.abort("rollout/web")
    c.run(until=20)
    n1, n2 = rs_of(c, "web:1").metadata.name, rs_of(c, "web:2").metadata.name
    assert messages(c, "ScalingReplicaSet", since=20) == [
        (20.0, scaled(n1, 1, 8, 10)),
        (20.0, scaled(n2, 2, 2, 0)),
    ]
    r = rollout(c)
    assert r.status.current_step_index == 0
    assert phase(c) == ("Degraded", "RolloutAborted: Rollout aborted update to revision 2")
    c.run(until=30)
    assert phase(c) == ("Degraded", "RolloutAborted: Rollout aborted update to revision 2")


def test_undo_to_the_stable_revision_skips_every_step() -> None:
    # cmd/undo: the template of the previous revision (1) is patched back ->
    # "rollout 'web' undo". A8.1: the new template is the stable RS's -> its revision
    # annotation moves to 3 and currentStepIndex jumps to len(steps) = 4. A6.2: new ==
    # stable -> dN = R = 10: room 13 - (2 + 8) = 3 -> rev-1 RS 8 -> 10 (2 new pods, Ready
    # at 22). A13.6: the rev-2 RS is an older RS: 0 unhealthy pods, budget = available
    # 8 + 2 - minAvailable 8 = 2 -> 2 -> 0 in the next reconcile. No step event, no
    # RolloutCompleted (the stable hash does not change).
    c = start()
    c.set_image("rollout/web", web="web:2")
    c.run(until=20)
    assert c.kubectl("argo rollouts undo web") == "rollout 'web' undo\n"
    c.run(until=20)
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    assert rs1.metadata.annotations["rollout.argoproj.io/revision"] == "3"
    assert messages(c, "ScalingReplicaSet", since=20) == [
        (20.0, scaled(rs1.metadata.name, 3, 8, 10)),
        (20.0, scaled(rs2.metadata.name, 2, 2, 0)),
    ]
    r = rollout(c)
    assert r.status.current_step_index == 4
    assert r.status.stable_rs == r.status.current_pod_hash == pod_hash(rs1)
    assert phase(c) == ("Progressing", "updated replicas are still becoming available")
    c.run(until=22)
    assert phase(c) == ("Healthy", "")
    assert messages(c, "RolloutStepCompleted", since=20) == []
    assert messages(c, "RolloutCompleted", since=20) == []
