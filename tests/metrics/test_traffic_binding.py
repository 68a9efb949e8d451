"""Traffic binds like a load generator: aimed by name, before its target exists;
several flows add up; each keeps its own counts and its own noise; an analysis reads
the flows reaching the Service it is about.

Every figure is derived by hand from the fluid model: pods are Ready 2 s after they
are created; requests offered while nothing serves them (no target, or no Ready
endpoint) fail. ``rollout-bluegreen.yaml`` is Argo Rollouts' own example, unchanged
(source in upstream/README.md): Rollout rollout-bluegreen, 2 replicas, image
argoproj/rollouts-demo:blue, Services rollout-bluegreen-active and -preview,
autoPromotionEnabled false.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim
from rollsim.metrics import analysis_service
from rollsim.traffic import FlowSum, TrafficFlow
from tests.progressive.support import success_rate_template

HERE = Path(__file__).parent
BLUE_GREEN = HERE / "upstream" / "rollout-bluegreen.yaml"
NGX_V1 = HERE.parents[1] / "examples" / "ngx-dep-v1.yaml"
ACTIVE, PREVIEW = "rollout-bluegreen-active", "rollout-bluegreen-preview"
GREEN = "argoproj/rollouts-demo:green"
UNSERVED = "traffic is offered but nothing serves it, so every request fails"


def cluster(images: dict[str, rollsim.PodBehavior] | None = None) -> rollsim.Cluster:
    return rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0), images=images)


def traffic_events(c: rollsim.Cluster) -> list[tuple[float, str, str, str, str]]:
    return [
        (e.time, e.type, e.reason, f"{e.kind}/{e.name}", e.message)
        for e in c.events
        if e.source == "traffic"
    ]


def test_traffic_before_its_service_fails_until_the_service_appears() -> None:
    # 100 rps to rollout-bluegreen-active from t=0; the example applied at t=10, its
    # pods Ready at 12. Offered 0..20: 2000; failed: 1000 while the Service does not
    # exist (0..10) + 200 while it has no Ready endpoint (10..12) = 1200.
    c = cluster()
    flow = c.add_traffic(rollsim.Traffic(rps=100, service=ACTIVE))
    assert flow.bound is False
    c.run(until=10)
    c.apply(BLUE_GREEN)
    assert flow.bound is True
    c.run(until=20)
    assert traffic_events(c) == [
        (
            0.0,
            "Warning",
            "TrafficUnbound",
            f"Service/{ACTIVE}",
            f'service "{ACTIVE}" does not exist yet: {UNSERVED}',
        ),
        (
            10.0,
            "Normal",
            "TrafficBound",
            f"Service/{ACTIVE}",
            f'service "{ACTIVE}" exists now: traffic reaches its endpoints',
        ),
    ]
    tl = c.timeline("rollout/rollout-bluegreen")
    assert tl.t.tolist() == [10.0, 12.0, 20.0]
    assert tl["requests"].tolist() == [1000.0, 1200.0, 2000.0]
    assert tl["errors"].tolist() == [1000.0, 1200.0, 1200.0]


def test_deleting_the_service_unbinds_the_traffic() -> None:
    c = cluster()
    c.apply(BLUE_GREEN)
    flow = c.add_traffic(rollsim.Traffic(rps=100, service=PREVIEW))
    c.run(until=10)
    c.delete("service", PREVIEW)
    assert flow.bound is False
    c.run(until=20)
    assert traffic_events(c) == [
        (
            10.0,
            "Warning",
            "TrafficUnbound",
            f"Service/{PREVIEW}",
            f'service "{PREVIEW}" was deleted: {UNSERVED}',
        )
    ]
    # 0..2 no Ready pod (200 failed), 2..10 served, 10..20 no Service (1000 failed).
    tl = c.timeline("rollout/rollout-bluegreen")
    assert float(tl["requests"][-1]) == 2000.0
    assert float(tl["errors"][-1]) == 1200.0


def test_traffic_without_service_or_selector_waits_for_the_first_deployment() -> None:
    # Same figures with the nginx Deployment of the seed walkthrough applied at 10.
    c = cluster()
    flow = c.add_traffic(rollsim.Traffic(rps=100))
    assert flow.bound is False
    c.run(until=10)
    c.apply(NGX_V1)
    c.run(until=20)
    assert flow.bound is True
    assert traffic_events(c) == [
        (
            0.0,
            "Warning",
            "TrafficUnbound",
            "Namespace/default",
            f'no deployment in namespace "default" yet: {UNSERVED}',
        ),
        (
            10.0,
            "Normal",
            "TrafficBound",
            "Deployment/ngx-dep",
            "traffic with no service or selector goes to its pods (app=ngx-dep)",
        ),
    ]
    tl = c.timeline("deployment/ngx-dep")
    assert tl["requests"].tolist() == [1000.0, 1200.0, 2000.0]
    assert tl["errors"].tolist() == [1000.0, 1200.0, 1200.0]


def test_traffic_without_service_or_selector_refuses_two_deployments() -> None:
    c = cluster()
    c.apply(NGX_V1)
    c.apply(NGX_V1.read_text(encoding="utf-8").replace("name: ngx-dep", "name: other"))
    with pytest.raises(ValueError, match=r"exactly one Deployment \(found 2\)"):
        c.add_traffic(rollsim.Traffic(rps=100))


def test_a_namespaced_service_reference_names_the_namespace() -> None:
    traffic = rollsim.Traffic(rps=1, service="test/web")
    assert (traffic.namespace, traffic.service) == ("test", "web")
    with pytest.raises(ValueError, match=r"is in namespace 'test', not Traffic\.namespace 'prod'"):
        rollsim.Traffic(rps=1, service="test/web", namespace="prod")


def test_two_flows_on_one_service_add_up_and_keep_their_own_counts() -> None:
    # 100 + 100 rps on the active Service from t=0; pods Ready at 2. Each flow: 2000
    # offered to 20, 200 failed; the workload: 200 rps, 4000 requests, 400 failed.
    c = cluster()
    c.apply(BLUE_GREEN)
    first = c.add_traffic(rollsim.Traffic(rps=100, service=ACTIVE))
    second = c.add_traffic(rollsim.Traffic(rps=100, service=ACTIVE))
    c.run(until=20)
    c.kubectl("scale rollout rollout-bluegreen --replicas=3")
    c.run(until=20)
    assert (first.offered, first.failed) == (2000.0, 200.0)
    assert (second.offered, second.failed) == (2000.0, 200.0)
    tl = c.timeline("rollout/rollout-bluegreen")
    assert tl["rps"].tolist() == [200.0, 200.0, 200.0]
    assert tl["requests"].tolist() == [0.0, 400.0, 4000.0]
    assert tl["errors"].tolist() == [0.0, 400.0, 400.0]
    assert tl.by_revision[1]["requests"].tolist() == [0.0, 0.0, 3600.0]
    assert tl.by_revision[1]["endpoints"].tolist() == [0.0, 2.0, 2.0]


def blue_green_with_test_traffic(
    pre_promotion: bool = False,
) -> tuple[rollsim.Cluster, TrafficFlow, TrafficFlow]:
    """Live 100 rps on the active Service and test 10 rps on the preview one from t=0;
    green (10% of its requests fail) set at t=10, its pods Ready at 12."""
    c = cluster({GREEN: rollsim.PodBehavior(startup=2.0, error_rate=0.1)})
    c.apply(BLUE_GREEN)
    c.apply(success_rate_template())
    live = c.add_traffic(rollsim.Traffic(rps=100, service=ACTIVE))
    test = c.add_traffic(rollsim.Traffic(rps=10, service=PREVIEW))
    c.run(until=10)
    if pre_promotion:
        c.kubectl(
            "patch rollout rollout-bluegreen --type=merge -p "
            """'{"spec":{"strategy":{"blueGreen":{"prePromotionAnalysis":"""
            """{"templates":[{"templateName":"success-rate"}]}}}}}'"""
        )
    c.set_image("rollout/rollout-bluegreen", **{"rollouts-demo": GREEN})
    return c, live, test


