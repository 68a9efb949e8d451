"""The canary strategy of Argo Rollouts: steps, weights, pauses, analysis, abort.

Mirrors rollout/canary.go (``rolloutCanary``, ``reconcileCanaryStableReplicaSet``,
``reconcileNewReplicaSet``, ``reconcileOldReplicaSetsCanary``,
``syncRolloutStatusCanary``), rollout/pause.go and the traffic-routing
reconcile of rollout/trafficrouting.go, on the pure arithmetic of
``replicas``, ``canary_steps`` and ``defaults``. One reconcile changes at
most one ReplicaSet (stable, then canary, then older ones) and advances at
most one step.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rollsim.api.argo import CanaryStep, CanaryStrategy
from rollsim.api.timefmt import format_time, parse_time
from rollsim.controllers.rollout.canary_steps import (
    ReplicaProgressThreshold,
    at_desired_replica_counts_for_canary,
    get_canary_replicas_or_weight,
    replica_progress_threshold_met,
)
from rollsim.controllers.rollout.conditions import (
    PAUSE_REASON_CANARY_STEP,
    PAUSE_REASON_INCONCLUSIVE_ANALYSIS,
)
from rollsim.controllers.rollout.context import (
    SCALE_DOWN_DEADLINE_ANNOTATION,
    RolloutContext,
    counts,
    rollout_revision,
)
from rollsim.controllers.rollout.defaults import (
    abort_scale_down_delay_seconds_or_default,
    scale_down_delay_seconds_or_default,
)
from rollsim.controllers.rollout.replicas import (
    CANARY,
    TrafficWeights,
    calculate_replica_counts_for_basic_canary,
    calculate_replica_counts_for_traffic_routed_canary,
    get_current_set_weight,
    max_surge,
    max_unavailable,
)
from rollsim.controllers.rollout.trafficrouting import reconcile_managed_routes

if TYPE_CHECKING:
    from rollsim.controllers.rollout.controller import RolloutController

__all__ = ["progress_threshold", "reconcile_canary", "step_description"]


def step_description(step: CanaryStep) -> str:
    """How Argo's RolloutStepCompleted event names a step (``setWeight: 20``)."""
    if step.set_weight is not None:
        return f"setWeight: {step.set_weight}"
    if step.pause is not None:
        duration = step.pause.duration
        return f"pause: {duration}" if duration is not None else "pause"
    scale = step.set_canary_scale
    if scale is not None:
        if scale.replicas is not None:
            return f"setCanaryScale{{replicas: {scale.replicas}}}"
        if scale.weight is not None:
            return f"setCanaryScale{{weight: {scale.weight}}}"
        return "setCanaryScale{matchTrafficWeight: true}"
    if step.analysis is not None:
        return "analysis"
    if step.set_header_route is not None:
        return f"setHeaderRoute: {step.set_header_route.name}"
    if step.set_mirror_route is not None:
        return f"setMirrorRoute: {step.set_mirror_route.name}"
    return step.kind


def progress_threshold(canary: CanaryStrategy) -> ReplicaProgressThreshold | None:
    """``canary.replicaProgressThreshold`` as ``ReplicaProgressThresholdMet`` reads it."""
    threshold = canary.replica_progress_threshold
    if threshold is None or threshold.value is None:
        return None
    return ReplicaProgressThreshold(threshold.type, threshold.value)


def _max_weight(canary: CanaryStrategy) -> int:
    routing = canary.traffic_routing
    return (routing.max_traffic_weight if routing is not None else None) or 100


