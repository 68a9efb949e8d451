"""Argo Rollouts' defaults for unset spec fields, as pure functions.

Mirrors utils/defaults/defaults.go (the ``Default*`` constants,
``GetReplicasOrDefault``, ``GetScaleDownDelaySecondsOrDefault``,
``GetAbortScaleDownDelaySecondsOrDefault``) and the 100 of
utils/weightutil/weight.go ``MaxTrafficWeight``. Upstream reads the strategy
off the Rollout; here the caller says which applies: ``blue_green`` for
``spec.strategy.blueGreen``, ``traffic_routing`` for a canary with
``trafficRouting``.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS",
    "DEFAULT_MAX_SURGE",
    "DEFAULT_MAX_TRAFFIC_WEIGHT",
    "DEFAULT_MAX_UNAVAILABLE",
    "DEFAULT_PROGRESS_DEADLINE_SECONDS",
    "DEFAULT_REPLICAS",
    "DEFAULT_SCALE_DOWN_DELAY_SECONDS",
    "abort_scale_down_delay_seconds_or_default",
    "replicas_or_default",
    "scale_down_delay_seconds_or_default",
]

DEFAULT_REPLICAS: Final = 1
#: ``GetMaxSurgeOrDefault``/``GetMaxUnavailableOrDefault``: 25% of spec.replicas.
DEFAULT_MAX_SURGE: Final = "25%"
DEFAULT_MAX_UNAVAILABLE: Final = "25%"
DEFAULT_MAX_TRAFFIC_WEIGHT: Final = 100
DEFAULT_SCALE_DOWN_DELAY_SECONDS: Final = 30
DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS: Final = 30
DEFAULT_PROGRESS_DEADLINE_SECONDS: Final = 600


def replicas_or_default(replicas: int | None) -> int:
    """``GetReplicasOrDefault``: a nil ``spec.replicas`` means 1."""
    return DEFAULT_REPLICAS if replicas is None else replicas


def scale_down_delay_seconds_or_default(
    scale_down_delay_seconds: int | None, *, blue_green: bool = False, traffic_routing: bool = False
) -> int:
    """``GetScaleDownDelaySecondsOrDefault``: the delay before the previous stable (or
    active) ReplicaSet scales down; 30 s for blue-green and a routed canary, 0 for a
    basic canary, whose old pods carry no traffic of their own."""
    if blue_green or traffic_routing:
        if scale_down_delay_seconds is None:
            return DEFAULT_SCALE_DOWN_DELAY_SECONDS
        return scale_down_delay_seconds
    return 0


def abort_scale_down_delay_seconds_or_default(
    abort_scale_down_delay_seconds: int | None,
    *,
    blue_green: bool = False,
    traffic_routing: bool = False,
) -> tuple[int | None, bool]:
    """``GetAbortScaleDownDelaySecondsOrDefault``: (delay, explicitly set) before an
    aborted canary or preview scales down.

    ``None`` delay means "never scale down" (an explicit 0). Blue-green and a
    routed canary default to 30 s; a basic canary is always 0 s.
    """
    if not (blue_green or traffic_routing):
        return 0, False
    if abort_scale_down_delay_seconds is None:
        return DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS, False
    if abort_scale_down_delay_seconds == 0:
        return None, True
    return abort_scale_down_delay_seconds, True
