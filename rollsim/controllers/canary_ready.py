"""Flagger's readiness check of the primary and canary Deployments, as a pure function.

Mirrors pkg/canary/deployment_ready.go (``DeploymentController.isDeploymentReady``
and ``readyThresholdUpdatedReplicas``): upstream keeps it in the canary package,
apart from the scheduler, and so does rollsim. ``rollsim.controllers.canary``
reads a Deployment's status and conditions into the arguments; the scheduler
(``canary_scheduler``) takes the answer in as a tick's readiness.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

__all__ = ["DeploymentReadiness", "is_deployment_ready"]

#: The Deployment Progressing condition's reason past progressDeadlineSeconds, which
#: Flagger compares as a literal (Kubernetes' ``TimedOutReason``).
_PROGRESS_DEADLINE_EXCEEDED: Final = "ProgressDeadlineExceeded"


@dataclass(frozen=True)
class DeploymentReadiness:
    """``isDeploymentReady``'s answer: ``retriable`` False means roll back."""

    ready: bool
    retriable: bool
    message: str = ""


def _float32(value: float) -> float:
    """``value`` rounded to a Go ``float32``."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


def is_deployment_ready(
    *,
    generation: int,
    observed_generation: int,
    spec_replicas: int | None,
    status_replicas: int,
    updated_replicas: int,
    available_replicas: int,
    deadline_seconds: int,
    ready_threshold: int = 100,
    progressing_reason: str | None = None,
    min_replicas_unavailable_for: float | None = None,
) -> DeploymentReadiness:
    """``DeploymentController.isDeploymentReady`` for the primary or the canary.

    ``progressing_reason`` is the Progressing condition's reason (``None``: no
    such condition); ``min_replicas_unavailable_for`` is how long (seconds)
    an ``Available=False/MinimumReplicasUnavailable`` condition has stood since
    its lastUpdateTime (``None``: no such condition). That condition lasting
    longer than ``deadline_seconds`` (with a Progressing condition present), or
    a ``ProgressDeadlineExceeded`` Progressing reason, makes it non-retriable.
    The ready count is ``_ready_threshold_updated_replicas``.
    """
    if generation > observed_generation:
        return DeploymentReadiness(
            False,
            True,
            "waiting for rollout to finish: observed "
            "deployment generation less than desired generation",
        )
    stuck = (
        progressing_reason is not None
        and min_replicas_unavailable_for is not None
        and min_replicas_unavailable_for > deadline_seconds
    )
    ready_count = _ready_threshold_updated_replicas(updated_replicas, ready_threshold)
    if progressing_reason == _PROGRESS_DEADLINE_EXCEEDED:
        return DeploymentReadiness(False, False, "deployment exceeded its progress deadline")
    if spec_replicas is not None and updated_replicas < spec_replicas:
        waiting = f"{updated_replicas} out of {spec_replicas} new replicas have been updated"
    elif status_replicas > updated_replicas:
        waiting = f"{status_replicas - updated_replicas} old replicas are pending termination"
    elif available_replicas < ready_count:
        waiting = (
            f"{available_replicas} of {ready_count} (readyThreshold {ready_threshold}%) "
            "updated replicas are available"
        )
    else:
        return DeploymentReadiness(True, True)
    return DeploymentReadiness(False, not stuck, f"waiting for rollout to finish: {waiting}")


def _ready_threshold_updated_replicas(updated_replicas: int, ready_threshold: int) -> int:
    """``readyThresholdUpdatedReplicas``: ``int32(float32(updated) * (float32(threshold) /
    float32(100)))``, in float32 as upstream computes it."""
    ratio = _float32(_float32(float(ready_threshold)) / _float32(100.0))
    return int(_float32(_float32(float(updated_replicas)) * ratio))
