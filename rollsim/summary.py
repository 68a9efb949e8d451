"""A rollout's figures from its ``Timeline``: ``RolloutSummary`` and request latency.

``summarize`` reads the most recent rollout of a timeline (from the template
change to completion, or to the end of the timeline); ``latency_percentiles``
mixes every version's latency distribution, weighted by the requests it served.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from rollsim.dist import Distribution
from rollsim.timeline import Timeline

__all__ = ["RolloutSummary", "latency_percentiles", "summarize"]


@dataclass(frozen=True)
class RolloutSummary:
    """The figures of one rollout, from its template change to Complete (or to now).

    - ``duration``: seconds from the template change to the rollout completing
      (to now if it has not completed).
    - ``min_available``: fewest available replicas at any moment of it.
    - ``min_available_fraction``: the least ``available / desired`` over it.
    - ``peak_pods``: most pods at once, terminating pods included.
    - ``peak_surge``: most pods beyond ``desired`` at once (``peak_pods`` - desired).
    - ``unavailable_seconds``: time during which available < desired.
    - ``capacity_deficit_pod_seconds``: integral of (desired - available)+.
    - ``extra_pod_seconds``: integral of (pods - desired)+, what the surge costs.
    - ``requests`` / ``failed_requests``: requests offered during the rollout by
      every traffic flow that reached the workload's pods (their sum), and how
      many failed.
    - ``requests_to_new``: requests sent to the new revision's pods.
    - ``completed``: the rollout reached Complete.
    - ``rolled_back``: its target was an earlier revision (an undo or a revert).
    """

    start: float
    duration: float
    min_available: int
    min_available_fraction: float
    peak_pods: int
    peak_surge: int
    unavailable_seconds: float
    capacity_deficit_pod_seconds: float
    extra_pod_seconds: float
    requests: float
    failed_requests: float
    requests_to_new: float
    completed: bool
    rolled_back: bool

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def summarize(tl: Timeline) -> RolloutSummary:
    """The ``RolloutSummary`` of the most recent rollout in ``tl``."""
    if not tl.rollouts:
        raise LookupError(f'no rollout recorded for deployment "{tl.name}"')
    start, end, targets, rolled_back = tl.rollouts[-1]
    stop = end if end is not None else float(tl.t[-1])
    window = (tl.t >= start) & (tl.t <= stop)
    first = int(np.argmax(window))
    last = len(tl.t) - 1 - int(np.argmax(window[::-1]))
    times = np.append(tl.t[first : last + 1], stop)
    widths = np.diff(times)
    desired = tl["desired"][first : last + 1]
    available = tl["available"][first : last + 1]
    pods = tl["pods"][first : last + 1]
    # The row at ``stop`` (completion) starts a new state; it holds for no time here.
    deficit = np.maximum(desired - available, 0.0)
    extra = np.maximum(pods - desired, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(desired > 0, available / np.maximum(desired, 1), 1.0)
    requests = float(np.interp(stop, tl.t, tl["requests"]) - np.interp(start, tl.t, tl["requests"]))
    failed = float(np.interp(stop, tl.t, tl["errors"]) - np.interp(start, tl.t, tl["errors"]))
    to_new = 0.0
    for rev_timeline in tl.by_replica_set.values():
        if rev_timeline.uid in targets:
            to_new += float(
                np.interp(stop, tl.t, rev_timeline["requests"])
                - np.interp(start, tl.t, rev_timeline["requests"])
            )
    return RolloutSummary(
        start=float(start),
        duration=float(stop - start),
        min_available=int(available.min()),
        min_available_fraction=float(fraction.min()),
        peak_pods=int(pods.max()),
        peak_surge=int(extra.max()),
        unavailable_seconds=float(widths[deficit > 0].sum()),
        capacity_deficit_pod_seconds=float((deficit * widths).sum()),
        extra_pod_seconds=float((extra * widths).sum()),
        requests=requests,
        failed_requests=failed,
        requests_to_new=to_new,
        completed=end is not None,
        rolled_back=rolled_back,
    )


def latency_percentiles(
    tl: Timeline,
    latencies: Mapping[str, Distribution],
    quantiles: Sequence[float],
    start: float,
    end: float,
) -> dict[float, float]:
    """Percentiles of request latency over ``[start, end]``: the mixture of each
    ReplicaSet's latency distribution, weighted by the requests it served.

    ``latencies`` maps ReplicaSet names to distributions. The mixture's CDF is
    the weighted sum of theirs; each percentile is found by bisection, so the
    figures are exact and involve no random draws.
    """
    parts: list[tuple[float, Distribution]] = []
    for name in sorted(latencies):
        rev = tl.by_replica_set.get(name)
        if rev is None:
            continue
        served = (
            np.interp(end, tl.t, rev["requests"])
            - np.interp(start, tl.t, rev["requests"])
            - (np.interp(end, tl.t, rev["errors"]) - np.interp(start, tl.t, rev["errors"]))
        )
        if served > 0:
            parts.append((float(served), latencies[name]))
    if not parts:
        return {q: float("nan") for q in quantiles}
    total = sum(w for w, _ in parts)

    def mixture_cdf(x: float) -> float:
        return sum(w * d.cdf(x) for w, d in parts) / total

    results = {}
    for q in quantiles:
        low = min(d.quantile(q) for _, d in parts)
        high = max(d.quantile(q) for _, d in parts)
        # Point masses (Fixed latencies) jump: the answer is one of the candidates.
        candidates = sorted({d.quantile(q) for _, d in parts} | {low, high})
        exact = next((c for c in candidates if mixture_cdf(c) >= q - 1e-12), high)
        for _ in range(200):
            if high - low <= 1e-12 * max(1.0, high):
                break
            mid = (low + high) / 2
            if mixture_cdf(mid) >= q - 1e-12:
                high = mid
            else:
                low = mid
        results[q] = min(exact, high)
    return results
