"""Argo Rollouts' managed routes: setHeaderRoute and setMirrorRoute.

From argoproj/argo-rollouts rollout/trafficrouting.go (``reconcileTrafficRouting``:
the current step's route is set past revision 1, and ``RemoveManagedRoutes`` on
abort, promotion and full promotion) and rollout/trafficrouting/istio/istio.go
(``createHeaderRoute``: what a header route takes goes all to the canary Service;
``createMirrorRoute``: the weights stay, ``percentage`` of what it takes is copied
to the canary; no ``match`` removes the route). Expected numbers by hand.

Header scenario: R = 4, steps ``setCanaryScale {replicas: 1}``, ``setHeaderRoute``
(x-user exact "beta"), ``pause``. The weight stays 0, so only the beta flow (10 rps)
reaches the one canary pod; the 90 rps plain flow stays on the stable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim

from .support import behavior, cluster, messages, rollout, rollout_yaml, rs_of, service_yaml

UPSTREAM = Path(__file__).parent / "upstream"

HEADER_STRATEGY = """    canary:
      canaryService: web-canary
      stableService: web-stable
      trafficRouting:
        managedRoutes:
        - name: beta
        istio:
          virtualService: {name: web-vsvc, routes: [primary]}
      steps:
      - setCanaryScale: {replicas: 1}
      - setHeaderRoute:
          name: beta
          match:
          - headerName: x-user
            headerValue: {exact: beta}
      - pause: {}
