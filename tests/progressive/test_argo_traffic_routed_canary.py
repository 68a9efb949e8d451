"""Argo Rollouts canary with trafficRouting (nginx): full-size stable, weights that
follow the pods, abort, retry, promote --full and the scale-down delay.

Derived by hand from shared/reference/progressive-delivery.md (A4, A7, A11, A12, A13)
and argoproj/argo-rollouts (rollout/trafficrouting.go, rollout/canary.go,
rollout/sync.go). Never copied from a rollsim run.

Scenario: R = 4, stableService web-stable and canaryService web-canary (both
selecting app=web; the controller adds the pod-template hash to each), 100 rps
offered to web-stable, which the router splits by the canary weight to
web-canary. Steps::

    0 setWeight: 20     canary = ceil(20*4/100) = 1   (A7.1, stable stays 4)
    1 pause: {}
    2 setWeight: 60     canary = ceil(60*4/100) = 3
    3 pause: {}

Applied at t=0 (web:1), image web:2 at t=10.
"""

from __future__ import annotations

import rollsim

from .support import (
    HASH,
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
)

STRATEGY = """    canary:
      canaryService: web-canary
      stableService: web-stable
      trafficRouting:
        nginx: {stableIngress: web}
      steps:
      - setWeight: 20
      - pause: {}
      - setWeight: 60
      - pause: {}
"""
T0 = 10.0
ABORTED = "RolloutAborted: Rollout aborted update to revision 2"


def start() -> rollsim.Cluster:
    c = cluster()
    c.apply(
        rollout_yaml(replicas=4, strategy=STRATEGY)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=1)
    c.add_traffic(rollsim.Traffic(rps=100, service="web-stable"))
    c.run(until=T0)
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0)
    return c


def test_stable_stays_full_and_weight_follows_ready_canary_pods() -> None:
    c = start()
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    # A7.2: stable = R whatever the weight; only the canary is scaled (0 -> 1).
    assert messages(c, "ScalingReplicaSet", since=T0) == [(T0, scaled(rs2.metadata.name, 2, 0, 1))]
    # Services: stable -> stable hash, canary -> new hash.
    assert service_selector(c, "web-stable")[HASH] == pod_hash(rs1)
    assert service_selector(c, "web-canary")[HASH] == pod_hash(rs2)
    # A11.3: no canary pod available yet -> weight 0.
    assert rollout(c).status.canary_weight == 0
    c.run(until=T0 + 2)
    # Canary pod Ready at T0+2: at its desired count -> weight 20 (A11.5), and the
    # setWeight step completes in the same reconcile (nginx reports no verification).
    assert rollout(c).status.canary_weight == 20
    assert messages(c, "RolloutStepCompleted", since=T0) == [
        (T0 + 2, "Rollout step 1/4 completed (setWeight: 20)")
    ]
    assert phase(c) == ("Paused", "CanaryPauseStep")

    # promote at 30: step 2 (setWeight 60) -> canary 1 -> 3; until the two new pods
    # are Ready the weight stays at the previous setWeight, 20 (A11.5).
    c.run(until=30)
    c.promote("rollout/web")
    c.run(until=31)
    assert messages(c, "ScalingReplicaSet", since=30) == [
        (30.0, scaled(rs2.metadata.name, 2, 1, 3))
    ]
    assert rollout(c).status.canary_weight == 20
    c.run(until=32)
    assert rollout(c).status.canary_weight == 60
    assert messages(c, "RolloutStepCompleted", since=30) == [
        (30.0, "Rollout step 2/4 completed (pause)"),
        (32.0, "Rollout step 3/4 completed (setWeight: 60)"),
    ]
    assert rs_of(c, "web:1").replicas == 4

    # Traffic share of the new revision equals the set weight only once the canary
    # pods are at their desired count: 0 until T0+2, 0.2 until 32, then 0.6.
    tl = c.timeline("rollout/web")
    assert share_at(tl, 2, T0 + 1) == 0.0
    assert share_at(tl, 2, T0 + 2) == 0.2
    assert share_at(tl, 2, 31) == 0.2
    assert share_at(tl, 2, 32) == 0.6
    assert share_at(tl, 1, 32) == 0.4
    # The stable kept its 4 pods from the first deploy on (A7.2).
    after = tl.t >= 2
    assert set(tl.by_revision[1]["pods"][after]) == {4.0}


