"""A fluid model of request traffic through a Service.

Between two state changes the set of endpoints is fixed, so every quantity
is a rate times an integral of the offered load: requests sent to each
ReplicaSet are its share of endpoints, failures are the dead endpoints plus
the version's ``error_rate`` on the live ones, and with no endpoint at all
every offered request fails. Integrating in closed form makes the cost
depend on the number of state changes only, never on the request rate.
``noise=True`` draws Poisson arrivals (and binomial failures) per interval
from the flow's own random stream instead of using the expectations, so noise
never moves a pod, nor another flow's draws.

A flow binds as a load generator does (``start_flow``): it is aimed at a
Service by name, or at a selector, or at its namespace's only Deployment, and
it offers requests from the moment it is added, whether or not anything serves
them yet. Several flows to the same pods add up; each keeps its own counts.

A flow is one class of requests: they all carry its ``method``, ``path``,
``headers`` and ``cookies``, so a router's header route or mirror route takes
the whole flow or none of it (``Route.managed_route_for``). A mirrored copy is
sent to the canary's pods and counted there (``sent``/``failed_by_rs``, which
analyses read), never in the flow's own ``offered``/``failed``: the client
never sees the copy's answer.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rollsim.api.apps import Deployment
from rollsim.api.core import Service
from rollsim.api.meta import LabelSelector, parse_selector
from rollsim.controllers.endpoints import EndpointsController, Request, Route
from rollsim.timeline import FLOW_COLUMNS
from rollsim.world.events import EventRecorder
from rollsim.world.store import Store

__all__ = [
    "FlowSum",
    "Traffic",
    "TrafficFlow",
    "diurnal",
    "noise_stream",
    "start_flow",
]

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
    With neither ``service`` nor ``selector``, the traffic goes to the pods of
    the only Deployment in ``namespace`` (the first one created there, if there
    is none yet). ``service`` may be ``namespace/name``, as a reference in any
    other namespace is written. ``endpoint_lag`` is how long endpoint changes
    take to reach the proxies.

    Request classes: ``share`` is the part of ``rps`` (and of its profile) this
    flow offers, so the classes of one service read as shares of one whole;
    ``headers``, ``cookies`` (sent as one ``cookie`` header, ``a=1; b=2``),
    ``method`` and ``path`` are what every request of the flow carries, for a
    router's header and mirror routes to match. ``name`` labels the flow's
    columns in a Timeline (``tl.flows["beta"]``; unnamed flows are ``flow-1``,
    ``flow-2``... in the order added)::

        Traffic(rps=1000, service="web", share=0.95, name="everyone")
        Traffic(rps=1000, service="web", share=0.05, name="beta", headers={"x-user": "beta"})
    """

    rps: float
    service: str | None = None
    selector: str | Mapping[str, str] | None = None
    profile: Profile | None = None
    noise: bool = False
    endpoint_lag: float = 0.0
    namespace: str = "default"
    name: str = ""
    share: float = 1.0
    headers: Mapping[str, str] | None = None
    cookies: Mapping[str, str] | None = None
    method: str = "GET"
    path: str = "/"

    def __post_init__(self) -> None:
        if self.rps < 0:
            raise ValueError(f"Traffic.rps must be >= 0, got {self.rps}")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"Traffic.share must be between 0 and 1, got {self.share}")
        for label, pairs in (("headers", self.headers), ("cookies", self.cookies)):
            for key, value in (pairs or {}).items():
                if not isinstance(key, str) or not isinstance(value, str) or not key:
                    raise ValueError(
                        f"Traffic.{label} maps names to strings, got {key!r}: {value!r}"
                    )
        if self.cookies and any(k.lower() == "cookie" for k in self.headers or {}):
            raise ValueError("Traffic takes cookies or a 'cookie' header, not both")
        if self.endpoint_lag < 0:
            raise ValueError(f"Traffic.endpoint_lag must be >= 0, got {self.endpoint_lag}")
        if self.service is not None and self.selector is not None:
            raise ValueError("Traffic takes a service or a selector, not both")
        if self.service is not None and "/" in self.service:
            namespace, _, name = self.service.partition("/")
            if self.namespace not in ("default", namespace):
                raise ValueError(
                    f"Traffic.service {self.service!r} is in namespace {namespace!r}, "
                    f"not Traffic.namespace {self.namespace!r}"
                )
            # Frozen: the reference is split once, so every reader sees (namespace, name).
            object.__setattr__(self, "namespace", namespace)
            object.__setattr__(self, "service", name)

    def rate(self, t: float) -> float:
        """Offered requests per second at ``t``."""
        return self._rps * self._multiplier(t)

    @property
    def _rps(self) -> float:
        return self.rps * self.share if self.share != 1.0 else self.rps

    def request(self) -> Request:
        """The attributes a router matches every request of this flow on."""
        headers = {k.lower(): v for k, v in (self.headers or {}).items()}
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return Request(self.method, self.path, headers)

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
            return self._rps * (end - start)
        if callable(profile):
            h = (end - start) / _SIMPSON_STEPS
            total = profile(start) + profile(end)
            for i in range(1, _SIMPSON_STEPS):
                total += (4 if i % 2 else 2) * profile(start + i * h)
            return self._rps * total * h / 3
        edges = sorted({start, end, *(t for t, _ in profile if start < t < end)})
        return sum(self._rps * self._multiplier(a) * (b - a) for a, b in itertools.pairwise(edges))


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

    ``offered`` and ``failed`` are this flow's own counts (what its client sent
    and saw fail); ``mirrored`` and ``mirror_failed`` the copies a router's
    mirror sent to the canary's pods and how many of those failed, which the
    client never sees. ``sent`` and ``failed_by_rs`` count per ReplicaSet what
    its pods served, mirrored copies included. ``log_t`` and ``log`` keep each
    ReplicaSet's cumulative (sent, failed) at every state change, so the
    requests of any window can be read back, as an analysis queries its
    metrics provider; ``columns`` keeps the flow's own, for its Timeline.

    ``bound`` says whether the flow's target exists: the Service it names, or a
    Deployment for traffic with neither service nor selector (a selector is
    its own target, always bound). A load generator aimed at a Service that
    does not exist gets connection errors, so while unbound every offered
    request counts as failed, exactly as requests to a Service without ready
    endpoints do.
    """

    def __init__(
        self,
        traffic: Traffic,
        route: Route,
        since: float,
        noise: np.random.Generator,
        bound: bool = True,
    ) -> None:
        self.traffic = traffic
        self.route = route
        self.bound = bound
        self.request = traffic.request()
        self._noise = noise
        self.since = since
        self.offered = 0.0
        self.failed = 0.0
        self.mirrored = 0.0
        self.mirror_failed = 0.0
        self.sent: dict[str, float] = {}
        self.failed_by_rs: dict[str, float] = {}
        self.log_t: array[float] = array("d")
        self.log: dict[str, tuple[int, array[float], array[float]]] = {}
        self.columns: dict[str, array[float]] = {name: array("d") for name in FLOW_COLUMNS}
        self._split: dict[str, tuple[float, float]] = {}
        self._mirror: dict[str, tuple[float, float]] = {}
        self._unrouted = 1.0
        self.latency = math.nan
        self.snapshot()

    @property
    def name(self) -> str:
        return self.traffic.name

    def snapshot(self) -> None:
        """Fix the split that holds until the next state change: per ReplicaSet,
        (share of requests, share that fails), plus the share nothing can serve,
        and the mirrored copies' split; the route the router gives this flow's
        requests decides both (``Route.managed_route_for``)."""
        managed = self.route.managed_route_for(self.request)
        canary = self.route.canary
        weight = self.route.canary_weight if canary is not None else 0.0
        if managed is not None and managed.weight is not None:
            weight = managed.weight
        parts = [(self.route, 1.0 - weight)]
        if canary is not None and weight > 0:
            parts.append((canary, weight))
        self._split, self._unrouted = _combine(parts)
        mirror = managed.mirror if managed is not None and canary is not None else 0.0
        self._mirror = _combine([(canary, mirror)])[0] if canary is not None and mirror else {}
        self.latency = self._mean_latency(parts)

    def _mean_latency(self, parts: Sequence[tuple[Route, float]]) -> float:
        """The mean ``PodBehavior.latency`` of the pods this flow's requests reach now,
        weighted by the requests each ReplicaSet gets (NaN while they reach none)."""
        weighted = total = 0.0
        for route, part in parts:
            listed = route.listed
            if part <= 0 or not listed:
                continue
            for counts in route.counts.values():
                share = part * counts.listed / listed
                weighted += share * counts.latency
                total += share
        return weighted / total if total else math.nan

    def reaches_service(self, namespace: str, name: str) -> bool:
        """Whether this flow's requests reach the Service ``namespace/name``: it is the
        Service the flow is aimed at, or the canary Service its router splits to."""
        key = ("service", namespace, name)
        canary = self.route.canary
        return self.route.key == key or (canary is not None and canary.key == key)

    def split_of(self, rs_uid: str) -> tuple[float, float]:
        """(share of requests, share of requests that fail) one ReplicaSet's pods serve
        now, per request offered: the client's requests and the mirrored copies."""
        share, failing = self._split.get(rs_uid, (0.0, 0.0))
        mirror_share, mirror_failing = self._mirror.get(rs_uid, (0.0, 0.0))
        return share + mirror_share, failing + mirror_failing

    def shares(self) -> dict[str, float]:
        """Each ReplicaSet's share of the client's requests (no mirrored copies)."""
        return {rs: share for rs, (share, _) in self._split.items()}

    @property
    def failing_fraction(self) -> float:
        return self._unrouted + sum(failing for _, failing in self._split.values())

    @property
    def mirror_fractions(self) -> tuple[float, float]:
        """(copies mirrored, copies that fail) per request offered, under the current split."""
        return (
            math.fsum(share for share, _ in self._mirror.values()),
            math.fsum(failing for _, failing in self._mirror.values()),
        )

    def step(self, now: float) -> None:
        """The recorder's row at ``now``: count ``[since, now]``, take the new split,
        and log the flow's own columns."""
        self.advance(now)
        self.snapshot()
        c = self.columns
        for name, value in (
            ("requests", self.offered),
            ("served", self.offered - self.failed),
            ("failed", self.failed),
            ("mirrored", self.mirrored),
            ("mirror_failed", self.mirror_failed),
            ("rps", self.traffic.rate(now)),
            ("latency", self.latency),
        ):
            c[name].append(value)

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
            self.failed += self._serve(uid, float(count), self._split[uid], rng)
        if self._mirror:
            self._account_mirror(offered, rng)

    def _serve(
        self,
        uid: str,
        count: float,
        split: tuple[float, float],
        rng: np.random.Generator | None,
    ) -> float:
        """``count`` requests served by one ReplicaSet's pods: counted there; returns
        how many failed."""
        share, failing = split
        fail_fraction = min(failing / share, 1.0) if share else 0.0
        failed = (
            float(rng.binomial(int(count), fail_fraction))
            if rng is not None
            else count * fail_fraction
        )
        self.sent[uid] = self.sent.get(uid, 0.0) + count
        self.failed_by_rs[uid] = self.failed_by_rs.get(uid, 0.0) + failed
        return failed

    def _account_mirror(self, offered: float, rng: np.random.Generator | None) -> None:
        """The mirrored copies of ``offered`` requests: served and counted by the canary's
        pods, never part of what the client sent or saw fail. With noise, the copies
        are a binomial draw of the requests, then split as the requests are."""
        uids = list(self._mirror)
        shares = np.array([self._mirror[u][0] for u in uids])
        total = float(shares.sum())
        if rng is not None:
            copies = float(rng.binomial(int(offered), min(total, 1.0)))
            sent = rng.multinomial(int(copies), shares / total).astype(float)
        else:
            sent = offered * shares
        for uid, count in zip(uids, sent, strict=True):
            self.mirrored += float(count)
            self.mirror_failed += self._serve(uid, float(count), self._mirror[uid], rng)

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
        """Requests these ReplicaSets' pods served in ``[start, end]`` (mirrored copies
        included, as the pods' own metrics count them), and how many failed."""
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


