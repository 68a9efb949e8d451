"""Traffic invariants: requests go to Ready endpoints, and the counts add up.

``EndpointsReady`` checks the live cluster after every write
(``endpoints-ready``). The others read a workload's ``rollsim.Timeline``:
``traffic_shares_sum_to_one``, ``traffic_to_ready_endpoints`` and
``requests_conserved``; ``timeline_invariants`` runs them on each Deployment
whose traffic the timeline accounts for in full.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from rollsim.api.kinds import workloads
from rollsim.testing.observe import Violation, checked_deployments
from rollsim.timeline import Timeline

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = [
    "EndpointsReady",
    "endpoints_ready",
    "requests_conserved",
    "timeline_invariants",
    "traffic_shares_sum_to_one",
    "traffic_to_ready_endpoints",
]

#: Relative tolerance of the request-count identities (sums of floats).
REL_TOL = 1e-9


class EndpointsReady:
    """``endpoints-ready``: traffic goes only to ready endpoints.

    Every endpoint a route lists as serving (not dead) is a pod that exists
    and is Ready; with no propagation lag it is also not terminating. With a
    lag, an endpoint that stopped serving stays listed until the lag passes,
    but it is marked dead and every request sent to it fails (see
    ``rollsim.controllers.endpoints``): that is the modelled 5xx, not a
    violation. Runs on the live cluster after every write.
    """

    def __init__(self) -> None:
        self._reported: set[tuple[Any, ...]] = set()

    def __call__(self, cluster: Cluster, now: float) -> list[Violation]:
        """Check every route's serving endpoints; report each bad one once."""
        routes = cluster.endpoints.routes
        if not any(route.members for route in routes.values()):
            return []
        pods = {p.uid: p for p in cluster.kubelet.pods.values()}
        out = []
        for key, route in routes.items():
            for uid, dead in route.members.items():
                if dead:
                    continue
                pod = pods.get(uid)
                if pod is None:
                    problem = "no such pod any more"
                elif not pod.ready:
                    problem = f"pod {pod.name} is not Ready"
                elif route.lag <= 0 and pod.deleted_at is not None:
                    problem = f"pod {pod.name} is terminating"
                else:
                    continue
                report_key = (key, uid, problem)
                if report_key in self._reported:
                    continue
                self._reported.add(report_key)
                out.append(
                    Violation(
                        now,
                        f"{key[0]}/{key[2]}",
                        "endpoints-ready",
                        "serving endpoints are Ready pods (not terminating when "
                        "there is no endpoint lag)",
                        f"endpoint {uid} serves: {problem}",
                    )
                )
        return out


def endpoints_ready(cluster: Cluster) -> list[Violation]:
    """``endpoints-ready`` on the cluster as it is now (``EndpointsReady``)."""
    return EndpointsReady()(cluster, cluster.now)


def _row_tol(value: float) -> float:
    """How far a request count may be off ``value`` from float summation alone."""
    return REL_TOL * max(1.0, abs(value)) + 1e-9


def traffic_shares_sum_to_one(tl: Timeline) -> list[Violation]:
    """``traffic-shares``: whenever the workload has endpoints, the traffic shares of
    its ReplicaSets sum to 1 (kube-proxy spreads all of a Service's requests over
    its endpoints); with none, nothing is sent to any. Assumes the traffic
    reaches only this workload's pods."""
    revisions = list(tl.by_replica_set.values())
    if not revisions:
        return []
    shares = np.sum([r["traffic_share"] for r in revisions], axis=0)
    endpoints = tl["endpoints"]
    for i in range(len(tl.t)):
        listed = endpoints[i] > 0
        want = 1.0 if listed else 0.0
        if abs(shares[i] - want) > 1e-9:
            return [
                Violation(
                    float(tl.t[i]),
                    f"deployment/{tl.name}",
                    "traffic-shares",
                    f"shares sum to {want:g} ({endpoints[i]:g} endpoints)",
                    f"{float(shares[i])!r}",
                )
            ]
    return []


def traffic_to_ready_endpoints(tl: Timeline) -> list[Violation]:
    """``traffic-to-endpoints``: a ReplicaSet gets a share of the traffic only while it
    has listed endpoints (the watch's ``endpoints-ready`` checks they are Ready)."""
    for rev in tl.by_replica_set.values():
        bad = np.nonzero((rev["traffic_share"] > 0) & (rev["endpoints"] <= 0))[0]
        if len(bad):
            i = int(bad[0])
            return [
                Violation(
                    float(tl.t[i]),
                    f"replicaset/{rev.name}",
                    "traffic-to-endpoints",
                    "no share of traffic without endpoints",
                    f"share {rev['traffic_share'][i]:g} with 0 endpoints",
                )
            ]
    return []


def requests_conserved(tl: Timeline) -> list[Violation]:
    """``requests-conserved``: served + failed = offered at every row, where served is
    what the ReplicaSets answered (sent minus their failures) and failed counts
    failures plus requests that found no endpoint; counts never go down and no
    ReplicaSet fails more than it was sent. Assumes the traffic reaches only this
    workload's pods. Reports the first breach, in that order of rules."""
    revisions = list(tl.by_replica_set.values())
    return (
        _unbalanced_row(tl, revisions)
        or _decreasing_count(tl, revisions)
        or _more_failures_than_sent(tl, revisions)
    )


