"""Timeline and RolloutSummary on the seed rollout, against figures derived by hand.

Seed: 4 replicas, 25%/25% (surge 1, unavailable 1), minReadySeconds 20, pods
ready 2 s after creation, v2 applied at t=22, 100 rps. Scaling: at 22 new 0->1,
old 4->3, new 1->2; new pods ready at 24, available at 44; at 44 old 3->1, new
2->4; those two ready at 46, available at 66; at 66 old 1->0, complete.
Ready endpoints: 3 old until 24; 3 old + 2 new until 44; 1 old + 2 new until 46;
1 old + 4 new until 66; 4 new after.
"""

from pathlib import Path

import numpy as np
import pytest

import rollsim

EXAMPLES = Path(__file__).parents[2] / "examples"


def seed_cluster(rps: float = 100.0, **traffic: object) -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(EXAMPLES / "ngx-dep-v1.yaml")
    c.add_traffic(rollsim.Traffic(rps=rps, **traffic))  # type: ignore[arg-type]
    c.run(until=22)
    c.apply(EXAMPLES / "ngx-dep-v2.yaml")
    assert c.run_until_complete("deployment/ngx-dep")
    assert c.now == 66
    return c


@pytest.fixture(scope="module")
def seed() -> rollsim.Cluster:
    return seed_cluster()


def test_summary_matches_hand_derivation(seed: rollsim.Cluster) -> None:
    s = seed.summary("deployment/ngx-dep")
    assert s.start == 22
    assert s.duration == 44
    assert s.min_available == 3
    assert s.min_available_fraction == 0.75
    assert s.peak_pods == 5
    assert s.peak_surge == 1
    # available is 3 (one short) from 22 to 66: 44 s and 44 pod-seconds of deficit.
    assert s.unavailable_seconds == 44
    assert s.capacity_deficit_pod_seconds == 44
    # 5 pods (one extra) from 22 to 66.
    assert s.extra_pod_seconds == 44
    assert s.requests == pytest.approx(4400)
    assert s.failed_requests == 0
    # 100 * (0.4 * 20 + 2/3 * 2 + 0.8 * 20)
    assert s.requests_to_new == pytest.approx(2533.3333333)
    assert s.completed and not s.rolled_back


def test_new_version_share_over_time(seed: rollsim.Cluster) -> None:
    tl = seed.timeline("deployment/ngx-dep")
    new = tl.by_revision[2]
    old = tl.by_revision[1]
    expected = {23: 0.0, 24: 0.4, 43.9: 0.4, 44: 2 / 3, 45.9: 2 / 3, 46: 0.8, 65.9: 0.8, 66: 1.0}
    for t, share in expected.items():
        assert new.at(t)["traffic_share"] == pytest.approx(share), t
        assert old.at(t)["traffic_share"] == pytest.approx(1 - share), t


def test_columns_are_step_functions(seed: rollsim.Cluster) -> None:
    tl = seed.timeline("deployment/ngx-dep")
    gauges = [c for c in tl.columns if c not in ("requests", "errors")]
    assert [tl.at(30)[c] for c in gauges] == [tl.at(43.99)[c] for c in gauges]
    assert tl.at(30)["pods"] == 5
    assert tl.at(30)["available"] == 3
    assert tl.at(30)["ready"] == 5
    assert tl.at(30)["updated"] == 2
    assert tl.at(70)["available"] == 4
    assert tl.at(30)["min_available"] == 3 and tl.at(30)["max_pods"] == 5
    assert tl["requests"][-1] == pytest.approx(6600)  # 100 rps from t=0 to t=66
    assert set(tl.columns) >= {
        "desired",
        "pods",
        "terminating",
        "ready",
        "available",
        "updated",
        "endpoints",
        "rps",
        "requests",
        "errors",
    }
    assert np.all(np.diff(tl.t) >= 0)


def test_cumulative_counts_interpolate(seed: rollsim.Cluster) -> None:
    tl = seed.timeline("deployment/ngx-dep")
    assert tl.at(10.5)["requests"] == pytest.approx(1050)
    assert tl.by_revision[2].at(34)["requests"] == pytest.approx(400)  # 0.4 * 100 * 10


