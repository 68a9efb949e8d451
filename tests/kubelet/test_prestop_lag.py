"""The endpoint lag against the preStop hook: the experiment of kubernetes #43576,
#89263 and #106476 ("5xx during rolling updates"), and the remedy people use.

A 3-replica Deployment rolls one pod at a time (maxSurge 1, maxUnavailable 0);
every new pod takes 10 s to start, so the steps never overlap. 100 requests per
second go through a Service whose endpoint changes reach the proxies 3 s late.
When an old pod is deleted it is still listed for those 3 s, one endpoint of
three. The kubelet runs its preStop hook, then sends SIGTERM
(``killContainer``); the application here exits at SIGTERM. Every request sent
to it between its exit and its removal fails: rps * (lag - exit) / 3 per step,
three steps.
"""

from __future__ import annotations

from typing import Any

import pytest

import rollsim

LAG = 3.0
RPS = 100.0


def manifests(pre_stop: dict[str, Any] | None, grace: int | None) -> list[dict[str, Any]]:
    container: dict[str, Any] = {"name": "web", "image": "web:1", "ports": [{"containerPort": 80}]}
    if pre_stop is not None:
        container["lifecycle"] = {"preStop": pre_stop}
    pod_spec: dict[str, Any] = {"containers": [container]}
    if grace is not None:
        pod_spec["terminationGracePeriodSeconds"] = grace
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 3,
            "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec},
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    return [deployment, service]


def failed_during_rollout(
    pre_stop: dict[str, Any] | None, grace: int | None = None, shutdown: float = 0.0
) -> float:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=10.0, shutdown=shutdown))
    for doc in manifests(pre_stop, grace):
        c.apply(doc)
    flow = c.add_traffic(rollsim.Traffic(rps=RPS, service="web", endpoint_lag=LAG))
    assert c.run_until_complete("deployment/web")
    c.run(until=60.0)
    before = flow.failed
    c.set_image("deployment/web", web="web:2")
    assert c.run_until_complete("deployment/web")
    c.run(until=c.now + 60.0)
    return flow.failed - before


def test_without_a_pre_stop_hook_requests_fail_for_the_whole_lag() -> None:
    # Each old pod exits when it is deleted: dead for the 3 s of lag, a third of the
    # traffic: 100 * 3 / 3 per step, three steps.
    assert failed_during_rollout(None) == pytest.approx(RPS * LAG)


def test_a_pre_stop_sleep_longer_than_the_lag_removes_the_failures() -> None:
    sleep = {"exec": {"command": ["/bin/sh", "-c", "sleep 5"]}}
    assert failed_during_rollout(sleep, grace=30) == 0.0


def test_the_sleep_action_does_the_same() -> None:
    # KEP-3960's sleep action, GA in 1.34.
    assert failed_during_rollout({"sleep": {"seconds": 5}}) == 0.0


def test_a_grace_period_shorter_than_the_pre_stop_cuts_the_hook() -> None:
    # grace 1: the hook is cut at 1 s, SIGTERM then (the kubelet keeps at least 2 s
    # before SIGKILL, which an application exiting at SIGTERM does not need): dead
    # from 1 s to 3 s, 100 * 2 / 3 per step.
    sleep = {"exec": {"command": ["sleep", "5"]}}
    assert failed_during_rollout(sleep, grace=1) == pytest.approx(RPS * (LAG - 1.0))


def test_an_application_that_drains_after_sigterm_needs_no_hook() -> None:
    # It serves 5 s past SIGTERM, longer than the lag.
    assert failed_during_rollout(None, shutdown=5.0) == 0.0


def test_a_pre_stop_http_get_to_an_application_not_listening_fails_at_once() -> None:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(never_ready=True))
    hook = {"httpGet": {"path": "/drain", "port": 80}}
    c.apply(manifests(hook, None)[0])
    c.run(until=5.0)
    name = c.list("pod")[0].metadata.name
    c.delete("pod", name)
    c.run(until=5.0)
    events = [(e.reason, e.message) for e in c.events if e.name == name and e.time == 5.0]
    assert events == [
        ("Killing", "Stopping container web"),
        ("FailedPreStopHook", "PreStopHook failed"),
    ]


def rollout(pre_stop: dict[str, Any] | None) -> dict[str, Any]:
    """The same workload as an Argo Rollout: a basic canary to a third, then all."""
    deployment = manifests(pre_stop, None)[0]
    spec = {k: v for k, v in deployment["spec"].items() if k != "strategy"}
    steps = [{"setWeight": 34}, {"pause": {"duration": "30s"}}]
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": "web"},
        "spec": {**spec, "strategy": {"canary": {"steps": steps}}},
    }


def rollout_failures(pre_stop: dict[str, Any] | None) -> float:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=10.0))
    c.apply(rollout(pre_stop))
    c.apply(manifests(None, None)[1])
    flow = c.add_traffic(rollsim.Traffic(rps=RPS, service="web", endpoint_lag=LAG))
    c.run(until=60.0)
    before = flow.failed
    c.set_image("rollout/web", web="web:2")
    c.run(until=200.0)
    assert c.kubectl("argo rollouts status web --timeout 1s").startswith("Healthy")
    return flow.failed - before


def test_argo_rollout_pods_stop_the_same_way() -> None:
    # The Rollout's old pods go through the same kubelet: without a hook, each is
    # dead for the lag while listed, one endpoint of three (the canary's pods are
    # Ready before a stable pod goes): three old pods, as for the Deployment; with a
    # 5 s sleep, none is.
    assert rollout_failures(None) == pytest.approx(RPS * LAG)
    assert rollout_failures({"sleep": {"seconds": 5}}) == 0.0
