"""Flagger's canary scheduler as pure functions: one analysis tick in, the next state out.

Mirrors Flagger's pkg/controller/scheduler.go (``advanceCanary`` and the
canary, blue-green and A/B runners) and pkg/apis/flagger/v1beta1/canary.go
(interval, threshold, weights):

* ``analysis_interval_seconds`` (60 s default, 10 s floor),
  ``analysis_threshold``, ``deployment_strategy``;
* ``flagger_max_weight``, ``next_step_weight`` and the whole ladder
  ``canary_weight_progression``;
* ``is_deployment_ready``, from ``canary_ready`` (pkg/canary/deployment_ready.go, which
  upstream keeps apart from the scheduler too), whose answer a tick takes in;
* ``advance_canary``: one scheduler tick as a pure state transition, given
  what the tick observes (workload readiness, check and webhook outcomes).

Nothing here reads the cluster: ``rollsim.controllers.canary`` observes it,
calls ``advance_canary`` and applies the result. Weights are out of
``FLAGGER_TOTAL_WEIGHT`` (always 100).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Final

from rollsim.api.duration import parse_duration

# Re-exported: a tick's readiness input belongs to the scheduler's pure API.
from rollsim.controllers.canary_ready import DeploymentReadiness, is_deployment_ready
from rollsim.controllers.endpoints import ManagedRoute, RequestMatch, StringMatch

__all__ = [
    "DEFAULT_ANALYSIS_INTERVAL_SECONDS",
    "FAILED",
    "FLAGGER_FAILED",
    "FLAGGER_FINALISING",
    "FLAGGER_INITIALIZED",
    "FLAGGER_INITIALIZING",
    "FLAGGER_PROGRESSING",
    "FLAGGER_PROMOTING",
    "FLAGGER_SUCCEEDED",
    "FLAGGER_TOTAL_WEIGHT",
    "FLAGGER_WAITING",
    "FLAGGER_WAITING_PROMOTION",
    "KUBERNETES_PROVIDER",
    "MIN_ANALYSIS_INTERVAL_SECONDS",
    "NOT_READY",
    "READY",
    "STRATEGY_AB_TESTING",
    "STRATEGY_BLUE_GREEN",
    "STRATEGY_CANARY",
    "DeploymentReadiness",
    "FlaggerSpec",
    "FlaggerState",
    "FlaggerTick",
    "advance_canary",
    "analysis_interval_seconds",
    "analysis_threshold",
    "canary_weight_progression",
    "deployment_strategy",
    "flagger_max_weight",
    "is_deployment_ready",
    "mesh_routes",
    "next_step_weight",
    "scale_from_zero_replicas",
]

# ---------------------------------------------------------------------------------------
# Flagger: spec helpers (pkg/apis/flagger/v1beta1/canary.go, pkg/controller/scheduler.go)
# ---------------------------------------------------------------------------------------

FLAGGER_TOTAL_WEIGHT: Final = 100
DEFAULT_ANALYSIS_INTERVAL_SECONDS: Final = 60.0
MIN_ANALYSIS_INTERVAL_SECONDS: Final = 10.0
KUBERNETES_PROVIDER: Final = "kubernetes"
KUBERNETES_PROVIDER_ITERATIONS: Final = 10

STRATEGY_CANARY: Final = "canary"
STRATEGY_BLUE_GREEN: Final = "blue-green"
STRATEGY_AB_TESTING: Final = "ab-testing"

FLAGGER_INITIALIZING: Final = "Initializing"
FLAGGER_INITIALIZED: Final = "Initialized"
FLAGGER_WAITING: Final = "Waiting"
FLAGGER_PROGRESSING: Final = "Progressing"
FLAGGER_WAITING_PROMOTION: Final = "WaitingPromotion"
FLAGGER_PROMOTING: Final = "Promoting"
FLAGGER_FINALISING: Final = "Finalising"
FLAGGER_SUCCEEDED: Final = "Succeeded"
FLAGGER_FAILED: Final = "Failed"


def analysis_interval_seconds(interval: str | None) -> float:
    """``GetAnalysisInterval``: the tick period; empty or unparsable is 60 s,
    anything under 10 s is 10 s."""
    if not interval:
        return DEFAULT_ANALYSIS_INTERVAL_SECONDS
    try:
        seconds = parse_duration(interval)
    except ValueError:
        return DEFAULT_ANALYSIS_INTERVAL_SECONDS
    return max(seconds, MIN_ANALYSIS_INTERVAL_SECONDS)


def analysis_threshold(threshold: int) -> int:
    """``GetAnalysisThreshold``: failed checks before rollback; 1 when not positive."""
    return threshold if threshold > 0 else 1


def deployment_strategy(iterations: int = 0, has_match: bool = False) -> str:
    """``Canary.DeploymentStrategy``: ab-testing (iterations and match), blue-green
    (iterations), else canary (also for a missing or empty analysis)."""
    if iterations > 0:
        return STRATEGY_AB_TESTING if has_match else STRATEGY_BLUE_GREEN
    return STRATEGY_CANARY


def flagger_max_weight(step_weights: Sequence[int], max_weight: int) -> int:
    """``Controller.maxWeight``: min(100, last stepWeight) with a ladder, else
    maxWeight if positive, else 100."""
    if step_weights:
        return min(FLAGGER_TOTAL_WEIGHT, step_weights[-1])
    return max_weight if max_weight > 0 else FLAGGER_TOTAL_WEIGHT


def next_step_weight(canary_weight: int, step_weight: int, step_weights: Sequence[int]) -> int:
    """``Controller.nextStepWeight``: how far the next passing tick moves the canary.

    ``step_weight`` when positive or without a ladder; else 1 at full weight
    (only to trigger promotion), the first rung from 0, the gap to the next
    rung from a rung, and all remaining room from an off-ladder weight.
    """
    if step_weight > 0 or not step_weights:
        return step_weight
    room = FLAGGER_TOTAL_WEIGHT - canary_weight
    if room == 0:
        return 1
    if canary_weight == 0:
        return min(room, step_weights[0])
    for rung, following in pairwise(step_weights):
        if rung == canary_weight:
            return min(room, following - canary_weight)
    return room


def canary_weight_progression(
    step_weight: int, step_weights: Sequence[int], max_weight: int
) -> list[int]:
    """The canary weights of a run without mirroring, from 0, one per passing tick.

    Follows ``Controller.runCanary``: while below the max weight the canary
    gains ``next_step_weight`` (capped at 100, not at the max weight, so it
    can overshoot); the last entry is the first weight at or above the max,
    from which the next tick promotes. A zero step never advances: ``[0]``; a
    maxWeight above 100 stops at 100, where Flagger stays without promoting.
    """
    maximum = flagger_max_weight(step_weights, max_weight)
    weights = [0]
    while weights[-1] < maximum:
        step = next_step_weight(weights[-1], step_weight, step_weights)
        # A weight capped at 100 below a maxWeight above 100 never moves again: Flagger
        # keeps ticking there without promoting, so the progression ends at 100.
        if step <= 0 or weights[-1] >= FLAGGER_TOTAL_WEIGHT:
            break
        weights.append(min(FLAGGER_TOTAL_WEIGHT, weights[-1] + step))
    return weights


def scale_from_zero_replicas(
    target_replicas: int | None,
    primary_replicas: int | None,
    *,
    autoscaler_min_replicas: int | None = None,
) -> int:
    """``ScaleFromZero``: the canary's size when a run starts.

    Its own spec.replicas if positive; else, without an autoscaler, the
    primary's if positive; else, with an autoscaler, its minReplicas if above
    1; else 1.
    """
    if target_replicas is not None and target_replicas > 0:
        return target_replicas
    if autoscaler_min_replicas is None:
        if primary_replicas is not None and primary_replicas > 0:
            return primary_replicas
    elif autoscaler_min_replicas > 1:
        return autoscaler_min_replicas
    return 1


# ---------------------------------------------------------------------------------------
# Flagger: one scheduler tick (pkg/controller/scheduler.go advanceCanary)
# ---------------------------------------------------------------------------------------

#: Workload readiness as a tick sees it: ready, not ready (retry next tick), or
#: failed (non-retriable: past its progress deadline).
READY: Final = "ready"
NOT_READY: Final = "not-ready"
FAILED: Final = "failed"


@dataclass(frozen=True)
class FlaggerSpec:
    """The Canary spec knobs a tick reads (``spec.analysis`` plus skip/suspend/provider).

    ``match`` is "analysis.match is non-empty"; ``threshold`` 0 means the default 1.
    """

    threshold: int = 0
    step_weight: int = 0
    step_weights: tuple[int, ...] = ()
    max_weight: int = 0
    step_weight_promotion: int = 0
    iterations: int = 0
    match: bool = False
    mirror: bool = False
    skip_analysis: bool = False
    suspend: bool = False
    provider: str = ""


@dataclass(frozen=True)
class FlaggerState:
    """Canary status plus what the tick owns outside it.

    ``phase``/``canary_weight``/``failed_checks``/``iterations`` are status;
    ``last_applied_revision`` stands for ``lastAppliedSpec`` (the target
    revision last synced); ``primary_revision`` is the revision the primary
    runs; ``primary_route``/``canary_route``/``mirrored`` are the router's
    weights; ``canary_scaled_up`` is whether the canary workload has replicas.
    """

    phase: str = ""
    canary_weight: int = 0
    failed_checks: int = 0
    iterations: int = 0
    last_applied_revision: int | None = None
    primary_revision: int | None = None
    primary_route: int = FLAGGER_TOTAL_WEIGHT
    canary_route: int = 0
    mirrored: bool = False
    canary_scaled_up: bool = False


@dataclass(frozen=True)
class FlaggerTick:
    """What one tick observes: the target's revision, workload readiness
    (``READY``/``NOT_READY``/``FAILED``) and the outcome of each gate.

    ``checks_pass`` covers rollout webhooks and metrics; ``pre_rollout_pass``
    the pre-rollout webhooks; ``rollback`` is a rollback webhook signalling.
    """

    target_revision: int = 0
    primary: str = READY
    canary: str = READY
    checks_pass: bool = True
    pre_rollout_pass: bool = True
    confirm_rollout: bool = True
    confirm_traffic_increase: bool = True
    confirm_promotion: bool = True
    rollback: bool = False


def _set_phase(state: FlaggerState, phase: str, iterations: int) -> FlaggerState:
    """``SetStatusPhase``: phases other than Progressing/Waiting/Promoting clear the
    weight and iterations; WaitingPromotion sets iterations to ``iterations - 1``."""
    if phase in (FLAGGER_PROGRESSING, FLAGGER_WAITING, FLAGGER_PROMOTING):
        return replace(state, phase=phase)
    kept = iterations - 1 if phase == FLAGGER_WAITING_PROMOTION else 0
    return replace(state, phase=phase, canary_weight=0, iterations=kept)


def _sync_status(
    state: FlaggerState, tick: FlaggerTick, phase: str, canary_weight: int = 0
) -> FlaggerState:
    """``SyncStatus``: phase, weight, failed checks and iterations together, and
    lastAppliedSpec := the target's current revision."""
    return replace(
        state,
        phase=phase,
        canary_weight=canary_weight,
        failed_checks=0,
        iterations=0,
        last_applied_revision=tick.target_revision,
    )