def _targets(ctx: RolloutContext, canary: CanaryStrategy) -> tuple[int, int]:
    """This reconcile's (canary, stable) sizes: A6 for basic canary, A7 with a router."""
    status = ctx.status
    routed = canary.traffic_routing is not None
    new, stable = counts(ctx.new_rs), counts(ctx.stable_rs)
    delay, _ = abort_scale_down_delay_seconds_or_default(
        canary.abort_scale_down_delay_seconds, traffic_routing=routed
    )
    fixed, weight = get_canary_replicas_or_weight(
        ctx.replicas,
        canary.steps,
        status.current_step_index,
        stable_rs_hash=status.stable_rs,
        current_pod_hash=status.current_pod_hash,
        promote_full=status.promote_full,
        aborted=status.abort,
        traffic_routing=routed,
        dynamic_stable_scale=canary.dynamic_stable_scale,
        abort_scale_down_delay_seconds=delay
        if canary.abort_scale_down_delay_seconds is not None
        else None,
        canary_rs=new,
        stable_rs=stable,
        max_weight=_max_weight(canary),
    )
    if routed:
        return calculate_replica_counts_for_traffic_routed_canary(
            ctx.replicas,
            fixed,
            weight,
            dynamic_stable_scale=canary.dynamic_stable_scale,
            min_pods_per_replica_set=canary.min_pods_per_replica_set,
            aborted=status.abort,
            weights=TrafficWeights(
                status.canary_weight, _max_weight(canary) - status.canary_weight
            ),
            max_weight=_max_weight(canary),
        )
    surge = max_surge(CANARY, ctx.replicas, canary.max_surge, canary.max_unavailable)
    unavailable = max_unavailable(CANARY, ctx.replicas, canary.max_surge, canary.max_unavailable)
    return calculate_replica_counts_for_basic_canary(
        ctx.replicas,
        weight,
        surge,
        unavailable,
        new,
        stable,
        [counts(o) for o in ctx.others],
        stable_is_new=ctx.stable_rs is None,
    )


def _scale_down_others(dc: RolloutController, ctx: RolloutContext, canary: CanaryStrategy) -> bool:
    """Older ReplicaSets: routed canary drops intermediates at once and keeps a previous
    stable until its scale-down deadline; basic canary drains unhealthy pods first, then
    within the availability budget, newest revision first."""
    active = [rs for rs in ctx.others if rs.replicas > 0]
    if not active:
        return False
    if canary.traffic_routing is not None:
        changed = False
        for rs in active:
            deadline = rs.metadata.annotations.get(SCALE_DOWN_DEADLINE_ANNOTATION)
            if deadline is not None:
                at = parse_time(deadline)
                if at > ctx.now:
                    ctx.wake_at(at)
                    continue
            dc.scale(ctx, rs, 0)
            changed = True
        return changed
    unavailable = max_unavailable(CANARY, ctx.replicas, canary.max_surge, canary.max_unavailable)
    min_available = ctx.replicas - unavailable
    total_available = sum(rs.status.available_replicas for rs in ctx.all_rss)
    budget = total_available - min_available
    changed = False
    for rs in sorted(active, key=rollout_revision, reverse=True):
        unhealthy = rs.replicas - rs.status.available_replicas
        cut = max(0, unhealthy)
        if budget > 0:
            cut = min(rs.replicas, cut + budget)
            budget -= cut - max(0, unhealthy)
        if cut > 0:
            dc.scale(ctx, rs, rs.replicas - cut)
            changed = True
    return changed


def _step_complete(
    dc: RolloutController,
    ctx: RolloutContext,
    canary: CanaryStrategy,
    step: CanaryStep,
    targets: tuple[int, int],
) -> bool:
    status = ctx.status
    if step.set_weight is not None or step.set_canary_scale is not None:
        return at_desired_replica_counts_for_canary(
            counts(ctx.new_rs),
            counts(ctx.stable_rs),
            [counts(o) for o in ctx.others],
            targets[0],
            targets[1],
            traffic_routing=canary.traffic_routing is not None,
            dynamic_stable_scale=canary.dynamic_stable_scale,
            replica_progress_threshold=progress_threshold(canary),
        )
    if step.pause is not None:
        condition = next(
            (p for p in status.pause_conditions if p.reason == PAUSE_REASON_CANARY_STEP), None
        )
        if condition is None:
            # Promoted: the pause condition was cleared while the controller paused.
            return status.controller_pause
        if step.pause.duration is None:
            return False
        seconds = step.pause.duration_seconds()
        assert condition.start_time is not None
        ends = condition.start_time + seconds
        if seconds < 0:
            # Validation refuses it; were one stored, Argo would not reconcile an
            # invalid spec, so it pauses until promoted rather than waking in the past.
            return False
        if ctx.now >= ends:
            return True
        ctx.wake_at(ends)
        return False
    if step.analysis is not None:
        runs = [
            r
            for r in dc.runs(ctx)
            if r.kind == "step" and r.name.endswith(f"-{status.current_step_index}")
        ]
        return bool(runs) and runs[-1].phase == "Successful"
    return True