def _combine(parts: Sequence[tuple[Route, float]]) -> tuple[dict[str, tuple[float, float]], float]:
    """Per ReplicaSet, (share of requests, share that fails) over routes that each take
    a part of the requests; and the part no endpoint can take."""
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
    return split, unrouted


def _cumulative_at(t: npt.NDArray[np.float64], values: npt.NDArray[np.float64], at: float) -> float:
    if at <= t[0]:
        return 0.0 if at < t[0] else float(values[0])
    return float(np.interp(at, t, values))


class FlowSum:
    """Several flows read as one, as a metrics query sums the requests every client
    sent to the pods it is about: the window of each flow, added up."""

    def __init__(self, flows: Sequence[TrafficFlow]) -> None:
        self.flows = tuple(flows)

    def window(self, rs_uids: Sequence[str], start: float, end: float) -> tuple[float, float]:
        """Requests all the flows sent to these ReplicaSets in ``[start, end]``, and failures."""
        windows = [flow.window(rs_uids, start, end) for flow in self.flows]
        return math.fsum(w[0] for w in windows), math.fsum(w[1] for w in windows)


def noise_stream(index: int) -> str:
    """The random stream of the ``index``-th flow added (from 0).

    Every flow used to share ``traffic``; the first keeps it, so a lone flow
    draws exactly what it always did, and each later one has a child of its
    own (``traffic-2``, ``traffic-3``...), so adding a flow shifts no other's draws.
    """
    return "traffic" if index == 0 else f"traffic-{index + 1}"


