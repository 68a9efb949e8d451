"""Flagger Canary over a Deployment target: initialization, weight ladder,
overshoot, promotion phases, failed checks and rollback, interval clamp, stepWeights,
the kubernetes provider.

Derived by hand from shared/reference/progressive-delivery.md part B and
fluxcd/flagger pkg/controller/scheduler.go (advanceCanary, runCanary, rollback,
checkCanaryStatus, setPhaseInitialized, runPromotionTrafficShift) and
scheduler_metrics.go (event texts). Never copied from a rollsim run.

Scenario: Deployment podinfo (2 replicas, podinfo:1) and its Canary applied at
t=0. Flagger ticks when the Canary appears (t=0) and then every analysis interval
(10 s here; anything below 10 s is clamped to 10 s, B1): 0, 10, 20, ...
- t=0: primary podinfo-primary (and the services podinfo, -primary, -canary) are
  created; the primary is not ready yet (pods Ready at 2) -> still Initializing.
- t=10: primary ready -> the target is scaled to 0, phase Initialized (B4.3),
  event "Initialization done! podinfo.default".
Traffic: 100 rps to the apex service podinfo from t=5 (it selects the primary; the
router sends canaryWeight % of it to podinfo-canary).
The image changes to podinfo:2 at t=25, seen by the tick at 30.
"""

from __future__ import annotations

from typing import Any

import pytest

import rollsim

from .support import behavior, cluster

NAME = "podinfo.default"


def manifests(analysis: str, provider: str = "") -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: podinfo}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: podinfo}}}}
  template:
    metadata: {{labels: {{app: podinfo}}}}
    spec: {{containers: [{{name: podinfo, image: "podinfo:1"}}]}}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {{name: podinfo}}
spec:
  targetRef: {{apiVersion: apps/v1, kind: Deployment, name: podinfo}}
  service: {{port: 9898}}
{provider}  analysis:
{analysis}"""


SUCCESS_RATE = """    metrics:
    - name: request-success-rate
      thresholdRange: {min: 99}
      interval: 1m