def test_save_load_round_trip(seed: rollsim.Cluster, tmp_path: Path) -> None:
    tl = seed.timeline("deployment/ngx-dep")
    tl.save(tmp_path / "seed.npz")
    back = rollsim.Timeline.load(tmp_path / "seed.npz")
    assert np.array_equal(back.t, tl.t)
    assert back.columns == tl.columns
    for column in tl.columns:
        assert np.array_equal(back[column], tl[column])
    assert back.by_revision.keys() == tl.by_revision.keys()
    for rev, rev_tl in tl.by_revision.items():
        for column in rev_tl.columns:
            assert np.array_equal(back.by_revision[rev][column], rev_tl[column])
        assert back.by_revision[rev].uid == rev_tl.uid
    assert back.rollouts == tl.rollouts
    assert rollsim.summary.summarize(back) == seed.summary("deployment/ngx-dep")


def test_resample_and_pandas(seed: rollsim.Cluster) -> None:
    tl = seed.timeline("deployment/ngx-dep").resample(1.0)
    assert np.array_equal(tl.t, np.arange(0.0, 67.0))
    assert tl["available"][22] == 3 and tl["available"][66] == 4
    assert tl.by_revision[2]["traffic_share"][24] == pytest.approx(0.4)
    frame = seed.timeline("deployment/ngx-dep").to_pandas()
    assert frame.index.name == "t"
    assert list(frame.columns) == list(seed.timeline("deployment/ngx-dep").columns)
    assert "<table>" in seed.timeline("deployment/ngx-dep")._repr_html_()


def test_endpoint_lag_makes_5xx_and_a_long_shutdown_removes_them() -> None:
    # With a 1 s lag the first pods are listed at 3 (ready at 2): [0,3) has no
    # endpoint -> 300 failures. A deleted pod (gone at once) stays listed for 1 s,
    # dead: [22,23) 1 of 4 endpoints dead -> 25; [44,45) 2 of 5 -> 40; [66,67) 1 of 5 -> 20.
    lagged = seed_cluster(endpoint_lag=1.0)
    lagged.run(until=70)
    tl = lagged.timeline("deployment/ngx-dep")
    assert tl["errors"][-1] == pytest.approx(300 + 25 + 40 + 20)
    # The rollout is complete at 66, so its summary stops before the last 20.
    assert lagged.summary("deployment/ngx-dep").failed_requests == pytest.approx(65)
    # New pods join endpoints 1 s after Ready: the 0.4 share starts at 25, not 24.
    assert tl.by_revision[2].at(24.5)["traffic_share"] == 0
    assert tl.by_revision[2].at(25)["traffic_share"] == pytest.approx(0.4)
    # A pod that keeps serving 2 s after SIGTERM (a preStop sleep) outlives the lag.
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0, shutdown=2.0))
    c.apply(EXAMPLES / "ngx-dep-v1.yaml")
    c.add_traffic(rollsim.Traffic(rps=100, endpoint_lag=1.0))
    c.run(until=22)
    c.apply(EXAMPLES / "ngx-dep-v2.yaml")
    assert c.run_until_complete("deployment/ngx-dep")
    c.run(until=70)
    assert c.timeline("deployment/ngx-dep")["errors"][-1] == pytest.approx(300)


def test_bad_version_errors_scale_with_its_traffic() -> None:
    c = rollsim.Cluster(
        seed=0,
        pods=rollsim.PodBehavior(startup=2.0),
        images={"nginx:1.25-alpine": rollsim.PodBehavior(startup=2.0, error_rate=0.05)},
    )
    c.apply(EXAMPLES / "ngx-dep-v1.yaml")
    c.add_traffic(rollsim.Traffic(rps=100))
    c.run(until=22)
    c.apply(EXAMPLES / "ngx-dep-v2.yaml")
    assert c.run_until_complete("deployment/ngx-dep")
    s = c.summary("deployment/ngx-dep")
    assert s.failed_requests == pytest.approx(0.05 * 2533.3333333)


def test_no_endpoints_means_every_request_fails() -> None:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(EXAMPLES / "ngx-dep-v1.yaml")
    c.add_traffic(rollsim.Traffic(rps=50))
    c.run(until=10)
    tl = c.timeline("deployment/ngx-dep")
    # No pod is ready before t=2: those 100 requests fail; the rest are served.
    assert tl["errors"][-1] == pytest.approx(100)
    assert tl["requests"][-1] == pytest.approx(500)


