"""Argo Rollouts' client-side phase: what ``kubectl argo rollouts`` shows as the status.

Mirrors utils/rollout/rolloututil.go ``GetRolloutPhase`` and
``isGenerationObserved``: an unobserved spec change or an unpause in flight
reads as Progressing before the controller's own ``status.phase`` counts.
The controller-side ``CalculateRolloutPhase`` of the same upstream file is
``replicas.calculate_rollout_phase``, beside the counts it reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from rollsim.api.duration import parse_int
from rollsim.controllers.rollout.conditions import PHASE_PROGRESSING

__all__ = ["get_rollout_phase", "is_generation_observed"]


def is_generation_observed(generation: int, observed_generation: str) -> bool:
    """``isGenerationObserved``: a non-numeric (legacy hash) or larger observed
    generation counts as observed; otherwise it must equal ``generation``."""
    observed = parse_int(observed_generation)
    if observed is None:
        return True
    return observed >= generation


def get_rollout_phase(
    *,
    generation: int,
    observed_generation: str,
    controller_pause: bool,
    pause_conditions: Sequence[str],
    status_phase: str,
    status_message: str,
    calculated: tuple[str, str],
) -> tuple[str, str]:
    """``GetRolloutPhase``: the client-side view of the phase.

    Progressing while the spec change is unobserved or while unpausing
    (controllerPause with no pause condition left); then the controller's
    ``status.phase``/``message``; for a status without a phase, ``calculated``
    (the caller's ``calculate_rollout_phase`` answer).
    """
    if not is_generation_observed(generation, observed_generation):
        return PHASE_PROGRESSING, "waiting for rollout spec update to be observed"
    if controller_pause and not pause_conditions:
        return PHASE_PROGRESSING, "waiting for rollout to unpause"
    if status_phase:
        return status_phase, status_message
    return calculated
