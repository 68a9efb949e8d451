"""Liveness, startup and readiness probes, and how the kubelet stops containers.

Every expected time is derived by hand from pkg/kubelet/prober/worker.go (a
worker's ticker runs every periodSeconds from when the pod was bound; a result
is published once failureThreshold identical results follow one another; a
probe that times out lands timeoutSeconds late; a failed liveness or startup
probe has the container killed and restarted) and from kuberuntime_container.go
``killContainer`` (preStop within the grace period, at least 2 s more before
SIGKILL). The first pod bound gets the IP 10.244.0.3.

Upstream's own cases, as scenarios: kubernetes/kubernetes
pkg/kubelet/prober/worker_test.go ``TestOnHoldOnLivenessOrStartupCheckFailure`` (a
failed liveness probe holds the worker until the container is a new one:
``test_liveness_restarts_a_hung_application`` counts the new container's probes from
its own start) and ``TestLivenessProbeDisabledByStarted`` (liveness and readiness wait
for the startup probe: ``test_before_its_startup_probe_passes_...``).
"""

from __future__ import annotations

from typing import Any

import rollsim

HUNG = (
    'Get "http://10.244.0.3:8080/healthz": context deadline exceeded '
    "(Client.Timeout exceeded while awaiting headers)"
)
REFUSED = (
    'Get "http://10.244.0.3:8080/healthz": dial tcp 10.244.0.3:8080: connect: connection refused'
)


def probe(**fields: Any) -> dict[str, Any]:
    return {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10, **fields}


def pod(container: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "web", "image": "web:1", **container}], **spec},
    }


def run(behavior: rollsim.PodBehavior, manifest: dict[str, Any], until: float) -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=behavior)
    c.apply(manifest)
    c.run(until=until)
    return c


def kubelet_events(c: rollsim.Cluster, *reasons: str) -> list[tuple[float, str, str]]:
    return [(e.time, e.reason, e.message) for e in c.events if e.reason in reasons]


def test_liveness_restarts_a_hung_application() -> None:
    # Serving from 0, hung at 20. Liveness ticks 20, 30, 40 time out (results at 21,
    # 31, 41): killed at 41; a hung application ignores SIGTERM, so SIGKILL after the
    # 30 s grace period: exit at 71, restarted at once (the first restart). The new
    # container hangs at 91: ticks 100, 110, 120, killed at 121, exit 151, and the
    # second restart waits the 10 s back-off: 161.
    c = run(
        rollsim.PodBehavior(hangs_after=20.0),
        pod({"livenessProbe": probe(failureThreshold=3)}),
        until=200.0,
    )
    failed = f"Liveness probe failed: {HUNG}"
    killed = "Container web failed liveness probe, will be restarted"
    assert kubelet_events(c, "Unhealthy", "Killing")[:4] == [
        (21.0, "Unhealthy", failed),
        (31.0, "Unhealthy", failed),
        (41.0, "Unhealthy", failed),
        (41.0, "Killing", killed),
    ]
    assert [e.time for e in c.events if e.reason == "Started"] == [0.0, 71.0, 161.0]
    [status] = c.get("pod", "web").status.container_statuses
    assert status.restart_count == 2
    assert status.last_state == {
        "terminated": {
            "exitCode": 137,
            "reason": "Error",
            "startedAt": "2025-01-01T00:01:11Z",
            "finishedAt": "2025-01-01T00:02:31Z",
        }
    }


def test_a_probe_grace_period_shortens_the_kill() -> None:
    # The probe's own terminationGracePeriodSeconds (5) replaces the pod's for a
    # liveness kill: SIGKILL at 41 + 5.
    c = run(
        rollsim.PodBehavior(hangs_after=20.0),
        pod({"livenessProbe": probe(terminationGracePeriodSeconds=5)}),
        until=60.0,
    )
    assert [e.time for e in c.events if e.reason == "Started"] == [0.0, 46.0]


def test_liveness_kills_a_slow_starter_that_a_startup_probe_would_protect() -> None:
    # Warm-up 45 s. Liveness alone: ticks 10, 20, 30 refused -> killed at 30; the
    # application exits at SIGTERM; restarted at once; ticks 40, 50, 60 -> killed at
    # 60, back-off 10 s: start 70; ticks 80, 90, 100 -> killed at 100, back-off 20 s.
    # It never serves.
    liveness = {"livenessProbe": probe()}
    c = run(rollsim.PodBehavior(warmup=45.0), pod(liveness), until=130.0)
    assert [e.time for e in c.events if e.reason == "Started"] == [0.0, 30.0, 70.0, 120.0]
    assert c.kubelet.pods[("default", "web")].serving is False
    assert kubelet_events(c, "Unhealthy")[0] == (
        10.0,
        "Unhealthy",
        f"Liveness probe failed: {REFUSED}",
    )

    # With a startup probe allowing 6 failures: ticks 10..40 refused, 50 finds it warm;
    # liveness runs from then on and passes.
    startup = {**liveness, "startupProbe": probe(failureThreshold=6)}
    c = run(rollsim.PodBehavior(warmup=45.0), pod(startup), until=130.0)
    assert [e.time for e in c.events if e.reason == "Started"] == [0.0]
    [status] = c.get("pod", "web").status.container_statuses
    assert (status.started, status.ready, status.restart_count) == (True, True, 0)
    assert [t for t, _, _ in kubelet_events(c, "Unhealthy")] == [10.0, 20.0, 30.0, 40.0]


