"""The invariant kit with several traffic flows: a timeline check runs whenever the
timeline accounts for every flow it sums, not only with one flow.

Two flows through the same endpoints (or both through a blue-green Rollout's
active Service) add up in the timeline and keep its shares meaningful, so the
traffic checks run on them; a flow on the preview Service reaches the new version
too, so blue-green's one-version check is skipped there, and flows whose routes
propagate with different lags are skipped by the Deployment checks.
``rollout-bluegreen.yaml`` is Argo Rollouts' own example (tests/metrics/upstream).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import rollsim
from rollsim.testing import progressive
from rollsim.testing.invariants import traffic as traffic_invariants
from rollsim.testing.invariants import watch
from rollsim.testing.invariants.suite import collect
from rollsim.testing.invariants.traffic import timeline_invariants

ROOT = Path(__file__).parents[2]
NGX_V1 = ROOT / "examples" / "ngx-dep-v1.yaml"
BLUE_GREEN = ROOT / "tests" / "metrics" / "upstream" / "rollout-bluegreen.yaml"
ACTIVE, PREVIEW = "rollout-bluegreen-active", "rollout-bluegreen-preview"


def spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """Record the timeline name each call of ``module.name`` checks, still checking it."""
    calls: list[str] = []
    check = getattr(module, name)

    def recorded(tl: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(tl.name)
        return check(tl, *args, **kwargs)

    monkeypatch.setattr(module, name, recorded)
    return calls


def deployment_with(*traffic: rollsim.Traffic) -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(NGX_V1)
    for flow in traffic:
        c.add_traffic(flow)
    c.run(until=10)
    c.set_image("deployment/ngx-dep", nginx="nginx:1.25-alpine")
    c.run(until=60)
    return c


def test_two_flows_through_the_same_endpoints_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conserved = spy(monkeypatch, traffic_invariants, "requests_conserved")
    shares = spy(monkeypatch, traffic_invariants, "traffic_shares_sum_to_one")
    c = deployment_with(rollsim.Traffic(rps=100), rollsim.Traffic(rps=30, profile=[(20, 2.0)]))
    assert len(c.recorder.flows) == 2
    assert timeline_invariants(c) == []
    assert conserved == shares == ["ngx-dep"]


def test_flows_with_different_endpoint_lags_are_not_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conserved = spy(monkeypatch, traffic_invariants, "requests_conserved")
    c = deployment_with(rollsim.Traffic(rps=100), rollsim.Traffic(rps=30, endpoint_lag=1.0))
    # Each route lists the new pods at its own time: the shares of the sum need not
    # add up to one while only one of them lists a pod.
    assert timeline_invariants(c) == []
    assert conserved == []


def blue_green_with(*traffic: rollsim.Traffic) -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(BLUE_GREEN)
    for flow in traffic:
        c.add_traffic(flow)
    watch(c)
    c.run(until=10)
    c.set_image("rollout/rollout-bluegreen", **{"rollouts-demo": "argoproj/rollouts-demo:green"})
    c.run(until=40)
    c.kubectl("argo rollouts promote rollout-bluegreen")
    c.run(until=80)
    return c


def test_two_flows_on_the_active_service_keep_the_one_version_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked = spy(monkeypatch, progressive, "bluegreen_active_one_version")
    c = blue_green_with(
        rollsim.Traffic(rps=100, service=ACTIVE), rollsim.Traffic(rps=10, service=ACTIVE)
    )
    assert c.get("rollout/rollout-bluegreen").status.phase == "Healthy"
    assert collect(c) == []
    assert checked == ["rollout-bluegreen"]


def test_test_traffic_on_the_preview_service_skips_the_one_version_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = blue_green_with(
        rollsim.Traffic(rps=100, service=ACTIVE), rollsim.Traffic(rps=10, service=PREVIEW)
    )
    tl = c.timeline("rollout/rollout-bluegreen")
    # Both versions get a share while the preview serves green: the check would be wrong.
    assert progressive.bluegreen_active_one_version(tl) != []
    checked = spy(monkeypatch, progressive, "bluegreen_active_one_version")
    assert collect(c) == []
    assert checked == []