def aborted_at_40() -> rollsim.Cluster:
    c = start()
    c.run(until=30)
    c.promote("rollout/web")
    c.run(until=40)
    assert rollout(c).status.canary_weight == 60
    c.abort("rollout/web")
    c.run(until=40)
    return c


def test_abort_zeroes_weight_at_once() -> None:
    # A11.2: aborted without dynamicStableScale -> weight 0 immediately; A13.1:
    # Degraded with RolloutAborted, step index back to 0; the stable (4/4) carries
    # all the traffic from the abort on and is never rescaled.
    c = aborted_at_40()
    r = rollout(c)
    assert r.status.canary_weight == 0
    assert r.status.current_step_index == 0
    assert phase(c) == ("Degraded", ABORTED)
    tl = c.timeline("rollout/web")
    assert share_at(tl, 2, 40) == 0.0
    assert share_at(tl, 1, 40) == 1.0
    c.run(until=80)
    assert phase(c) == ("Degraded", ABORTED)
    assert rs_of(c, "web:1").replicas == 4
    assert share_at(c.timeline("rollout/web"), 1, 80) == 1.0


def test_abort_scales_routed_canary_down_after_delay() -> None:
    # A13.3: the canary keeps its 3 pods until 40 + 30 = 70, then goes to 0.
    c = aborted_at_40()
    c.run(until=69)
    assert rs_of(c, "web:2").replicas == 3
    c.run(until=70)
    rs2 = rs_of(c, "web:2")
    assert messages(c, "ScalingReplicaSet", since=40) == [
        (70.0, scaled(rs2.metadata.name, 2, 3, 0))
    ]


def test_abort_records_an_event() -> None:
    c = aborted_at_40()
    assert messages(c, "RolloutAborted", since=40) == [
        (40.0, "Rollout aborted update to revision 2")
    ]


def test_abort_then_retry_starts_again_from_step_zero() -> None:
    c = start()
    c.run(until=30)
    c.promote("rollout/web")
    c.run(until=40)
    c.abort("rollout/web")
    c.run(until=100)
    # retry at 100 clears the abort; the index is 0 (A12.5), so step 0 (setWeight 20)
    # runs again: canary 0 -> 1, Ready at 102, weight 20, step 1/4 completed.
    c.retry("rollout/web")
    c.run(until=102)
    rs2 = rs_of(c, "web:2")
    scalings = messages(c, "ScalingReplicaSet", since=100)
    assert scalings[0] == (100.0, scaled(rs2.metadata.name, 2, 0, 1))
    assert messages(c, "RolloutStepCompleted", since=100) == [
        (102.0, "Rollout step 1/4 completed (setWeight: 20)")
    ]
    assert rollout(c).status.canary_weight == 20
    assert phase(c) == ("Paused", "CanaryPauseStep")


def test_promote_full_skips_steps_and_keeps_old_stable_for_scale_down_delay() -> None:
    c = start()
    c.run(until=20)
    # Paused at step 1 with canary 1/1 and weight 20. promote --full (A12.5):
    # promoteFull -> W = MW -> canary ceil(100*4/100) = 4, stable stays 4; the weight
    # is kept at 20 while the canary scales (A11.4).
    c.promote("rollout/web", full=True)
    c.run(until=21)
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    assert messages(c, "ScalingReplicaSet", since=20) == [
        (20.0, scaled(rs2.metadata.name, 2, 1, 4))
    ]
    assert rollout(c).status.canary_weight == 20
    # At 22 the canary has 4 available -> promoted (A12.2); upstream's reason is
    # "Full promotion requested" (rollout/sync.go shouldFullPromote). The stable
    # service then selects the new hash and the weight goes to 0 (A11.1).
    c.run(until=22)
    r = rollout(c)
    assert r.status.stable_rs == pod_hash(rs2)
    assert r.status.current_step_index == 4
    assert service_selector(c, "web-stable")[HASH] == pod_hash(rs2)
    assert r.status.canary_weight == 0
    assert phase(c) == ("Healthy", "")
    tl = c.timeline("rollout/web")
    assert share_at(tl, 2, 22) == 1.0
    # A13.7: the previous stable keeps its 4 pods for scaleDownDelaySeconds (30).
    c.run(until=51)
    assert rs_of(c, "web:1").replicas == 4
    c.run(until=52)
    assert messages(c, "ScalingReplicaSet", since=21) == [
        (52.0, scaled(rs1.metadata.name, 1, 4, 0))
    ]
    assert not [m for _, m in messages(c, "RolloutStepCompleted", since=20)]