def _unbalanced_row(tl: Timeline, revisions: list[Any]) -> list[Violation]:
    """The first row where served + failed is not what was offered, or more failed."""
    obj = f"deployment/{tl.name}"
    offered = [float(x) for x in tl["requests"]]
    failed = [float(x) for x in tl["errors"]]
    sent = np.sum([r["requests"] for r in revisions], axis=0) if revisions else np.zeros(len(tl.t))
    failed_rs = (
        np.sum([r["errors"] for r in revisions], axis=0) if revisions else np.zeros(len(tl.t))
    )
    served = [float(x) for x in sent - failed_rs]
    for i in range(len(tl.t)):
        if abs(served[i] + failed[i] - offered[i]) > _row_tol(offered[i]):
            return [
                Violation(
                    float(tl.t[i]),
                    obj,
                    "requests-conserved",
                    f"served + failed = offered = {offered[i]!r}",
                    f"served {served[i]!r} + failed {failed[i]!r} = {served[i] + failed[i]!r}",
                )
            ]
        if failed[i] > offered[i] + _row_tol(offered[i]):
            return [
                Violation(
                    float(tl.t[i]),
                    obj,
                    "requests-conserved",
                    f"failed <= offered = {offered[i]!r}",
                    f"{failed[i]!r}",
                )
            ]
    return []


def _decreasing_count(tl: Timeline, revisions: list[Any]) -> list[Violation]:
    """The first cumulative request or error count, of the workload or a ReplicaSet,
    that goes down."""
    obj = f"deployment/{tl.name}"
    columns = [(obj, "requests", tl["requests"]), (obj, "errors", tl["errors"])]
    columns += [
        (f"replicaset/{r.name}", c, r[c]) for r in revisions for c in ("requests", "errors")
    ]
    for name, column, data in columns:
        drops = np.nonzero(np.diff(data) < -_row_tol(float(np.max(data, initial=0.0))))[0]
        if len(drops):
            i = int(drops[0]) + 1
            return [
                Violation(
                    float(tl.t[i]),
                    name,
                    "requests-conserved",
                    f"cumulative {column} never decrease (was {float(data[i - 1])!r})",
                    f"{float(data[i])!r}",
                )
            ]
    return []


def _more_failures_than_sent(tl: Timeline, revisions: list[Any]) -> list[Violation]:
    """The first ReplicaSet row with more failures than requests sent to it."""
    for r in revisions:
        over = np.nonzero(r["errors"] > r["requests"] + 1e-9 * np.maximum(1.0, r["requests"]))[0]
        if len(over):
            i = int(over[0])
            return [
                Violation(
                    float(tl.t[i]),
                    f"replicaset/{r.name}",
                    "requests-conserved",
                    f"failures <= requests sent = {float(r['requests'][i])!r}",
                    f"{float(r['errors'][i])!r}",
                )
            ]
    return []


def _selects(route: Any, labels: Any) -> bool:
    """Whether ``route`` (possibly ``None``) has a selector that matches ``labels``."""
    selector = route.selector if route is not None else None
    return bool(selector is not None and not selector.empty and selector.matches(labels))


def _template_labels(workload: Any) -> Any:
    """The pod template labels of a workload that has a template (a Flagger Canary
    points at one instead)."""
    template = getattr(workload.spec, "template", None)
    return template.metadata.labels if template is not None else None


def _traffic_reaches_only(cluster: Cluster, d: Any) -> bool:
    """Whether the traffic reaching ``d``'s pods reaches no other workload's pods and
    goes through no router split (the timeline then accounts for all of it).

    Several flows qualify when none is split and their routes share one endpoint lag:
    each then spreads over the same listed endpoints, so their rate-weighted shares
    still sum to one whenever the workload has endpoints."""
    labels = d.spec.template.metadata.labels
    flows = [
        f
        for f in cluster.recorder.flows
        if _selects(f.route, labels) or _selects(f.route.canary, labels)
    ]
    if not flows:
        return True
    if any(f.route.canary is not None for f in flows):
        return False
    if len({f.route.lag for f in flows}) > 1:
        return False
    others = [
        w
        for kind in workloads()
        for w in cluster.store.list(kind, None)
        if w.metadata.uid != d.metadata.uid
        and _template_labels(w) is not None
        and any(_selects(f.route, _template_labels(w)) for f in flows)
    ]
    return not others


def timeline_invariants(cluster: Cluster, ref: str | None = None) -> list[Violation]:
    """Every timeline invariant for each Deployment (or ``ref``) of ``cluster``."""
    out = []
    for d in checked_deployments(cluster, ref):
        try:
            tl = cluster.timeline(f"deployment/{d.metadata.name}", d.metadata.namespace)
        except LookupError:
            continue
        if _traffic_reaches_only(cluster, d):
            # With a router split (Argo, Flagger) the timeline's endpoint columns count
            # the stable route only; the watch's endpoints-ready covers every route.
            out += traffic_to_ready_endpoints(tl)
            out += traffic_shares_sum_to_one(tl)
            out += requests_conserved(tl)
    return out
