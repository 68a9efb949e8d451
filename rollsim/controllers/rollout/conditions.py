"""The strings a Rollout's status carries: phases, pause reasons and condition reasons.

Mirrors pkg/apis/rollouts/v1alpha1/types.go (``RolloutPhase``, ``PauseReason``,
the ``InvalidSpec`` condition type) and utils/conditions/conditions.go (the
``RolloutAbortedReason`` and ``TimedOutReason`` condition reasons), so the
phase calculation and the strategies compare against one spelling.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "INVALID_SPEC",
    "PAUSE_REASON_BLUE_GREEN",
    "PAUSE_REASON_CANARY_STEP",
    "PAUSE_REASON_INCONCLUSIVE_ANALYSIS",
    "PAUSE_REASON_INCONCLUSIVE_EXPERIMENT",
    "PHASE_DEGRADED",
    "PHASE_HEALTHY",
    "PHASE_PAUSED",
    "PHASE_PROGRESSING",
    "ROLLOUT_ABORTED_REASON",
    "TIMED_OUT_REASON",
]

PHASE_HEALTHY: Final = "Healthy"
PHASE_PROGRESSING: Final = "Progressing"
PHASE_PAUSED: Final = "Paused"
PHASE_DEGRADED: Final = "Degraded"

INVALID_SPEC: Final = "InvalidSpec"
ROLLOUT_ABORTED_REASON: Final = "RolloutAborted"
TIMED_OUT_REASON: Final = "ProgressDeadlineExceeded"

PAUSE_REASON_CANARY_STEP: Final = "CanaryPauseStep"
PAUSE_REASON_BLUE_GREEN: Final = "BlueGreenPause"
PAUSE_REASON_INCONCLUSIVE_ANALYSIS: Final = "InconclusiveAnalysisRun"
PAUSE_REASON_INCONCLUSIVE_EXPERIMENT: Final = "InconclusiveExperiment"
