"""Argo Rollouts' managed routes: the header and mirror routes of a canary's router.

Mirrors the managed-route half of rollout/trafficrouting.go
(``reconcileTrafficRouting``): while the current step is a ``setHeaderRoute``
or ``setMirrorRoute`` (and the Rollout is past its first revision) the router
sets that route; the route stays in force through later steps, as it stays in
the mesh's VirtualService, until ``RemoveManagedRoutes`` clears every one: when
the Rollout is fully promoted, aborted, promoted in full, or its new
ReplicaSet has no available pod. A step whose route has no ``match`` removes
that route (Istio's ``reconcileVirtualServiceHeaderRoutes`` and
``reconcileVirtualServiceMirrorRoutes``). Routes take precedence in the order
of ``trafficRouting.managedRoutes`` (``orderRoutes``), ahead of the weighted one.

The router-step rules of ``ValidateRolloutStrategyCanary`` live here too
(``route_steps_error``): Argo's controller, not an admission webhook, is what
holds a Rollout to them, with an InvalidSpec condition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rollsim.api import argo
from rollsim.api.errors import FieldError, GoText
from rollsim.controllers.endpoints import ManagedRoute, RequestMatch, StringMatch
from rollsim.controllers.rollout.context import RolloutContext, rollout_revision

if TYPE_CHECKING:
    from rollsim.controllers.rollout.controller import RolloutController

__all__ = ["managed_route", "reconcile_managed_routes", "route_steps_error"]

#: The routers that take each router step, and the error for any other.
_ROUTE_STEP_ROUTERS = {
    "setHeaderRoute": (
        ("istio", "alb", "apisix", "plugins"),
        "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix",
    ),
    "setMirrorRoute": (
        ("istio", "plugins"),
        "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins",
    ),
}
_MISSING_MANAGED_ROUTES = (
    "Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'"
)
_ROUTE_NOT_MANAGED = (
    "Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes"
)


def _string_match(match: argo.StringMatch) -> StringMatch:
    return StringMatch(match.exact, match.prefix, match.regex)


def _wire_string_match(match: dict[str, str] | object) -> StringMatch:
    fields = match if isinstance(match, dict) else {}
    return StringMatch(
        str(fields.get("exact", "")), str(fields.get("prefix", "")), str(fields.get("regex", ""))
    )


def managed_route(step: argo.CanaryStep) -> tuple[str, ManagedRoute | None]:
    """The route a router step sets, by name (None: the step removes its route).

    ``createHeaderRoute``: each ``match`` entry is one HTTP match on one header, the
    route sends what it takes all to the canary. ``createMirrorRoute``: each entry
    matches method, path and headers together; the route keeps the weighted split
    and mirrors ``percentage`` (100 when unset) of what it takes.
    """
    header = step.set_header_route
    if header is not None:
        if header.match is None:
            return header.name, None
        matches = tuple(
            RequestMatch(headers=((m.header_name.lower(), _string_match(m.header_value)),))
            for m in header.match
            if m.header_value is not None
        )
        return header.name, ManagedRoute(header.name, matches, weight=1.0)
    mirror = step.set_mirror_route
    assert mirror is not None
    if mirror.match is None:
        return mirror.name, None
    mirror_matches = tuple(
        RequestMatch(
            headers=tuple((k.lower(), _wire_string_match(v)) for k, v in m.headers.items()),
            method=_string_match(m.method) if m.method is not None else None,
            path=_string_match(m.path) if m.path is not None else None,
        )
        for m in mirror.match
    )
    percent = 100 if mirror.percentage is None else mirror.percentage
    return mirror.name, ManagedRoute(mirror.name, mirror_matches, mirror=percent / 100)


def reconcile_managed_routes(
    dc: RolloutController, ctx: RolloutContext, step: argo.CanaryStep | None
) -> None:
    """The managed-route part of ``reconcileTrafficRouting`` for one reconcile."""
    canary = ctx.rollout.spec.strategy.canary
    assert canary is not None and canary.traffic_routing is not None
    if not (canary.stable_service and canary.canary_service):
        return
    status = ctx.status
    new = ctx.new_rs
    current = dc.router.service_route(ctx.namespace, canary.stable_service).managed
    routes: tuple[ManagedRoute, ...] = ()
    if (
        status.stable_rs == status.current_pod_hash
        or status.abort
        or new is None
        or new.status.available_replicas == 0
        or status.promote_full
    ):
        routes = ()
    elif step is None or step.kind not in ("set_header_route", "set_mirror_route"):
        return
    elif rollout_revision(new) > 1:
        name, route = managed_route(step)
        kept = [r for r in current if r.name != name]
        if route is not None:
            kept.append(route)
        order = [m.name for m in canary.traffic_routing.managed_routes or ()]
        routes = tuple(sorted(kept, key=lambda r: order.index(r.name) if r.name in order else 0))
        if routes != current:
            _updated_virtual_services(dc, ctx, step, name)
    else:
        return
    dc.router.set_managed_routes(
        ctx.namespace, canary.stable_service, canary.canary_service, routes
    )


def _updated_virtual_services(
    dc: RolloutController, ctx: RolloutContext, step: argo.CanaryStep, name: str
) -> None:
    """Istio's ``SetHeaderRoute``/``SetMirrorRoute`` event for each VirtualService."""
    routing = ctx.rollout.spec.strategy.canary.traffic_routing  # type: ignore[union-attr]
    istio = routing.extra.get("istio") if routing is not None else None
    if not isinstance(istio, dict):
        return
    services = istio.get("virtualServices") or [istio.get("virtualService") or {}]
    what = "headerRoute" if step.set_header_route is not None else "mirrorRoute"
    for service in services:
        vsvc = str(service.get("name", "")) if isinstance(service, dict) else ""
        vsvc = vsvc.rpartition("/")[2]
        if vsvc:
            message = f"VirtualService `{vsvc}` set {what} '{name}'"
            dc.event(ctx.rollout, "Normal", "Updated VirtualService", message)