def start_flow(
    traffic: Traffic,
    store: Store,
    endpoints: EndpointsController,
    events: EventRecorder,
    now: float,
    noise: np.random.Generator,
) -> TrafficFlow:
    """Aim ``traffic`` at its target as a load generator is aimed: by name, before or
    after the target exists.

    A Service flow routes through the Service's endpoints, which fill when the
    Service is written; a selector flow routes to whatever pods the selector
    picks; a flow with neither goes to the only Deployment of its namespace,
    or, if there is none yet, to the first one created there. A flow whose
    target does not exist is reported with a ``TrafficUnbound`` warning event
    and counts its requests as failed until the target appears (then a
    ``TrafficBound`` event); more than one Deployment is ambiguous and refused.
    """
    namespace, lag = traffic.namespace, traffic.endpoint_lag
    if traffic.service is not None:
        return _service_flow(traffic, store, endpoints, events, now, noise)
    if traffic.selector is not None:
        selector = (
            parse_selector(traffic.selector)
            if isinstance(traffic.selector, str)
            else LabelSelector(match_labels=dict(traffic.selector))
        )
        return TrafficFlow(traffic, endpoints.selector_route(namespace, selector, lag), now, noise)
    found = store.list(Deployment, namespace)
    if len(found) > 1:
        raise ValueError(
            "Traffic needs a service or a selector when there is not "
            f"exactly one Deployment (found {len(found)})"
        )
    if found:
        route = endpoints.selector_route(namespace, found[0].spec.selector, lag)
        return TrafficFlow(traffic, route, now, noise)
    return _deployment_flow(traffic, store, endpoints, events, now, noise)