def test_a_startup_probe_that_runs_out_restarts_the_container() -> None:
    c = run(
        rollsim.PodBehavior(warmup=45.0),
        pod({"startupProbe": probe(failureThreshold=3)}),
        until=31.0,
    )
    assert kubelet_events(c, "Killing") == [
        (30.0, "Killing", "Container web failed startup probe, will be restarted")
    ]
    [status] = c.get("pod", "web").status.container_statuses
    assert status.started is False


def test_before_its_startup_probe_passes_the_container_is_not_started_nor_ready() -> None:
    c = run(
        rollsim.PodBehavior(warmup=15.0),
        pod({"startupProbe": probe(), "readinessProbe": probe()}),
        until=19.0,
    )
    [status] = c.get("pod", "web").status.container_statuses
    assert (status.started, status.ready) == (False, False)
    c.run(until=20.0)  # the startup tick at 20 passes; readiness runs at once and passes
    [status] = c.get("pod", "web").status.container_statuses
    assert (status.started, status.ready) == (True, True)


def test_a_tcp_probe_sees_neither_a_503_nor_a_hang() -> None:
    # The kernel accepts the connection: the pod stays Ready while its requests fail.
    tcp = {"tcpSocket": {"port": 8080}, "periodSeconds": 10}
    for behavior in (
        rollsim.PodBehavior(unready_after=10.0),
        rollsim.PodBehavior(hangs_after=10.0),
    ):
        c = run(behavior, pod({"readinessProbe": tcp, "livenessProbe": tcp}), until=300.0)
        record = c.kubelet.pods[("default", "web")]
        assert (record.ready, record.serving, record.restarts) == (True, False, 0)


def test_a_probe_timeout_longer_than_its_period_holds_the_worker() -> None:
    # Hung at 20; readiness ticks every 10 s but each probe waits 15 s: probes at 20,
    # 35 (the tick missed meanwhile fires on return), 50; results at 35, 50, 65.
    c = run(
        rollsim.PodBehavior(hangs_after=20.0),
        pod({"readinessProbe": probe(timeoutSeconds=15)}),
        until=100.0,
    )
    assert [t for t, _, _ in kubelet_events(c, "Unhealthy")] == [35.0, 50.0, 65.0]
    ready = [x for x in c.get("pod", "web").status.conditions if x.type == "Ready"]
    assert (ready[0].status, ready[0].last_transition_time) == ("False", 65.0)


def test_a_pre_stop_longer_than_the_grace_period_gets_two_more_seconds() -> None:
    # grace 30, sleep 40: the hook is cut at 30, SIGTERM then, SIGKILL 2 s later (the
    # docs' "one-off grace period extension of 2 seconds"); the application would
    # drain for 10 s, so it is killed at 32.
    c = run(
        rollsim.PodBehavior(shutdown=10.0),
        pod({"lifecycle": {"preStop": {"sleep": {"seconds": 40}}}}),
        until=10.0,
    )
    c.delete("pod", "web")
    c.run(until=10.0 + 32.0 - 0.001)
    assert c.kubelet.pods[("default", "web")].serving is True
    c.run(until=10.0 + 32.0)
    assert ("default", "web") not in c.kubelet.pods


def test_restart_policy_never_leaves_the_pod_failed() -> None:
    c = run(
        rollsim.PodBehavior(hangs_after=5.0),
        pod({"livenessProbe": probe(failureThreshold=1)}, restartPolicy="Never"),
        until=100.0,
    )
    assert kubelet_events(c, "Killing") == [
        (11.0, "Killing", "Container web failed liveness probe")
    ]
    view = c.get("pod", "web")
    assert view.status.phase == "Failed"
    assert view.status.container_statuses[0].state["terminated"]["exitCode"] == 137


def test_an_application_slower_than_the_probe_timeout_fails_its_probes() -> None:
    # Mean latency 2 s against timeoutSeconds 1: every probe times out (a second late),
    # so the pod never turns Ready; a 3 s timeout lets the first probe pass.
    slow = rollsim.PodBehavior(latency=2.0)
    c = run(slow, pod({"readinessProbe": probe(timeoutSeconds=1)}), until=100.0)
    assert c.kubelet.pods[("default", "web")].ready is False
    assert kubelet_events(c, "Unhealthy")[0] == (
        1.0,
        "Unhealthy",
        f"Readiness probe failed: {HUNG}",
    )
    c = run(slow, pod({"readinessProbe": probe(timeoutSeconds=3)}), until=100.0)
    assert c.kubelet.pods[("default", "web")].ready is True
    assert kubelet_events(c, "Unhealthy") == []