def _routes(state: FlaggerState, primary: int, canary: int, mirrored: bool = False) -> FlaggerState:
    return replace(state, primary_route=primary, canary_route=canary, mirrored=mirrored)


def _rollback(state: FlaggerState, tick: FlaggerTick) -> FlaggerState:
    """``Controller.rollback``: all traffic to the primary, canary to zero, Failed."""
    state = replace(_routes(state, FLAGGER_TOTAL_WEIGHT, 0), canary_scaled_up=False)
    return _sync_status(state, tick, FLAGGER_FAILED)


def _promotion_gate_closed(state: FlaggerState, iterations: int) -> FlaggerState:
    if state.phase == FLAGGER_WAITING_PROMOTION:
        return state
    return _set_phase(state, FLAGGER_WAITING_PROMOTION, iterations)


def _promote(state: FlaggerState, tick: FlaggerTick, iterations: int) -> FlaggerState:
    """``Promote`` (copy the canary spec to the primary), then phase Promoting."""
    return _set_phase(
        replace(state, primary_revision=tick.target_revision), FLAGGER_PROMOTING, iterations
    )


def _run_canary(
    state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick, iterations: int
) -> FlaggerState:
    """``Controller.runCanary`` behind the nextStepWeight and traffic-increase gates."""
    step = next_step_weight(state.canary_route, spec.step_weight, spec.step_weights)
    if step <= 0:
        return state
    gated = state.phase not in (FLAGGER_PROMOTING, FLAGGER_WAITING_PROMOTION, FLAGGER_FINALISING)
    if not state.mirrored and gated and not tick.confirm_traffic_increase:
        return state
    if state.canary_route < flagger_max_weight(spec.step_weights, spec.max_weight):
        if spec.mirror and state.canary_route == 0:
            if not state.mirrored:
                state = _routes(state, FLAGGER_TOTAL_WEIGHT, 0, mirrored=True)
            else:
                state = _routes(state, FLAGGER_TOTAL_WEIGHT - step, step)
        else:
            state = _routes(
                state,
                max(0, state.primary_route - step),
                min(FLAGGER_TOTAL_WEIGHT, state.canary_route + step),
            )
        return replace(state, canary_weight=state.canary_route)
    if not tick.confirm_promotion:
        return _promotion_gate_closed(state, iterations)
    return _promote(state, tick, iterations)


