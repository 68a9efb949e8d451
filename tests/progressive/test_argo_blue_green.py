"""Argo Rollouts blue-green: preview at once, active on saturation, pauses,
previewReplicaCount, scale-down delay, abort.

Derived by hand from shared/reference/progressive-delivery.md (A1, A2, A13.5, A14)
and argoproj/argo-rollouts rollout/bluegreen.go, rollout/service.go, rollout/sync.go
(shouldFullPromote, syncRolloutStatusBlueGreen). Never copied from a rollsim run.

Scenario: R = 3, activeService web-active, previewService web-preview (both
selecting app=web), 100 rps offered to web-active. Applied at t=0 (web:1), image
web:2 at t=10. New pods are Ready 2 s after creation.
"""

from __future__ import annotations

import numpy as np

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

T0 = 10.0


def bg_strategy(extra: str = "") -> str:
    return f"""    blueGreen:
      activeService: web-active
      previewService: web-preview
{extra}"""


def start(extra: str = "") -> rollsim.Cluster:
    c = cluster()
    c.apply(
        rollout_yaml(replicas=3, strategy=bg_strategy(extra))
        + service_yaml("web-active")
        + service_yaml("web-preview")
    )
    c.run(until=0)
    c.add_traffic(rollsim.Traffic(rps=100, service="web-active"))
    c.run(until=T0)
    c.set_image("rollout/web", web="web:2")
    c.run(until=T0)
    return c


def test_manual_promotion_switches_active_only_when_saturated() -> None:
    c = start("      autoPromotionEnabled: false\n")
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    h1, h2 = pod_hash(rs1), pod_hash(rs2)
    # A14.1: the preview selector moves to the new hash at once; A14.2: the new RS is
    # scaled to R; the active stays on the stable hash.
    assert service_selector(c, "web-preview")[HASH] == h2
    assert service_selector(c, "web-active")[HASH] == h1
    assert messages(c, "ScalingReplicaSet", since=T0) == [(T0, scaled(rs2.metadata.name, 2, 0, 3))]
    # A2.7: active selector != current hash -> "active service cutover pending".
    assert phase(c) == ("Progressing", "active service cutover pending")
    # A14.3/4: new RS ready for pause at T0+2 -> BlueGreenPause (autoPromotionEnabled
    # false), which lasts until promote.
    c.run(until=T0 + 2)
    assert phase(c) == ("Paused", "BlueGreenPause")
    assert [(p.reason, p.start_time) for p in rollout(c).status.pause_conditions] == [
        ("BlueGreenPause", T0 + 2)
    ]
    c.run(until=50)
    assert service_selector(c, "web-active")[HASH] == h1
    assert phase(c) == ("Paused", "BlueGreenPause")

    # promote at 50: the new RS is saturated (3/3) -> active switch and promotion at
    # once ("Completed blue-green update"); the old active keeps 3 pods until
    # 50 + scaleDownDelaySeconds 30 = 80 (A14.8).
    c.promote("rollout/web")
    c.run(until=50)
    assert service_selector(c, "web-active")[HASH] == h2
    assert messages(c, "RolloutCompleted", since=T0) == [
        (50.0, f"Rollout completed update to revision 2 ({h2}): Completed blue-green update")
    ]
    assert phase(c) == ("Healthy", "")
    c.run(until=79)
    assert rs_of(c, "web:1").replicas == 3
    c.run(until=80)
    assert messages(c, "ScalingReplicaSet", since=T0 + 1) == [
        (80.0, scaled(rs1.metadata.name, 1, 3, 0))
    ]

    # Traffic on the active service moves all at once: revision 1 carries everything
    # until 50, revision 2 from 50; no intermediate share ever.
    tl = c.timeline("rollout/web")
    assert share_at(tl, 1, 49) == 1.0 and share_at(tl, 2, 49) == 0.0
    assert share_at(tl, 1, 50) == 0.0 and share_at(tl, 2, 50) == 1.0
    shares = tl.by_revision[2]["traffic_share"]
    assert set(np.round(shares, 9)) <= {0.0, 1.0}
    offered, accounted = conservation(tl)
    assert offered == 100 * 80
    assert abs(offered - accounted) < 1e-6


def test_auto_promotion_seconds_counts_from_pause_start() -> None:
    # A14.4: autoPromotionSeconds 20 -> pause from T0+2, promotion once now > start +
    # 20, i.e. at the requeue T0+22 = 32; old active scaled down at 32 + 30 = 62.
    c = start("      autoPromotionSeconds: 20\n")
    c.run(until=T0 + 2)
    assert phase(c) == ("Paused", "BlueGreenPause")
    c.run(until=31)
    assert phase(c) == ("Paused", "BlueGreenPause")
    c.run(until=32)
    h2 = pod_hash(rs_of(c, "web:2"))
    assert service_selector(c, "web-active")[HASH] == h2
    assert phase(c) == ("Healthy", "")
    c.run(until=62)
    rs1 = rs_of(c, "web:1")
    assert messages(c, "ScalingReplicaSet", since=T0 + 1) == [
        (62.0, scaled(rs1.metadata.name, 1, 3, 0))
    ]


