"""A fluid model of request traffic through a Service.

Between two state changes the set of endpoints is fixed, so every quantity
is a rate times an integral of the offered load: requests sent to each
ReplicaSet are its share of endpoints, failures are the dead endpoints plus
the version's ``error_rate`` on the live ones, and with no endpoint at all
every offered request fails. Integrating in closed form makes the cost
depend on the number of state changes only, never on the request rate.
``noise=True`` draws Poisson arrivals (and binomial failures) per interval
from the traffic random stream instead of using the expectations; that
stream is the traffic's own, so noise never moves a pod.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rollsim.controllers.endpoints import Route

__all__ = ["Traffic", "TrafficFlow", "diurnal"]

Profile = Sequence[tuple[float, float]] | Callable[[float], float]

#: Subintervals of Simpson's rule when a profile is a callable.
_SIMPSON_STEPS = 16


def diurnal(
    period: float = 86400.0, trough: float = 0.3, peak_at: float = 14 * 3600.0
) -> Callable[[float], float]:
    """A day-shaped multiplier: 1 at ``peak_at``, ``trough`` half a period later."""

    def profile(t: float) -> float:
        phase = math.cos(2 * math.pi * (t - peak_at) / period)
        return trough + (1 - trough) * (1 + phase) / 2

    return profile


@dataclass(frozen=True)
class Traffic:
    """Requests offered to a Service (or to the pods a selector picks).

    ``rps`` is the base rate; ``profile`` multiplies it over time: either a
    callable ``t -> multiplier`` (e.g. ``diurnal()``), or ``[(t0, m0), (t1,
    m1), ...]``, piecewise constant from each ``t`` on (1.0 before the first).
    With neither ``service`` nor ``selector``, the traffic goes to the
    cluster's only Deployment's pods. ``endpoint_lag`` is how long endpoint
    changes take to reach the proxies.
    """

    rps: float
    service: str | None = None
    selector: str | Mapping[str, str] | None = None
    profile: Profile | None = None
    noise: bool = False
    endpoint_lag: float = 0.0
    namespace: str = "default"

    def __post_init__(self) -> None:
        if self.rps < 0:
            raise ValueError(f"Traffic.rps must be >= 0, got {self.rps}")
        if self.endpoint_lag < 0:
            raise ValueError(f"Traffic.endpoint_lag must be >= 0, got {self.endpoint_lag}")
        if self.service is not None and self.selector is not None:
            raise ValueError("Traffic takes a service or a selector, not both")

    def rate(self, t: float) -> float:
        """Offered requests per second at ``t``."""
        return self.rps * self._multiplier(t)

    def _multiplier(self, t: float) -> float:
        profile = self.profile
        if profile is None:
            return 1.0
        if callable(profile):
            return float(profile(t))
        value = 1.0
        for start, multiplier in profile:
            if t >= start:
                value = multiplier
        return value

    def offered(self, start: float, end: float) -> float:
        """Requests offered in ``[start, end]``: exact for constant and piecewise profiles."""
        if end <= start:
            return 0.0
        profile = self.profile
        if profile is None:
            return self.rps * (end - start)
        if callable(profile):
            h = (end - start) / _SIMPSON_STEPS
            total = profile(start) + profile(end)
            for i in range(1, _SIMPSON_STEPS):
                total += (4 if i % 2 else 2) * profile(start + i * h)
            return self.rps * total * h / 3
        edges = sorted({start, end, *(t for t, _ in profile if start < t < end)})
        return sum(self.rps * self._multiplier(a) * (b - a) for a, b in itertools.pairwise(edges))


def _route_split(route: Route) -> dict[str, tuple[float, float]]:
    """Per ReplicaSet, (share of the route's requests, share that fails)."""
    listed = route.listed
    split = {}
    if listed:
        for rs_uid, counts in route.counts.items():
            if counts.listed:
                alive = counts.listed - counts.dead
                failing = counts.dead + alive * counts.error_rate
                split[rs_uid] = (counts.listed / listed, failing / listed)
    return split


class TrafficFlow:
    """One ``Traffic`` at run time: its route and cumulative request counts.

    ``log_t`` and ``log`` keep each ReplicaSet's cumulative (sent, failed) at
    every state change, so the requests of any window can be read back, as an
    analysis queries its metrics provider.
    """

    def __init__(
        self, traffic: Traffic, route: Route, since: float, noise: np.random.Generator
    ) -> None:
        self.traffic = traffic
        self.route = route
        self._noise = noise
        self.since = since
        self.offered = 0.0
        self.failed = 0.0
        self.sent: dict[str, float] = {}
        self.failed_by_rs: dict[str, float] = {}
        self.log_t: array[float] = array("d")
        self.log: dict[str, tuple[int, array[float], array[float]]] = {}
        self._split: dict[str, tuple[float, float]] = {}
        self._unrouted = 1.0
        self.snapshot()

    def snapshot(self) -> None:
        """Fix the split that holds until the next state change: per ReplicaSet,
        (share of requests, share that fails), plus the share nothing can serve."""
        weight = self.route.canary_weight if self.route.canary is not None else 0.0
        parts = [(self.route, 1.0 - weight)]
        if self.route.canary is not None and weight > 0:
            parts.append((self.route.canary, weight))
        split: dict[str, tuple[float, float]] = {}
        unrouted = 0.0
        for route, part in parts:
            if part <= 0:
                continue
            route_split = _route_split(route)
            if not route_split:
                unrouted += part
            for uid, (share, failing) in route_split.items():
                old_share, old_failing = split.get(uid, (0.0, 0.0))
                split[uid] = (old_share + part * share, old_failing + part * failing)
        self._split = split
        self._unrouted = unrouted

    def split_of(self, rs_uid: str) -> tuple[float, float]:
        """(share of requests, share of requests that fail) going to one ReplicaSet now."""
        return self._split.get(rs_uid, (0.0, 0.0))

    def shares(self) -> dict[str, float]:
        return {rs: share for rs, (share, _) in self._split.items()}

    @property
    def failing_fraction(self) -> float:
        return self._unrouted + sum(failing for _, failing in self._split.values())

    def advance(self, now: float) -> None:
        """Account for the requests of ``[since, now]`` under the current split."""
        offered = self.traffic.offered(self.since, now)
        self.since = now
        if offered > 0:
            self._account(offered)
        self._log(now)

    def _account(self, offered: float) -> None:
        rng = self._noise if self.traffic.noise else None
        if rng is not None:
            offered = float(rng.poisson(offered))
        self.offered += offered
        uids = list(self._split)
        shares = [self._split[u][0] for u in uids] + [self._unrouted]
        if rng is not None:
            total = sum(shares)
            sent = rng.multinomial(int(offered), np.array(shares) / total).astype(float)
        else:
            sent = offered * np.array(shares)
        self.failed += float(sent[-1])
        for uid, count in zip(uids, sent[:-1], strict=True):
            share, failing = self._split[uid]
            fail_fraction = min(failing / share, 1.0) if share else 0.0
            failed = (
                float(rng.binomial(int(count), fail_fraction))
                if rng is not None
                else float(count) * fail_fraction
            )
            self.sent[uid] = self.sent.get(uid, 0.0) + float(count)
            self.failed_by_rs[uid] = self.failed_by_rs.get(uid, 0.0) + failed
            self.failed += failed

    def _log(self, now: float) -> None:
        row = len(self.log_t)
        self.log_t.append(now)
        for uid in self.sent:
            entry = self.log.get(uid)
            if entry is None:
                # Nothing was sent to it before the previous row.
                start = max(row - 1, 0)
                entry = self.log[uid] = (
                    start,
                    array("d", [0.0] * (row - start)),
                    array("d", [0.0] * (row - start)),
                )
            entry[1].append(self.sent[uid])
            entry[2].append(self.failed_by_rs[uid])

    def window(self, rs_uids: Sequence[str], start: float, end: float) -> tuple[float, float]:
        """Requests sent to these ReplicaSets in ``[start, end]``, and how many failed."""
        sent = failed = 0.0
        times = np.frombuffer(self.log_t, dtype=np.float64)
        for uid in rs_uids:
            entry = self.log.get(uid)
            if entry is None or not len(times):
                continue
            first, sent_log, failed_log = entry
            t = times[first : first + len(sent_log)]
            s = np.frombuffer(sent_log, dtype=np.float64)
            f = np.frombuffer(failed_log, dtype=np.float64)
            sent += _cumulative_at(t, s, end) - _cumulative_at(t, s, start)
            failed += _cumulative_at(t, f, end) - _cumulative_at(t, f, start)
        if end > self.since:
            offered = self.traffic.offered(max(self.since, start), end)
            for uid in rs_uids:
                share, failing = self.split_of(uid)
                sent += offered * share
                failed += offered * failing
        return sent, failed


def _cumulative_at(t: npt.NDArray[np.float64], values: npt.NDArray[np.float64], at: float) -> float:
    if at <= t[0]:
        return 0.0 if at < t[0] else float(values[0])
    return float(np.interp(at, t, values))