def _run_blue_green(
    state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick, iterations: int
) -> FlaggerState:
    """``Controller.runBlueGreen``: count iterations, then route all to the canary, then promote."""
    if iterations > state.iterations:
        if spec.provider != KUBERNETES_PROVIDER and spec.mirror and not state.mirrored:
            state = _routes(state, FLAGGER_TOTAL_WEIGHT, 0, mirrored=True)
        return replace(state, iterations=state.iterations + 1)
    if not tick.confirm_promotion:
        return _promotion_gate_closed(state, iterations)
    if iterations == state.iterations:
        if spec.provider != KUBERNETES_PROVIDER:
            state = _routes(state, 0, FLAGGER_TOTAL_WEIGHT)
        return replace(state, iterations=state.iterations + 1)
    return _promote(state, tick, iterations)


def _run_ab(state: FlaggerState, tick: FlaggerTick, iterations: int) -> FlaggerState:
    """``Controller.runAB``: matched traffic to the canary per iteration, then promote."""
    if iterations > state.iterations:
        state = _routes(state, 0, FLAGGER_TOTAL_WEIGHT)
        return replace(state, iterations=state.iterations + 1)
    if not tick.confirm_promotion:
        return _promotion_gate_closed(state, iterations)
    if iterations == state.iterations:
        return _promote(state, tick, iterations)
    return state


