"""One random stream per concern: turning traffic noise on, or changing the request
rate with noise on, must not move a single pod (the rule in rollsim/world/random.py)."""

import pytest

import rollsim
from rollsim import dist

V1 = "examples/ngx-dep-v1.yaml"
V2 = "examples/ngx-dep-v2.yaml"


def _pod_trace(seed: int, traffic: rollsim.Traffic | None) -> list[tuple[float, str, str, str]]:
    """Every pod and ReplicaSet event of a rollout with random start-up times."""
    behavior = rollsim.PodBehavior(startup=dist.LogNormal(3.0, 0.6), warmup=dist.Uniform(0, 4))
    c = rollsim.Cluster(seed=seed, pods=behavior)
    c.apply(V1)
    if traffic is not None:
        c.add_traffic(traffic)
    c.run(until=40)
    c.apply(V2)
    assert c.run_until_complete("deployment/ngx-dep")
    c.run(until=c.now + 30)
    return [(e.time, e.reason, e.name, e.message) for e in c.events]


@pytest.mark.parametrize("seed", range(10))
def test_traffic_noise_and_rate_never_shift_pod_timings(seed: int) -> None:
    quiet = _pod_trace(seed, None)
    assert _pod_trace(seed, rollsim.Traffic(rps=1, noise=False)) == quiet
    assert _pod_trace(seed, rollsim.Traffic(rps=1, noise=True)) == quiet
    assert _pod_trace(seed, rollsim.Traffic(rps=1e6, noise=True)) == quiet


def test_the_timings_do_depend_on_the_seed() -> None:
    """The check above would pass vacuously if the timings were not random."""
    assert _pod_trace(0, None) != _pod_trace(1, None)


def test_noise_itself_is_seeded() -> None:
    def errors(seed: int) -> float:
        c = rollsim.Cluster(seed=seed, pods=rollsim.PodBehavior(startup=2.0))
        c.apply(V1)
        c.add_traffic(rollsim.Traffic(rps=100, noise=True))
        c.run(until=30)
        return c.summary("deployment/ngx-dep").requests

    assert errors(3) == errors(3)
    assert errors(3) != errors(4)