def test_cost_does_not_depend_on_rate_and_noise_is_seeded() -> None:
    slow = seed_cluster(rps=1.0).timeline("deployment/ngx-dep")
    fast = seed_cluster(rps=1e6).timeline("deployment/ngx-dep")
    assert len(slow) == len(fast)
    assert fast["requests"][-1] == pytest.approx(slow["requests"][-1] * 1e6)
    noisy = [seed_cluster(rps=100, noise=True).timeline("deployment/ngx-dep") for _ in range(2)]
    assert np.array_equal(noisy[0]["requests"], noisy[1]["requests"])
    assert noisy[0]["requests"][-1] != 6600  # Poisson, not the expectation
    assert float(noisy[0]["requests"][-1]).is_integer()


def test_rate_profiles() -> None:
    step = rollsim.Traffic(rps=100, profile=[(10.0, 2.0), (20.0, 0.5)])
    assert step.offered(0, 30) == pytest.approx(100 * 10 + 200 * 10 + 50 * 10)
    assert step.rate(15) == 200
    day = rollsim.Traffic(rps=100, profile=rollsim.diurnal(period=100.0, trough=0.5, peak_at=0.0))
    assert day.rate(0) == pytest.approx(100) and day.rate(50) == pytest.approx(50)
    # The mean of the curve over a whole period is (1 + trough) / 2.
    assert day.offered(0, 100) == pytest.approx(100 * 100 * 0.75, rel=1e-3)


def test_recreate_takes_the_service_down() -> None:
    v1 = rollsim.load(EXAMPLES / "ngx-dep-v1.yaml")[0]
    recreate = rollsim.to_dict(v1)
    recreate["spec"]["strategy"] = {"type": "Recreate"}
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(recreate)
    c.add_traffic(rollsim.Traffic(rps=100))
    c.run(until=30)
    recreate["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.25-alpine"
    c.apply(recreate)
    assert c.run_until_complete("deployment/ngx-dep")
    s = c.summary("deployment/ngx-dep")
    # Old pods all go at 30; the new ones are ready at 32 and available at 52.
    assert (s.duration, s.min_available, s.peak_pods, s.peak_surge) == (22, 0, 4, 0)
    assert s.failed_requests == pytest.approx(200)  # no endpoint from 30 to 32


def test_latency_percentiles_of_the_mixture() -> None:
    # Old version answers in exactly 10 ms, new in exactly 50 ms. Over the rollout
    # window (22..66) the old version serves 4400 - 2533.3 = 1866.7 requests and
    # the new one 2533.3: the median is the new version's 50 ms (57.6% of the mass),
    # the 40th percentile the old version's 10 ms.
    c = rollsim.Cluster(
        seed=0,
        pods=rollsim.PodBehavior(startup=2.0, latency=0.010),
        images={"nginx:1.25-alpine": rollsim.PodBehavior(startup=2.0, latency=0.050)},
    )
    c.apply(EXAMPLES / "ngx-dep-v1.yaml")
    c.add_traffic(rollsim.Traffic(rps=100))
    c.run(until=22)
    c.apply(EXAMPLES / "ngx-dep-v2.yaml")
    assert c.run_until_complete("deployment/ngx-dep")
    assert c.latency("deployment/ngx-dep", (0.4, 0.5, 0.99)) == {
        0.4: 0.010,
        0.5: 0.050,
        0.99: 0.050,
    }
    c2 = rollsim.Cluster(
        seed=0, pods=rollsim.PodBehavior(startup=2.0, latency=rollsim.dist.LogNormal(0.02, 0.5))
    )
    c2.apply(EXAMPLES / "ngx-dep-v1.yaml")
    c2.add_traffic(rollsim.Traffic(rps=100))
    c2.run(until=22)
    c2.apply(EXAMPLES / "ngx-dep-v2.yaml")
    c2.run_until_complete("deployment/ngx-dep")
    p = c2.latency("deployment/ngx-dep")
    assert p == c2.latency("deployment/ngx-dep")  # reading it does not disturb anything
    assert p[0.5] == pytest.approx(0.02, rel=0.1) and p[0.5] < p[0.95] < p[0.99]
