"""Scenarios, comparisons and seeded forecasts; results do not depend on what runs them."""

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import yaml

import rollsim
from rollsim.forecast import compare, forecast
from rollsim.scenario import Action, Scenario

EXAMPLES = Path(__file__).parent.parent / "examples"


def seed_scenario(strategy: dict[str, object], pods: rollsim.PodBehavior) -> Scenario:
    old = yaml.safe_load((EXAMPLES / "ngx-dep-v1.yaml").read_text())
    old["spec"]["strategy"] = strategy
    new = yaml.safe_load(yaml.safe_dump(old))
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.25-alpine"
    return Scenario(
        manifests=old,
        actions=[Action(22.0, apply=new)],
        pods=pods,
        traffic=rollsim.Traffic(rps=100),
    )


def test_scenario_replays_the_seed() -> None:
    s = seed_scenario({"type": "RollingUpdate"}, rollsim.PodBehavior(startup=2.0)).summary()
    assert (s.start, s.duration, s.min_available, s.peak_pods) == (22, 44, 3, 5)
    assert s.requests_to_new == pytest.approx(2533.3333333)


def test_actions_validate() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Action(1.0)
    with pytest.raises(ValueError, match="exactly one"):
        Action(1.0, apply={}, kubectl="get pods")
    with pytest.raises(ValueError, match=">= 0"):
        Action(-1.0, kubectl="get pods")


def test_kubectl_actions() -> None:
    base = seed_scenario({"type": "RollingUpdate"}, rollsim.PodBehavior(startup=2.0))
    scaled = Scenario(
        manifests=base.manifests,
        pods=base.pods,
        actions=[Action(30.0, kubectl="scale deployment ngx-dep --replicas=6")],
    )
    cluster = scaled.run()
    assert cluster.get("deployment", "ngx-dep").status.available_replicas == 6


def test_compare_table_and_executor_give_identical_results() -> None:
    scenarios = {
        "rolling": seed_scenario({"type": "RollingUpdate"}, rollsim.PodBehavior(startup=2.0)),
        "recreate": seed_scenario({"type": "Recreate"}, rollsim.PodBehavior(startup=2.0)),
    }
    local = compare(scenarios)
    with ProcessPoolExecutor(max_workers=2) as pool:
        remote = compare(scenarios, executor=pool)
    assert local.summaries == remote.summaries
    for name in scenarios:
        assert np.array_equal(local.timelines[name].t, remote.timelines[name].t)
        assert np.array_equal(
            local.timelines[name]["available"], remote.timelines[name]["available"]
        )
    assert list(local.table.index) == ["rolling", "recreate"]
    assert local.table.loc["recreate", "min_available"] == 0
    assert "<table" in local._repr_html_()


def test_forecast_spreads_with_random_timings() -> None:
    pods = rollsim.PodBehavior(startup=rollsim.dist.LogNormal(2.0, 0.5))
    result = forecast(seed_scenario({"type": "RollingUpdate"}, pods), runs=12, seed=3)
    durations = [s.duration for s in result.summaries]
    assert len(set(durations)) > 1
    q = result.quantiles("duration", (0.5, 0.9))
    assert min(durations) <= q[0.5] <= q[0.9] <= max(durations)
    again = forecast(seed_scenario({"type": "RollingUpdate"}, pods), runs=12, seed=3)
    assert [s.duration for s in again.summaries] == durations
