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


MANIFESTS = Path(__file__).parent / "manifests"
#: kubernetes/ingress-nginx's rendered Helm chart (tests/manifests/ingress-nginx/README.md):
#: a Namespace, a ConfigMap, Jobs, RBAC and one Deployment, all in namespace ingress-nginx.
INGRESS_NGINX = MANIFESTS / "ingress-nginx" / "cloud" / "deploy.yaml"


def test_the_target_is_the_only_workload_in_its_namespace_among_stored_kinds() -> None:
    assert Scenario(manifests=INGRESS_NGINX).target_ref() == (
        "deployment/ingress-nginx-controller",
        "ingress-nginx",
    )
    # Argo's own example: a Rollout and no Deployment.
    rollout = MANIFESTS / "argo-rollouts" / "examples" / "rollout-canary.yaml"
    assert Scenario(manifests=rollout).target_ref() == ("rollout/rollout-canary", "default")
    # The run ends when the Rollout is complete, not on a missing Deployment.
    assert Scenario(manifests=rollout).summary().completed


def test_no_workload_or_two_of_a_kind_asks_for_the_target() -> None:
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    with pytest.raises(ValueError, match="it has no Deployment, Rollout or Canary"):
        Scenario(manifests=config_map).target_ref()
    two = [yaml.safe_load((EXAMPLES / "ngx-dep-v1.yaml").read_text()) for _ in range(2)]
    two[1]["metadata"]["name"] = "other"
    with pytest.raises(ValueError, match="it has 2 Deployments"):
        Scenario(manifests=two).target_ref()


def test_forecast_and_compare_run_a_chart_with_a_namespace_and_a_config_map() -> None:
    pods = rollsim.PodBehavior(
        schedule=rollsim.dist.Uniform(0.0, 5.0), startup=rollsim.dist.LogNormal(2.0, 0.5)
    )
    f = forecast(INGRESS_NGINX, runs=3, seed=1, pods=pods)
    # The controller's readinessProbe (initialDelaySeconds 10, period 10) ticks from
    # the pod's bind, a uniform draw, after which the container starts: every run
    # completes, each in its own time.
    assert f.table["completed"].tolist() == [True, True, True]
    durations = f.table["duration"].tolist()
    assert len(set(durations)) == 3 and all(10 < d < 30 for d in durations)
    table = compare({"chart": INGRESS_NGINX}, pods=pods).table
    assert table.loc["chart", "completed"]
    assert table.loc["chart", "peak_pods"] == 1