def test_auto_promotion_without_pause() -> None:
    # autoPromotionEnabled default true, no autoPromotionSeconds: no pause (A14.4);
    # the active switches as soon as the new RS is saturated, at T0+2.
    c = start()
    c.run(until=T0 + 2)
    h2 = pod_hash(rs_of(c, "web:2"))
    assert service_selector(c, "web-active")[HASH] == h2
    assert rollout(c).status.stable_rs == h2
    assert messages(c, "RolloutPaused", since=T0) == []


def test_preview_replica_count_defers_scaling_to_r() -> None:
    # A14.2/A14.5: previewReplicaCount 1 -> new RS 0 -> 1 at T0; Ready at T0+2 ->
    # BlueGreenPause. promote at 50 -> scaleUpPreviewCheckPoint -> new RS 1 -> 3 at
    # 50; saturated at 52 -> active switch and promotion; old RS to 0 at 82.
    c = start("      autoPromotionEnabled: false\n      previewReplicaCount: 1\n")
    rs2 = rs_of(c, "web:2")
    assert messages(c, "ScalingReplicaSet", since=T0) == [(T0, scaled(rs2.metadata.name, 2, 0, 1))]
    c.run(until=50)
    assert phase(c) == ("Paused", "BlueGreenPause")
    assert rs_of(c, "web:2").replicas == 1
    c.promote("rollout/web")
    c.run(until=51)
    assert messages(c, "ScalingReplicaSet", since=50) == [
        (50.0, scaled(rs2.metadata.name, 2, 1, 3))
    ]
    h1, h2 = pod_hash(rs_of(c, "web:1")), pod_hash(rs2)
    assert service_selector(c, "web-active")[HASH] == h1
    c.run(until=52)
    assert service_selector(c, "web-active")[HASH] == h2
    assert phase(c) == ("Healthy", "")
    c.run(until=82)
    rs1 = rs_of(c, "web:1")
    assert messages(c, "ScalingReplicaSet", since=51) == [
        (82.0, scaled(rs1.metadata.name, 1, 3, 0))
    ]


def test_abort_keeps_active_on_stable_and_drops_preview_after_delay() -> None:
    # A13.5: abort during the pause: the active service stays on (returns to) the
    # stable hash; the preview RS goes to 0 after abortScaleDownDelaySeconds (30) ->
    # at 20 + 30 = 50; phase Degraded "RolloutAborted: Rollout aborted update to
    # revision 2".
    c = start("      autoPromotionEnabled: false\n")
    c.run(until=20)
    c.abort("rollout/web")
    c.run(until=20)
    h1 = pod_hash(rs_of(c, "web:1"))
    assert service_selector(c, "web-active")[HASH] == h1
    assert rollout(c).status.blue_green.active_selector == h1
    assert phase(c) == ("Degraded", "RolloutAborted: Rollout aborted update to revision 2")
    c.run(until=49)
    assert rs_of(c, "web:2").replicas == 3
    c.run(until=50)
    rs2 = rs_of(c, "web:2")
    assert messages(c, "ScalingReplicaSet", since=T0 + 1) == [
        (50.0, scaled(rs2.metadata.name, 2, 3, 0))
    ]
    tl = c.timeline("rollout/web")
    assert float(tl.by_revision[2]["traffic_share"].max()) == 0.0


def test_status_counts_only_the_active_replica_set() -> None:
    # rollout/bluegreen.go syncRolloutStatusBlueGreen: availableReplicas and
    # readyReplicas are the active RS's, not the sum over RSs. Paused at t=20:
    # 6 pods (3 + 3, "Current"), 3 updated, active (web:1) 3 ready / 3 available.
    c = start("      autoPromotionEnabled: false\n")
    c.run(until=20)
    s = rollout(c).status
    assert (s.replicas, s.updated_replicas) == (6, 3)
    assert (s.ready_replicas, s.available_replicas) == (3, 3)


def test_first_deploy_promotes_at_once() -> None:
    # rollout/sync.go shouldFullPromote: no stable RS -> "Initial deploy" in the very
    # first reconcile (t=0), before the active service can switch; the active service
    # then switches when the RS is saturated (t=2).
    c = cluster()
    c.apply(
        rollout_yaml(replicas=3, strategy=bg_strategy())
        + service_yaml("web-active")
        + service_yaml("web-preview")
    )
    c.run(until=0)
    h1 = pod_hash(rs_of(c, "web:1"))
    assert messages(c, "RolloutCompleted") == [
        (0.0, f"Rollout completed update to revision 1 ({h1}): Initial deploy")
    ]
    c.run(until=2)
    assert service_selector(c, "web-active")[HASH] == h1