def test_live_and_test_traffic_reach_their_own_stacks() -> None:
    # Before 10 both Services select the blue pods: 110 rps to blue. From 10 the
    # preview selects green: 100 rps stay on blue, 10 go to green (not Ready until
    # 12: 20 failed), 10% of green's 80 after 12 fail: 8.
    c, live, test = blue_green_with_test_traffic()
    c.run(until=20)
    tl = c.timeline("rollout/rollout-bluegreen")
    assert tl.t.tolist() == [0.0, 2.0, 10.0, 12.0, 20.0]
    assert tl["rps"].tolist() == [110.0] * 5
    blue, green = tl.by_revision[1], tl.by_revision[2]
    assert blue["requests"].tolist() == [0.0, 0.0, 880.0, 1080.0, 1880.0]
    assert green["requests"].tolist() == [0.0, 0.0, 0.0, 0.0, 80.0]
    assert green["errors"][-1] == pytest.approx(8.0)
    assert blue["traffic_share"][-1] == pytest.approx(100 / 110)
    assert green["traffic_share"][-1] == pytest.approx(10 / 110)
    assert tl["errors"][-1] == pytest.approx(220 + 20 + 8)
    rollout = c.get("rollout/rollout-bluegreen")
    rss = c.store.owned_replica_sets(rollout.metadata.uid)
    assert c.recorder.flow_for(rss, rollout, "pre-promotion") is test
    assert c.recorder.flow_for(rss, rollout, "post-promotion") is live