def _promotion_traffic_shift(
    state: FlaggerState, spec: FlaggerSpec, iterations: int
) -> FlaggerState:
    """``Controller.runPromotionTrafficShift``: traffic back to the primary, then Finalising."""
    if spec.provider == KUBERNETES_PROVIDER:
        return _set_phase(state, FLAGGER_FINALISING, iterations)
    if spec.step_weight_promotion == 0:
        return _set_phase(_routes(state, FLAGGER_TOTAL_WEIGHT, 0), FLAGGER_FINALISING, iterations)
    if state.canary_route <= 0:
        return state
    primary = min(FLAGGER_TOTAL_WEIGHT, state.primary_route + spec.step_weight_promotion)
    canary = max(0, state.canary_route - spec.step_weight_promotion)
    state = _routes(state, primary, canary)
    if primary == FLAGGER_TOTAL_WEIGHT:
        return _set_phase(state, FLAGGER_FINALISING, iterations)
    return replace(state, canary_weight=canary)


_ADVANCING: Final = (
    FLAGGER_PROGRESSING,
    FLAGGER_WAITING,
    FLAGGER_WAITING_PROMOTION,
    FLAGGER_PROMOTING,
    FLAGGER_FINALISING,
)
_IN_RUN: Final = (
    FLAGGER_PROGRESSING,
    FLAGGER_WAITING_PROMOTION,
    FLAGGER_PROMOTING,
    FLAGGER_FINALISING,
)


