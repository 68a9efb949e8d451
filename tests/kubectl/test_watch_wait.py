"""``kubectl get -w`` and ``kubectl wait`` run the simulated clock (issue 12, item 4),
on the Kubernetes docs' nginx Deployment
(``tests/manifests/kubernetes-website/controllers/nginx-deployment.yaml``) and
Flagger's podinfo Deployment (``tests/manifests/flagger/kustomize/podinfo``), unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim

MANIFESTS = Path(__file__).parent.parent / "manifests"
PODINFO = MANIFESTS / "flagger" / "kustomize" / "podinfo"
NGINX = MANIFESTS / "kubernetes-website" / "controllers" / "nginx-deployment.yaml"


def _cluster() -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=4.0))
    c.apply(str(PODINFO / "deployment.yaml"))
    return c


def test_wait_for_available_advances_the_clock() -> None:
    """Three replicas at maxUnavailable 25% (0): Available once all three are."""
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=4.0))
    c.apply(str(NGINX))
    out = c.kubectl("wait --for=condition=Available deployment/nginx-deployment --timeout=60s")
    assert out == "deployment.apps/nginx-deployment condition met\n"
    assert c.get("deployment", "nginx-deployment").status.available_replicas == 3
    assert c.now == 4


def test_podinfo_is_available_at_once_with_max_unavailable_one() -> None:
    """podinfo's maxUnavailable 1 of 1 replica: minimum availability from the start."""
    c = _cluster()
    assert c.kubectl("wait --for=condition=Available deploy/podinfo") == (
        "deployment.apps/podinfo condition met\n"
    )
    assert c.now == 0


def test_wait_times_out_in_kubectls_words() -> None:
    c = _cluster()
    with pytest.raises(rollsim.KubectlError) as raised:
        c.kubectl("wait --for=condition=Available=False deploy/podinfo --timeout=10s")
    assert raised.value.message == (
        "error: timed out waiting for the condition on deployments/podinfo"
    )
    assert c.now == 10


def test_wait_for_jsonpath_and_for_delete() -> None:
    c = _cluster()
    path = "--for=jsonpath='{.status.readyReplicas}'=1"
    assert c.kubectl(f"wait {path} deploy/podinfo") == "deployment.apps/podinfo condition met\n"
    c.kubectl("delete deploy podinfo")
    assert c.kubectl("wait --for=delete deploy/podinfo") == (
        "deployment.apps/podinfo condition met\n"
    )


def test_wait_for_an_unknown_condition_is_refused() -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        _cluster().kubectl("wait --for=ready deploy/podinfo")
    assert raised.value.message == 'error: unrecognized condition: "ready"'


def test_get_watch_prints_a_row_per_change_until_the_request_timeout() -> None:
    c = _cluster()
    # The container starts at 4; its readinessProbe (initialDelaySeconds 5) is first
    # allowed at 9, and the prober's ticker, every 10 s from the bind at 0, next
    # probes at 10; minReadySeconds 5 later the pod is available.
    assert c.kubectl("get deploy podinfo -w --request-timeout=30s") == (
        "NAME      READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "podinfo   0/1     1            0           0s\n"
        "podinfo   1/1     1            0           10s\n"
        "podinfo   1/1     1            1           15s\n"
    )
    assert c.now == 30


def test_watch_only_skips_the_listing() -> None:
    c = _cluster()
    c.run(until=60)
    assert c.kubectl("get deploy --watch-only --request-timeout=5s") == ""


def test_a_watch_without_a_timeout_stops_once_nothing_it_lists_changes() -> None:
    """A Flagger canary ticks forever, so the clock always has a next event: the watch
    ends WATCH_IDLE_LIMIT after the last change instead of running the whole limit."""
    from rollsim.kubectl.watch import WATCH_IDLE_LIMIT

    c = rollsim.Cluster(seed=0)
    c.apply(
        """apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo}
spec:
  replicas: 1
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec: {containers: [{name: podinfod, image: "ghcr.io/stefanprodan/podinfo:6.0.0"}]}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis: {interval: 10s, threshold: 5, maxWeight: 50, stepWeight: 10}
"""
    )
    c.run(until=60)
    c.kubectl("get deploy/podinfo-primary -w")
    assert 60 + WATCH_IDLE_LIMIT <= c.now <= 60 + 2 * WATCH_IDLE_LIMIT