def test_pre_promotion_analysis_measures_the_preview_traffic() -> None:
    # The run starts when green is Ready, at 12. 12: window [2, 12], green served
    # nothing -> NaN, Error. 22: window [12, 22], the 100 test requests green served,
    # 10 failed -> 0.9 < 0.95 -> Failed, the update aborted. The live flow never
    # reaches green, so reading it (or the sum) would see no data at all.
    c, _, _ = blue_green_with_test_traffic(pre_promotion=True)
    c.run(until=22)
    (run,) = c.controllers["rollouts"].analysis_runs[("default", "rollout-bluegreen")]
    assert (run.kind, run.started) == ("pre-promotion", 12.0)
    assert run.metrics[0].phases == ["Error", "Failed"]
    assert run.metrics[0].values[1] == pytest.approx(0.9)
    assert c.get("rollout/rollout-bluegreen").status.message.startswith(
        "RolloutAborted: Rollout aborted update to revision 2: Pre-promotion analysis"
    )


def test_each_noisy_flow_draws_from_its_own_stream() -> None:
    # The first flow's draws are the ones it makes alone, bit for bit; a second flow
    # of the same rate draws other counts.
    def run(flows: int) -> list[TrafficFlow]:
        c = cluster()
        c.apply(NGX_V1)
        added = [c.add_traffic(rollsim.Traffic(rps=100, noise=True)) for _ in range(flows)]
        c.run(until=5)
        c.kubectl("scale deployment ngx-dep --replicas=4")
        c.run(until=30)
        c.kubectl("scale deployment ngx-dep --replicas=3")
        c.run(until=60)
        return added

    (alone,) = run(1)
    first, second = run(2)
    assert (first.offered, first.failed, first.sent) == (alone.offered, alone.failed, alone.sent)
    assert first.log_t == alone.log_t
    assert second.offered != first.offered


def test_analysis_service_names_the_service_each_analysis_is_about() -> None:
    c = cluster()
    c.apply(BLUE_GREEN)
    rollout = c.get("rollout/rollout-bluegreen")
    assert analysis_service(rollout, "pre-promotion") == PREVIEW
    assert analysis_service(rollout, "post-promotion") == ACTIVE
    assert analysis_service(rollout, "background") == ""


def test_flagger_analysis_sums_every_flow_reaching_the_canary_service() -> None:
    from tests.progressive.test_flagger import SUCCESS_RATE, analysis, manifests

    c = cluster()
    c.apply(manifests(analysis(metrics=SUCCESS_RATE)))
    c.run(until=5)
    apex = c.add_traffic(rollsim.Traffic(rps=100, service="podinfo"))
    tester = c.add_traffic(rollsim.Traffic(rps=10, service="podinfo-canary"))
    primary = c.add_traffic(rollsim.Traffic(rps=50, service="podinfo-primary"))
    c.run(until=25)
    c.set_image("deploy/podinfo", podinfo="podinfo:2")
    c.run(until=45)
    canary = c.get("canary", "podinfo")
    assert analysis_service(canary, "") == "podinfo-canary"
    target = c.get("deploy/podinfo")
    rss = c.store.owned_replica_sets(target.metadata.uid)
    chosen = c.recorder.flow_for(rss, canary)
    assert isinstance(chosen, FlowSum)
    assert chosen.flows == (apex, tester)
    uids = [rs.metadata.uid for rs in rss]
    sent, _ = chosen.window(uids, 35, 45)
    assert sent == pytest.approx(apex.window(uids, 35, 45)[0] + tester.window(uids, 35, 45)[0])
    assert primary.window(uids, 35, 45) == (0.0, 0.0)