def test_promote_full_completion_reason() -> None:
    # rollout/sync.go shouldFullPromote: status.promoteFull -> "Full promotion requested".
    c = start()
    c.run(until=20)
    c.promote("rollout/web", full=True)
    c.run(until=22)
    h2 = pod_hash(rs_of(c, "web:2"))
    assert messages(c, "RolloutCompleted", since=20) == [
        (22.0, f"Rollout completed update to revision 2 ({h2}): Full promotion requested")
    ]


def test_requests_are_conserved() -> None:
    # Every request offered to web-stable after t=1 was sent to a pod of revision 1
    # or 2 (the stable had Ready pods from t=2... before that none were listed, and
    # those requests fail as unrouted): offered == served + failed.
    c = start()
    c.run(until=30)
    c.promote("rollout/web", full=True)
    c.run(until=60)
    offered, accounted = conservation(c.timeline("rollout/web"))
    assert offered == 100 * (60 - 1)
    assert abs(offered - accounted) < 1e-6


SCALE_FIRST = """    canary:
      canaryService: web-canary
      stableService: web-stable
      trafficRouting:
        nginx: {stableIngress: web}
      steps:
      - setCanaryScale: {replicas: 2}
      - setWeight: 20
      - pause: {}
"""


def scale_first() -> rollsim.Cluster:
    c = cluster()
    c.apply(
        rollout_yaml(replicas=4, strategy=SCALE_FIRST)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=1)
    c.add_traffic(rollsim.Traffic(rps=100, service="web-stable"))
    c.run(until=T0)
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0)
    return c


def test_set_canary_scale_sizes_the_canary_without_traffic() -> None:
    # A4.2/A7.1: setCanaryScale {replicas: 2} -> canary exactly 2 pods, stable 4; no
    # setWeight at or before step 0 -> weight 0 (A4.4, A11.5). At T0+2 the canary is at
    # its desired count: step 0 completes; step 1 (setWeight 20) keeps the canary at 2
    # (the latest setCanaryScale still applies) and is complete at once, so the weight
    # becomes 20 in the same instant and step 2 pauses.
    c = scale_first()
    rs2 = rs_of(c, "web:2")
    assert messages(c, "ScalingReplicaSet", since=T0) == [(T0, scaled(rs2.metadata.name, 2, 0, 2))]
    assert rollout(c).status.canary_weight == 0
    c.run(until=T0 + 2)
    r = rollout(c)
    assert r.status.current_step_index == 2
    assert r.status.canary_weight == 20
    assert rs_of(c, "web:2").replicas == 2
    assert rs_of(c, "web:1").replicas == 4
    tl = c.timeline("rollout/web")
    assert share_at(tl, 2, T0 + 1) == 0.0
    assert share_at(tl, 2, T0 + 2) == 0.2


def test_set_canary_scale_step_event() -> None:
    c = scale_first()
    c.run(until=T0 + 2)
    assert messages(c, "RolloutStepCompleted", since=T0) == [
        (T0 + 2, "Rollout step 1/3 completed (setCanaryScale{replicas: 2})"),
        (T0 + 2, "Rollout step 2/3 completed (setWeight: 20)"),
    ]
