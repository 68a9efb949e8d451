"""Endpoints: which pods a Service (or a bare selector) sends traffic to.

Mirrors what the EndpointSlice controller and kube-proxy do together: a pod
is an endpoint while it is Ready; kube-proxy balances uniformly over
endpoints. ``lag`` is the propagation delay (endpoints controller, then
every node's proxy or a load balancer) before a pod turning Ready, turning
NotReady or being deleted is reflected. A listed pod whose application does
not answer (``PodRecord.serving`` false: it crashed, hung, is still warming
up, or finished terminating before the removal propagated) is a *dead*
endpoint: requests sent to it fail. That
is the classic source of 5xx during rollouts, and why a preStop sleep longer
than the lag removes it.

Counts are kept per (route, ReplicaSet) and updated on each pod change, so
reading the split costs O(ReplicaSets), never O(pods). A pod that changes hands
(adopted, released, relabelled: the kubelet's ``watch_regroup``) moves its
endpoint from its old owner's counts to its new owner's at once, as the
EndpointSlice names the pod, not its owner.

A router's table rides on a Service's route: ``canary``/``canary_weight`` split
the traffic addressed to it (Argo's setWeight, Flagger's weights), and
``managed`` holds the HTTP routes a router puts ahead of that split, each a
``ManagedRoute`` (Argo's setHeaderRoute and setMirrorRoute, Flagger's A/B
``match`` and ``mirror``), tried in order as a mesh tries its routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rollsim.api.core import Service
from rollsim.api.meta import LabelSelector
from rollsim.kubelet import Kubelet
from rollsim.pods import PodRecord
from rollsim.world.clock import Clock
from rollsim.world.store import Store

__all__ = [
    "EndpointCounts",
    "EndpointsController",
    "ManagedRoute",
    "Request",
    "RequestMatch",
    "Route",
    "RouteKey",
    "StringMatch",
]


class EndpointCounts:
    """Endpoints of one ReplicaSet in one route: listed, and of those, not serving;
    ``error_rate`` is what its live pods fail (the version's ``PodBehavior.error_rate``)
    and ``latency`` the mean seconds they take to answer (``PodBehavior.latency``)."""

    __slots__ = ("dead", "error_rate", "latency", "listed")

    def __init__(self, error_rate: float, latency: float = 0.0) -> None:
        self.listed = 0
        self.dead = 0
        self.error_rate = error_rate
        self.latency = latency


@dataclass(frozen=True)
class Request:
    """What a router can match a request on: method, path, and headers (names in lower
    case, as HTTP/2 and the mesh's proxies carry them; cookies in the ``cookie`` header)."""

    method: str = "GET"
    path: str = "/"
    headers: Mapping[str, str] | None = None

    def header(self, name: str) -> str | None:
        return (self.headers or {}).get(name.lower())


@dataclass(frozen=True)
class StringMatch:
    """Istio's ``StringMatch`` (and Argo's, which is the same): ``exact``, ``prefix`` or an
    RE2 ``regex`` that must match the whole value, as Envoy's ``safe_regex`` does. A
    match with none set asks only that the value be present."""

    exact: str = ""
    prefix: str = ""
    regex: str = ""

    def matches(self, value: str | None) -> bool:
        if value is None:
            return False
        if self.exact:
            return value == self.exact
        if self.prefix:
            return value.startswith(self.prefix)
        if self.regex:
            return re.fullmatch(self.regex, value) is not None
        return True


@dataclass(frozen=True)
class RequestMatch:
    """One Istio ``HTTPMatchRequest``: every condition it sets must hold."""

    headers: tuple[tuple[str, StringMatch], ...] = ()
    method: StringMatch | None = None
    path: StringMatch | None = None

    def matches(self, request: Request) -> bool:
        if self.method is not None and not self.method.matches(request.method):
            return False
        if self.path is not None and not self.path.matches(request.path):
            return False
        return all(match.matches(request.header(name)) for name, match in self.headers)


@dataclass(frozen=True)
class ManagedRoute:
    """An HTTP route a router puts ahead of its weighted one.

    A request it ``matches`` (any of them; none listed is every request, as an Istio
    route without ``match``) goes ``weight`` of the time to the canary Service, or
    by the Service's weighted split when ``weight`` is None; ``mirror`` of those
    requests are also copied to the canary, and the copies' answers are dropped.
    Argo's setHeaderRoute is weight 1 (``createHeaderRoute``), its setMirrorRoute
    keeps the weights and mirrors ``percentage`` (``createMirrorRoute``); Flagger's
    A/B route carries the canary weight, its mirror ``mirrorWeight`` (``SetRoutes``).
    """

    name: str
    matches: tuple[RequestMatch, ...] = ()
    weight: float | None = None
    mirror: float = 0.0

    def selects(self, request: Request) -> bool:
        return not self.matches or any(match.matches(request) for match in self.matches)


RouteKey = tuple[str, str, str]


class Route:
    """The endpoints behind one Service or selector.

    ``key`` is the route's name in the routing table (``("service", namespace, name)``
    for a Service), so an analysis can tell which flows reach a given Service; a flow
    still waiting for its workload holds a route with neither key nor selector.
    """

    def __init__(
        self, selector: LabelSelector | None, lag: float, key: RouteKey | None = None
    ) -> None:
        self.selector = selector
        self.lag = lag
        self.key = key
        self.members: dict[str, bool] = {}  # pod uid -> dead
        self.counts: dict[str, EndpointCounts] = {}  # ReplicaSet uid -> counts
        self._selects: dict[str, bool] = {}  # PodRecord.selection_key -> selected
        #: A router's split: this share of requests goes to ``canary``'s endpoints.
        self.canary: Route | None = None
        self.canary_weight = 0.0
        #: The router's routes ahead of the split, in precedence order.
        self.managed: tuple[ManagedRoute, ...] = ()

    def managed_route_for(self, request: Request) -> ManagedRoute | None:
        """The first managed route that takes ``request`` (None: the weighted split)."""
        if self.canary is None:
            return None
        return next((route for route in self.managed if route.selects(request)), None)

    def selects(self, pod: PodRecord) -> bool:
        # Every pod made from a ReplicaSet's template carries its labels, so one answer
        # per ReplicaSet; a pod with labels of its own is answered for alone.
        key = pod.selection_key
        found = self._selects.get(key)
        if found is None:
            labels = pod.template.metadata.labels
            found = (
                self.selector is not None
                and not self.selector.empty
                and self.selector.matches(labels)
            )
            self._selects[key] = found
        return found

    def forget_selection(self) -> None:
        self._selects.clear()

    def regroup(self, pod: PodRecord, previous_owner_uid: str) -> None:
        """``pod`` changed owner or labels: forget the selection cached for its old and new
        keys, and move its endpoint (listed, and dead if it is) to its new owner's counts."""
        for key in (previous_owner_uid, pod.owner_uid, pod.uid):
            self._selects.pop(key, None)
        dead = self.members.get(pod.uid)
        if dead is None or previous_owner_uid == pod.owner_uid:
            return
        previous = self.counts[previous_owner_uid]
        previous.listed -= 1
        if dead:
            previous.dead -= 1
        if previous.listed == 0 and previous_owner_uid == pod.uid:
            # An orphan's own entry: no other pod can ever count under it.
            del self.counts[previous_owner_uid]
        counts = self._counts(pod)
        counts.listed += 1
        if dead:
            counts.dead += 1

    def forget_pod(self, pod: PodRecord) -> None:
        """Drop the selection cached for a pod with labels of its own once it is gone."""
        if pod.own_labels:
            self._selects.pop(pod.uid, None)

    @property
    def listed(self) -> int:
        return sum(c.listed for c in self.counts.values())

    def _counts(self, pod: PodRecord) -> EndpointCounts:
        counts = self.counts.get(pod.owner_uid)
        if counts is None:
            behavior = pod.behavior
            latency = behavior.latency
            mean = float(latency) if isinstance(latency, (int, float)) else latency.mean
            counts = self.counts[pod.owner_uid] = EndpointCounts(behavior.error_rate, mean)
        return counts

    def add(self, pod: PodRecord) -> None:
        if pod.uid in self.members:
            self.set_dead(pod, not pod.serving)
            return
        self.members[pod.uid] = not pod.serving
        counts = self._counts(pod)
        counts.listed += 1
        if not pod.serving:
            counts.dead += 1

    def remove(self, pod: PodRecord) -> None:
        dead = self.members.pop(pod.uid, None)
        if dead is None:
            return
        counts = self._counts(pod)
        counts.listed -= 1
        if dead:
            counts.dead -= 1

    def set_dead(self, pod: PodRecord, dead: bool) -> None:
        current = self.members.get(pod.uid)
        if current is None or current == dead:
            return
        self.members[pod.uid] = dead
        self._counts(pod).dead += 1 if dead else -1


RouteAction = Callable[[Route, PodRecord], None]


class EndpointsController:
    """Keeps every route's endpoints in step with pod readiness, after the route's lag."""

    def __init__(
        self, store: Store, kubelet: Kubelet, clock: Clock, changed: Callable[[], None]
    ) -> None:
        self._store = store
        self._pods = kubelet.index.by_name
        self._clock = clock
        #: Tells the metrics recorder a row is due at the end of the instant.
        self._changed = changed
        self.routes: dict[RouteKey, Route] = {}
        store.on("Service", self._service_written)
        kubelet.watch(self.pod_changed, self.pod_gone)
        kubelet.watch_regroup(self.pod_regrouped)

    def _service_written(self, old: Service | None, new: Service | None) -> None:
        old_selector = old.spec.selector if old is not None else None
        new_selector = new.spec.selector if new is not None else None
        if old_selector != new_selector:
            obj = new if new is not None else old
            assert obj is not None
            self.service_changed(obj.metadata.namespace, obj.metadata.name, new_selector)

    def route(self, key: RouteKey, selector: LabelSelector | None, lag: float) -> Route:
        """The route for ``key``, created (and filled from the live pods) on first use."""
        route = self.routes.get(key)
        if route is None:
            route = self.routes[key] = Route(selector, lag, key)
            self._refill(route)
        return route

    def set_weight(self, namespace: str, service: str, canary_service: str, weight: float) -> None:
        """A router (Argo trafficRouting, Flagger's mesh) sends ``weight`` (0..1) of the
        traffic addressed to ``service`` to ``canary_service``'s endpoints instead."""
        route = self.service_route(namespace, service)
        # The canary route stays attached at weight 0: its counts keep their history.
        route.canary = self.service_route(namespace, canary_service)
        route.canary_weight = max(weight, 0.0)
        self._changed()

    def set_managed_routes(
        self, namespace: str, service: str, canary_service: str, routes: Sequence[ManagedRoute]
    ) -> None:
        """A router puts ``routes`` ahead of ``service``'s weighted split, in this order of
        precedence, each sending what it takes to ``canary_service``; none clears them."""
        route = self.service_route(namespace, service)
        routes = tuple(routes)
        if routes == route.managed:
            return
        route.canary = self.service_route(namespace, canary_service)
        route.managed = routes
        self._changed()

    def service_route(self, namespace: str, name: str, lag: float = 0.0) -> Route:
        """The route of a Service, created from its current selector on first use (with
        no selector while the Service does not exist: the Service's first write fills it).
        ``lag`` applies only to the route's creation: a Service has one data plane."""
        svc = self._store.get(Service, namespace, name)
        selector = (
            LabelSelector(match_labels=dict(svc.spec.selector))
            if svc is not None and svc.spec.selector
            else None
        )
        return self.route(("service", namespace, name), selector, lag)

    def selector_route(self, namespace: str, selector: LabelSelector | None, lag: float) -> Route:
        """The route of traffic addressed to a bare selector: one per (selector, lag)."""
        return self.route(("selector", namespace, f"{selector}@{lag}"), selector, lag)

    def service_changed(
        self, namespace: str, name: str, selector: Mapping[str, str] | None
    ) -> None:
        """A Service was applied, edited or deleted: re-select its endpoints."""
        for key, route in self.routes.items():
            if key == ("service", namespace, name):
                new = LabelSelector(match_labels=dict(selector)) if selector else None
                self._later_reselect(route, new)

    def _later_reselect(self, route: Route, selector: LabelSelector | None) -> None:
        if route.lag <= 0:
            self._reselect(route, selector)
            return

        def reselect(new: LabelSelector | None) -> None:
            self._reselect(route, new)

        self._clock.at(route.lag, reselect, selector)

    def _reselect(self, route: Route, selector: LabelSelector | None) -> None:
        route.selector = selector
        route.forget_selection()
        self._refill(route)
        self._changed()

    def _refill(self, route: Route) -> None:
        """Re-select from scratch (a selector change): the one O(pods) operation here."""
        route.members.clear()
        route.counts.clear()
        for pod in self._pods.values():
            if route.selects(pod) and pod.ready and pod.deleted_at is None:
                route.add(pod)

    def pod_changed(self, pod: PodRecord) -> None:
        for route in self.routes.values():
            if not route.selects(pod):
                continue
            listed = pod.uid in route.members
            if listed:
                # Listed or not (the lagging part), requests reach the pod now: they
                # fail while its application does not answer.
                route.set_dead(pod, not pod.serving)
            if pod.deleted_at is not None:
                if listed:
                    self._later(route, pod, self._remove_if_deleted)
            elif pod.ready:
                if not listed:
                    self._later(route, pod, self._add_if_ready)
            elif listed:
                self._later(route, pod, self._remove_if_unready)
        self._changed()

    def pod_regrouped(self, pod: PodRecord, previous_owner_uid: str) -> None:
        """A pod was adopted, released or relabelled (the kubelet reports the change
        itself right after): its endpoints move to its new owner's counts, and a route
        that no longer selects it drops it after the route's lag, as the EndpointSlice
        controller drops a pod its Service's selector stopped matching."""
        for route in self.routes.values():
            route.regroup(pod, previous_owner_uid)
            if pod.uid in route.members and not route.selects(pod):
                self._later(route, pod, self._remove_if_unselected)

    def pod_gone(self, pod: PodRecord) -> None:
        for route in self.routes.values():
            if pod.uid in route.members:
                route.set_dead(pod, True)
            route.forget_pod(pod)
        self._changed()

    def _later(self, route: Route, pod: PodRecord, action: RouteAction) -> None:
        if route.lag <= 0:
            action(route, pod)
            return
        self._clock.at(route.lag, lambda p: action(route, p), pod)

    def _add_if_ready(self, route: Route, pod: PodRecord) -> None:
        # The selector may have changed during the lag: a pod it no longer selects
        # would be listed for good, as later changes of the pod skip this route.
        if pod.ready and pod.deleted_at is None and route.selects(pod):
            route.add(pod)
            self._changed()

    def _remove_if_unready(self, route: Route, pod: PodRecord) -> None:
        if not pod.ready or pod.deleted_at is not None:
            route.remove(pod)
            self._changed()

    def _remove_if_unselected(self, route: Route, pod: PodRecord) -> None:
        if not route.selects(pod):
            route.remove(pod)
            self._changed()

    def _remove_if_deleted(self, route: Route, pod: PodRecord) -> None:
        route.remove(pod)
        self._changed()
