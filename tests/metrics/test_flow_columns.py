"""Each traffic flow's own Timeline columns (``tl.flows[name]``) and request classes.

Scenario (numbers by hand, never from a run): a 2-replica Deployment whose pods are
Ready 2 s after creation, error_rate 0.1 and latency 0.05 s; two flows to its Service
from t=0: "shop" (share 0.75 of 400 rps = 300 rps) and an unnamed one (100 rps, named
``flow-2``). Until t=2 nothing serves, so every request fails; from t=2 each request
fails with p=0.1. At t=10: shop offered 3000, failed 600 (t<2) + 2400 * 0.1 = 840.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import rollsim

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def run(rps: float = 400.0) -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0, error_rate=0.1, latency=0.05))
    c.add_traffic(rollsim.Traffic(rps=rps, service="web", share=0.75, name="shop"))
    c.add_traffic(rollsim.Traffic(rps=rps / 4, service="web"))
    c.apply(DEPLOYMENT)
    c.run(until=10)
    return c


def test_each_flow_has_its_own_columns() -> None:
    tl = run().timeline("deployment/web")
    assert list(tl.flows) == ["shop", "flow-2"]
    shop = tl.flows["shop"]
    assert shop.columns == (
        "requests",
        "served",
        "failed",
        "mirrored",
        "mirror_failed",
        "rps",
        "latency",
    )
    assert shop["requests"][-1] == pytest.approx(3000.0)
    assert shop["failed"][-1] == pytest.approx(840.0)
    assert shop["served"][-1] == pytest.approx(2160.0)
    assert shop["mirrored"][-1] == 0.0
    assert shop["rps"][-1] == 300.0
    other = tl.flows["flow-2"]
    assert other["requests"][-1] == pytest.approx(1000.0)
    assert other["failed"][-1] == pytest.approx(200.0 + 800.0 * 0.1)


def test_latency_is_what_the_flow_gets() -> None:
    tl = run().timeline("deployment/web")
    shop = tl.flows["shop"]
    # No endpoint before t=2: no latency; then the pods' 0.05 s.
    assert math.isnan(shop.at(1.0)["latency"])
    assert shop.at(5.0)["latency"] == pytest.approx(0.05)
    # Cumulative columns interpolate, gauges hold.
    assert shop.at(1.0)["requests"] == pytest.approx(300.0)
    assert shop.at(1.0)["failed"] == pytest.approx(300.0)


def test_existing_columns_are_the_sum_of_the_flows() -> None:
    tl = run().timeline("deployment/web")
    assert tl["requests"][-1] == pytest.approx(4000.0)
    assert tl["errors"][-1] == pytest.approx(840.0 + 280.0)
    assert tl["rps"][-1] == 400.0


def test_flow_columns_survive_resample_and_save(tmp_path: Path) -> None:
    tl = run().timeline("deployment/web")
    grid = tl.resample(1.0)
    assert grid.flows["shop"]["requests"][3] == pytest.approx(900.0)
    path = tmp_path / "tl.npz"
    tl.save(path)
    loaded = rollsim.Timeline.load(path)
    assert list(loaded.flows) == ["shop", "flow-2"]
    np.testing.assert_array_equal(loaded.flows["shop"]["failed"], tl.flows["shop"]["failed"])


def test_cost_does_not_grow_with_the_rate() -> None:
    slow = run(rps=4.0).timeline("deployment/web")
    fast = run(rps=4e6).timeline("deployment/web")
    assert len(slow) == len(fast)
    assert fast.flows["shop"]["failed"][-1] == pytest.approx(8.4e6)


def test_request_classes_are_checked() -> None:
    with pytest.raises(ValueError, match=r"Traffic\.share must be between 0 and 1, got 1\.5"):
        rollsim.Traffic(rps=1, service="web", share=1.5)
    with pytest.raises(ValueError, match="cookies or a 'cookie' header, not both"):
        rollsim.Traffic(rps=1, service="web", headers={"Cookie": "a=1"}, cookies={"b": "2"})
    request = rollsim.Traffic(
        rps=1, service="web", headers={"X-User": "beta"}, cookies={"type": "insider", "s": "1"}
    ).request()
    assert request.headers == {"x-user": "beta", "cookie": "type=insider; s=1"}


def test_a_second_flow_of_the_same_name_is_refused() -> None:
    c = rollsim.Cluster(seed=0)
    first = c.add_traffic(rollsim.Traffic(rps=1, service="web", name="shop"))
    with pytest.raises(ValueError, match="a traffic flow named 'shop' was already added"):
        c.recorder.add_flow(first)
