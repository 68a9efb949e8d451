"""Progressive delivery: Argo Rollouts and Flagger canaries, generated and checked.

Strategies ``rollouts`` and ``canaries`` generate valid manifests (each with
the Services or Deployment it needs), ``rollout_scenarios`` and
``canary_scenarios`` wrap them in timed kubectl actions (``kubectl argo
rollouts set image / promote / abort``, ``kubectl set image``). Two timeline
invariants check what upstream guarantees:

- ``canary-weight`` (``canary_weight_within_step``): the traffic share of the
  canary ReplicaSets never exceeds the weight in force. For a traffic-routed
  Argo canary that is the current step's setWeight (``GetCurrentSetWeight``,
  without the abort: on abort the router goes back to 0 on the next
  reconcile); while the canary is short of pods Argo keeps the *previous*
  setWeight, which is lower when the steps never decrease, as generated
  here. For Flagger it is the top of the weight ladder: stepWeight is added
  until maxWeight is reached and may overshoot it once (scheduler.go), so
  the bound is ``min(100, ceil(maxWeight / stepWeight) * stepWeight)``.
- ``active-one-version`` (``bluegreen_active_one_version``): the blue-green
  active Service sends traffic to the pods of one ReplicaSet at a time. The
  Service's selector names one ``rollouts-pod-template-hash`` and rollsim
  re-selects a route's endpoints atomically (after the endpoint lag, if
  any). Exempt: the time before the controller's first switch has reached
  the endpoints, while the Service still has the user's selector.

Both run from ``collect`` (so ``assert_rollout_invariants`` and
``check_scenario``) for every Rollout and Canary, via ``WORKLOAD_CHECKS``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from rollsim.scenario import Action
from rollsim.testing.invariants import register_workload_check
from rollsim.testing.observe import Snapshot, Violation, attached_watch
from rollsim.testing.strategies import RolloutScenario, image_repo, pod_behaviors, traffic
from rollsim.timeline import Timeline
from rollsim.traffic import Traffic

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = [
    "CanaryLimit",
    "bluegreen_active_one_version",
    "canaries",
    "canary_scenarios",
    "canary_weight_within_step",
    "rollout_scenarios",
    "rollouts",
]

SearchStrategy = st.SearchStrategy


# ----------------------------------------------------------------------------------------
# Manifests.


def _service(name: str, app: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": app}, "ports": [{"port": 80}]},
    }


@st.composite
def _canary_steps(draw: st.DrawFn, max_steps: int) -> list[dict[str, Any]]:
    """setWeight and pause steps; the weights never decrease (see the module doc)."""
    kinds = draw(
        st.lists(st.sampled_from(["setWeight", "pause", "timed"]), min_size=1, max_size=max_steps)
    )
    weights = sorted(draw(st.lists(st.integers(1, 100), min_size=len(kinds), max_size=len(kinds))))
    steps: list[dict[str, Any]] = []
    for kind, weight in zip(kinds, weights, strict=True):
        if kind == "setWeight":
            steps.append({"setWeight": weight})
        elif kind == "pause":
            steps.append({"pause": {}})
        else:
            steps.append({"pause": {"duration": draw(st.integers(0, 60))}})
    return steps


@st.composite
def rollouts(
    draw: st.DrawFn,
    *,
    name: str = "web",
    image: str = "app:v1",
    container: str = "app",
    min_replicas: int = 1,
    max_replicas: int = 6,
    strategies: Sequence[str] = ("canary", "trafficRouted", "blueGreen"),
    max_steps: int = 4,
) -> list[dict[str, Any]]:
    """A valid Argo Rollout (argoproj.io/v1alpha1) and the Services it names.

    ``strategies`` picks among a basic ``canary`` (setWeight/pause steps,
    replicas follow the weights), a ``trafficRouted`` canary (stable and
    canary Services, nginx routing: the weights go to the router) and
    ``blueGreen`` (active and preview Services, ``autoPromotionEnabled``
    optional). Shrinks towards one replica and one step.
    """
    replicas = draw(st.integers(min_replicas, max_replicas))
    kind = draw(st.sampled_from(list(strategies)))
    documents: list[dict[str, Any]] = []
    strategy: dict[str, Any]
    if kind == "blueGreen":
        blue_green: dict[str, Any] = {
            "activeService": f"{name}-active",
            "previewService": f"{name}-preview",
        }
        auto = draw(st.one_of(st.none(), st.booleans()))
        if auto is not None:
            blue_green["autoPromotionEnabled"] = auto
        strategy = {"blueGreen": blue_green}
        documents += [_service(f"{name}-active", name), _service(f"{name}-preview", name)]
    else:
        canary: dict[str, Any] = {"steps": draw(_canary_steps(max_steps))}
        if kind == "trafficRouted":
            canary = {
                "canaryService": f"{name}-canary",
                "stableService": f"{name}-stable",
                "trafficRouting": {"nginx": {"stableIngress": name}},
                **canary,
            }
            documents += [_service(f"{name}-stable", name), _service(f"{name}-canary", name)]
        strategy = {"canary": canary}
    rollout = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": container, "image": image}]},
            },
            "strategy": strategy,
        },
    }
    return [rollout, *documents]


@st.composite
def canaries(
    draw: st.DrawFn,
    *,
    name: str = "podinfo",
    image: str = "podinfo:v1",
    container: str = "podinfo",
    min_replicas: int = 1,
    max_replicas: int = 4,
) -> list[dict[str, Any]]:
    """A valid Flagger Canary (flagger.app/v1beta1) and the Deployment it targets.

    Varies the Deployment's replicas and the analysis: ``interval`` (10 s to
    1 min), ``threshold``, ``maxWeight`` and ``stepWeight`` (stepWeight at
    most maxWeight), with the built-in request-success-rate metric. Flagger
    creates the Services itself. Shrinks towards one replica and few steps.
    """
    replicas = draw(st.integers(min_replicas, max_replicas))
    max_weight = draw(st.integers(10, 100))
    step_weight = draw(st.integers(max(1, max_weight // 5), max_weight))
    analysis = {
        "interval": f"{draw(st.sampled_from([10, 15, 30, 60]))}s",
        "threshold": draw(st.integers(1, 5)),
        "maxWeight": max_weight,
        "stepWeight": step_weight,
        "metrics": [
            {"name": "request-success-rate", "thresholdRange": {"min": 99}, "interval": "1m"}
        ],
    }
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": container, "image": image}]},
            },
        },
    }
    canary = {
        "apiVersion": "flagger.app/v1beta1",
        "kind": "Canary",
        "metadata": {"name": name},
        "spec": {
            "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "service": {"port": 9898},
            "analysis": analysis,
        },
    }
    return [deployment, canary]


# ----------------------------------------------------------------------------------------
# Scenarios.


def _traffic(service: str, endpoint_lag: bool) -> SearchStrategy[Traffic]:
    flows = traffic(service=service)
    return flows if endpoint_lag else flows.map(lambda t: replace(t, endpoint_lag=0.0))


def _rollout_actions(horizon: int, faults: bool) -> SearchStrategy[tuple[Any, ...]]:
    time = st.integers(0, horizon)
    bad = (
        st.one_of(st.none(), pod_behaviors(require_fault=True, max_seconds=20))
        if faults
        else st.none()
    )
    return st.one_of(
        st.tuples(st.just("image"), time, bad),
        st.tuples(st.just("promote"), time),
        st.tuples(st.just("abort"), time),
    )


@st.composite
def rollout_scenarios(
    draw: st.DrawFn,
    manifests: SearchStrategy[list[dict[str, Any]]] | None = None,
    *,
    max_actions: int = 5,
    horizon: int = 200,
    faults: bool = True,
    timeout: float = 900.0,
    settle: float = 600.0,
    endpoint_lag: bool = True,
) -> RolloutScenario:
    """A ``RolloutScenario`` around an Argo Rollout (by default from ``rollouts()``):
    timed ``kubectl argo rollouts set image`` (new images, possibly with a bad
    ``PodBehavior``), ``promote`` and ``abort``, and traffic to the stable
    (trafficRouted) or active (blueGreen) Service (``endpoint_lag=False``: with
    no endpoint propagation lag)."""
    documents = draw(manifests if manifests is not None else rollouts())
    rollout = documents[0]
    name = rollout["metadata"]["name"]
    container = rollout["spec"]["template"]["spec"]["containers"][0]
    repo = image_repo(container["image"])
    raw = draw(st.lists(_rollout_actions(horizon, faults), max_size=max_actions))
    actions = []
    images = {}
    releases = 1
    for step in sorted(raw, key=lambda a: a[1]):
        if step[0] == "image":
            releases += 1
            image = f"{repo}:v{releases}"
            if step[2] is not None:
                images[image] = step[2]
            command = f"argo rollouts set image {name} {container['name']}={image}"
        else:
            command = f"argo rollouts {step[0]} {name}"
        actions.append(Action(time=float(step[1]), kubectl=command))
    strategy = rollout["spec"]["strategy"]
    service = None
    if "blueGreen" in strategy:
        service = strategy["blueGreen"]["activeService"]
    elif "trafficRouting" in strategy["canary"]:
        service = strategy["canary"]["stableService"]
    flow = draw(_traffic(service, endpoint_lag)) if service is not None else None
    return RolloutScenario(
        manifests=documents,
        actions=tuple(actions),
        pods=draw(pod_behaviors(faults=False, max_seconds=20)),
        images=images,
        traffic=flow,
        target=f"rollout/{name}",
        timeout=timeout,
        until=horizon + settle,
        seed=draw(st.integers(0, 2**32 - 1)),
    )


@st.composite
def canary_scenarios(
    draw: st.DrawFn,
    manifests: SearchStrategy[list[dict[str, Any]]] | None = None,
    *,
    max_actions: int = 3,
    horizon: int = 200,
    faults: bool = True,
    timeout: float = 900.0,
    settle: float = 600.0,
    endpoint_lag: bool = True,
) -> RolloutScenario:
    """A ``RolloutScenario`` around a Flagger Canary (by default from ``canaries()``):
    timed ``kubectl set image`` on its target Deployment (new images, possibly
    with a bad ``PodBehavior``) and traffic to the apex Service
    (``endpoint_lag=False``: with no endpoint propagation lag)."""
    documents = draw(manifests if manifests is not None else canaries())
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    canary = next(d for d in documents if d["kind"] == "Canary")
    name = deployment["metadata"]["name"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    repo = image_repo(container["image"])
    time = st.integers(0, horizon)
    bad = (
        st.one_of(st.none(), pod_behaviors(require_fault=True, max_seconds=20))
        if faults
        else st.none()
    )
    raw = draw(st.lists(st.tuples(time, bad), max_size=max_actions))
    actions = []
    images = {}
    for release, (at, behavior) in enumerate(sorted(raw, key=lambda a: a[0]), start=2):
        image = f"{repo}:v{release}"
        if behavior is not None:
            images[image] = behavior
        actions.append(
            Action(
                time=float(at), kubectl=f"set image deployment/{name} {container['name']}={image}"
            )
        )
    flow = draw(_traffic(canary["metadata"]["name"], endpoint_lag))
    return RolloutScenario(
        manifests=documents,
        actions=tuple(actions),
        pods=draw(pod_behaviors(faults=False, max_seconds=20)),
        images=images,
        traffic=flow,
        target=f"deployment/{name}",
        timeout=timeout,
        until=horizon + settle,
        seed=draw(st.integers(0, 2**32 - 1)),
    )


# ----------------------------------------------------------------------------------------
# Invariants.


@dataclass(frozen=True)
class CanaryLimit:
    """From ``time`` on (until the next limit), the ReplicaSets not named in
    ``stable`` together get at most ``weight`` percent of the traffic."""

    time: float
    weight: float
    stable: frozenset[str]


def canary_weight_within_step(
    tl: Timeline, limits: Sequence[CanaryLimit], obj: str | None = None
) -> list[Violation]:
    """``canary-weight``: at every row of ``tl``, the traffic share of the canary
    ReplicaSets (all but the limit's ``stable`` ones) is at most the limit's
    weight. Reports the first breach; rows before the first limit are not checked.

    A row at time ``t`` is held to the limits that may have been in force when
    it was recorded: the last one before ``t`` and every one at ``t`` (several
    writes, and several rows, can share an instant, and rows do not say which
    write they follow); it breaks the invariant only if it breaks them all.
    """
    if not limits:
        return []
    times = [limit.time for limit in limits]
    where = obj or f"rollout/{tl.name}"
    for i, t in enumerate(tl.t):
        last = bisect.bisect_right(times, float(t)) - 1
        if last < 0:
            continue
        first = max(bisect.bisect_left(times, float(t)) - 1, 0)
        breaches = []
        for limit in limits[first : last + 1]:
            canary = {
                name: float(rev["traffic_share"][i])
                for name, rev in tl.by_replica_set.items()
                if name not in limit.stable
            }
            share = sum(canary.values())
            if share <= limit.weight / 100 + 1e-9:
                break
            breaches.append((limit, share, canary))
        else:
            limit, share, canary = breaches[-1]
            listed = ", ".join(f"{n}: {s:g}" for n, s in canary.items() if s > 0)
            return [
                Violation(
                    float(t),
                    where,
                    "canary-weight",
                    f"canary share <= {limit.weight:g}% (the weight in force)",
                    f"{share:g} ({listed})",
                )
            ]
    return []


def bluegreen_active_one_version(
    tl: Timeline, since: float = float("-inf"), obj: str | None = None
) -> list[Violation]:
    """``active-one-version``: at every row of ``tl`` (the timeline of a blue-green
    Rollout whose traffic goes to its active Service) from ``since`` on, at most
    one ReplicaSet gets a share of the traffic. Reports the first breach.

    ``since`` is when the controller's first switch of the active Service to a
    pod-template hash reached its endpoints (plus the endpoint lag, if any):
    until then the Service is the user's, selecting every version (upstream
    too switches it only once a ReplicaSet is saturated, so a new image before
    the first one is ready leaves two versions behind it).
    """
    revisions = list(tl.by_replica_set.items())
    for i, t in enumerate(tl.t):
        if t < since:
            continue
        serving = [
            (name, float(rev["traffic_share"][i]))
            for name, rev in revisions
            if rev["traffic_share"][i] > 0
        ]
        if len(serving) > 1:
            return [
                Violation(
                    float(t),
                    obj or f"rollout/{tl.name}",
                    "active-one-version",
                    "the active Service sends traffic to one ReplicaSet",
                    ", ".join(f"{n}: {s:g}" for n, s in serving),
                )
            ]
    return []


def _set_weight(steps: Sequence[Any], index: int | None) -> float:
    """The current step's setWeight (``GetCurrentSetWeight`` without the abort): 100
    past the last step or without steps, else the latest setWeight at or before
    the index, 0 if none."""
    if index is None or not steps or index >= len(steps):
        return 100.0
    for step in reversed(steps[: max(index, 0) + 1]):
        if step.set_weight is not None:
            return float(step.set_weight)
    return 0.0


def rollout_limits(
    history: Sequence[Snapshot], name: str, namespace: str = "default"
) -> list[CanaryLimit]:
    """The ``CanaryLimit`` in force after each recorded write of Rollout ``name``."""
    out = []
    for snap in history:
        if snap.key != ("Rollout", namespace, name) or snap.workload is None:
            continue
        r = snap.workload
        canary = r.spec.strategy.canary
        if canary is None:
            continue
        stable = r.status.stable_rs
        weight = _set_weight(canary.steps, r.status.current_step_index) if stable else 100.0
        out.append(CanaryLimit(snap.time, weight, frozenset({f"{name}-{stable}"})))
    return out


def flagger_limit(canary: Any) -> float:
    """The highest weight Flagger's ladder reaches: stepWeight added until maxWeight
    (default 100) is reached, overshooting it at most once, capped at 100; with
    stepWeights, the largest of them."""
    a = canary.spec.analysis
    if a.step_weights:
        return float(min(100, max(a.step_weights)))
    top = a.max_weight or 100
    step = a.step_weight or top
    return float(min(100, -(-top // step) * step))


def _rollout_checks(cluster: Cluster, r: Any) -> list[Violation]:
    name, namespace = r.metadata.name, r.metadata.namespace or "default"
    strategy = r.spec.strategy
    traffic_routed = strategy.canary is not None and strategy.canary.traffic_routing is not None
    if not traffic_routed and strategy.blue_green is None:
        return []
    try:
        tl = cluster.timeline(f"rollout/{name}", namespace)
    except LookupError:
        return []
    if strategy.blue_green is not None:
        active = strategy.blue_green.active_service
        flows = cluster.recorder.flows_reaching("Rollout", namespace, name)
        if not flows or not all(f.reaches_service(namespace, active) for f in flows):
            # Test traffic on the preview Service (or any other flow) reaches the new
            # version too, and the timeline's shares are the sum of every flow.
            return []
    watcher = attached_watch(cluster)
    if watcher is None or not watcher.keep_history:
        return []
    if strategy.blue_green is not None:
        switched = [
            snap.time
            for snap in watcher.history
            if snap.key == ("Rollout", namespace, name)
            and snap.workload is not None
            and snap.workload.status.blue_green.active_selector
        ]
        if not switched:
            return []
        # The route applies a selector change after the traffic's endpoint lag: the
        # first switch reaches the data plane that much later (later switches are
        # atomic, one hash to another, whatever the lag).
        route = cluster.endpoints.routes.get(("service", namespace, active))
        lag = route.lag if route is not None else 0.0
        return bluegreen_active_one_version(tl, switched[0] + lag)
    return canary_weight_within_step(tl, rollout_limits(watcher.history, name, namespace))


def _canary_checks(cluster: Cluster, c: Any) -> list[Violation]:
    name, namespace = c.metadata.name, c.metadata.namespace or "default"
    try:
        tl = cluster.timeline(f"canary/{name}", namespace)
    except LookupError:
        return []
    primary = f"{c.spec.target_ref.name}-primary"
    stable = frozenset(n for n in tl.by_replica_set if n.rsplit("-", 1)[0] == primary)
    return canary_weight_within_step(
        tl,
        [CanaryLimit(float(tl.t[0]) if len(tl.t) else 0.0, flagger_limit(c), stable)],
        f"canary/{name}",
    )


register_workload_check("Rollout", _rollout_checks)
register_workload_check("Canary", _canary_checks)
