"""The seed's plain-Kubernetes strategies: a canary as two Deployments behind one
Service, and blue-green by switching a Service selector.

Derived by hand from shared/SEED.md ("The three strategies") and the Service
semantics every kube-proxy implements: a Service balances uniformly over the Ready
pods its selector matches (endpoints), after the endpoint propagation lag. Never
copied from a rollsim run. Pods are Ready 2 s after creation.
"""

from __future__ import annotations

import itertools

import rollsim

from .support import cluster


def deployment(name: str, replicas: int, labels: str, image: str) -> str:
    return f"""
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{{labels}}}}}
  template:
    metadata: {{labels: {{{labels}}}}}
    spec: {{containers: [{{name: web, image: "{image}"}}]}}
"""


def service(selector: str) -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  selector: {{{selector}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""


def share(c: rollsim.Cluster, deploy: str, t: float) -> float:
    tl = c.timeline(f"deploy/{deploy}")
    return round(tl.by_revision[1].at(t)["traffic_share"], 9)


def test_two_deployment_canary_shares_traffic_by_ready_pods() -> None:
    # 9 stable + 1 canary pods, all Ready at t=2, all selected by app=web -> the
    # canary gets 1/10 of the requests. 100 rps for 100 s from t=2: 1000 to the
    # canary, 9000 to the stable; the 200 offered in [0, 2) found no endpoint and
    # failed. Offered 10200 = served 10000 + failed 200.
    c = cluster()
    c.apply(
        deployment("web-stable", 9, "app: web, track: stable", "web:1")
        + deployment("web-canary", 1, "app: web, track: canary", "web:2")
        + service("app: web")
    )
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(until=102)
    assert share(c, "web-canary", 1) == 0.0
    assert share(c, "web-canary", 2) == 0.1
    assert share(c, "web-stable", 2) == 0.9
    stable = c.timeline("deploy/web-stable")
    canary = c.timeline("deploy/web-canary")
    assert round(float(canary.by_revision[1]["requests"][-1]), 6) == 1000.0
    assert round(float(stable.by_revision[1]["requests"][-1]), 6) == 9000.0
    assert round(float(stable["requests"][-1]), 6) == 10200.0
    assert round(float(stable["errors"][-1]), 6) == 200.0
    served = sum(
        float(tl.by_revision[1]["requests"][-1] - tl.by_revision[1]["errors"][-1])
        for tl in (stable, canary)
    )
    assert round(served + float(stable["errors"][-1]), 6) == 10200.0

    # Widening the canary to 3 pods (Ready at 104): 3 of 12 endpoints -> 0.25.
    c.kubectl("scale deployment web-canary --replicas=3")
    c.run(until=104)
    assert share(c, "web-canary", 103) == 0.1
    assert share(c, "web-canary", 104) == 0.25


def blue_green(lag: float = 0.0) -> rollsim.Cluster:
    c = cluster()
    c.apply(
        deployment("web-blue", 3, "app: web, version: blue", "web:1")
        + deployment("web-green", 3, "app: web, version: green", "web:2")
        + service("app: web, version: blue")
    )
    c.add_traffic(rollsim.Traffic(rps=100, service="web", endpoint_lag=lag))
    c.run(until=10)
    return c


def test_selector_switch_flips_all_traffic_at_once() -> None:
    # A merge patch replaces only selector.version -> {app: web, version: green}: every
    # request goes to green from the instant of the patch; `kubectl set selector`
    # replaces the whole selector and flips back to blue.
    c = blue_green()
    assert (
        c.kubectl('patch svc web -p \'{"spec":{"selector":{"version":"green"}}}\'')
        == "service/web patched\n"
    )
    assert dict(c.get("service", "web").spec.selector) == {"app": "web", "version": "green"}
    c.run(until=20)
    assert (
        c.kubectl("set selector svc web 'app=web,version=blue'") == "service/web selector updated\n"
    )
    assert dict(c.get("service", "web").spec.selector) == {"app": "web", "version": "blue"}
    c.run(until=30)
    assert (share(c, "web-blue", 9), share(c, "web-green", 9)) == (1.0, 0.0)
    assert (share(c, "web-blue", 10), share(c, "web-green", 10)) == (0.0, 1.0)
    assert (share(c, "web-blue", 19), share(c, "web-green", 19)) == (0.0, 1.0)
    assert (share(c, "web-blue", 20), share(c, "web-green", 20)) == (1.0, 0.0)


def test_selector_switch_takes_effect_after_endpoint_lag() -> None:
    # endpoint_lag 3: the proxies learn of the new selector 3 s later, so the flip to
    # green happens at 13 and the flip back at 23 (pods were listed at 2 + 3 = 5).
    c = blue_green(lag=3.0)
    c.kubectl('patch svc web -p \'{"spec":{"selector":{"version":"green"}}}\'')
    c.run(until=20)
    c.kubectl("set selector svc web 'app=web,version=blue'")
    c.run(until=30)
    assert share(c, "web-blue", 4) == 0.0
    assert share(c, "web-blue", 5) == 1.0
    assert (share(c, "web-blue", 12), share(c, "web-green", 12)) == (1.0, 0.0)
    assert (share(c, "web-blue", 13), share(c, "web-green", 13)) == (0.0, 1.0)
    assert (share(c, "web-blue", 22), share(c, "web-green", 22)) == (0.0, 1.0)
    assert (share(c, "web-blue", 23), share(c, "web-green", 23)) == (1.0, 0.0)


def test_cumulative_requests_survive_a_selector_switch() -> None:
    # Blue Ready at 2 serves [2, 10): 800; green serves [10, 20): 1000; blue again
    # from 20: 800 + 1000 = 1800 at 30. Offered 3000 (200 of [0, 2) failed).
    c = blue_green()
    c.kubectl('patch svc web -p \'{"spec":{"selector":{"version":"green"}}}\'')
    c.run(until=20)
    c.kubectl("set selector svc web 'app=web,version=blue'")
    c.run(until=30)
    blue = c.timeline("deploy/web-blue").by_revision[1]
    green = c.timeline("deploy/web-green").by_revision[1]
    assert round(blue.at(10)["requests"], 6) == 800.0
    assert round(float(blue["requests"][-1]), 6) == 1800.0
    assert round(float(green["requests"][-1]), 6) == 1000.0
    for column in (blue["requests"], green["requests"]):
        assert all(b >= a for a, b in itertools.pairwise(column))


def test_a_pod_turning_ready_during_a_switch_is_not_listed_by_the_old_selector() -> None:
    # endpoint_lag 3. Blue is scaled 3 -> 4 at 10; its new pod is Ready at 12, while
    # the switch to green, patched at 11, reaches the proxies at 14. The old selector
    # saw the pod turn Ready, but by 15, when that would be listed, green is selected:
    # the pod is never an endpoint of the Service. Scaling blue to 0 at 20 then costs
    # nothing: green keeps every request and no request fails after t=5.
    c = blue_green(lag=3.0)
    c.kubectl("scale deployment web-blue --replicas=4")
    c.run(until=11)
    c.kubectl('patch svc web -p \'{"spec":{"selector":{"version":"green"}}}\'')
    c.run(until=20)
    c.kubectl("scale deployment web-blue --replicas=0")
    c.run(until=40)
    blue = c.timeline("deploy/web-blue")
    green = c.timeline("deploy/web-green").by_revision[1]
    assert (share(c, "web-blue", 13), share(c, "web-green", 13)) == (1.0, 0.0)
    for t in (14, 15, 16, 25, 39):
        assert (share(c, "web-blue", t), share(c, "web-green", t)) == (0.0, 1.0)
    assert blue.by_revision[1].at(15)["endpoints"] == 0
    assert round(float(blue["errors"][-1]), 6) == round(float(blue.at(5)["errors"]), 6) == 500.0
    assert round(float(green["requests"][-1] - green.at(14)["requests"]), 6) == 2600.0
