"""The Argo Rollouts controller: ReplicaSets, services, router and status of a Rollout.

Mirrors rollout/controller.go and its workloadRolloutContext (rollout/sync.go,
replicaset.go, service.go, trafficrouting.go, analysis.go): find or create the
new ReplicaSet (``rollouts-pod-template-hash``, revision numbering as the
Deployment controller), reset the step state on a new template, run the
strategy (``canary.py`` or ``bluegreen.py``), then write the status with
the phase of ``calculate_rollout_phase``. ReplicaSet writes go through the
same object store, so the ReplicaSet controller and kubelet drive the pods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rollsim.api.apps import Deployment, ReplicaSet, ReplicaSetSpec
from rollsim.api.argo import (
    SCALE_DOWN_ON_SUCCESS,
    SCALE_DOWN_PROGRESSIVELY,
    AnalysisMetric,
    PauseCondition,
    Rollout,
    RolloutAnalysis,
    RolloutCondition,
)
from rollsim.api.errors import FieldError
from rollsim.api.meta import LabelSelector, ObjectMeta, OwnerReference, controller_of
from rollsim.controllers.context import ControllerContext
from rollsim.controllers.controller_utils import compute_hash, replica_sets_by_creation
from rollsim.controllers.endpoints import EndpointsController
from rollsim.controllers.rollout import replicas
from rollsim.controllers.rollout.analysis import AnalysisRun, simulated_metric
from rollsim.controllers.rollout.conditions import INVALID_SPEC, PHASE_DEGRADED
from rollsim.controllers.rollout.context import (
    HASH_LABEL,
    REVISION_ANNOTATION,
    RolloutContext,
    pod_hash,
    rollout_revision,
    without_hash,
)
from rollsim.controllers.rollout.references import (
    referenced_resources_error,
    resolve_workload_ref,
    template_metrics,
)
from rollsim.controllers.rollout.replicaset import RolloutReplicaSets
from rollsim.controllers.rollout.status import rollout_conditions, was_aborted
from rollsim.controllers.rollout.trafficrouting import route_steps_error
from rollsim.kubelet import Kubelet
from rollsim.metrics import Recorder
from rollsim.pods import PodRecord
from rollsim.world.clock import Clock
from rollsim.world.events import EventRecorder
from rollsim.world.store import Store
from rollsim.world.workqueue import Workqueues

__all__ = ["INVALID_SPEC_REQUEUE_SECONDS", "RolloutController", "start"]

#: How soon ``syncHandler`` looks again at a Rollout whose spec is invalid.
INVALID_SPEC_REQUEUE_SECONDS = 20.0


class RolloutController:
    """Reconciles every Rollout; analysis runs live here, keyed by rollout."""

    def __init__(
        self,
        store: Store,
        kubelet: Kubelet,
        queues: Workqueues,
        events: EventRecorder,
        clock: Clock,
        recorder: Recorder,
        endpoints: EndpointsController,
    ) -> None:
        self._store = store
        self._events = events
        self._clock = clock
        self._recorder = recorder
        self.router = endpoints
        self._behaviors = kubelet.behaviors
        self._replica_sets = RolloutReplicaSets(store)
        self._queue = queues.register("rollout", self.sync)
        store.on("Rollout", self._rollout_written)
        store.on("ReplicaSet", self._replica_set_written)
        store.on("Deployment", self._workload_written)
        kubelet.watch(None, self._pod_gone)
        self.analysis_runs: dict[tuple[str, str], list[AnalysisRun]] = {}
        #: Why the current abort happened (empty for a user's abort).
        self.abort_messages: dict[tuple[str, str], str] = {}

    @property
    def now(self) -> float:
        return self._clock.now

    # Event handlers: what each informer's change means for the queue.

    def _rollout_written(self, old: Rollout | None, new: Rollout | None) -> None:
        if new is not None:
            self._queue.add((new.metadata.namespace, new.metadata.name))

    def _replica_set_written(self, old: ReplicaSet | None, new: ReplicaSet | None) -> None:
        """Its controller, a Rollout it left, and for an orphan those selecting it sync."""
        for key in self._replica_sets.written(old, new):
            self._queue.add(key)

    def _workload_written(self, old: Deployment | None, new: Deployment | None) -> None:
        # ``updateRolloutsReferenceAnnotation``: a referenced workload's change (or
        # arrival) reaches the Rollouts whose workloadRef names it.
        d = new if new is not None else old
        assert d is not None
        for r in self._store.list("Rollout", d.metadata.namespace):
            ref = r.spec.workload_ref
            if ref is not None and ref.kind == "Deployment" and ref.name == d.metadata.name:
                self._queue.add((r.metadata.namespace, r.metadata.name))

    def _pod_gone(self, pod: PodRecord) -> None:
        rs = self._store.get(ReplicaSet, pod.namespace, pod.owner)
        if rs is not None:
            self._enqueue_controller_of(rs)

    def _enqueue_controller_of(self, rs: ReplicaSet) -> None:
        ref = controller_of(rs)
        if ref is not None and ref.kind == "Rollout":
            self._queue.add((rs.metadata.namespace, ref.name))

    # The object store, as the controller's clientset.

    def event(self, r: Rollout, type_: str, reason: str, message: str) -> None:
        self._events.event(type_, reason, "Rollout", r.metadata.name, message, r.metadata.namespace)

    def scale(self, ctx: RolloutContext, rs: ReplicaSet, size: int) -> ReplicaSet:
        """Write a ReplicaSet's size, with Argo's ScalingReplicaSet event."""
        if rs.replicas == size:
            return rs
        direction = "up" if size > rs.replicas else "down"
        updated = self._store.update(replace(rs, spec=replace(rs.spec, replicas=size)))
        self.event(
            ctx.rollout,
            "Normal",
            "ScalingReplicaSet",
            f"Scaled {direction} ReplicaSet {rs.metadata.name} (revision "
            f"{rollout_revision(rs)}) from {rs.replicas} to {size}",
        )
        if rs is ctx.new_rs:
            ctx.new_rs = updated
        elif rs is ctx.stable_rs:
            ctx.stable_rs = updated
        else:
            ctx.others = [updated if o is rs else o for o in ctx.others]
        result: ReplicaSet = updated
        return result

    def annotate(self, rs: ReplicaSet, key: str, value: str | None) -> ReplicaSet:
        annotations = dict(rs.metadata.annotations)
        if value is None:
            annotations.pop(key, None)
        else:
            annotations[key] = value
        updated: ReplicaSet = self._store.update(
            replace(rs, metadata=replace(rs.metadata, annotations=annotations))
        )
        return updated

    def switch_service(self, ctx: RolloutContext, service: str, hash_: str) -> None:
        """Point a Service's selector at one pod-template hash (Argo's SwitchService)."""
        if not service:
            return
        svc = self._store.get("Service", ctx.namespace, service)
        if svc is None:
            return
        current = svc.spec.selector.get(HASH_LABEL, "")
        if current == hash_:
            return
        selector = {**svc.spec.selector, HASH_LABEL: hash_}
        self._store.update(replace(svc, spec=replace(svc.spec, selector=selector)))
        self.event(
            ctx.rollout,
            "Normal",
            "SwitchService",
            f"Switched selector for service '{service}' from '{current}' to '{hash_}'",
        )

    def set_weight(self, ctx: RolloutContext, weight: int) -> None:
        """The router's canary weight: traffic to the stable service goes that share to
        the canary service."""
        canary = ctx.rollout.spec.strategy.canary
        assert canary is not None
        maximum = (
            canary.traffic_routing.max_traffic_weight
            if canary.traffic_routing is not None
            else None
        ) or 100
        if weight == ctx.status.canary_weight:
            return
        self.event(
            ctx.rollout,
            "Normal",
            "TrafficWeightUpdated",
            f"Traffic weight updated from {ctx.status.canary_weight} to {weight}",
        )
        ctx.status = replace(ctx.status, canary_weight=weight)
        if canary.stable_service and canary.canary_service:
            self.router.set_weight(
                ctx.namespace, canary.stable_service, canary.canary_service, weight / maximum
            )

    # Analysis.

    def runs(self, ctx: RolloutContext) -> list[AnalysisRun]:
        return self.analysis_runs.setdefault((ctx.namespace, ctx.name), [])

    def start_analysis(
        self, ctx: RolloutContext, analysis: RolloutAnalysis, kind: str
    ) -> AnalysisRun:
        metrics = template_metrics(self._store, ctx.rollout, analysis)
        revision = rollout_revision(ctx.new_rs) if ctx.new_rs is not None else 0
        # Argo's names: <rollout>-<hash>-<revision>, with -<step> for a step analysis
        # and -pre / -post for blue-green's.
        suffix = {
            "step": f"-{ctx.status.current_step_index}",
            "pre-promotion": "-pre",
            "post-promotion": "-post",
        }.get(kind, "")
        name = f"{ctx.name}-{ctx.status.current_pod_hash}-{revision}{suffix}"
        run = AnalysisRun.start(name, kind, revision, ctx.now, metrics)
        self.runs(ctx).append(run)
        label = {
            "step": "Step Analysis Run",
            "background": "Analysis Run",
            "pre-promotion": "PrePromotion Analysis Run",
            "post-promotion": "PostPromotion Analysis Run",
        }[kind]
        self.event(
            ctx.rollout,
            "Normal",
            "AnalysisRunRunning",
            f"{label} '{name}' Status New: 'Running' Previous: 'NoPreviousStatus'",
        )
        return run

    def measure(self, ctx: RolloutContext, run: AnalysisRun) -> str:
        """Take the run's due measurements from the traffic model; returns its phase."""
        new_rs = ctx.new_rs
        flow = self._recorder.flow_for(ctx.all_rss, ctx.rollout, run.kind)

        def value_of(metric: AnalysisMetric, start: float, end: float) -> float:
            if new_rs is None or flow is None:
                return float("nan")
            sent, failed = flow.window([new_rs.metadata.uid], start, end)
            latency = self._behaviors.for_template(new_rs.spec.template).latency
            return simulated_metric(metric, sent, failed, latency)

        before = run.phase
        run.measure(ctx.now, value_of)
        after = run.phase
        if after != before:
            self.event(
                ctx.rollout,
                "Warning" if after in ("Failed", "Error") else "Normal",
                f"AnalysisRun{after}",
                f"Analysis Run '{run.name}' Status New: '{after}' Previous: '{before}'",
            )
        upcoming = run.next_measurement()
        if upcoming is not None:
            ctx.wake_at(upcoming)
        return after

    # The reconcile.

    def sync(self, key: tuple[str, str]) -> None:
        stored = self._store.get("Rollout", *key)
        if stored is None:
            self.analysis_runs.pop(key, None)
            return
        if stored.metadata.deletion_timestamp is not None:
            # syncHandler: "No reconciliation as rollout marked for deletion"; the garbage
            # collector is deleting its ReplicaSets (foreground), which must not come back.
            return
        r, invalid = resolve_workload_ref(self._store, stored)
        invalid = invalid or referenced_resources_error(self._store, r) or route_steps_error(r)
        if invalid is not None:
            self._write_invalid_spec(stored, invalid)
            # As syncHandler: an InvalidSpec may be timing (the Rollout applied before
            # its Service or template), so the Rollout is looked at again in 20 s.
            self._queue.add_after(key, INVALID_SPEC_REQUEUE_SECONDS)
            return
        ctx = self._context(r)
        if ctx is None:
            return
        self._reset_on_new_template(ctx)
        if r.spec.strategy.canary is not None:
            from rollsim.controllers.rollout.canary import reconcile_canary

            reconcile_canary(self, ctx)
        else:
            from rollsim.controllers.rollout.bluegreen import reconcile_blue_green

            reconcile_blue_green(self, ctx)
        self._write_status(ctx)
        self._scale_down_workload(ctx)
        for when in ctx.requeue:
            if when <= ctx.now:
                self._queue.add(key)
            else:
                self._queue.add_after(key, when - ctx.now)

    def _write_invalid_spec(self, r: Rollout, error: FieldError) -> None:
        """``createInvalidRolloutCondition``: the InvalidSpec condition quoting the error,
        kept as it was while the message holds; ``patchCondition`` then computes the
        phase, which an InvalidSpec makes Degraded."""
        message = f'The Rollout "{r.metadata.name}" is invalid: {error}'
        previous = next((c for c in r.status.conditions if c.type == INVALID_SPEC), None)
        if previous is not None and previous.message == message:
            condition = previous
        else:
            now = self.now
            condition = RolloutCondition(INVALID_SPEC, "True", now, now, INVALID_SPEC, message)
        others = tuple(c for c in r.status.conditions if c.type != INVALID_SPEC)
        status = replace(
            r.status,
            conditions=(*others, condition),
            observed_generation=str(r.metadata.generation),
            phase=PHASE_DEGRADED,
            message=f"{INVALID_SPEC}: {message}",
        )
        if status != r.status:
            self._store.update(replace(r, status=status))

    def _scale_down_workload(self, ctx: RolloutContext) -> None:
        """``scaleDeployment`` as revision 1 of a workloadRef Rollout asks: ``onsuccess``
        scales the Deployment to 0 once the Rollout is Healthy; ``progressively`` also
        hands its pods over as the Rollout's become ready (reconcileNewReplicaSet)."""
        ref = ctx.rollout.spec.workload_ref
        if ref is None or ref.kind != "Deployment" or ctx.new_rs is None:
            return
        if rollout_revision(ctx.new_rs) != 1:
            return
        stored = self._store.get("Rollout", ctx.namespace, ctx.name)
        deployment = self._store.get(Deployment, ctx.namespace, ref.name)
        if stored is None or deployment is None:
            return
        healthy = stored.status.phase == "Healthy"
        if ref.scale_down == SCALE_DOWN_ON_SUCCESS and healthy:
            size = 0
        elif ref.scale_down == SCALE_DOWN_PROGRESSIVELY:
            size = 0 if healthy else max(0, ctx.replicas - stored.status.ready_replicas)
        else:
            return
        if deployment.replicas != size:
            self._store.update(replace(deployment, spec=replace(deployment.spec, replicas=size)))

    def _context(self, r: Rollout) -> RolloutContext | None:
        rss = self._replica_sets.claim(r)
        template = without_hash(r.spec.template)
        new_rs = next(
            (
                rs
                for rs in replica_sets_by_creation(rss)
                if without_hash(rs.spec.template) == template
            ),
            None,
        )
        status = r.status
        if new_rs is None:
            new_rs = self._create_replica_set(r, rss)
            if new_rs is None:
                return None
            rss = [*rss, new_rs]
        else:
            new_rs = self._raise_revision(r, new_rs, rss)
        stable = next(
            (
                rs
                for rs in rss
                if status.stable_rs
                and pod_hash(rs) == status.stable_rs
                and rs.metadata.uid != new_rs.metadata.uid
            ),
            None,
        )
        others = [
            rs
            for rs in rss
            if rs.metadata.uid
            not in (new_rs.metadata.uid, stable.metadata.uid if stable is not None else "")
        ]
        return RolloutContext(r, status, new_rs, stable, others, self.now)

    def _create_replica_set(self, r: Rollout, rss: Sequence[ReplicaSet]) -> ReplicaSet | None:
        template = r.spec.template
        hash_ = compute_hash(template, r.status.collision_count)
        labels = {**template.metadata.labels, HASH_LABEL: hash_}
        selector = r.spec.selector or LabelSelector()
        revision = max((rollout_revision(rs) for rs in rss), default=0) + 1
        owner = OwnerReference(
            api_version="argoproj.io/v1alpha1",
            kind="Rollout",
            name=r.metadata.name,
            uid=r.metadata.uid,
            controller=True,
            block_owner_deletion=True,
        )
        rs = ReplicaSet(
            metadata=ObjectMeta(
                name=f"{r.metadata.name}-{hash_}",
                namespace=r.metadata.namespace,
                labels=labels,
                annotations={REVISION_ANNOTATION: str(revision)},
                owner_references=(owner,),
            ),
            spec=ReplicaSetSpec(
                replicas=0,
                min_ready_seconds=r.spec.min_ready_seconds,
                selector=replace(
                    selector, match_labels={**selector.match_labels, HASH_LABEL: hash_}
                ),
                template=replace(template, metadata=replace(template.metadata, labels=labels)),
            ),
        )
        created: ReplicaSet | None = self._store.create(rs)
        if created is None:
            self._bump_collision_count(r)
            return None
        self.event(
            r,
            "Normal",
            "NewReplicaSetCreated",
            f"Created ReplicaSet {created.metadata.name} (revision {revision})",
        )
        return created

    def _bump_collision_count(self, r: Rollout) -> None:
        """``createDesiredReplicaSet`` on AlreadyExists: a ReplicaSet of that name that is
        not the Rollout's (a workloadRef Deployment's, same template, same hash) raises
        ``status.collisionCount`` so the next hash differs; the status write requeues."""
        stored = self._store.get(Rollout, r.metadata.namespace, r.metadata.name)
        if stored is None:
            return
        count = (stored.status.collision_count or 0) + 1
        self._store.update(replace(stored, status=replace(stored.status, collision_count=count)))

    def _raise_revision(self, r: Rollout, rs: ReplicaSet, rss: Sequence[ReplicaSet]) -> ReplicaSet:
        """An old template coming back takes the next revision, as with Deployments."""
        top = max(
            (rollout_revision(o) for o in rss if o.metadata.uid != rs.metadata.uid), default=0
        )
        if rollout_revision(rs) > top:
            return rs
        return self.annotate(rs, REVISION_ANNOTATION, str(top + 1))

    def _reset_on_new_template(self, ctx: RolloutContext) -> None:
        """A new pod template restarts the steps; back to the stable one skips them all."""
        assert ctx.new_rs is not None
        new_hash = pod_hash(ctx.new_rs)
        status = ctx.status
        if status.current_pod_hash == new_hash:
            return
        canary = ctx.rollout.spec.strategy.canary
        steps = len(canary.steps) if canary is not None else 0
        back_to_stable = bool(status.stable_rs) and status.stable_rs == new_hash
        ctx.status = replace(
            status,
            current_pod_hash=new_hash,
            pause_conditions=(),
            controller_pause=False,
            abort=False,
            aborted_at=None,
            promote_full=False,
            current_step_index=(steps if back_to_stable else 0)
            if canary is not None and steps
            else None,
            blue_green=replace(status.blue_green, scale_up_preview_check_point=False),
        )
        self.runs(ctx).clear()
        self.event(
            ctx.rollout,
            "Normal",
            "RolloutUpdated",
            f"Rollout updated to revision {rollout_revision(ctx.new_rs)}",
        )

    def promote_stable(self, ctx: RolloutContext, reason: str) -> None:
        """``promoteStable``: the current pod hash becomes stable."""
        status = ctx.status
        if status.stable_rs == status.current_pod_hash:
            return
        ctx.status = replace(
            status,
            stable_rs=status.current_pod_hash,
            pause_conditions=(),
            controller_pause=False,
            abort=False,
            promote_full=False,
        )
        revision = rollout_revision(ctx.new_rs) if ctx.new_rs is not None else 0
        self.event(
            ctx.rollout,
            "Normal",
            "RolloutCompleted",
            f"Rollout completed update to revision {revision} "
            f"({status.current_pod_hash}): {reason}",
        )

    def add_pause(self, ctx: RolloutContext, reason: str) -> None:
        if any(p.reason == reason for p in ctx.status.pause_conditions):
            return
        ctx.status = replace(
            ctx.status,
            controller_pause=True,
            pause_conditions=(*ctx.status.pause_conditions, PauseCondition(reason, ctx.now)),
        )
        self.event(ctx.rollout, "Normal", "RolloutPaused", f"Rollout is paused ({reason})")

    def abort(self, ctx: RolloutContext, run: AnalysisRun) -> None:
        """An analysis ended the update: abort, quoting the run's reason."""
        if ctx.status.abort:
            return
        ctx.status = replace(
            ctx.status, abort=True, aborted_at=ctx.now, pause_conditions=(), controller_pause=False
        )
        what = {
            "step": "Step-based",
            "background": "Background",
            "pre-promotion": "Pre-promotion",
            "post-promotion": "Post-promotion",
        }[run.kind]
        self.abort_messages[(ctx.namespace, ctx.name)] = (
            f"{what} analysis phase error/failed: {run.message()}"
        )

    def _write_status(self, ctx: RolloutContext) -> None:
        r = ctx.rollout
        rss = ctx.all_rss
        new_rs = ctx.new_rs
        if not ctx.status.abort:
            self.abort_messages.pop((ctx.namespace, ctx.name), None)
        serving = rss
        if r.spec.strategy.blue_green is not None:
            # Blue-green reports the pods behind the active service.
            active = ctx.status.blue_green.active_selector
            serving = [rs for rs in rss if pod_hash(rs) == active] if active else []
        status = replace(
            ctx.status,
            replicas=sum(rs.status.replicas for rs in rss),
            updated_replicas=new_rs.status.replicas if new_rs is not None else 0,
            ready_replicas=sum(rs.status.ready_replicas for rs in serving),
            available_replicas=sum(rs.status.available_replicas for rs in serving),
            observed_generation=str(r.metadata.generation),
            selector=str(r.spec.selector or LabelSelector()),
        )
        abort_reason = self.abort_messages.get((ctx.namespace, ctx.name), "")
        conditions = rollout_conditions(ctx, status, abort_reason)
        if status.abort and not was_aborted(r):
            self.event(r, "Warning", "RolloutAborted", conditions[0].message)
        status = replace(status, conditions=conditions)
        canary = r.spec.strategy.canary
        phase, message = replicas.calculate_rollout_phase(
            strategy=replicas.CANARY if canary is not None else replicas.BLUE_GREEN,
            spec_replicas=r.spec.replicas,
            status_replicas=status.replicas,
            updated_replicas=status.updated_replicas,
            available_replicas=status.available_replicas,
            stable_rs=status.stable_rs,
            current_pod_hash=status.current_pod_hash,
            traffic_routing=canary is not None and canary.traffic_routing is not None,
            spec_paused=r.spec.paused,
            pause_conditions=[p.reason for p in status.pause_conditions],
            conditions=[
                replicas.RolloutCondition(c.type, c.reason, c.message, c.status)
                for c in status.conditions
            ],
            active_selector=status.blue_green.active_selector,
            waiting_for_post_promotion_analysis=any(
                run.kind == "post-promotion" and run.phase == "Running" for run in self.runs(ctx)
            ),
        )
        status = replace(status, phase=phase, message=message)
        if status != r.status:
            # The status goes onto the stored Rollout: a workloadRef Rollout's resolved
            # template is the controller's reading, never written back.
            stored = self._store.get("Rollout", ctx.namespace, ctx.name)
            self._store.update(replace(stored if stored is not None else r, status=status))


def start(ctx: ControllerContext) -> RolloutController:
    """What argo-rollouts' ``NewManager`` does for the rollout controller."""
    return RolloutController(
        ctx.store,
        ctx.kubelet,
        ctx.queues,
        ctx.events("rollouts-controller"),
        ctx.clock,
        ctx.recorder,
        ctx.endpoints,
    )