def route_steps_error(r: argo.Rollout) -> FieldError | None:
    """The first router-step error ``ValidateRolloutStrategyCanary`` finds, if any."""
    canary = r.spec.strategy.canary
    if canary is None:
        return None
    path = "spec.strategy.canary"
    for i, step in enumerate(canary.steps):
        errors = _route_step_errors(canary, step, f"{path}.steps[{i}]", path)
        if errors:
            return errors[0]
    return None


def _route_step_errors(
    canary: argo.CanaryStrategy, step: argo.CanaryStep, step_path: str, path: str
) -> list[FieldError]:
    """A router that has such routes, one value per ``StringMatch``
    (``hasMultipleMatchValues``; exact only for ALB, ``hasALBInvalidValues``), and a
    name listed in ``managedRoutes`` (``ValidateStepRouteFoundInManagedRoute``)."""
    matches: Sequence[argo.HeaderRoutingMatch | argo.RouteMatch]
    if step.set_header_route is not None:
        wire, name = "setHeaderRoute", step.set_header_route.name
        matches = step.set_header_route.match or ()
    elif step.set_mirror_route is not None:
        wire, name = "setMirrorRoute", step.set_mirror_route.name
        matches = step.set_mirror_route.match or ()
    else:
        return []
    routing = canary.traffic_routing
    routers, detail = _ROUTE_STEP_ROUTERS[wire]
    errors: list[FieldError] = []
    if routing is None or not any(routing.extra.get(router) for router in routers):
        shown = GoText(f"&{wire[0].upper()}{wire[1:]}{{Name:{name},...}}")
        errors.append(FieldError("Invalid value", f"{step_path}.{wire}", detail, shown))
    for j, match in enumerate(matches):
        at = f"{step_path}.{wire}.match[{j}]"
        if isinstance(match, argo.HeaderRoutingMatch):
            if routing is not None and not errors:
                errors += _match_value_errors(match.header_value, at, "alb" in routing.extra)
        elif isinstance(match, argo.RouteMatch):
            for value in (match.method, match.path):
                errors += _match_value_errors(value, at, False) if value is not None else []
    if routing is None:
        return errors
    if routing.managed_routes is None:
        path = f"{path}.trafficRouting.managedRoutes"
        errors.append(FieldError("Required value", path, _MISSING_MANAGED_ROUTES))
    elif name not in [m.name for m in routing.managed_routes]:
        errors.append(FieldError("Invalid value", f"{step_path}.{wire}", _ROUTE_NOT_MANAGED, name))
    return errors


def _match_value_errors(match: argo.StringMatch | None, path: str, alb: bool) -> list[FieldError]:
    """``hasMultipleMatchValues`` (``hasALBInvalidValues`` for ALB) of one StringMatch."""
    if match is None:
        detail = (
            "StringMatch value missed, match value must have one of the following: "
            "exact, regex, prefix"
        )
        return [FieldError("Invalid value", path, detail, GoText("null"))]
    values = [v for v in (match.exact, match.regex, match.prefix) if v]
    if alb and (not match.exact or len(values) > 1):
        detail = "SetHeaderRoute match value invalid. ALB supports 'exact' value only"
    elif len(values) > 1:
        detail = (
            "StringMatch match value must have exactly one of the following: exact, regex, prefix"
        )
    elif not values:
        detail = (
            "StringMatch value missed, match value must have one of the following: "
            "exact, regex, prefix"
        )
    else:
        return []
    shown = GoText(
        f'v1alpha1.StringMatch{{Exact:"{match.exact}", Prefix:"{match.prefix}", '
        f'Regex:"{match.regex}"}}'
    )
    return [FieldError("Invalid value", path, detail, shown)]
