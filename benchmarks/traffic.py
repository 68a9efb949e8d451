"""Traffic benchmark: the cost of the fluid traffic model must not depend on the rate.

Replays the seed rollout (4 replicas, minReadySeconds 20, pods ready 2 s
after creation, v2 applied at t=22) under 1 and under 1,000,000 requests per
second, with and without Poisson noise, and compares the best-of-N wall times
(target: the 10^6 rps run within 1.2x of the 1 rps run). Also reports the
size of the recorded timeline per state change (bytes of NumPy columns per
row, all revisions included).

Usage: ``python benchmarks/traffic.py [--repeat 30]``. A benchmark, not a
test: it prints PASS/FAIL and always exits 0.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import rollsim

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def seed_rollout(rps: float, noise: bool) -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    c.apply(EXAMPLES / "ngx-dep-v1.yaml")
    c.add_traffic(rollsim.Traffic(rps=rps, noise=noise))
    c.run(until=22)
    c.apply(EXAMPLES / "ngx-dep-v2.yaml")
    c.run_until_complete("deployment/ngx-dep")
    c.run(until=600)
    return c


def best_of(repeat: int, rps: float, noise: bool) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        seed_rollout(rps, noise)
        best = min(best, time.perf_counter() - start)
    return best


def timeline_bytes_per_row() -> tuple[int, float]:
    tl = seed_rollout(100.0, False).timeline("deployment/ngx-dep")
    total = tl.t.nbytes + sum(tl[c].nbytes for c in tl.columns)
    for rev in tl.by_replica_set.values():
        total += sum(rev[c].nbytes for c in rev.columns)
    return len(tl), total / len(tl)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"seed rollout to t=600 s, best of {args.repeat} runs")
    for noise in (False, True):
        slow = best_of(args.repeat, 1.0, noise)
        fast = best_of(args.repeat, 1e6, noise)
        ratio = fast / slow
        verdict = "PASS" if ratio <= 1.2 else "FAIL"
        print(
            f"  noise={noise!s:5}  1 rps: {slow * 1e3:7.2f} ms   1e6 rps: {fast * 1e3:7.2f} ms"
            f"   ratio {ratio:.2f}  {verdict} (<= 1.2)"
        )
    rows, per_row = timeline_bytes_per_row()
    print(
        f"timeline: {rows} rows (state changes), {per_row:.0f} bytes per row "
        f"(all columns, both revisions)"
    )


if __name__ == "__main__":
    main()