_UNSERVED = "traffic is offered but nothing serves it, so every request fails"


def _service_flow(
    traffic: Traffic,
    store: Store,
    endpoints: EndpointsController,
    events: EventRecorder,
    now: float,
    noise: np.random.Generator,
) -> TrafficFlow:
    """A flow through the Service ``traffic.service``; ``bound`` follows the Service's
    existence, each change reported, as its load generator would start or stop failing."""
    namespace, name = traffic.namespace, traffic.service
    assert name is not None
    route = endpoints.service_route(namespace, name, traffic.endpoint_lag)
    exists = store.get(Service, namespace, name) is not None
    flow = TrafficFlow(traffic, route, now, noise, bound=exists)

    def service_written(old: Service | None, new: Service | None) -> None:
        service = new if new is not None else old
        assert service is not None
        if (service.metadata.namespace, service.metadata.name) != (namespace, name):
            return
        if (new is not None) == flow.bound:
            return
        flow.bound = new is not None
        if flow.bound:
            message = f'service "{name}" exists now: traffic reaches its endpoints'
            events.event("Normal", "TrafficBound", "Service", name, message, namespace)
        else:
            message = f'service "{name}" was deleted: {_UNSERVED}'
            events.event("Warning", "TrafficUnbound", "Service", name, message, namespace)

    store.on("Service", service_written)
    if not exists:
        message = f'service "{name}" does not exist yet: {_UNSERVED}'
        events.event("Warning", "TrafficUnbound", "Service", name, message, namespace)
    return flow


def _deployment_flow(
    traffic: Traffic,
    store: Store,
    endpoints: EndpointsController,
    events: EventRecorder,
    now: float,
    noise: np.random.Generator,
) -> TrafficFlow:
    """A flow waiting for its namespace's first Deployment: until one is created it
    routes nowhere (a route with no selector), then to that Deployment's pods for good."""
    namespace, lag = traffic.namespace, traffic.endpoint_lag
    flow = TrafficFlow(traffic, Route(None, lag), now, noise, bound=False)

    def deployment_written(old: Deployment | None, new: Deployment | None) -> None:
        if flow.bound or old is not None or new is None or new.metadata.namespace != namespace:
            return
        # The split of the interval so far stays the one the recorder snapshotted:
        # the new route counts from the recorder's next row, at this instant.
        selector = new.spec.selector
        flow.route = endpoints.selector_route(namespace, selector, lag)
        flow.bound = True
        message = f"traffic with no service or selector goes to its pods ({selector})"
        events.event("Normal", "TrafficBound", "Deployment", new.metadata.name, message, namespace)

    store.on("Deployment", deployment_written)
    message = f'no deployment in namespace "{namespace}" yet: {_UNSERVED}'
    events.event("Warning", "TrafficUnbound", "Namespace", namespace, message, namespace)
    return flow
