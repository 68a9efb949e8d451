"""Flagger: the analysis loop of a Canary over its target Deployment.

Mirrors Flagger's scheduler (pkg/controller/scheduler.go) around the pure
tick ``advance_canary``: every ``analysis.interval`` (at least 10 s) the
controller observes the target and ``<target>-primary`` Deployments, runs
the metric checks on the traffic the canary pods served during the last
interval, advances one transition, and applies what changed: the primary
and services it creates on initialization, the canary's scale, the
primary's template on promotion, and the router's weights (traffic to the
apex service ``<target>`` goes ``canaryWeight`` percent to ``<target>-canary``).

Built-in metrics, as Flagger defines them: ``request-success-rate`` is the
percentage of non-failed requests, ``request-duration`` the 99th percentile
latency in milliseconds; a metric without data fails its check. A metric's
MetricTemplate (or in-line query) is run by ``canary_metrics`` when its query
has a shape the traffic model answers, and fails its check, saying why,
otherwise. Webhooks are accepted and treated as passing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.core import Service, ServicePort, ServiceSpec
from rollsim.api.flagger import Canary, CanaryCondition, CanaryMetric
from rollsim.api.kinds import Workload, WorkloadFacts, register_rollout_status, register_workload
from rollsim.api.meta import LabelSelector, ObjectMeta, OwnerReference
from rollsim.behavior import PodBehaviors
from rollsim.controllers import canary_scheduler as flagger
from rollsim.controllers.canary_metrics import (
    BUILTIN_METRICS,
    Served,
    check_metric,
    inline_query_check,
    template_check,
)
from rollsim.controllers.canary_ready import is_deployment_ready
from rollsim.controllers.context import ControllerContext
from rollsim.controllers.controller_utils import compute_hash
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.controller import deployment_revision
from rollsim.controllers.endpoints import EndpointsController
from rollsim.metrics import Recorder
from rollsim.world.clock import Clock
from rollsim.world.events import EventRecorder
from rollsim.world.store import Store
from rollsim.world.workqueue import Workqueues

__all__ = ["CanaryController", "start"]


@dataclass
class _Run:
    """What the controller keeps per Canary between ticks."""

    state: flagger.FlaggerState = field(default_factory=flagger.FlaggerState)
    revisions: dict[str, int] = field(default_factory=dict)
    ticking: bool = False


class CanaryController:
    """Ticks every Canary on its interval and applies each transition."""

    def __init__(
        self,
        store: Store,
        queues: Workqueues,
        events: EventRecorder,
        clock: Clock,
        recorder: Recorder,
        endpoints: EndpointsController,
        behaviors: PodBehaviors,
    ) -> None:
        self._store = store
        self._events = events
        self._clock = clock
        self._recorder = recorder
        self._router = endpoints
        self._behaviors = behaviors
        self._runs: dict[tuple[str, str], _Run] = {}
        self._queue = queues.register("canary", self.sync)
        store.on("Canary", self._canary_written)

    def _canary_written(self, old: Canary | None, new: Canary | None) -> None:
        # Flagger starts the Canary's ticker when it appears; later edits (and changes
        # of its target) are read on the next tick, never acted on at once.
        if old is None and new is not None:
            self._queue.add((new.metadata.namespace, new.metadata.name))

    def event(self, c: Canary, type_: str, reason: str, message: str) -> None:
        self._events.event(type_, reason, "Canary", c.metadata.name, message, c.metadata.namespace)

    def sync(self, key: tuple[str, str]) -> None:
        """A tick (or the Canary was applied: start ticking)."""
        c = self._store.get("Canary", *key)
        if c is None:
            self._runs.pop(key, None)
            return
        run = self._runs.setdefault(key, _Run())
        self._tick(c, run)
        interval = flagger.analysis_interval_seconds(
            c.spec.analysis.interval if c.spec.analysis is not None else None
        )
        self._queue.add_after(key, interval)

    # Observation.

    def _spec(self, c: Canary) -> flagger.FlaggerSpec:
        a = c.spec.analysis
        if a is None:
            return flagger.FlaggerSpec(
                skip_analysis=True, suspend=c.spec.suspend, provider=c.spec.provider
            )
        return flagger.FlaggerSpec(
            threshold=a.threshold,
            step_weight=a.step_weight,
            step_weights=a.step_weights,
            max_weight=a.max_weight,
            step_weight_promotion=a.step_weight_promotion,
            iterations=a.iterations,
            match=bool(a.extra.get("match")),
            mirror=a.mirror,
            skip_analysis=c.spec.skip_analysis,
            suspend=c.spec.suspend,
            provider=c.spec.provider,
        )

    def _readiness(self, d: Deployment | None, c: Canary) -> str:
        if d is None:
            return flagger.NOT_READY
        progressing = util.get_deployment_condition(d.status, util.PROGRESSING)
        available = util.get_deployment_condition(d.status, util.AVAILABLE)
        unavailable_for = None
        if (
            available is not None
            and available.reason == util.MINIMUM_REPLICAS_UNAVAILABLE
            and available.last_update_time is not None
        ):
            unavailable_for = self._clock.now - available.last_update_time
        readiness = is_deployment_ready(
            generation=d.metadata.generation,
            observed_generation=d.status.observed_generation,
            spec_replicas=d.spec.replicas,
            status_replicas=d.status.replicas,
            updated_replicas=d.status.updated_replicas,
            available_replicas=d.status.available_replicas,
            deadline_seconds=c.spec.progress_deadline_seconds or 600,
            progressing_reason=progressing.reason if progressing is not None else None,
            min_replicas_unavailable_for=unavailable_for,
        )
        if readiness.ready:
            return flagger.READY
        return flagger.NOT_READY if readiness.retriable else flagger.FAILED

    def _checks(self, c: Canary, target: Deployment) -> tuple[bool, str]:
        """``runBuiltinMetricChecks`` then ``runMetricChecks``: every metric over its
        window, on the requests the canary pods served; the first failure halts."""
        analysis = c.spec.analysis
        if analysis is None:
            return True, ""
        rss = self._store.owned_replica_sets(target.metadata.uid)
        flow = self._recorder.flow_for(rss, c)
        uids = [rs.metadata.uid for rs in rss]
        now = self._clock.now

        def window(seconds: float) -> tuple[float, float]:
            return flow.window(uids, now - seconds, now) if flow is not None else (0.0, 0.0)

        served = Served(window, self._behaviors.for_template(target.spec.template).latency)
        for metric in analysis.metrics:
            if metric.name in BUILTIN_METRICS:
                seconds = flagger.analysis_interval_seconds(metric.interval or "1m")
                passed, why = check_metric(metric, *window(seconds), served.latency)
                if not passed:
                    label = f"{target.metadata.name}.{c.metadata.namespace}"
                    if why.startswith("no values"):
                        return False, f"Halt advancement {why.format(label=label)}"
                    return False, f"Halt {label} advancement {why}"
                continue
            problem = self._custom_metric_problem(c, metric, served)
            if problem:
                return False, problem
        return True, ""

    def _custom_metric_problem(self, c: Canary, metric: CanaryMetric, served: Served) -> str:
        """Why a metric other than the built-ins fails its check, as ``runMetricChecks``
        words it: a ``templateRef`` to a MetricTemplate missing from its namespace (the
        Canary's unless named), or no template and no query; else what its query
        answers against its range (``canary_metrics``)."""
        ref = metric.extra.get("templateRef")
        if not isinstance(ref, dict):
            query = metric.extra.get("query")
            if query:
                return inline_query_check(c, metric, str(query), served)
            return "Metric query failed for no usable metrics template and query were configured"
        name = str(ref.get("name", ""))
        namespace = str(ref.get("namespace") or c.metadata.namespace)
        template = self._store.get("MetricTemplate", namespace, name)
        if template is None:
            return (
                f"Metric template {name}.{namespace} error: "
                f'metrictemplate.flagger.app "{name}" not found'
            )

        def secret_exists(secret: str) -> bool:
            return self._store.get("Secret", namespace, secret) is not None

        return template_check(c, metric, template, secret_exists, served)

    def _revision(self, run: _Run, target: Deployment) -> int:
        template_hash = compute_hash(target.spec.template, None)
        if template_hash not in run.revisions:
            run.revisions[template_hash] = len(run.revisions) + 1
        return run.revisions[template_hash]

    # The tick.

    def _tick(self, c: Canary, run: _Run) -> None:
        ns, name = c.metadata.namespace, c.spec.target_ref.name
        store = self._store
        target = store.get("Deployment", ns, name)
        if target is None:
            # GetMetadata's error, recorded as a warning on every tick until the
            # target appears in the Canary's namespace.
            self.event(
                c,
                "Warning",
                "Synced",
                f'deployment {name}.{ns} get query error: deployments.apps "{name}" not found',
            )
            return
        primary = store.get("Deployment", ns, f"{name}-primary")
        if primary is None:
            primary = self._initialize(c, target)
            self._write_status(c, run, flagger.FLAGGER_INITIALIZING)
            return
        spec = self._spec(c)
        checks, why = self._checks(c, target)
        tick = flagger.FlaggerTick(
            target_revision=self._revision(run, target),
            primary=self._readiness(primary, c),
            canary=self._readiness(target, c),
            checks_pass=checks,
        )
        before = run.state
        after = flagger.advance_canary(before, spec, tick)
        run.state = after
        if after.failed_checks > before.failed_checks and why:
            self.event(c, "Warning", "Synced", why)
        self._apply(c, target, primary, before, after)
        self._write_status(c, run, after.phase)

    def _initialize(self, c: Canary, target: Deployment) -> Deployment:
        """Create ``<target>-primary`` (a copy of the target) and the three services."""
        ns, name = c.metadata.namespace, target.metadata.name
        primary_name = f"{name}-primary"
        owner = OwnerReference(
            api_version="flagger.app/v1beta1",
            kind="Canary",
            name=c.metadata.name,
            uid=c.metadata.uid,
            controller=True,
        )
        labels = {"app": primary_name}
        template = replace(
            target.spec.template,
            metadata=replace(
                target.spec.template.metadata,
                labels={**target.spec.template.metadata.labels, "app": primary_name},
            ),
        )
        primary = Deployment(
            metadata=ObjectMeta(
                name=primary_name, namespace=ns, labels=labels, owner_references=(owner,)
            ),
            spec=replace(
                target.spec, selector=LabelSelector(match_labels=labels), template=template
            ),
        )
        created = self._store.create(primary)
        port = int((c.spec.extra.get("service") or {}).get("port", 80))
        for svc_name, app in (
            (name, primary_name),
            (f"{name}-primary", primary_name),
            (f"{name}-canary", name),
        ):
            if self._store.get("Service", ns, svc_name) is None:
                self._store.create(
                    Service(
                        metadata=ObjectMeta(name=svc_name, namespace=ns, owner_references=(owner,)),
                        spec=ServiceSpec(
                            selector={"app": app},
                            type="ClusterIP",
                            ports=(
                                ServicePort(
                                    name="http", protocol="TCP", port=port, target_port=port
                                ),
                            ),
                        ),
                    )
                )
        self.event(c, "Normal", "Synced", "all the metrics providers are available!")
        result: Deployment = created if created is not None else primary
        return result

    def _apply(
        self,
        c: Canary,
        target: Deployment,
        primary: Deployment,
        before: flagger.FlaggerState,
        after: flagger.FlaggerState,
    ) -> None:
        """Carry out a transition, with Flagger's events in the order it records them."""
        label = f"{target.metadata.name}.{c.metadata.namespace}"
        if after.phase == flagger.FLAGGER_INITIALIZED and before.phase != after.phase:
            self.event(
                c,
                "Normal",
                "Synced",
                f"Initialization done! {c.metadata.name}.{c.metadata.namespace}",
            )
        if after.phase == flagger.FLAGGER_FAILED and before.phase in (
            flagger.FLAGGER_PROGRESSING,
            flagger.FLAGGER_WAITING_PROMOTION,
        ):
            self.event(
                c,
                "Warning",
                "Synced",
                f"Rolling back {label} failed checks threshold reached {before.failed_checks}",
            )
        if after.primary_revision != before.primary_revision and before.phase:
            self._promote_template(c, target, primary)
        if after.canary_scaled_up != before.canary_scaled_up or (
            not before.phase and target.replicas != 0
        ):
            self._scale_canary(c, target, primary, after)
        first_step = (
            before.phase == flagger.FLAGGER_PROGRESSING
            and before.canary_route == 0
            and before.iterations == 0
            and (after.canary_route > 0 or after.iterations > 0)
        )
        if first_step:
            # The tick that runs the pre-rollout hooks starts the analysis proper.
            self.event(c, "Normal", "Synced", f"Starting canary analysis for {label}")
        routes = (after.primary_route, after.canary_route, after.mirrored)
        if routes != (before.primary_route, before.canary_route, before.mirrored):
            self._route(c, target, before, after)
        if _ab_testing(c) and after.iterations > before.iterations:
            # runAB: each iteration that routes the matched requests to the canary.
            total = c.spec.analysis.iterations if c.spec.analysis is not None else 0
            message = f"Advance {c.metadata.name}.{c.metadata.namespace} canary iteration"
            self.event(c, "Normal", "Synced", f"{message} {after.iterations}/{total}")

    def _promote_template(self, c: Canary, target: Deployment, primary: Deployment) -> None:
        """Copy the target's template onto the primary, under the primary's app label."""
        ns, name = c.metadata.namespace, target.metadata.name
        template = replace(
            target.spec.template,
            metadata=replace(
                target.spec.template.metadata,
                labels={**target.spec.template.metadata.labels, "app": f"{name}-primary"},
            ),
        )
        self._store.update(replace(primary, spec=replace(primary.spec, template=template)))
        self.event(
            c, "Normal", "Synced", f"Copying {name}.{ns} template spec to {name}-primary.{ns}"
        )

    def _scale_canary(
        self, c: Canary, target: Deployment, primary: Deployment, after: flagger.FlaggerState
    ) -> None:
        """Scale the target up for a new revision, or to zero once it is decided."""
        label = f"{target.metadata.name}.{c.metadata.namespace}"
        if after.canary_scaled_up:
            size = flagger.scale_from_zero_replicas(target.spec.replicas, primary.spec.replicas)
            self.event(c, "Normal", "Synced", f"New revision detected! Scaling up {label}")
        else:
            size = 0
            if after.phase == flagger.FLAGGER_SUCCEEDED:
                self.event(c, "Normal", "Synced", f"Promotion completed! Scaling down {label}")
            elif after.phase == flagger.FLAGGER_FAILED:
                self.event(c, "Warning", "Synced", f"Canary failed! Scaling down {label}")
        self._store.update(replace(target, spec=replace(target.spec, replicas=size)))

    def _route(
        self,
        c: Canary,
        target: Deployment,
        before: flagger.FlaggerState,
        after: flagger.FlaggerState,
    ) -> None:
        """Set the router's canary weight and report the step as Flagger words it."""
        ns, name = c.metadata.namespace, target.metadata.name
        label = f"{name}.{ns}"
        analysis = c.spec.analysis
        match = analysis.extra.get("match") if analysis is not None else None
        weight, managed = flagger.mesh_routes(
            after,
            self._spec(c),
            match if isinstance(match, list) else [],
            analysis.mirror_weight if analysis is not None else 0,
        )
        self._router.set_weight(ns, name, f"{name}-canary", weight)
        self._router.set_managed_routes(ns, name, f"{name}-canary", managed)
        if after.phase == flagger.FLAGGER_PROGRESSING and after.canary_route > 0 and not managed:
            self.event(c, "Normal", "Synced", f"Advance {label} canary weight {after.canary_route}")
        elif (
            before.phase == flagger.FLAGGER_PROMOTING
            and after.primary_route == flagger.FLAGGER_TOTAL_WEIGHT
        ):
            self.event(c, "Normal", "Synced", "Routing all traffic to primary")

    def _write_status(self, c: Canary, run: _Run, phase: str) -> None:
        state = run.state
        spec_of = {number: spec_hash for spec_hash, number in run.revisions.items()}
        promoted_status = {
            flagger.FLAGGER_INITIALIZED: "True",
            flagger.FLAGGER_SUCCEEDED: "True",
            flagger.FLAGGER_FAILED: "False",
        }.get(phase, "Unknown")
        now = self._clock.now
        old = next((x for x in c.status.conditions if x.type == "Promoted"), None)
        condition = CanaryCondition(
            type="Promoted",
            status=promoted_status,
            reason=phase,
            message=_PHASE_MESSAGES.get(
                phase, "New revision detected, progressing canary analysis."
            ),
            last_update_time=now,
            last_transition_time=old.last_transition_time
            if old is not None and old.status == promoted_status
            else now,
        )
        promoted = c.status.last_promoted_spec
        if phase in (flagger.FLAGGER_INITIALIZED, flagger.FLAGGER_SUCCEEDED):
            promoted = spec_of.get(state.primary_revision or 0, promoted)
        status = replace(
            c.status,
            phase=phase,
            canary_weight=state.canary_weight,
            failed_checks=state.failed_checks,
            iterations=state.iterations,
            conditions=(condition,),
            last_applied_spec=spec_of.get(state.last_applied_revision or 0, ""),
            last_promoted_spec=promoted,
            last_transition_time=c.status.last_transition_time if c.status.phase == phase else now,
        )
        if status != c.status:
            self._store.update(replace(c, status=status))


_PHASE_MESSAGES = {
    flagger.FLAGGER_INITIALIZING: "Installing Canary.",
    flagger.FLAGGER_INITIALIZED: "Deployment initialization completed.",
    flagger.FLAGGER_SUCCEEDED: "Canary analysis completed successfully, promotion finished.",
    flagger.FLAGGER_FAILED: "Canary analysis failed, Deployment scaled to zero.",
    flagger.FLAGGER_PROMOTING: "Canary analysis completed, starting primary rolling update.",
    flagger.FLAGGER_FINALISING: "Canary analysis completed, routing all traffic to primary.",
    flagger.FLAGGER_WAITING: "Waiting for approval.",
    flagger.FLAGGER_WAITING_PROMOTION: "Waiting for approval.",
}


def _ab_testing(c: Canary) -> bool:
    """``GetDeploymentStrategy`` is A/B: iterations and a match, on a router that has one."""
    a = c.spec.analysis
    return (
        a is not None
        and a.iterations > 0
        and bool(a.extra.get("match"))
        and c.spec.provider != flagger.KUBERNETES_PROVIDER
    )


def _canary_replica_sets(store: Any, c: Canary) -> list[ReplicaSet]:
    """A Canary runs the ReplicaSets of its target and of ``<target>-primary``."""
    ns, name = c.metadata.namespace, c.spec.target_ref.name
    rss: list[ReplicaSet] = []
    for deployment in (name, f"{name}-primary"):
        d = store.get("Deployment", ns, deployment)
        if d is not None:
            rss.extend(store.owned_replica_sets(d.metadata.uid))
    return rss


def _same_containers(a: ReplicaSet, b: ReplicaSet) -> bool:
    return a.spec.template.spec == b.spec.template.spec


def _canary_facts(c: Canary, rss: Sequence[ReplicaSet]) -> WorkloadFacts:
    """The service as a whole: capacity is the primary's; the version rolled out is
    the target's current template, in the canary and, once promoted, in the primary."""
    name = c.spec.target_ref.name
    target = next(
        (
            rs
            for rs in rss
            if rs.metadata.owner_references
            and rs.metadata.owner_references[0].name == name
            and rs.replicas > 0
        ),
        None,
    )
    current = target or next(
        (
            rs
            for rs in reversed(rss)
            if rs.metadata.owner_references and rs.metadata.owner_references[0].name == name
        ),
        None,
    )
    new = tuple(rs for rs in rss if current is not None and _same_containers(rs, current))
    primary = [
        rs
        for rs in rss
        if rs.metadata.owner_references
        and rs.metadata.owner_references[0].name == f"{name}-primary"
    ]
    desired = max((rs.replicas for rs in primary), default=0)
    return WorkloadFacts(
        desired=desired,
        updated=sum(rs.status.replicas for rs in new),
        min_available=desired,
        max_pods=2 * desired,
        new_replica_sets=new,
        complete=c.status.phase in (flagger.FLAGGER_SUCCEEDED, flagger.FLAGGER_INITIALIZED)
        and current is not None
        and c.status.last_promoted_spec == compute_hash(_target_template(current), None),
        template=current.spec.template.spec if current is not None else None,
    )


def _target_template(rs: ReplicaSet) -> Any:
    """The target Deployment's template as Flagger hashes it (without the hash label)."""
    labels = {
        k: v
        for k, v in rs.spec.template.metadata.labels.items()
        if k != util.POD_TEMPLATE_HASH_LABEL
    }
    return replace(rs.spec.template, metadata=replace(rs.spec.template.metadata, labels=labels))


def _canary_rollout_status(c: Canary, rss: Sequence[ReplicaSet]) -> str:
    """A failed analysis waits for a new revision; otherwise done once promoted."""
    if c.status.phase == "Failed":
        return "failed"
    return "complete" if _canary_facts(c, rss).complete else "running"


register_workload("Canary", Workload(_canary_facts, deployment_revision, _canary_replica_sets))
register_rollout_status("Canary", _canary_rollout_status)


def start(ctx: ControllerContext) -> CanaryController:
    """Flagger's controller, as its ``main`` starts it."""
    return CanaryController(
        ctx.store,
        ctx.queues,
        ctx.events("flagger"),
        ctx.clock,
        ctx.recorder,
        ctx.endpoints,
        ctx.behaviors,
    )
