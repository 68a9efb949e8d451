"""Argo Rollouts' blue-green replica arithmetic: the preview's size and when to pause.

Mirrors the blue-green branch of utils/replicaset/replicaset.go
``NewRSNewReplicas`` (previewReplicaCount until the scale-up checkpoint) and
utils/replicaset/bluegreen.go ``ReadyForPause``, as pure functions of plain
values like the canary arithmetic in ``replicas``.
"""

from __future__ import annotations

from collections.abc import Collection

from rollsim.controllers.rollout.replicas import ReplicaSetCounts

__all__ = ["blue_green_new_rs_new_replicas", "ready_for_pause"]


def blue_green_new_rs_new_replicas(
    spec_replicas: int,
    preview_replica_count: int | None,
    *,
    new_rs_hash: str,
    active_selector: str,
    rs_hashes: Collection[str],
    current_pod_hash: str,
    promote_full: bool = False,
    spec_paused: bool = False,
    has_pause_conditions: bool = False,
    scale_up_preview_checkpoint: bool = False,
) -> int:
    """``NewRSNewReplicas`` for blue-green: the new RS's size, honouring previewReplicaCount.

    ``rs_hashes`` are the pod-template hashes of all the rollout's ReplicaSets
    (the active RS is the one whose hash equals ``active_selector``). Full
    size without previewReplicaCount, with no active RS or when the new RS is
    active, and on promoteFull; the preview count for a new update (new hash
    not yet ``current_pod_hash``); full once past the scale-up checkpoint and
    not paused; the preview count otherwise.
    """
    if preview_replica_count is None:
        return spec_replicas
    active_exists = bool(active_selector) and active_selector in rs_hashes
    if not active_exists or active_selector == new_rs_hash or promote_full:
        return spec_replicas
    if new_rs_hash != current_pod_hash:
        return preview_replica_count
    if not spec_paused and not has_pause_conditions and scale_up_preview_checkpoint:
        return spec_replicas
    return preview_replica_count


def ready_for_pause(new_rs: ReplicaSetCounts | None, desired_new_replicas: int | None) -> bool:
    """``ReadyForPause``: the new RS's spec and available both equal its desired size.

    ``desired_new_replicas`` is ``None`` when it cannot be computed (upstream's
    "no rollout strategy" error), which is never ready.
    """
    if desired_new_replicas is None or new_rs is None:
        return False
    return (
        new_rs.replicas == desired_new_replicas
        and new_rs.available_replicas == desired_new_replicas
    )