def _reconcile_analysis(
    dc: RolloutController, ctx: RolloutContext, canary: CanaryStrategy, step: CanaryStep | None
) -> None:
    """Start step and background runs when due; a failed run aborts, an inconclusive
    one pauses (A10)."""
    status = ctx.status
    runs = dc.runs(ctx)
    if status.stable_rs == status.current_pod_hash:
        # Promoted: a run still going is cancelled, which ends it Successful.
        for run in runs:
            run.terminated = True
        return
    if status.abort:
        return
    if step is not None and step.analysis is not None and not status.pause_conditions:
        tag = f"-{status.current_step_index}"
        if not any(r.kind == "step" and r.name.endswith(tag) for r in runs):
            dc.start_analysis(ctx, step.analysis, "step")
    background = canary.analysis
    due = background is not None and (status.current_step_index or 0) >= (
        background.starting_step or 0
    )
    if background is not None and due and not any(r.kind == "background" for r in runs):
        dc.start_analysis(ctx, background, "background")
    for run in list(runs):
        if run.terminated:
            continue
        phase = dc.measure(ctx, run)
        if phase in ("Failed", "Error"):
            dc.abort(ctx, run)
            run.terminated = True
        elif phase == "Inconclusive":
            dc.add_pause(ctx, PAUSE_REASON_INCONCLUSIVE_ANALYSIS)
            run.terminated = True


def _hold_aborted_canary(
    dc: RolloutController, ctx: RolloutContext, canary: CanaryStrategy, target: int
) -> int:
    """A routed canary keeps its pods after an abort until abortScaleDownDelaySeconds
    after the stable is fully available (A13.3); 0 keeps them for good."""
    new = ctx.new_rs
    assert new is not None
    deadline_text = new.metadata.annotations.get(SCALE_DOWN_DEADLINE_ANNOTATION)
    if not ctx.status.abort:
        if deadline_text is not None:
            ctx.new_rs = dc.annotate(new, SCALE_DOWN_DEADLINE_ANNOTATION, None)
        return target
    if target >= new.replicas:
        return target
    delay, explicit = abort_scale_down_delay_seconds_or_default(
        canary.abort_scale_down_delay_seconds, traffic_routing=True
    )
    if delay is None:
        return new.replicas
    if canary.dynamic_stable_scale and not explicit:
        return target
    if deadline_text is None:
        stable = ctx.stable_rs
        if stable is None or stable.status.available_replicas < ctx.replicas:
            return new.replicas
        deadline = ctx.now + delay
        ctx.new_rs = dc.annotate(new, SCALE_DOWN_DEADLINE_ANNOTATION, format_time(deadline))
    else:
        deadline = parse_time(deadline_text)
    if ctx.now >= deadline:
        return target
    ctx.wake_at(deadline)
    return new.replicas


def _weight(ctx: RolloutContext, canary: CanaryStrategy, at_desired: bool) -> int:
    """The router weight of A11."""
    status = ctx.status
    maximum = _max_weight(canary)
    new = ctx.new_rs
    if status.stable_rs == status.current_pod_hash or status.abort:
        return 0
    if new is None or new.status.available_replicas == 0:
        return 0
    if status.promote_full:
        return status.canary_weight
    index = status.current_step_index
    if index is None or index >= len(canary.steps):
        return maximum
    if not at_desired:
        previous = [s.set_weight for s in canary.steps[:index] if s.set_weight is not None]
        return previous[-1] if previous else 0
    return get_current_set_weight(canary.steps, index, max_weight=maximum)


def reconcile_canary(dc: RolloutController, ctx: RolloutContext) -> None:
    """One reconcile of a canary Rollout (A8)."""
    canary = ctx.rollout.spec.strategy.canary
    assert canary is not None and ctx.new_rs is not None
    steps = canary.steps
    if not ctx.status.stable_rs:
        # The first deploy is promoted at once: no steps, no pauses (A12.1).
        dc.promote_stable(ctx, "Initial deploy")
        ctx.status = replace(ctx.status, current_step_index=len(steps) if steps else None)
    index = ctx.status.current_step_index
    step = steps[index] if steps and index is not None and 0 <= index < len(steps) else None
    _reconcile_analysis(dc, ctx, canary, step)
    halted = ctx.rollout.spec.paused or any(
        p.reason == PAUSE_REASON_INCONCLUSIVE_ANALYSIS for p in ctx.status.pause_conditions
    )
    targets = _targets(ctx, canary)
    if canary.traffic_routing is not None:
        targets = (_hold_aborted_canary(dc, ctx, canary, targets[0]), targets[1])
    changed = False
    if not halted:
        new_target, stable_target = targets
        if ctx.stable_rs is not None and ctx.stable_rs.replicas != stable_target:
            dc.scale(ctx, ctx.stable_rs, stable_target)
            changed = True
        elif ctx.new_rs.replicas != new_target:
            dc.scale(ctx, ctx.new_rs, new_target)
            changed = True
        else:
            changed = _scale_down_others(dc, ctx, canary)
        if (
            not changed
            and step is not None
            and step.pause is not None
            and not ctx.status.controller_pause
        ):
            dc.add_pause(ctx, PAUSE_REASON_CANARY_STEP)
    at_desired = at_desired_replica_counts_for_canary(
        counts(ctx.new_rs),
        counts(ctx.stable_rs),
        [counts(o) for o in ctx.others],
        targets[0],
        targets[1],
        traffic_routing=canary.traffic_routing is not None,
        dynamic_stable_scale=canary.dynamic_stable_scale,
        replica_progress_threshold=progress_threshold(canary),
    )
    if canary.traffic_routing is not None:
        dc.switch_service(ctx, canary.canary_service, ctx.status.current_pod_hash)
        dc.switch_service(ctx, canary.stable_service, ctx.status.stable_rs)
        dc.set_weight(ctx, _weight(ctx, canary, at_desired))
        reconcile_managed_routes(dc, ctx, step)
    _sync_status(dc, ctx, canary, step, targets, halted)


