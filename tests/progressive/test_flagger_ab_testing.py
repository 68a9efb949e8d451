"""Flagger A/B testing on its own example, artifacts/examples/istio-abtest.yaml (kept
unchanged under tests/manifests/flagger/examples/).

From fluxcd/flagger pkg/controller/scheduler.go (``runAB``: each passing tick routes
the matching requests to the canary and counts an iteration, "Advance podinfo.test
canary iteration i/10") and pkg/router/istio.go (``SetRoutes``: with
``analysis.match`` the matching requests take the primary/canary weights, every
other request goes to the primary). The example matches the cookie ``type=insider``
(a regex on the ``cookie`` header) or a Firefox user-agent. Numbers by hand.

Scenario: podinfo (kustomize/podinfo/deployment.yaml, 2 replicas) in namespace test;
pods Ready 2 s after creation; the new image answers in 0.2 s. 100 rps to the apex
service from t=60: 90 % plain, 5 % insiders, 5 % Firefox. The image changes at 120.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim

FLAGGER = Path(__file__).parents[1] / "manifests" / "flagger"
NEW = "ghcr.io/stefanprodan/podinfo:6.0.1"


def ab_run() -> rollsim.Cluster:
    c = rollsim.Cluster(
        seed=0,
        pods=rollsim.PodBehavior(startup=2.0),
        images={NEW: rollsim.PodBehavior(startup=2.0, latency=0.2)},
    )
    c.kubectl("create ns test")
    c.kubectl(f"apply -n test -f {FLAGGER / 'kustomize' / 'podinfo' / 'deployment.yaml'}")
    c.apply((FLAGGER / "examples" / "istio-abtest.yaml").read_text())
    c.run(until=60)
    apex = "test/podinfo"
    c.add_traffic(rollsim.Traffic(rps=100, service=apex, share=0.9, name="everyone"))
    insider = rollsim.Traffic(
        rps=100, service=apex, share=0.05, name="insiders", cookies={"type": "insider"}
    )
    firefox = rollsim.Traffic(
        rps=100, service=apex, share=0.05, name="firefox", headers={"User-Agent": "Firefox/120"}
    )
    c.add_traffic(insider)
    c.add_traffic(firefox)
    c.run(until=120)
    c.kubectl(f"-n test set image deployment/podinfo podinfod={NEW}")
    c.run(until=200)
    return c


def test_matching_requests_go_to_the_canary_the_rest_to_the_primary() -> None:
    c = ab_run()
    tl = c.timeline("canary/podinfo", namespace="test")
    # Iterations route from t=150 on: the matched flows get the new pods' latency.
    assert tl.flows["insiders"].at(200)["latency"] == pytest.approx(0.2)
    assert tl.flows["firefox"].at(200)["latency"] == pytest.approx(0.2)
    assert tl.flows["everyone"].at(200)["latency"] == 0.0
    canary = next(
        rs for name, rs in tl.by_replica_set.items() if "primary" not in name and rs.at(200)["pods"]
    )
    # 10 rps matched, 50 s: 500 requests, all from the two matching flows.
    assert canary.at(200)["requests"] == pytest.approx(500.0)
    assert canary.at(200)["traffic_share"] == pytest.approx(0.1)


def test_each_iteration_is_reported_as_run_ab_words_it() -> None:
    c = ab_run()
    advances = [
        (e.time, e.message) for e in c.events if e.kind == "Canary" and "Advance" in e.message
    ]
    assert advances == [
        (150.0 + 15 * i, f"Advance podinfo.test canary iteration {i + 1}/10") for i in range(4)
    ]