def advance_canary(state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick) -> FlaggerState:
    """``Controller.advanceCanary``: one scheduler tick, at most one transition.

    In order: suspend; ``setPhaseInitialized``; ``shouldAdvance`` (a run is
    active or the target changed); a ready primary; ``checkCanaryStatus`` for a
    new run; ``hasCanaryRevisionChanged``; a ready canary;
    ``shouldSkipAnalysis``; then the run itself (``_advance_run``).
    """
    if spec.suspend:
        return state
    phase = state.phase
    if phase in ("", FLAGGER_INITIALIZING):
        return _set_phase_initialized(state, spec, tick)
    target_changed = tick.target_revision != state.last_applied_revision
    if phase not in _ADVANCING and not target_changed:
        return state
    if not spec.skip_analysis:
        if tick.primary == NOT_READY:
            return state
        if tick.primary == FAILED:
            return _primary_failed(state, tick)
    if phase not in _IN_RUN:
        return _check_canary_status(state, spec, tick)
    if phase in (FLAGGER_PROGRESSING, FLAGGER_WAITING_PROMOTION) and target_changed:
        # hasCanaryRevisionChanged: all traffic back to the primary, a fresh run.
        return _sync_status(_routes(state, FLAGGER_TOTAL_WEIGHT, 0), tick, FLAGGER_PROGRESSING)
    if tick.canary == NOT_READY:
        return state
    iterations, has_match = _strategy_iterations(spec)
    if spec.skip_analysis:
        return _skip_analysis(state, tick, iterations)
    return _advance_run(state, spec, tick, iterations, has_match)


def _set_phase_initialized(
    state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick
) -> FlaggerState:
    """``setPhaseInitialized``: once the primary is ready (or analysis is skipped), all
    traffic to the primary, which runs the target's revision, and phase Initialized."""
    if not spec.skip_analysis and tick.primary != READY:
        return state
    state = replace(
        _routes(state, FLAGGER_TOTAL_WEIGHT, 0),
        canary_scaled_up=False,
        primary_revision=tick.target_revision,
    )
    return _sync_status(state, tick, FLAGGER_INITIALIZED)


def _primary_failed(state: FlaggerState, tick: FlaggerTick) -> FlaggerState:
    """A failed primary rolls back, except while Promoting/Finalising, when the canary is
    the only healthy copy (``handleFailedPromotion``): all traffic to the canary, Failed
    with weight 100, canary left up."""
    if state.phase in (FLAGGER_PROMOTING, FLAGGER_FINALISING):
        failed = _routes(state, 0, FLAGGER_TOTAL_WEIGHT)
        return _sync_status(failed, tick, FLAGGER_FAILED, canary_weight=FLAGGER_TOTAL_WEIGHT)
    return _rollback(state, tick)


def _check_canary_status(state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick) -> FlaggerState:
    """``checkCanaryStatus`` for a new run: behind the confirm-rollout gate (Waiting),
    scale the canary up and sync Progressing; nothing else happens this tick."""
    if not tick.confirm_rollout:
        if state.phase == FLAGGER_WAITING:
            return state
        return _set_phase(state, FLAGGER_WAITING, spec.iterations)
    return replace(_sync_status(state, tick, FLAGGER_PROGRESSING), canary_scaled_up=True)


def _strategy_iterations(spec: FlaggerSpec) -> tuple[int, bool]:
    """(iterations, has match) the run uses: the Kubernetes provider cannot route by
    header or weight, so it drops the match and, without iterations, runs 10."""
    if spec.provider != KUBERNETES_PROVIDER:
        return spec.iterations, spec.match
    return spec.iterations if spec.iterations >= 1 else KUBERNETES_PROVIDER_ITERATIONS, False