"""


def header_routed() -> rollsim.Cluster:
    c = cluster(images={"web:2": behavior(latency=0.3)})
    c.apply(
        rollout_yaml(replicas=4, strategy=HEADER_STRATEGY)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=1)
    c.add_traffic(rollsim.Traffic(rps=100, service="web-stable", share=0.9, name="plain"))
    beta = rollsim.Traffic(
        rps=100, service="web-stable", share=0.1, name="beta", headers={"X-User": "beta"}
    )
    c.add_traffic(beta)
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=30)
    return c


def test_only_the_matching_flow_reaches_the_canary_at_weight_0() -> None:
    c = header_routed()
    assert rollout(c).status.canary_weight == 0
    tl = c.timeline("rollout/web")
    canary = tl.by_replica_set[rs_of(c, "web:2").metadata.name]
    # The canary pod is Ready at 12, the route set then: 18 s of 10 rps, all beta.
    assert canary.at(30)["requests"] == pytest.approx(180.0)
    assert canary.at(30)["traffic_share"] == pytest.approx(0.1)
    assert tl.flows["beta"].at(30)["latency"] == pytest.approx(0.3)
    assert tl.flows["plain"].at(30)["latency"] == 0.0
    stable = tl.by_replica_set[rs_of(c, "web:1").metadata.name]
    assert stable.at(30)["requests"] - stable.at(12)["requests"] == pytest.approx(90.0 * 18)


def test_the_header_step_completes_at_once_and_says_so() -> None:
    c = header_routed()
    assert messages(c, "RolloutStepCompleted", since=10) == [
        (12.0, "Rollout step 1/3 completed (setCanaryScale{replicas: 1})"),
        (12.0, "Rollout step 2/3 completed (setHeaderRoute: beta)"),
    ]
    assert messages(c, "Updated VirtualService") == [
        (12.0, "VirtualService `web-vsvc` set headerRoute 'beta'")
    ]


def test_abort_removes_the_header_route() -> None:
    c = header_routed()
    c.kubectl("argo rollouts abort web")
    c.run(until=40)
    tl = c.timeline("rollout/web")
    canary = tl.by_replica_set[rs_of(c, "web:2").metadata.name]
    # The canary pod stays for abortScaleDownDelaySeconds, but no request reaches it.
    assert canary.at(40)["requests"] == pytest.approx(180.0)
    assert tl.flows["beta"].at(40)["latency"] == 0.0


def test_a_header_route_needs_a_router_that_has_one() -> None:
    c = cluster()
    strategy = HEADER_STRATEGY.replace(
        "        istio:\n          virtualService: {name: web-vsvc, routes: [primary]}\n",
        "        nginx: {stableIngress: web}\n",
    )
    c.apply(
        rollout_yaml(replicas=4, strategy=strategy)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=1)
    condition = next(x for x in rollout(c).status.conditions if x.type == "InvalidSpec")
    assert condition.message == (
        'The Rollout "web" is invalid: spec.strategy.canary.steps[1].setHeaderRoute: '
        "Invalid value: &SetHeaderRoute{Name:beta,...}: "
        "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix"
    )


def test_a_route_not_in_managed_routes_is_invalid() -> None:
    c = cluster()
    strategy = HEADER_STRATEGY.replace("        - name: beta\n", "        - name: other\n")
    c.apply(
        rollout_yaml(replicas=4, strategy=strategy)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=1)
    condition = next(x for x in rollout(c).status.conditions if x.type == "InvalidSpec")
    assert condition.message == (
        'The Rollout "web" is invalid: spec.strategy.canary.steps[1].setHeaderRoute: '
        'Invalid value: "beta": Steps define a route that does not exist in '
        "spec.strategy.canary.trafficRouting.managedRoutes"
    )


def upstream_header_routes() -> rollsim.Cluster:
    """test/e2e/header-routing/istio-hr-host.yaml, unchanged."""
    c = cluster()
    c.apply((UPSTREAM / "istio-hr-host.yaml").read_text())
    c.run(until=1)
    stable = "stable-service"
    c.add_traffic(rollsim.Traffic(rps=100, service=stable, share=0.8, name="others"))
    c.add_traffic(
        rollsim.Traffic(
            rps=100, service=stable, share=0.1, name="firefox", headers={"agent": "firefox 120"}
        )
    )
    c.add_traffic(
        rollsim.Traffic(
            rps=100, service=stable, share=0.1, name="chrome", headers={"agent": "chrome 126"}
        )
    )
    c.run(until=10)
    c.set_image("rollout/rollouts-demo", **{"rollouts-demo": "nginx:1.21-alpine"})
    c.run(until=20)
    return c


def canary_share(c: rollsim.Cluster, t: float) -> float:
    tl = c.timeline("rollout/rollouts-demo")
    canary = rs_of(c, "nginx:1.21-alpine", "rollouts-demo").metadata.name
    return float(tl.by_replica_set[canary].at(t)["traffic_share"])


def test_upstream_header_route_follows_each_step() -> None:
    c = upstream_header_routes()
    # setWeight 20, then the firefox route: 0.8*0.2 + 0.1*0.2 (chrome) + 0.1 (firefox).
    assert canary_share(c, 20) == pytest.approx(0.28)
    c.kubectl("argo rollouts promote rollouts-demo")
    c.run(until=30)
    # The same route now matches chrome(.*): firefox is weighted, chrome all canary.
    assert canary_share(c, 30) == pytest.approx(0.28)
    canary_uid = rs_of(c, "nginx:1.21-alpine", "rollouts-demo").metadata.uid
    flows = {f.name: f for f in c.recorder.flows}
    assert flows["chrome"].shares()[canary_uid] == 1.0
    assert flows["firefox"].shares()[canary_uid] == pytest.approx(0.2)
    c.kubectl("argo rollouts promote rollouts-demo")
    c.run(until=60)
    # setWeight 40 and the route removed (no match): every flow 40 % canary.
    assert rollout(c, "rollouts-demo").status.canary_weight == 40
    assert canary_share(c, 60) == pytest.approx(0.4)


def test_upstream_mirror_route_is_measured_on_the_canary_not_the_client() -> None:
    """examples/istio/istio-mirror.yaml, unchanged: setCanaryScale 50 % (2 pods), then
    mirror 50 % of POST /color* to the canary, weight 0. The canary image fails half
    its requests: 20 rps POST from t=12 to 40 mirror 10 rps: 280 copies, 140 failed;
    the client sees none of it."""
    bad = "argoproj/rollouts-demo:blue"
    c = cluster(images={bad: behavior(error_rate=0.5)})
    c.apply((UPSTREAM / "istio-mirror.yaml").read_text())
    c.run(until=5)
    stable = "istio-host-split-stable"
    c.add_traffic(rollsim.Traffic(rps=100, service=stable, share=0.8, name="reads"))
    posts = rollsim.Traffic(
        rps=100, service=stable, share=0.2, name="posts", method="POST", path="/color"
    )
    c.add_traffic(posts)
    c.run(until=10)
    c.set_image("rollout/istio-host-split", **{"istio-host-split": bad})
    c.run(until=40)
    tl = c.timeline("rollout/istio-host-split")
    flow = tl.flows["posts"].at(40)
    assert (flow["requests"], flow["failed"]) == (pytest.approx(700.0), 0.0)
    assert (flow["mirrored"], flow["mirror_failed"]) == (pytest.approx(280.0), pytest.approx(140.0))
    assert tl.flows["reads"].at(40)["mirrored"] == 0.0
    canary = tl.by_replica_set[rs_of(c, bad, "istio-host-split").metadata.name].at(40)
    assert (canary["requests"], canary["errors"]) == (pytest.approx(280.0), pytest.approx(140.0))
    assert canary["traffic_share"] == 0.0
    assert tl["errors"][-1] == 0.0
    assert messages(c, "Updated VirtualService") == [
        (12.0, "VirtualService `istio-host-split-vsvc` set mirrorRoute 'mirror-route'")
    ]
