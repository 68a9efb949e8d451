"""No input makes a controller spin without the clock advancing (issue 11, "Hangs").

Three layers, each tested: validation refuses what Argo and Flagger refuse (an Argo
pause whose ``DurationSeconds`` reads negative: -1, 'abc', '5%', '²s'), the
controllers do not busy-wait on what slips past validation (a pause stored with
-1 pauses until promoted, as Argo leaves an invalid spec unreconciled), and a
controller that syncs one object thousands of times in one instant stops with
``ControllerDidNotSettle`` instead of hanging. Flagger's weight progression ends
when the weight can no longer move (maxWeight above 100).

Every refusal is asserted with its class and text; every bounded run with a wall
time well under the seconds the unbounded code spent.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

import rollsim
from rollsim.api.argo import RolloutPause
from rollsim.controllers.canary_scheduler import canary_weight_progression
from rollsim.world import workqueue

from .support import cluster, rollout_yaml

PAUSED_STEPS = """    canary:
      steps:
      - setWeight: 50
      - pause: {duration: %s}
"""


@pytest.mark.parametrize("duration", ["-1", "abc", "'5%'", "'²s'"])
def test_pause_durations_that_looped_forever_are_refused_at_apply(duration: str) -> None:
    c = cluster()
    started = time.perf_counter()
    with pytest.raises(rollsim.ValidationError) as caught:
        c.apply(rollout_yaml(strategy=PAUSED_STEPS % duration))
    assert time.perf_counter() - started < 1.0
    assert str(caught.value.errors[0]) == (
        "spec.strategy.canary.steps[1].pause.duration: Invalid value: -1: "
        "Duration needs to be greater than 0"
    )
    assert c.store.list("Rollout") == []


def _store_pause_and_image(c: rollsim.Cluster, duration: Any, image: str) -> None:
    """Write a pause duration and a new image straight into the store, past the
    validation every verb applies."""
    r = c.get("rollout", "web")
    canary = r.spec.strategy.canary
    steps = list(canary.steps)
    steps[1] = replace(steps[1], pause=RolloutPause(duration=duration))
    strategy = replace(r.spec.strategy, canary=replace(canary, steps=tuple(steps)))
    template = r.spec.template
    container = replace(template.spec.containers[0], image=image)
    template = replace(template, spec=replace(template.spec, containers=(container,)))
    c.store.update(replace(r, spec=replace(r.spec, strategy=strategy, template=template)))


def test_a_negative_pause_that_reached_the_store_pauses_instead_of_spinning() -> None:
    c = cluster()
    c.apply(rollout_yaml(strategy=PAUSED_STEPS % "30"))
    c.run(until=5)
    _store_pause_and_image(c, -1, "web:2")
    started = time.perf_counter()
    c.run(until=200)
    assert time.perf_counter() - started < 5.0
    status = c.get("rollout", "web").status
    assert (status.phase, status.current_step_index) == ("Paused", 1)


def test_a_controller_that_requeues_itself_stops_with_a_rollsim_error() -> None:
    c = cluster()
    c.apply(rollout_yaml(strategy=PAUSED_STEPS % "30"))
    c.run(until=5)
    controller: Any = c.controllers["rollouts"]
    looping = controller.sync

    def sync_and_requeue(key: tuple[str, str]) -> None:
        looping(key)
        controller._queue.add(key)  # a bug that asks for the same key at once, forever

    for i, (queue, _) in enumerate(c.queues._queues):
        if queue is controller._queue:
            c.queues._queues[i] = (queue, sync_and_requeue)
    started = time.perf_counter()
    with pytest.raises(rollsim.ControllerDidNotSettle) as caught:
        c.set_image("rollout/web", web="web:2")
        c.run(until=10)
    assert time.perf_counter() - started < 30.0
    assert str(caught.value) == (
        f"rollout controller synced default/web {workqueue.MAX_SYNCS_PER_KEY} times "
        "at t=5 without settling"
    )
    assert isinstance(caught.value, rollsim.RollsimError)
    assert isinstance(caught.value, RuntimeError)


@pytest.mark.parametrize(
    ("step_weight", "max_weight", "expected"),
    [
        (20, 200, [0, 20, 40, 60, 80, 100]),
        (30, 1000, [0, 30, 60, 90, 100]),
        (20, 50, [0, 20, 40, 60]),  # unchanged: overshoots the max, then promotes
    ],
)
def test_flagger_progression_above_100_ends_at_100(
    step_weight: int, max_weight: int, expected: list[int]
) -> None:
    started = time.perf_counter()
    assert canary_weight_progression(step_weight, (), max_weight) == expected
    assert time.perf_counter() - started < 1.0


FLAGGER = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo}
spec:
  replicas: 2
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec: {containers: [{name: podinfo, image: "podinfo:1"}]}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: %s
  analysis: {interval: %s, threshold: 2, maxWeight: 50, stepWeight: 20}
"""


@pytest.mark.parametrize(
    ("service", "interval", "expected"),
    [
        (
            "{port: {a: 1}}",
            "10s",
            'spec.service.port: Invalid value: "object": '
            'spec.service.port in body must be of type number: "object"',
        ),
        (
            "{port: '0x10'}",
            "10s",
            'spec.service.port: Invalid value: "string": '
            'spec.service.port in body must be of type number: "string"',
        ),
        ("{name: x}", "10s", "spec.service.port: Required value"),
        (
            "{port: 0}",
            "10s",
            "spec.service.port: Invalid value: 0: must be between 1 and 65535, inclusive",
        ),
        (
            "{port: 9898}",
            "abc",
            'spec.analysis.interval: Invalid value: "abc": '
            "spec.analysis.interval in body should match '^[0-9]+(m|s)'",
        ),
    ],
)
def test_flagger_fields_that_crashed_the_run_are_refused(
    service: str, interval: str, expected: str
) -> None:
    c = cluster()
    with pytest.raises(rollsim.ApplyError) as caught:
        c.apply(FLAGGER % (service, interval))
    # The Deployment beside it is applied, as kubectl applies each document.
    assert [o.kind for o in caught.value.applied] == ["Deployment"]
    [refused] = caught.value.errors
    assert refused.detail.split(" is invalid: ", 1)[1] == expected
    assert c.store.list("Canary") == []
