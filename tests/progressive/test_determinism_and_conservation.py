"""Across the progressive-delivery scenarios: every offered request is either served
or failed, and a run is a pure function of its inputs and seed.

Conservation is bookkeeping, true of any traffic model: a request offered to a
Service is sent to exactly one pod (and then answered or failed) or, with no endpoint
to take it, failed at once; so offered = served + failed, where served counts the
non-failed requests of each ReplicaSet. Determinism is rollsim's contract (cluster.py:
one seeded generator, no wall clock): the same seed gives the same events and the same
timelines; with fixed pod timings the seed only changes names and UIDs, never what
happens when.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import rollsim

from .support import behavior, rollout_yaml, service_yaml, success_rate_template
from .test_argo_analysis import BACKGROUND
from .test_argo_basic_canary import STEPS
from .test_argo_blue_green import bg_strategy
from .test_argo_traffic_routed_canary import STRATEGY as ROUTED
from .test_flagger import analysis, manifests

#: (cluster, workloads whose timelines share the one traffic, when the traffic began)
Run = tuple[rollsim.Cluster, list[str], float]


def basic(seed: int) -> Run:
    c = rollsim.Cluster(seed=seed, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(rollout_yaml(strategy=STEPS) + service_yaml("web"))
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=60)
    c.promote("rollout/web")
    c.run(until=120)
    return c, ["rollout/web"], 0.0


def routed(seed: int) -> Run:
    c = rollsim.Cluster(seed=seed, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(
        rollout_yaml(replicas=4, strategy=ROUTED)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=1)
    c.add_traffic(rollsim.Traffic(rps=100, service="web-stable"))
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=30)
    c.promote("rollout/web")
    c.run(until=40)
    c.abort("rollout/web")
    c.run(until=100)
    c.retry("rollout/web")
    c.run(until=110)
    c.promote("rollout/web", full=True)
    c.run(until=160)
    return c, ["rollout/web"], 1.0


def blue_green(seed: int) -> Run:
    c = rollsim.Cluster(seed=seed, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(
        rollout_yaml(replicas=3, strategy=bg_strategy("      autoPromotionEnabled: false\n"))
        + service_yaml("web-active")
        + service_yaml("web-preview")
    )
    c.run(until=0)
    c.add_traffic(rollsim.Traffic(rps=100, service="web-active"))
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=50)
    c.promote("rollout/web")
    c.run(until=100)
    return c, ["rollout/web"], 0.0


def analysis_abort(seed: int) -> Run:
    c = rollsim.Cluster(
        seed=seed, pods=rollsim.PodBehavior(startup=2.0), images={"web:2": behavior(error_rate=0.1)}
    )
    c.apply(
        rollout_yaml(replicas=5, strategy=BACKGROUND)
        + service_yaml("web")
        + success_rate_template(count=None, failure_limit=1)
    )
    c.run(until=0)
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=60)
    return c, ["rollout/web"], 0.0


def flagger(seed: int) -> Run:
    c = rollsim.Cluster(
        seed=seed,
        pods=rollsim.PodBehavior(startup=2.0),
        images={"podinfo:2": behavior(error_rate=0.1)},
    )
    c.apply(manifests(analysis()))
    c.run(until=5)
    c.add_traffic(rollsim.Traffic(rps=100, service="podinfo"))
    c.run(until=25)
    c.set_image("deploy/podinfo", podinfo="podinfo:2")
    c.run(until=80)
    return c, ["deploy/podinfo", "deploy/podinfo-primary"], 5.0


Scenario = Callable[[int], Run]
SCENARIOS: dict[str, Scenario] = {
    "basic-canary": basic,
    "routed-canary": routed,
    "blue-green": blue_green,
    "background-analysis-abort": analysis_abort,
    "flagger-rollback": flagger,
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_offered_equals_served_plus_failed(name: str) -> None:
    c, workloads, began = SCENARIOS[name](0)
    timelines = [c.timeline(w) for w in workloads]
    # Every workload of a scenario sees the same single traffic: one offered and one
    # failed total; served is summed over all their ReplicaSets.
    offered = float(timelines[0]["requests"][-1])
    failed = float(timelines[0]["errors"][-1])
    for tl in timelines[1:]:
        assert float(tl["requests"][-1]) == offered
        assert float(tl["errors"][-1]) == failed
    served = sum(
        float(rs["requests"][-1] - rs["errors"][-1])
        for tl in timelines
        for rs in tl.by_replica_set.values()
    )
    assert offered > 0
    assert abs(offered - (served + failed)) < 1e-6 * offered
    # And the offered total is the rate times the time the traffic ran.
    assert abs(offered - 100 * (c.now - began)) < 1e-6


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_same_seed_same_events_and_timelines(name: str) -> None:
    a, workloads, _ = SCENARIOS[name](7)
    b, _, _ = SCENARIOS[name](7)
    assert a.events == b.events
    for w in workloads:
        ta, tb = a.timeline(w), b.timeline(w)
        assert np.array_equal(ta.t, tb.t)
        for column in ta:
            assert np.array_equal(ta[column], tb[column]), column
        assert list(ta.by_replica_set) == list(tb.by_replica_set)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_seed_changes_names_not_behaviour(name: str) -> None:
    a, workloads, _ = SCENARIOS[name](1)
    b, _, _ = SCENARIOS[name](2)
    # What happened when is the same (fixed timings); messages may name pods.
    assert [(e.time, e.kind, e.reason) for e in a.events] == [
        (e.time, e.kind, e.reason) for e in b.events
    ]
    for w in workloads:
        ta, tb = a.timeline(w), b.timeline(w)
        assert np.array_equal(ta.t, tb.t)
        assert np.array_equal(ta["requests"], tb["requests"])
        assert np.array_equal(ta["pods"], tb["pods"])
    pods_a = sorted(p.metadata.name for p in a.list("pod"))
    pods_b = sorted(p.metadata.name for p in b.list("pod"))
    assert pods_a != pods_b
