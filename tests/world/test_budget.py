"""The simulation budget, ``Cluster(max_pods=...)`` (issue 11, "Sizes"): an absurd size
is refused at apply, patch and scale in well under a second, naming the field, with
nothing changed; surge, Argo canaries and previews, and Flagger's primary copy count."""

from __future__ import annotations

import time

import pytest
from test_atomicity import CANARY, DEPLOYMENT, ROLLOUT, snapshot

import rollsim
from rollsim.api.errors import ValidationError
from rollsim.kubectl import KubectlError
from rollsim.verbs.budget import DEFAULT_MAX_PODS

BUDGET = "exceeds the simulation budget of {} pods (Cluster(max_pods=...), rollsim's own limit)"


def deployment(replicas: int, name: str = "web", strategy: str = "") -> str:
    text = DEPLOYMENT.replace("replicas: 2", f"replicas: {replicas}").replace("web", name)
    return text + (f"  strategy: {strategy}\n" if strategy else "")


def test_the_default_is_two_million() -> None:
    assert DEFAULT_MAX_PODS == 2_000_000
    assert rollsim.Cluster().max_pods == 2_000_000


@pytest.mark.parametrize(
    "write",
    [
        lambda c: c.apply(deployment(10**9)),
        lambda c: c.patch("deployment/web", {"spec": {"replicas": 10**9}}),
        lambda c: c.scale("deployment/web", 10**9),
    ],
    ids=["apply", "patch", "scale"],
)
def test_a_billion_replicas_is_refused_at_once_with_nothing_changed(write: object) -> None:
    c = rollsim.Cluster()
    c.apply(deployment(2))
    c.run(until=10)
    before = snapshot(c)
    started = time.perf_counter()
    with pytest.raises(ValidationError) as raised:
        write(c)  # type: ignore[operator]
    assert time.perf_counter() - started < 0.5
    assert str(raised.value) == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: 1000000000: '
        + BUDGET.format(2_000_000)
    )
    assert snapshot(c) == before


def test_kubectl_scale_to_a_huge_count_is_refused_fast() -> None:
    """The issue's ``kubectl scale --replicas=9999999999999999999999999`` hung."""
    c = rollsim.Cluster()
    c.apply(deployment(2))
    started = time.perf_counter()
    with pytest.raises(KubectlError) as raised:
        c.kubectl("scale deployment web --replicas=9999999999999999999999999")
    assert time.perf_counter() - started < 0.5
    assert c.get("deployment/web").spec.replicas == 2
    assert "9999999999999999999999999" in raised.value.message


def test_surge_counts() -> None:
    """800 replicas with maxSurge 25% may run 1000 pods during a rollout."""
    c = rollsim.Cluster(max_pods=999)
    with pytest.raises(ValidationError) as raised:
        c.apply(deployment(800))
    assert str(raised.value) == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: 800: '
        + BUDGET.format(999)
        + ": with surge and the other workloads the cluster could run 1000 pods"
    )
    assert c.list("deployment") == []
    rollsim.Cluster(max_pods=1000).apply(deployment(800))


def test_recreate_has_no_surge() -> None:
    c = rollsim.Cluster(max_pods=800)
    (d,) = c.apply(deployment(800, strategy="{type: Recreate}"))
    assert d.spec.replicas == 800


def test_the_budget_is_shared_by_every_workload() -> None:
    c = rollsim.Cluster(max_pods=1000)
    c.apply(deployment(400, "a"))  # 500 with surge
    c.apply(deployment(400, "b"))
    with pytest.raises(ValidationError) as raised:
        c.apply(deployment(1, "c"))
    assert "the cluster could run 1002 pods" in str(raised.value)
    with pytest.raises(ValidationError):
        c.scale("deployment/b", 401)
    assert c.get("deployment/b").spec.replicas == 400


def test_scaling_down_is_always_allowed() -> None:
    """A cluster over its budget (here, by lowering it) may still shrink."""
    c = rollsim.Cluster(max_pods=1000)
    c.apply(deployment(400, "a") + "---\n" + deployment(400, "b"))
    c.max_pods = 100
    assert c.scale("deployment/a", 300).spec.replicas == 300


def test_each_document_is_counted_against_what_the_earlier_ones_left() -> None:
    c = rollsim.Cluster(max_pods=1000)
    with pytest.raises(ValidationError) as raised:
        c.apply(deployment(400, "a") + "---\n" + deployment(401, "b"))
    assert 'The Deployment "b" is invalid' in str(raised.value)
    assert [d.metadata.name for d in c.list("deployment")] == ["a"]


def test_a_rollout_counts_its_canary_scale() -> None:
    rollout = ROLLOUT.replace(
        "steps: [{setWeight: 50}, {pause: {}}]",
        "trafficRouting: {nginx: {stableIngress: ro}}\n"
        "      steps: [{setCanaryScale: {replicas: 3000}}, {pause: {}}]",
    )
    c = rollsim.Cluster(max_pods=2500)
    with pytest.raises(ValidationError) as raised:
        c.apply(rollout)
    assert str(raised.value) == (
        'The Rollout "ro" is invalid: spec.strategy.canary.steps[0].setCanaryScale.replicas: '
        "Invalid value: 3000: " + BUDGET.format(2500)
    )


def test_a_rollout_counts_its_replicas_and_surge() -> None:
    c = rollsim.Cluster(max_pods=100)
    with pytest.raises(ValidationError) as raised:
        c.apply(ROLLOUT.replace("replicas: 2", "replicas: 90"))
    assert "Invalid value: 90" in str(raised.value)
    assert "could run 113 pods" in str(raised.value)


def test_a_blue_green_rollout_counts_its_preview() -> None:
    blue_green = ROLLOUT.replace("replicas: 2", "replicas: 60").replace(
        "canary:\n      steps: [{setWeight: 50}, {pause: {}}]",
        "blueGreen: {activeService: ro-active}",
    )
    c = rollsim.Cluster(max_pods=100)
    with pytest.raises(ValidationError) as raised:
        c.apply(blue_green)
    assert "could run 120 pods" in str(raised.value)


def test_a_flagger_canary_counts_the_primary_it_will_create() -> None:
    c = rollsim.Cluster(max_pods=1000)
    c.apply(deployment(600, strategy="{type: Recreate}"))
    with pytest.raises(ValidationError) as raised:
        c.apply(CANARY)
    assert str(raised.value) == (
        'The Canary "web" is invalid: spec.targetRef.name: Invalid value: "web": '
        + BUDGET.format(1000)
        + ": with surge and the other workloads the cluster could run 1200 pods"
    )
    assert c.list("canary") == []


def test_a_scaled_down_workload_counts_the_replica_sets_it_still_runs() -> None:
    c = rollsim.Cluster(max_pods=1000, pods=rollsim.PodBehavior(startup=1.0))
    c.apply(deployment(700, "a", strategy="{type: Recreate}"))
    c.run(until=5)
    c.scale("deployment/a", 100)
    with pytest.raises(ValidationError) as raised:
        c.apply(deployment(400, "b", strategy="{type: Recreate}"))
    assert "could run 1100 pods" in str(raised.value)


def test_max_pods_must_be_a_count() -> None:
    with pytest.raises(ValidationError) as raised:
        rollsim.Cluster(max_pods=-1)
    assert str(raised.value) == (
        "Invalid Cluster arguments: max_pods: Invalid value: -1: must be a non-negative integer"
    )
