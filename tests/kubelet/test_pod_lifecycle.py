"""Pod lifecycles: timings, readiness probes, availability, termination and fault modes.

Every expected time below is derived by hand from the ``rollsim.PodBehavior``
docstring (created -> ``schedule`` -> bound -> ``pull`` -> ``startup`` -> Running,
Ready at once without a readinessProbe, and the application warm ``warmup``
later; a readinessProbe turns the pod Ready at the first probe that finds the
application warm: the readiness worker runs once when the container starts,
then on its ticker, every ``periodSeconds`` from when the pod was bound,
skipping probes less than ``initialDelaySeconds`` after the start
(pkg/kubelet/prober/worker.go), plus further periods up to
``successThreshold``; deletion takes the pod out of its ReplicaSet's counts at
once and it is gone ``min(shutdown, terminationGracePeriodSeconds)`` later) and from upstream
behaviour (reference sections 7.1 and 9; kubelet crash-loop back-off: the first
restart is immediate, then 10 s doubling up to 300 s). None is copied from
rollsim's output.

Unless a test says otherwise the Deployment is applied at t=0 with zero
controller latency, so its ReplicaSet and pods are created at t=0.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

import rollsim
from rollsim import Cluster, NotFoundError, PodBehavior
from rollsim.dist import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    KwokDelay,
    LogNormal,
    Uniform,
    as_distribution,
)

EPS = 1e-3


def deployment(
    replicas: int = 1,
    *,
    min_ready: int = 0,
    probe: dict[str, Any] | None = None,
    grace: int | None = None,
    name: str = "web",
) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "nginx", "image": "nginx:1.27"}
    if probe is not None:
        container["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}, **probe}
    pod_spec: dict[str, Any] = {"containers": [container]}
    if grace is not None:
        pod_spec["terminationGracePeriodSeconds"] = grace
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec},
    }
    if min_ready:
        spec["minReadySeconds"] = min_ready
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": spec}


def started(behavior: PodBehavior, replicas: int = 1, seed: int = 1, **manifest: Any) -> Cluster:
    c = Cluster(seed=seed, pods=behavior)
    c.apply(deployment(replicas, **manifest))
    c.run(until=0.0)
    return c


def only_pod(c: Cluster) -> rollsim.Pod:
    [pod] = c.list("pod")
    return pod


def the_rs(c: Cluster) -> rollsim.ReplicaSet:
    [rs] = c.list("rs")
    return rs


def condition(pod: rollsim.Pod, kind: str) -> Any:
    [cond] = [c for c in pod.status.conditions if c.type == kind]
    return cond


def is_ready(pod: rollsim.Pod) -> bool:
    return bool(condition(pod, "Ready").status == "True")


def event_times(c: Cluster, reason: str, name: str | None = None) -> list[float]:
    return [e.time for e in c.events if e.reason == reason and (name is None or e.name == name)]


# --- phases and the Ready condition -------------------------------------------------


def test_pending_running_ready_timeline() -> None:
    # created 0, bound 0+1, pulled 1+2, Running 3+3, Ready 6+4 (startup 7 in all).
    c = started(PodBehavior(schedule=1, pull=2, startup=7))
    pod = only_pod(c)
    name = pod.metadata.name
    assert pod.status.phase == "Pending"
    assert pod.spec.node_name == ""
    assert pod.status.container_statuses == ()

    c.run(until=1.0)
    pod = c.get("pod", name)
    assert pod.status.phase == "Pending"
    assert pod.spec.node_name == "node-1"
    assert condition(pod, "PodScheduled").status == "True"
    assert pod.status.container_statuses[0].state == {"waiting": {"reason": "ContainerCreating"}}

    c.run(until=10.0 - EPS)
    pod = c.get("pod", name)
    assert pod.status.phase == "Pending"
    assert not is_ready(pod)
    assert the_rs(c).status.ready_replicas == 0
    c.run(until=10.0)
    pod = c.get("pod", name)
    assert pod.status.phase == "Running"
    assert "running" in pod.status.container_statuses[0].state
    assert pod.status.container_statuses[0].started is True
    assert is_ready(pod)
    assert condition(pod, "Ready").last_transition_time == 10.0
    assert condition(pod, "ContainersReady").status == "True"
    assert condition(pod, "ContainersReady").last_transition_time == 10.0
    assert pod.status.container_statuses[0].ready is True
    assert the_rs(c).status.ready_replicas == 1

    assert event_times(c, "Scheduled", name) == [1.0]
    assert event_times(c, "Pulled", name) == [3.0]
    assert event_times(c, "Started", name) == [10.0]


def test_without_a_readiness_probe_the_pod_is_ready_while_the_application_warms_up() -> None:
    # UpdatePodStatus: no readinessProbe -> always ready. The container runs at 2 and is
    # Ready then; the application answers from 2 + 4.
    c = started(PodBehavior(startup=2, warmup=4))
    name = only_pod(c).metadata.name
    c.run(until=2.0)
    assert is_ready(c.get("pod", name))
    assert condition(c.get("pod", name), "Ready").last_transition_time == 2.0
    record = c.kubelet.pods[("default", name)]
    assert (record.ready, record.serving) == (True, False)
    c.run(until=6.0)
    assert (record.ready, record.serving) == (True, True)


def test_pod_scheduled_transition_time_is_the_bind_time() -> None:
    c = started(PodBehavior(schedule=1, pull=2, startup=3, warmup=4))
    c.run(until=1.0)
    assert condition(only_pod(c), "PodScheduled").last_transition_time == 1.0


# --- readinessProbe grid ------------------------------------------------------------


# The container starts at 2 (startup 2) on a pod bound at ``bound``; the readiness
# worker's ticker runs from the bind, every periodSeconds; it also probes once when the
# container starts; probes less than initialDelaySeconds after the start are skipped.
@pytest.mark.parametrize(
    ("bound", "initial", "period", "warmup", "ready_at"),
    [
        (0, 5, 10, 7, 10),  # warm at 9; the start's probe is too early; tick 10
        (0, 5, 10, 3, 10),  # warm at 5, before the first probe allowed (7): tick 10
        (0, 5, 10, 8, 10),  # warm exactly at the tick
        (0, 5, 10, 25, 30),  # warm at 27: ticks 10, 20 fail, 30 passes
        (0, 5, 10, 18, 20),
        (0, 0, 10, 7, 10),  # the start's probe fails (warming), tick 10 passes
        (0, 0, 10, 0, 2),  # the start's probe finds it warm
        (0, 0, 3, 7, 9),  # ticks 3, 6, 9
        (0, 0, None, 7, 10),  # periodSeconds defaults to 10 (SetDefaults_Probe)
        (4, 0, 10, 7, 14),  # bound at 4: start 6, warm 13, ticks at 4 + 10k
        (4, 20, 10, 0, 34),  # ticks 14, 24 are within 20 s of the start at 6
    ],
)
def test_readiness_probe_grid(
    bound: float, initial: int, period: int | None, warmup: float, ready_at: float
) -> None:
    probe: dict[str, Any] = {"initialDelaySeconds": initial}
    if period is not None:
        probe["periodSeconds"] = period
    c = started(PodBehavior(schedule=bound, startup=2, warmup=warmup), probe=probe)
    name = only_pod(c).metadata.name
    c.run(until=ready_at - EPS)
    assert not is_ready(c.get("pod", name))
    c.run(until=ready_at)
    pod = c.get("pod", name)
    assert is_ready(pod)
    assert condition(pod, "Ready").last_transition_time == ready_at


@pytest.mark.parametrize(("success_threshold", "ready_at"), [(2, 20), (3, 30)])
def test_readiness_probe_success_threshold(success_threshold: int, ready_at: float) -> None:
    # initialDelay 5, period 10, warm at 7: first success at tick 10, then one more
    # success per period until successThreshold consecutive successes.
    c = started(
        PodBehavior(warmup=7),
        probe={
            "initialDelaySeconds": 5,
            "periodSeconds": 10,
            "successThreshold": success_threshold,
        },
    )
    name = only_pod(c).metadata.name
    c.run(until=ready_at - EPS)
    assert not is_ready(c.get("pod", name))
    c.run(until=ready_at)
    assert is_ready(c.get("pod", name))


# --- minReadySeconds: availability boundary (reference 7.1, newest: inclusive) ------


def test_available_exactly_min_ready_seconds_after_ready() -> None:
    c = started(PodBehavior(schedule=1, pull=2, startup=7), min_ready=20)
    c.run(until=10.0)  # Ready at 10
    rs = the_rs(c)
    assert (rs.status.ready_replicas, rs.status.available_replicas) == (1, 0)
    c.run(until=30.0 - EPS)
    assert the_rs(c).status.available_replicas == 0
    assert c.get("deployment", "web").status.available_replicas == 0
    c.run(until=30.0)  # 10 + minReadySeconds, inclusive
    assert the_rs(c).status.available_replicas == 1
    assert c.get("deployment", "web").status.available_replicas == 1


def test_available_at_once_without_min_ready_seconds() -> None:
    c = started(PodBehavior(startup=4))
    c.run(until=4.0)
    rs = the_rs(c)
    assert (rs.status.ready_replicas, rs.status.available_replicas) == (1, 1)


# --- termination ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shutdown", "grace", "gone_after"),
    [
        (5.0, None, 5.0),  # default terminationGracePeriodSeconds 30 does not bite
        (40.0, 10, 10.0),  # capped by terminationGracePeriodSeconds
        (12.0, 12, 12.0),
    ],
)
def test_termination_leaves_counts_at_once_and_is_gone_later(
    shutdown: float, grace: int | None, gone_after: float
) -> None:
    c = started(PodBehavior(shutdown=shutdown), grace=grace)
    c.run(until=50.0)
    name = only_pod(c).metadata.name
    assert the_rs(c).status.available_replicas == 1
    c.scale("deployment/web", 0)
    c.run(until=50.0)
    status = the_rs(c).status
    assert (status.replicas, status.ready_replicas, status.available_replicas) == (0, 0, 0)
    pod = c.get("pod", name)  # still there, terminating
    # The API server stamps the end of the grace period (CheckGracefulDelete).
    assert pod.metadata.deletion_timestamp == 50.0 + (30 if grace is None else grace)
    assert event_times(c, "Killing", name) == [50.0]
    c.run(until=50.0 + gone_after - EPS)
    c.get("pod", name)
    c.run(until=50.0 + gone_after)
    with pytest.raises(NotFoundError):
        c.get("pod", name)


def test_deleted_pod_is_replaced_at_once_while_it_terminates() -> None:
    c = started(PodBehavior(shutdown=20.0))
    c.run(until=50.0)
    old = only_pod(c).metadata.name
    c.delete("pod", old)
    c.run(until=50.0)
    rs = the_rs(c)
    assert rs.status.replicas == 1  # the replacement only
    names = {p.metadata.name for p in c.list("pod")}
    assert old in names and len(names) == 2
    [new] = names - {old}
    assert event_times(c, "SuccessfulCreate") == [0.0, 50.0]
    c.run(until=70.0)
    assert {p.metadata.name for p in c.list("pod")} == {new}


# --- fault modes ------------------------------------------------------------------------


def test_image_pull_error_stays_pending_in_image_pull_back_off() -> None:
    c = started(PodBehavior(image_pull_error=True, pull=3))
    name = only_pod(c).metadata.name
    c.run(until=2.0)
    assert c.get("pod", name).status.container_statuses[0].state == {
        "waiting": {"reason": "ContainerCreating"}
    }
    c.run(until=300.0)
    pod = c.get("pod", name)
    assert pod.status.phase == "Pending"
    assert not is_ready(pod)
    [status] = pod.status.container_statuses
    assert status.state == {"waiting": {"reason": "ImagePullBackOff"}}
    assert (status.started, status.ready, status.restart_count) == (False, False, 0)
    rs = the_rs(c)
    assert (rs.status.replicas, rs.status.ready_replicas, rs.status.available_replicas) == (1, 0, 0)
    assert event_times(c, "Failed", name) and event_times(c, "BackOff", name)
    assert event_times(c, "Started", name) == []


# Crash loop with crash_loop=5 and every other timing 0: the container runs 5 s,
# crashes; restart n waits back-off(n) = 0, 10, 20, 40, 80, 160, 300, 300 s.
#   start 0   crash 5   (#1, 0 s)    start 5
#   crash 10  (#2, 10 s)   start 20
#   crash 25  (#3, 20 s)   start 45
#   crash 50  (#4, 40 s)   start 90
#   crash 95  (#5, 80 s)   start 175
#   crash 180 (#6, 160 s)  start 340
#   crash 345 (#7, 320 -> capped 300 s) start 645
#   crash 650 (#8, 300 s)  start 950
CRASH_STARTS = [0.0, 5.0, 20.0, 45.0, 90.0, 175.0, 340.0, 645.0, 950.0]


def test_crash_loop_restart_times() -> None:
    c = started(PodBehavior(crash_loop=5.0))
    name = only_pod(c).metadata.name
    c.run(until=1000.0)
    assert event_times(c, "Started", name) == CRASH_STARTS


def test_crash_loop_restart_counts_and_back_off_state() -> None:
    c = started(PodBehavior(crash_loop=5.0))
    name = only_pod(c).metadata.name
    for restarts, start in enumerate(CRASH_STARTS):
        c.run(until=start)
        pod = c.get("pod", name)
        [status] = pod.status.container_statuses
        assert status.restart_count == restarts, start
        assert "running" in status.state
        assert is_ready(pod)  # no readinessProbe: Ready as soon as it runs
    c2 = started(PodBehavior(crash_loop=5.0))
    c2.run(until=15.0)  # between crash #2 (10) and restart (20)
    pod = only_pod(c2)
    [status] = pod.status.container_statuses
    assert status.state == {"waiting": {"reason": "CrashLoopBackOff"}}
    assert pod.status.phase == "Running"  # restartPolicy Always: the pod stays Running
    assert not is_ready(pod)
    assert the_rs(c2).status.ready_replicas == 0


def test_crash_loop_restart_adds_startup_to_back_off() -> None:
    # startup 2: start 2, crash 7 (#1, 0 s) -> start 9, crash 14 (#2, 10 s) -> start 26,
    # crash 31 (#3, 20 s) -> start 53.
    c = started(PodBehavior(startup=2.0, crash_loop=5.0))
    name = only_pod(c).metadata.name
    c.run(until=60.0)
    assert event_times(c, "Started", name) == [2.0, 9.0, 26.0, 53.0]


def test_never_ready_without_a_probe_is_ready_but_never_serves() -> None:
    # Upstream marks a container with no readinessProbe Ready when it runs, whatever
    # the application does: the rollout goes on while every request fails.
    c = started(PodBehavior(startup=1.0, never_ready=True))
    c.run(until=1000.0)
    pod = only_pod(c)
    assert is_ready(pod)
    assert c.kubelet.pods[("default", pod.metadata.name)].serving is False


def test_never_ready_with_a_probe() -> None:
    c = started(PodBehavior(startup=1.0, never_ready=True), probe={})
    c.run(until=1000.0)
    pod = only_pod(c)
    assert pod.status.phase == "Running"
    assert not is_ready(pod)
    assert condition(pod, "Ready").reason == "ContainersNotReady"
    assert condition(pod, "Ready").message == "containers with unready status: [nginx]"
    rs = the_rs(c)
    assert (rs.status.replicas, rs.status.ready_replicas, rs.status.available_replicas) == (1, 0, 0)
    assert c.get("deployment", "web").status.available_replicas == 0
    # Connection refused at the start's probe and the ticks 10 and 20: the run reaches
    # failureThreshold 3 at 20; later failures are not recorded one by one.
    refused = 'Get "http://10.244.0.3:80/": dial tcp 10.244.0.3:80: connect: connection refused'
    unhealthy = [(e.time, e.message) for e in c.events if e.reason == "Unhealthy"]
    assert unhealthy == [(t, f"Readiness probe failed: {refused}") for t in (1.0, 10.0, 20.0)]


def test_unready_after_without_probe_fails_requests_but_stays_ready() -> None:
    # Serving from 2 (startup 1, warm-up 1), failing unready_after=30 later, and stays
    # so; with no readinessProbe nothing notices: the pod stays Ready.
    c = started(PodBehavior(startup=1.0, warmup=1.0, unready_after=30.0))
    name = only_pod(c).metadata.name
    record = c.kubelet.pods[("default", name)]
    c.run(until=32.0 - EPS)
    assert record.serving
    c.run(until=32.0)
    assert not record.serving
    c.run(until=500.0)
    assert is_ready(c.get("pod", name))
    assert the_rs(c).status.ready_replicas == 1


def test_unready_after_with_probe_follows_the_probe_grid() -> None:
    # Serving from 0; failing from 12 (503); ticks 20, 30, 40 fail: NotReady at 40.
    c = started(
        PodBehavior(unready_after=12.0),
        probe={"initialDelaySeconds": 0, "periodSeconds": 10, "failureThreshold": 3},
    )
    name = only_pod(c).metadata.name
    c.run(until=0.0)
    assert is_ready(c.get("pod", name))  # the start's probe finds the app warm
    c.run(until=40.0 - EPS)
    assert is_ready(c.get("pod", name))
    c.run(until=40.0)
    assert not is_ready(c.get("pod", name))
    assert [(e.time, e.message) for e in c.events if e.reason == "Unhealthy"] == [
        (t, "Readiness probe failed: HTTP probe failed with statuscode: 503") for t in (20, 30, 40)
    ]


# --- ReplicaSet deletion ranking (reference 9.2, rule 3) ------------------------------


def test_scale_down_deletes_not_ready_pods_before_ready_ones() -> None:
    # Every pod is Ready at 0; each fails at 15 or at 1000 (a seeded draw), and its
    # readinessProbe (every 10 s, failureThreshold 3) turns it NotReady at 40.
    c = started(PodBehavior(unready_after=Empirical([15.0, 1000.0])), replicas=4, seed=3, probe={})
    c.run(until=60.0)
    pods = c.list("pod")
    not_ready = {p.metadata.name for p in pods if not is_ready(p)}
    ready = {p.metadata.name for p in pods if is_ready(p)}
    assert 0 < len(not_ready) < 4, "precondition: a mix of ready and not-ready pods"
    c.scale("deployment/web", 4 - len(not_ready))
    c.run(until=60.0)
    deleted = {
        e.message.removeprefix("Deleted pod: ") for e in c.events if e.reason == "SuccessfulDelete"
    }
    assert deleted == not_ready
    assert {p.metadata.name for p in c.list("pod")} == ready


# --- pod names ---------------------------------------------------------------------------


def test_pod_names_are_rs_name_and_five_safe_characters() -> None:
    c = started(PodBehavior(), replicas=20)
    rs = the_rs(c)
    pattern = re.compile(re.escape(rs.metadata.name) + r"-[bcdfghjklmnpqrstvwxz2456789]{5}")
    pods = c.list("pod")
    assert len({p.metadata.name for p in pods}) == 20
    for pod in pods:
        assert pattern.fullmatch(pod.metadata.name), pod.metadata.name
        assert pod.metadata.generate_name == rs.metadata.name + "-"
        [owner] = pod.metadata.owner_references
        assert (owner.kind, owner.name, owner.controller) == ("ReplicaSet", rs.metadata.name, True)


def test_same_seed_same_names_and_times() -> None:
    def run(seed: int) -> list[tuple[float, str, str]]:
        c = started(
            PodBehavior(startup=LogNormal(3, 0.5), warmup=Uniform(1, 4)), replicas=5, seed=seed
        )
        c.run(until=100.0)
        return [(e.time, e.reason, e.message) for e in c.events]

    assert run(7) == run(7)
    assert run(7) != run(8)


# --- seeded distributions ----------------------------------------------------------------

RANDOM: list[Distribution] = [
    Uniform(2.0, 5.0),
    Exponential(3.0),
    LogNormal(3.0, 0.5),
    Empirical([1.0, 2.5, 9.0]),
    KwokDelay(1.0, 3.0),
]


@pytest.mark.parametrize("dist", RANDOM, ids=repr)
def test_distribution_is_reproducible_for_a_seed(dist: Distribution) -> None:
    a = dist.sample(np.random.default_rng(42), 1000)
    b = dist.sample(np.random.default_rng(42), 1000)
    other = dist.sample(np.random.default_rng(43), 1000)
    assert a.shape == (1000,)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, other)
    assert (a >= 0).all()


def test_uniform_bounds_and_mean() -> None:
    x = Uniform(2.0, 5.0).sample(np.random.default_rng(0), 20_000)
    assert x.min() >= 2.0 and x.max() <= 5.0
    assert Uniform(2.0, 5.0).mean == 3.5
    assert abs(x.mean() - 3.5) < 0.05


def test_exponential_bounds_and_mean() -> None:
    x = Exponential(3.0).sample(np.random.default_rng(0), 50_000)
    assert x.min() >= 0.0
    assert Exponential(3.0).mean == 3.0
    assert abs(x.mean() - 3.0) < 0.1


def test_lognormal_is_parametrised_by_its_median() -> None:
    dist = LogNormal(3.0, 0.5)
    x = dist.sample(np.random.default_rng(0), 50_000)
    assert x.min() > 0.0
    assert abs(float(np.median(x)) - 3.0) < 0.05
    assert dist.mean == pytest.approx(3.0 * math.exp(0.5**2 / 2))
    assert abs(x.mean() - dist.mean) < 0.05
    np.testing.assert_allclose(LogNormal(3.0, 0.0).sample(np.random.default_rng(0), 10), 3.0)


def test_empirical_resamples_the_observed_values() -> None:
    values = [1.0, 2.5, 9.0]
    x = Empirical(values).sample(np.random.default_rng(0), 3000)
    assert set(x.tolist()) == set(values)
    assert Empirical(values).mean == pytest.approx(12.5 / 3)


def test_kwok_delay() -> None:
    rng = np.random.default_rng(0)
    jittered = KwokDelay(1.0, 3.0).sample(rng, 5000)
    assert jittered.min() >= 1.0 and jittered.max() <= 3.0
    assert KwokDelay(1.0, 3.0).mean == 2.0
    # Without a jitter, or with one below the duration, the delay is fixed.
    assert (KwokDelay(2.0).sample(rng, 10) == 2.0).all()
    assert (KwokDelay(2.0, 1.0).sample(rng, 10) == 2.0).all()
    assert KwokDelay(2.0, 1.0).mean == 2.0


def test_fixed_draws_nothing_from_the_generator() -> None:
    rng = np.random.default_rng(5)
    assert (Fixed(4.0).sample(rng, 3) == 4.0).all()
    assert rng.random() == np.random.default_rng(5).random()
    assert as_distribution(3) == Fixed(3.0)
    dist = Uniform(1.0, 2.0)
    assert as_distribution(dist) is dist


@pytest.mark.parametrize(
    "make",
    [
        lambda: Fixed(-1.0),
        lambda: Uniform(5.0, 1.0),
        lambda: Uniform(-1.0, 1.0),
        lambda: Exponential(-1.0),
        lambda: LogNormal(0.0, 0.5),
        lambda: LogNormal(3.0, -0.1),
        lambda: Empirical([]),
        lambda: Empirical([1.0, -2.0]),
        lambda: KwokDelay(-1.0),
        lambda: PodBehavior(startup=-1.0),
    ],
)
def test_invalid_parameters_are_rejected(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


def test_sampled_startup_stays_within_its_bounds_in_a_cluster() -> None:
    c = started(PodBehavior(startup=Uniform(2.0, 5.0)), replicas=30, seed=11)
    c.run(until=10.0)
    starts = event_times(c, "Started")
    assert len(starts) == 30
    assert min(starts) >= 2.0 and max(starts) <= 5.0
    assert len(set(starts)) > 1


# --- controller latency ------------------------------------------------------------------


def test_latency_delays_each_controller_reaction() -> None:
    # Cluster.enqueue with latency L > 0 calls enqueue_after(L): a watched change at t
    # is processed at t + L.
    #   t=0 apply stores the Deployment   -> deployment queued for t=1
    #   t=1 Deployment sync creates the RS -> replicaset queued for t=2
    #   t=2 RS sync creates the pods; with zero timings they are Ready at t=2
    #       -> replicaset queued for t=3
    #   t=3 RS status availableReplicas=2, and the Deployment sync queued by the
    #       RS status write at t=2 runs after it (RS work first) -> Deployment available
    c = Cluster(seed=0, latency=1.0)
    c.apply(deployment(2))
    c.run(until=1.0 - EPS)
    assert c.list("rs") == []
    c.run(until=1.0)
    rs = the_rs(c)
    assert rs.metadata.creation_timestamp == 1.0
    assert c.list("pod") == []
    assert event_times(c, "ScalingReplicaSet") == [1.0]
    c.run(until=2.0)
    assert [p.metadata.creation_timestamp for p in c.list("pod")] == [2.0, 2.0]
    assert event_times(c, "SuccessfulCreate") == [2.0, 2.0]
    c.run(until=3.0 - EPS)
    assert the_rs(c).status.available_replicas == 0
    assert c.get("deployment", "web").status.available_replicas == 0
    c.run(until=3.0)
    assert the_rs(c).status.available_replicas == 2
    assert c.get("deployment", "web").status.available_replicas == 2


def test_latency_per_controller() -> None:
    # Only the Deployment controller lags: RS created at 0.5, its pods at once.
    c = Cluster(seed=0, latency={"deployment": 0.5})
    c.apply(deployment(2))
    c.run(until=0.5)
    assert the_rs(c).metadata.creation_timestamp == 0.5
    assert [p.metadata.creation_timestamp for p in c.list("pod")] == [0.5, 0.5]


def test_zero_latency_reacts_in_the_same_instant() -> None:
    c = Cluster(seed=0)
    c.apply(deployment(2))
    c.run(until=0.0)
    assert the_rs(c).metadata.creation_timestamp == 0.0
    assert c.get("deployment", "web").status.available_replicas == 2