def _skip_analysis(state: FlaggerState, tick: FlaggerTick, iterations: int) -> FlaggerState:
    """``shouldSkipAnalysis``: roll back a failed canary, else promote at once: all traffic
    to the primary, which takes the canary's revision, canary scaled down, Succeeded."""
    if tick.canary == FAILED:
        return _rollback(state, tick)
    state = replace(
        _routes(state, FLAGGER_TOTAL_WEIGHT, 0),
        primary_revision=tick.target_revision,
        canary_scaled_up=False,
    )
    return _set_phase(state, FLAGGER_SUCCEEDED, iterations)


def _advance_run(
    state: FlaggerState, spec: FlaggerSpec, tick: FlaggerTick, iterations: int, has_match: bool
) -> FlaggerState:
    """The rest of ``advanceCanary`` for a run under analysis: rollback webhooks;
    Promoting shifts traffic back; Finalising succeeds; a failed canary or the
    failed-checks threshold (before this tick's checks) rolls back; then
    ``runAnalysis`` (pre-rollout webhooks while no traffic has moved, else the
    checks: a failure only counts) and one step of A/B, blue-green or canary."""
    phase = state.phase
    if phase in (FLAGGER_PROGRESSING, FLAGGER_WAITING, FLAGGER_WAITING_PROMOTION) and tick.rollback:
        return _rollback(state, tick)
    if phase == FLAGGER_PROMOTING:
        return _promotion_traffic_shift(state, spec, iterations)
    if phase == FLAGGER_FINALISING:
        return _set_phase(replace(state, canary_scaled_up=False), FLAGGER_SUCCEEDED, iterations)
    if tick.canary == FAILED or state.failed_checks >= analysis_threshold(spec.threshold):
        return _rollback(state, tick)
    first_check = (
        state.canary_route == 0 and state.iterations == 0 and not (spec.mirror and state.mirrored)
    )
    passed = tick.pre_rollout_pass if first_check else tick.checks_pass
    if not passed:
        return replace(state, failed_checks=state.failed_checks + 1)
    if has_match and iterations > 0:
        return _run_ab(state, tick, iterations)
    if iterations > 0:
        return _run_blue_green(state, spec, tick, iterations)
    return _run_canary(state, spec, tick, iterations)


def _istio_string_match(wire: Any) -> StringMatch:
    fields = wire if isinstance(wire, dict) else {}
    return StringMatch(
        str(fields.get("exact", "")), str(fields.get("prefix", "")), str(fields.get("regex", ""))
    )


def _http_match(wire: Any) -> RequestMatch:
    """One ``analysis.match`` entry, an Istio ``HTTPMatchRequest``: its ``headers`` (a
    cookie is matched as the ``cookie`` header, as Flagger's examples write it),
    ``uri`` and ``method``."""
    fields = wire if isinstance(wire, dict) else {}
    headers = fields.get("headers")
    return RequestMatch(
        headers=tuple(
            (str(name).lower(), _istio_string_match(value))
            for name, value in (headers.items() if isinstance(headers, dict) else ())
        ),
        method=_istio_string_match(fields["method"]) if "method" in fields else None,
        path=_istio_string_match(fields["uri"]) if "uri" in fields else None,
    )


def mesh_routes(
    state: FlaggerState, spec: FlaggerSpec, match: Sequence[Any], mirror_weight: int
) -> tuple[float, tuple[ManagedRoute, ...]]:
    """The canary weight of the apex route and the routes ahead of it, as the mesh
    router's ``SetRoutes`` writes them (pkg/router/istio.go): with ``analysis.match``
    (A/B), the matching requests get the primary/canary weights and the rest all go
    to the primary; otherwise the weights, with, while ``mirrored``, a copy of
    ``mirrorWeight`` percent of the requests (all when 0) sent to the canary. The
    Kubernetes provider has no router: it drops the match."""
    weight = state.canary_route / FLAGGER_TOTAL_WEIGHT
    if match and spec.provider != KUBERNETES_PROVIDER:
        ab = ManagedRoute("ab-testing", tuple(_http_match(m) for m in match), weight=weight)
        return 0.0, (ab,)
    if state.mirrored:
        share = mirror_weight / FLAGGER_TOTAL_WEIGHT if mirror_weight > 0 else 1.0
        return weight, (ManagedRoute("mirror", (), weight=None, mirror=share),)
    return weight, ()