"""


def analysis(
    interval: str = "10s",
    threshold: int = 2,
    max_weight: int = 50,
    step_weight: int = 20,
    metrics: str = SUCCESS_RATE,
    extra: str = "",
) -> str:
    lines = [f"    interval: {interval}", f"    threshold: {threshold}"]
    if max_weight:
        lines.append(f"    maxWeight: {max_weight}")
    if step_weight:
        lines.append(f"    stepWeight: {step_weight}")
    return "\n".join(lines) + "\n" + extra + metrics


def start(
    spec: str,
    images: dict[str, rollsim.PodBehavior] | None = None,
    traffic: rollsim.Traffic | None = None,
    provider: str = "",
) -> rollsim.Cluster:
    c = cluster(images)
    c.apply(manifests(spec, provider))
    c.run(until=5)
    c.add_traffic(traffic or rollsim.Traffic(rps=100, service="podinfo"))
    c.run(until=25)
    c.set_image("deploy/podinfo", podinfo="podinfo:2")
    return c


def canary(c: rollsim.Cluster) -> Any:
    return c.get("canary", "podinfo")


def trace(c: rollsim.Cluster, times: list[float]) -> list[tuple[float, str, int]]:
    """(t, phase, canaryWeight) at each tick time."""
    out = []
    for t in times:
        c.run(until=t)
        s = canary(c).status
        out.append((t, s.phase, s.canary_weight))
    return out


def canary_events(c: rollsim.Cluster, since: float = 0.0) -> list[tuple[float, str]]:
    return [(e.time, e.message) for e in c.events if e.kind == "Canary" and e.time >= since]


def test_initialized_once_primary_is_ready() -> None:
    c = cluster()
    c.apply(manifests(analysis()))
    c.run(until=5)
    assert canary(c).status.phase == "Initializing"
    assert c.get("deploy/podinfo-primary").spec.replicas == 2
    c.run(until=10)
    s = canary(c).status
    assert s.phase == "Initialized"
    assert [(x.type, x.status) for x in s.conditions] == [("Promoted", "True")]
    # The target is scaled to zero; the primary serves.
    assert c.get("deploy/podinfo").spec.replicas == 0


def test_initialization_event() -> None:
    # scheduler.go setPhaseInitialized: "Initialization done! <name>.<namespace>".
    c = cluster()
    c.apply(manifests(analysis()))
    c.run(until=10)
    assert (10.0, f"Initialization done! {NAME}") in canary_events(c)


@pytest.mark.parametrize("interval", ["10s", "5s"])
def test_weight_ladder_overshoot_and_promotion(interval: str) -> None:
    # "5s" is clamped to 10 s (B1), so both runs tick at the same instants.
    # 30: target changed -> canary scaled up from 0 to the primary's 2 replicas,
    #     phase Progressing, weight 0, no traffic change (B4.7).
    # 40: router weight 0, iterations 0 -> only pre-rollout hooks (no metrics), then
    #     +stepWeight: 20 (B4.15, B5).
    # 50: success rate 100% >= 99 -> 40.   60: 40 < maxWeight 50 -> 60 (overshoot).
    # 70: 60 >= 50 -> copy the canary spec to the primary, Promoting (weight kept).
    # 80: Promoting -> all traffic to the primary (stepWeightPromotion 0), Finalising
    #     (weight reset to 0, B2).   90: Finalising -> canary to 0, Succeeded.
    c = start(analysis(interval=interval))
    assert trace(c, [30, 40, 50, 60, 70, 80, 90]) == [
        (30, "Progressing", 0),
        (40, "Progressing", 20),
        (50, "Progressing", 40),
        (60, "Progressing", 60),
        (70, "Promoting", 60),
        (80, "Finalising", 0),
        (90, "Succeeded", 0),
    ]
    primary = c.get("deploy/podinfo-primary")
    assert primary.spec.template.spec.containers[0].image == "podinfo:2"
    assert c.get("deploy/podinfo").spec.replicas == 0
    assert [(x.type, x.status) for x in canary(c).status.conditions] == [("Promoted", "True")]


def test_canary_scaled_up_without_traffic_on_first_tick() -> None:
    c = start(analysis())
    c.run(until=30)
    assert c.get("deploy/podinfo").spec.replicas == 2
    assert canary(c).status.canary_weight == 0
    c.run(until=39)
    tl = c.timeline("deploy/podinfo")
    assert round(tl.by_revision[2].at(30)["traffic_share"], 9) == 0.0
    assert round(tl.by_revision[2].at(39)["traffic_share"], 9) == 0.0


def test_traffic_split_follows_the_router_weight() -> None:
    c = start(analysis())
    c.run(until=95)
    tl = c.timeline("deploy/podinfo")
    share = {
        t: round(tl.by_revision[2].at(t)["traffic_share"], 9) for t in (35, 45, 55, 65, 75, 85)
    }
    assert share == {35: 0.0, 45: 0.2, 55: 0.4, 65: 0.6, 75: 0.6, 85: 0.0}


def test_advance_copy_and_completion_events() -> None:
    # scheduler.go texts: checkCanaryStatus "New revision detected! Scaling up %s.%s";
    # runCanary "Advance %s.%s canary weight %v" and "Copying %s.%s template spec to
    # %s.%s"; Finalising "Promotion completed! Scaling down %s.%s".
    c = start(analysis())
    c.run(until=95)
    wanted = ("New revision", "Advance", "Copying", "Promotion completed")
    assert [e for e in canary_events(c, since=25) if e[1].startswith(wanted)] == [
        (30.0, f"New revision detected! Scaling up {NAME}"),
        (40.0, f"Advance {NAME} canary weight 20"),
        (50.0, f"Advance {NAME} canary weight 40"),
        (60.0, f"Advance {NAME} canary weight 60"),
        (70.0, f"Copying {NAME} template spec to podinfo-primary.default"),
        (90.0, f"Promotion completed! Scaling down {NAME}"),
    ]


def test_starting_analysis_event_comes_with_first_advance() -> None:
    c = start(analysis())
    c.run(until=45)
    assert [e for e in canary_events(c, since=25) if e[1].startswith("Starting")] == [
        (40.0, f"Starting canary analysis for {NAME}")
    ]


def test_routing_all_traffic_to_primary_event() -> None:
    c = start(analysis())
    c.run(until=85)
    assert (80.0, "Routing all traffic to primary") in canary_events(c, since=75)


BAD = {"podinfo:2": behavior(error_rate=0.1)}


def test_bad_version_fails_checks_and_rolls_back() -> None:
    # 40: weight 20 (no metric check on the first step). 50: the canary's success
    # rate over the last 1m is 90% < 99 -> failedChecks 1, weight stays 20. 60:
    # failedChecks 1 < threshold 2 -> checked again, fails -> 2. 70: failedChecks 2 >=
    # 2 at the start of the tick -> rollback (B4.14, B8): all traffic to the primary,
    # canary scaled to 0, phase Failed, weight 0, failedChecks 0.
    c = start(analysis(), BAD)
    c.run(until=55)
    assert (canary(c).status.failed_checks, canary(c).status.canary_weight) == (1, 20)
    c.run(until=65)
    assert (canary(c).status.failed_checks, canary(c).status.canary_weight) == (2, 20)
    assert canary(c).status.phase == "Progressing"
    c.run(until=70)
    s = canary(c).status
    assert (s.phase, s.canary_weight, s.failed_checks) == ("Failed", 0, 0)
    assert [(x.type, x.status) for x in s.conditions] == [("Promoted", "False")]
    assert c.get("deploy/podinfo").spec.replicas == 0
    primary = c.get("deploy/podinfo-primary")
    assert primary.spec.template.spec.containers[0].image == "podinfo:1"
    c.run(until=80)
    tl = c.timeline("deploy/podinfo")
    assert round(tl.by_revision[2].at(65)["traffic_share"], 9) == 0.2
    assert round(tl.by_revision[2].at(70)["traffic_share"], 9) == 0.0
    # Failed stays put until the target changes again.
    assert canary(c).status.phase == "Failed"


def test_halt_events() -> None:
    # scheduler_metrics.go: "Halt %s.%s advancement success rate %.2f%% < %v%%".
    c = start(analysis(), BAD)
    c.run(until=65)
    assert [e for e in canary_events(c, since=45) if e[1].startswith("Halt")] == [
        (50.0, f"Halt {NAME} advancement success rate 90.00% < 99%"),
        (60.0, f"Halt {NAME} advancement success rate 90.00% < 99%"),
    ]


def test_rollback_events() -> None:
    # scheduler.go rollback: "Rolling back %s.%s failed checks threshold reached %v"
    # (the failedChecks count), then "Canary failed! Scaling down %s.%s".
    c = start(analysis(), BAD)
    c.run(until=75)
    assert [e for e in canary_events(c, since=65) if not e[1].startswith("Halt")] == [
        (70.0, f"Rolling back {NAME} failed checks threshold reached 2"),
        (70.0, f"Canary failed! Scaling down {NAME}"),
    ]


def test_bad_version_errors_are_the_canary_share() -> None:
    # Only the canary pods fail (10%). They got 20% of 100 rps from the Advance at 40
    # to the rollback at 70: 600 requests, 60 failed; the primary was Ready before the
    # traffic started (t=5), so nothing else failed. Offered 100 * (80 - 5) = 7500.
    c = start(analysis(), BAD)
    c.run(until=80)
    primary = c.timeline("deploy/podinfo-primary")
    target = c.timeline("deploy/podinfo")
    assert round(float(primary["requests"][-1]), 6) == 7500.0
    assert round(float(primary["errors"][-1]), 6) == 60.0
    assert round(float(target.by_revision[2]["requests"][-1]), 6) == 600.0
    assert round(float(target.by_revision[2]["errors"][-1]), 6) == 60.0


def test_failed_checks_accumulate_without_being_consecutive() -> None:
    # stepWeight 10, metric window 10s, traffic switched off in [50, 60) and [70, 80):
    # 40 -> 10; 50: window [40,50] has canary traffic, 100% -> 20; 60: no data in
    # [50,60] -> failed check 1; 70: data again, passes -> 30 (failedChecks stays 1,
    # B2); 80: no data -> 2; 90: 2 >= threshold 2 -> rollback.
    metrics = """    metrics:
    - name: request-success-rate
      thresholdRange: {min: 99}
      interval: 10s