def _sync_status(
    dc: RolloutController,
    ctx: RolloutContext,
    canary: CanaryStrategy,
    step: CanaryStep | None,
    targets: tuple[int, int],
    halted: bool,
) -> None:
    """``syncRolloutStatusCanary``: promote, reset on abort, or advance one step."""
    status = ctx.status
    steps = canary.steps
    if status.promote_full:
        ctx.status = status = replace(
            status,
            pause_conditions=(),
            controller_pause=False,
            current_step_index=len(steps) if steps else None,
        )
    new = ctx.new_rs
    assert new is not None
    done_steps = not steps or (status.current_step_index or 0) >= len(steps)
    fast_rollback = status.stable_rs == status.current_pod_hash
    if (
        not status.abort
        and (
            new.status.available_replicas >= ctx.replicas
            or replica_progress_threshold_met(counts(new), ctx.replicas, progress_threshold(canary))
        )
        and (status.promote_full or done_steps or fast_rollback)
        and status.stable_rs != status.current_pod_hash
    ):
        _promote_stable(dc, ctx, canary, status.promote_full)
        return
    if status.abort:
        index = len(steps) if fast_rollback else 0
        ctx.status = replace(status, current_step_index=index if steps else None)
        return
    if halted or step is None or status.current_step_index is None:
        return
    if _step_complete(dc, ctx, canary, step, targets):
        _complete_step(dc, ctx, canary, step, status.current_step_index + 1)


def _promote_stable(
    dc: RolloutController, ctx: RolloutContext, canary: CanaryStrategy, promote_full: bool
) -> None:
    """``promoteStable``: the canary becomes the stable; with a router the previous
    stable keeps its pods for scaleDownDelaySeconds (``addScaleDownDelay``)."""
    previous = ctx.stable_rs
    reason = (
        "Full promotion requested"
        if promote_full
        else f"Completed all {len(canary.steps)} canary steps"
    )
    dc.promote_stable(ctx, reason)
    if previous is not None and canary.traffic_routing is not None:
        delay = scale_down_delay_seconds_or_default(
            canary.scale_down_delay_seconds, traffic_routing=True
        )
        if canary.dynamic_stable_scale:
            delay = 0
        deadline = ctx.now + delay
        updated = dc.annotate(previous, SCALE_DOWN_DEADLINE_ANNOTATION, format_time(deadline))
        ctx.others = [updated, *ctx.others]
        ctx.stable_rs = None
        ctx.wake_at(deadline)


def _complete_step(
    dc: RolloutController, ctx: RolloutContext, canary: CanaryStrategy, step: CanaryStep, index: int
) -> None:
    """A completed step: move to step ``index``, drop its pause, record
    RolloutStepCompleted and reconcile again at once."""
    pauses = tuple(p for p in ctx.status.pause_conditions if p.reason != PAUSE_REASON_CANARY_STEP)
    ctx.status = replace(
        ctx.status, current_step_index=index, pause_conditions=pauses, controller_pause=False
    )
    dc.event(
        ctx.rollout,
        "Normal",
        "RolloutStepCompleted",
        f"Rollout step {index}/{len(canary.steps)} completed ({step_description(step)})",
    )
    ctx.wake_at(ctx.now)
