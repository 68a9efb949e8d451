"""The blue-green strategy of Argo Rollouts: preview, pause, active switch, scale-down delay.

Mirrors rollout/bluegreen.go (``rolloutBlueGreen``,
``reconcileBlueGreenReplicaSets``, ``reconcileBlueGreenPause``,
``syncRolloutStatusBlueGreen``) and the service switching of
rollout/service.go. The old active ReplicaSet keeps its replicas until
``scaleDownDelaySeconds`` after the switch; an abort sends the active
service back to the stable pods and drops the preview after
``abortScaleDownDelaySeconds``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rollsim.api.apps import ReplicaSet
from rollsim.api.argo import BlueGreenStrategy, RolloutStatus
from rollsim.api.timefmt import format_time, parse_time
from rollsim.controllers.rollout.bluegreen_replicas import (
    blue_green_new_rs_new_replicas,
    ready_for_pause,
)
from rollsim.controllers.rollout.conditions import (
    PAUSE_REASON_BLUE_GREEN,
    PAUSE_REASON_INCONCLUSIVE_ANALYSIS,
)
from rollsim.controllers.rollout.context import (
    SCALE_DOWN_DEADLINE_ANNOTATION,
    RolloutContext,
    counts,
    pod_hash,
)
from rollsim.controllers.rollout.defaults import (
    abort_scale_down_delay_seconds_or_default,
    scale_down_delay_seconds_or_default,
)

if TYPE_CHECKING:
    from rollsim.controllers.rollout.controller import RolloutController

__all__ = ["reconcile_blue_green"]


def _desired_new(ctx: RolloutContext, bg: BlueGreenStrategy) -> int:
    status = ctx.status
    return blue_green_new_rs_new_replicas(
        ctx.replicas,
        bg.preview_replica_count,
        new_rs_hash=status.current_pod_hash,
        active_selector=status.blue_green.active_selector,
        rs_hashes=[pod_hash(rs) for rs in ctx.all_rss],
        current_pod_hash=status.current_pod_hash,
        promote_full=status.promote_full,
        spec_paused=ctx.rollout.spec.paused,
        has_pause_conditions=bool(status.pause_conditions),
        scale_up_preview_checkpoint=status.blue_green.scale_up_preview_check_point,
    )


def _pause_complete(dc: RolloutController, ctx: RolloutContext, bg: BlueGreenStrategy) -> bool:
    """``reconcileBlueGreenPause``: the BlueGreenPause, if this rollout uses one, is over."""
    status = ctx.status
    manual = bg.auto_promotion_enabled is False
    timed = not manual and (bg.auto_promotion_seconds or 0) > 0
    if not manual and not timed:
        return True
    condition = next(
        (p for p in status.pause_conditions if p.reason == PAUSE_REASON_BLUE_GREEN), None
    )
    if condition is None:
        if status.controller_pause:
            return True  # promoted by the user: the condition was cleared
        dc.add_pause(ctx, PAUSE_REASON_BLUE_GREEN)
        if timed:
            ctx.wake_at(ctx.now + (bg.auto_promotion_seconds or 0))
        return False
    if timed:
        assert condition.start_time is not None
        ends = condition.start_time + (bg.auto_promotion_seconds or 0)
        if ctx.now >= ends:
            ctx.status = replace(ctx.status, pause_conditions=(), controller_pause=False)
            return True
        ctx.wake_at(ends)
    return False


def reconcile_blue_green(dc: RolloutController, ctx: RolloutContext) -> None:
    """One reconcile of a blue-green Rollout (A14): ``rolloutBlueGreen``.

    The preview service follows the new pods, an abort goes back to the
    stable, the ReplicaSets are sized, then either the promoted rollout's
    active service catches up or the pause and analyses gate the promotion.
    """
    bg = ctx.rollout.spec.strategy.blue_green
    assert bg is not None and ctx.new_rs is not None
    if not ctx.status.stable_rs:
        # The first deploy is promoted at once, with no pause and no analysis (A12.1).
        dc.promote_stable(ctx, "Initial deploy")
    status = ctx.status
    paused = ctx.rollout.spec.paused
    if not paused and bg.preview_service:
        _reconcile_preview_service(dc, ctx, bg)
    if status.abort:
        _abort(dc, ctx, bg)
        return
    desired = _desired_new(ctx, bg)
    _reconcile_replica_sets(dc, ctx, desired, paused)
    new = ctx.new_rs
    assert new is not None
    if status.stable_rs == status.current_pod_hash:
        # Promoted: the active service follows once the pods are saturated; then only
        # the old active's delayed scale-down is left.
        if _saturated(ctx, new) and not paused:
            _reconcile_active_service(dc, ctx, bg)
        _scale_down_old(dc, ctx)
        return
    _reconcile_promotion(dc, ctx, bg, status, desired)


def _reconcile_preview_service(
    dc: RolloutController, ctx: RolloutContext, bg: BlueGreenStrategy
) -> None:
    """``reconcilePreviewService``: the preview service selects the new pods."""
    new_hash = ctx.status.current_pod_hash
    dc.switch_service(ctx, bg.preview_service, new_hash)
    ctx.status = replace(
        ctx.status, blue_green=replace(ctx.status.blue_green, preview_selector=new_hash)
    )


def _reconcile_active_service(
    dc: RolloutController, ctx: RolloutContext, bg: BlueGreenStrategy
) -> None:
    """``reconcileActiveService``: the active service switches to the new pods."""
    new_hash = ctx.status.current_pod_hash
    if ctx.status.blue_green.active_selector != new_hash:
        dc.switch_service(ctx, bg.active_service, new_hash)
        ctx.status = replace(
            ctx.status, blue_green=replace(ctx.status.blue_green, active_selector=new_hash)
        )


def _reconcile_replica_sets(
    dc: RolloutController, ctx: RolloutContext, desired: int, paused: bool
) -> None:
    """``reconcileBlueGreenReplicaSets``: unless paused, the new RS to its desired size
    (previewReplicaCount or full) and the stable back to full."""
    assert ctx.new_rs is not None
    if not paused and ctx.new_rs.replicas != desired:
        dc.scale(ctx, ctx.new_rs, desired)
    if ctx.stable_rs is not None and ctx.stable_rs.replicas != ctx.replicas and not paused:
        dc.scale(ctx, ctx.stable_rs, ctx.replicas)


def _saturated(ctx: RolloutContext, new: ReplicaSet) -> bool:
    """The new RS has all its pods, all of them available."""
    return new.replicas == ctx.replicas and new.status.available_replicas >= ctx.replicas


def _reconcile_promotion(
    dc: RolloutController,
    ctx: RolloutContext,
    bg: BlueGreenStrategy,
    status: RolloutStatus,
    desired: int,
) -> None:
    """``reconcileBlueGreenPause`` and ``syncRolloutStatusBlueGreen`` before promotion.

    ``status`` is the status this reconcile started from. The pause is over on
    the first deploy, on promoteFull, or once the preview is ready, the
    pre-promotion analysis passed and the BlueGreenPause ended; the preview
    then scales to full (the scale-up checkpoint) before the active service
    switches, the post-promotion analysis runs and the new RS becomes stable;
    old ReplicaSets past their scale-down deadline go (not while checkpointing).
    """
    new = ctx.new_rs
    assert new is not None
    paused = ctx.rollout.spec.paused
    ready = ready_for_pause(counts(new), desired)
    pause_done = (
        not status.blue_green.active_selector
        or status.promote_full
        or (
            ready
            and not paused
            and _pre_promotion_done(dc, ctx, bg)
            and _pause_complete(dc, ctx, bg)
        )
    )
    if (
        bg.preview_replica_count is not None
        and pause_done
        and ready
        and not ctx.status.blue_green.scale_up_preview_check_point
    ):
        ctx.status = replace(
            ctx.status, blue_green=replace(ctx.status.blue_green, scale_up_preview_check_point=True)
        )
        ctx.wake_at(ctx.now)
        return
    if _saturated(ctx, new) and pause_done and not paused:
        _reconcile_active_service(dc, ctx, bg)
        if _post_promotion_done(dc, ctx, bg) and ctx.status.stable_rs != status.current_pod_hash:
            _promote_stable(dc, ctx, bg)
    _scale_down_old(dc, ctx)


def _promote_stable(dc: RolloutController, ctx: RolloutContext, bg: BlueGreenStrategy) -> None:
    """``promoteStable``: the new RS becomes the stable and the checkpoint resets; the
    old active keeps its pods for scaleDownDelaySeconds (``addScaleDownDelay``)."""
    previous = ctx.stable_rs
    dc.promote_stable(ctx, "Completed blue-green update")
    ctx.status = replace(
        ctx.status,
        blue_green=replace(ctx.status.blue_green, scale_up_preview_check_point=False),
    )
    if previous is not None:
        delay = scale_down_delay_seconds_or_default(bg.scale_down_delay_seconds, blue_green=True)
        updated = dc.annotate(
            previous, SCALE_DOWN_DEADLINE_ANNOTATION, format_time(ctx.now + delay)
        )
        ctx.others = [updated, *ctx.others]
        ctx.stable_rs = None
        ctx.wake_at(ctx.now + delay)


def _pre_promotion_done(dc: RolloutController, ctx: RolloutContext, bg: BlueGreenStrategy) -> bool:
    return _analysis_done(dc, ctx, bg.pre_promotion_analysis, "pre-promotion")


def _post_promotion_done(dc: RolloutController, ctx: RolloutContext, bg: BlueGreenStrategy) -> bool:
    return _analysis_done(dc, ctx, bg.post_promotion_analysis, "post-promotion")


def _analysis_done(dc: RolloutController, ctx: RolloutContext, analysis: object, kind: str) -> bool:
    """Run the pre- or post-promotion analysis: done when Successful; Failed or Error
    aborts, Inconclusive pauses."""
    from rollsim.api.argo import RolloutAnalysis

    if not isinstance(analysis, RolloutAnalysis):
        return True
    runs = [r for r in dc.runs(ctx) if r.kind == kind]
    run = runs[-1] if runs else dc.start_analysis(ctx, analysis, kind)
    phase = run.phase if run.terminated else dc.measure(ctx, run)
    if phase in ("Failed", "Error"):
        dc.abort(ctx, run)
        run.terminated = True
        return False
    if phase == "Inconclusive":
        dc.add_pause(ctx, PAUSE_REASON_INCONCLUSIVE_ANALYSIS)
        run.terminated = True
        return False
    return phase == "Successful"


def _abort(dc: RolloutController, ctx: RolloutContext, bg: BlueGreenStrategy) -> None:
    """Active back to the stable pods; the preview goes after the abort delay."""
    stable_hash = ctx.status.stable_rs
    if stable_hash and ctx.status.blue_green.active_selector != stable_hash:
        dc.switch_service(ctx, bg.active_service, stable_hash)
        ctx.status = replace(
            ctx.status, blue_green=replace(ctx.status.blue_green, active_selector=stable_hash)
        )
    stable = ctx.stable_rs
    if stable is not None and stable.replicas != ctx.replicas:
        dc.scale(ctx, stable, ctx.replicas)
        return
    delay, _ = abort_scale_down_delay_seconds_or_default(
        bg.abort_scale_down_delay_seconds, blue_green=True
    )
    new = ctx.new_rs
    if delay is None or new is None or new.replicas == 0:
        return
    if stable is not None and stable.status.available_replicas < ctx.replicas:
        return
    aborted_at = ctx.status.aborted_at if ctx.status.aborted_at is not None else ctx.now
    ends = max(aborted_at + delay, ctx.now)
    if ctx.now >= ends:
        dc.scale(ctx, new, 0)
    else:
        ctx.wake_at(ends)


def _scale_down_old(dc: RolloutController, ctx: RolloutContext) -> None:
    """Old ReplicaSets go to zero once their scale-down deadline has passed."""
    for rs in list(ctx.others):
        if rs.replicas == 0:
            continue
        deadline = rs.metadata.annotations.get(SCALE_DOWN_DEADLINE_ANNOTATION)
        if deadline is not None and parse_time(deadline) > ctx.now:
            ctx.wake_at(parse_time(deadline))
            continue
        dc.scale(ctx, rs, 0)