"""
    traffic = rollsim.Traffic(
        rps=100, service="podinfo", profile=[(50, 0.0), (60, 1.0), (70, 0.0), (80, 1.0)]
    )
    c = start(analysis(step_weight=10, metrics=metrics), traffic=traffic)
    out = []
    for t in (40, 50, 60, 70, 80, 90):
        c.run(until=t)
        s = canary(c).status
        out.append((t, s.phase, s.canary_weight, s.failed_checks))
    assert out == [
        (40, "Progressing", 10, 0),
        (50, "Progressing", 20, 0),
        (60, "Progressing", 20, 1),
        (70, "Progressing", 30, 1),
        (80, "Progressing", 30, 2),
        (90, "Failed", 0, 0),
    ]


def test_step_weights_ladder() -> None:
    # stepWeights [5, 25, 50] (stepWeight 0): maxWeight = min(100, 50) = 50 (B5).
    # 40: 0 -> min(100, 5) = 5; 50: on rung 5 -> 25; 60: on rung 25 -> 50; 70: 50 >=
    # 50 -> Promoting; 80 Finalising; 90 Succeeded.
    spec = analysis(max_weight=0, step_weight=0, extra="    stepWeights: [5, 25, 50]\n")
    c = start(spec)
    assert trace(c, [40, 50, 60, 70, 80, 90]) == [
        (40, "Progressing", 5),
        (50, "Progressing", 25),
        (60, "Progressing", 50),
        (70, "Promoting", 50),
        (80, "Finalising", 0),
        (90, "Succeeded", 0),
    ]


def test_kubernetes_provider_runs_ten_iterations_blue_green() -> None:
    # provider kubernetes, no stepWeight: forced blue-green with 10 iterations (B3,
    # B7). 30 Progressing; 40..130: iterations 1..10 (the first on pre-rollout hooks
    # only); 140: iterations == 10 -> no traffic switch for kubernetes, iterations 11;
    # 150: 11 > 10 -> copy spec, Promoting; 160: kubernetes -> Finalising directly;
    # 170: Succeeded. The router weight never moves.
    spec = analysis(max_weight=0, step_weight=0, metrics="")
    c = start(spec, provider="  provider: kubernetes\n")
    got = []
    for t in [30, 40, 50, 130, 140, 150, 160, 170]:
        c.run(until=t)
        s = canary(c).status
        got.append((t, s.phase, s.iterations))
    assert got == [
        (30, "Progressing", 0),
        (40, "Progressing", 1),
        (50, "Progressing", 2),
        (130, "Progressing", 10),
        (140, "Progressing", 11),
        (150, "Promoting", 11),
        (160, "Finalising", 0),
        (170, "Succeeded", 0),
    ]
    tl = c.timeline("deploy/podinfo")
    assert float(tl.by_revision[2]["traffic_share"].max()) == 0.0
