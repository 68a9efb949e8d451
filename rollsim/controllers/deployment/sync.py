"""Finding and creating the new ReplicaSet, scaling events, history cleanup, status.

Mirrors pkg/controller/deployment/sync.go: ``sync``, ``isScalingEvent``,
``getAllReplicaSetsAndSyncRevision``, ``getNewReplicaSet``, ``scale``,
``scaleReplicaSet``, ``cleanupDeployment``, ``calculateStatus`` and
``syncDeploymentStatus``. The decisions are pure functions
(``proportional_scale_targets``, ``replica_sets_to_clean_up``,
``calculate_status``); the functions taking ``dc`` write through it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rollsim.api.apps import Deployment, DeploymentStatus, ReplicaSet, ReplicaSetSpec
from rollsim.api.meta import LabelSelector, ObjectMeta, OwnerReference, controller_of
from rollsim.controllers.controller_utils import (
    compute_hash,
    filter_active_replica_sets,
    replica_sets_by_creation,
    replica_sets_by_size_newer,
    replica_sets_by_size_older,
)
from rollsim.controllers.deployment import util

if TYPE_CHECKING:
    from rollsim.controllers.deployment.controller import DeploymentController

__all__ = [
    "calculate_status",
    "find_active_or_latest",
    "get_all_replica_sets_and_sync_revision",
    "is_scaling_event",
    "proportional_scale_targets",
    "replica_sets_to_clean_up",
    "scale",
    "scale_replica_set",
    "sync",
    "sync_deployment_status",
]


def find_active_or_latest(
    new_rs: ReplicaSet | None, old_rss: Sequence[ReplicaSet]
) -> ReplicaSet | None:
    """``FindActiveOrLatest``: the only active RS, or the newest when none is active."""
    if new_rs is None and not old_rss:
        return None
    newest_first = list(reversed(replica_sets_by_creation(old_rss)))
    active = filter_active_replica_sets([*newest_first, new_rs])
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    if len(active) == 1:
        return active[0]
    return None


def proportional_scale_targets(
    d: Deployment,
    new_rs: ReplicaSet | None,
    old_rss: Sequence[ReplicaSet],
) -> tuple[list[tuple[ReplicaSet, int]], str | None]:
    """The sizes ``scale`` writes, in write order, and the proportional scaling direction.

    Returns (rs, new size) for every RS it touches, and ``"up"``, ``"down"``
    or ``""`` when the sizes come from proportional scaling (``None`` otherwise).

    One active RS (or none) is scaled to ``replicas``; a saturated new RS
    drains the old ones; otherwise, for RollingUpdate, the difference to
    replicas + maxSurge is shared in proportion to each RS's size, largest
    first (newer first when growing, older first when shrinking), with the
    leftover going to the first. Every active RS is written in that case,
    which refreshes its replica annotations even if its size is unchanged.
    """
    target = find_active_or_latest(new_rs, old_rss)
    if target is not None:
        return ([] if target.replicas == d.replicas else [(target, d.replicas)]), None
    if util.is_saturated(d, new_rs):
        return [(rs, 0) for rs in filter_active_replica_sets(old_rss)], None
    if not util.is_rolling_update(d):
        return [], None
    newest_old_first = list(reversed(replica_sets_by_creation(old_rss)))
    active = filter_active_replica_sets([*newest_old_first, new_rs])
    allowed = d.replicas + util.max_surge(d) if d.replicas > 0 else 0
    to_add = allowed - util.get_replica_count(active)
    operation = ""
    if to_add > 0:
        active = replica_sets_by_size_newer(active)
        operation = "up"
    elif to_add < 0:
        active = replica_sets_by_size_older(active)
        operation = "down"
    sizes: list[int] = []
    added = 0
    for rs in active:
        if to_add != 0:
            proportion = util.get_proportion(rs, d, to_add, added)
            sizes.append(rs.replicas + proportion)
            added += proportion
        else:
            sizes.append(rs.replicas)
    if active and to_add != 0:
        sizes[0] = max(0, sizes[0] + to_add - added)
    return list(zip(active, sizes, strict=True)), operation


def scale(
    dc: DeploymentController,
    d: Deployment,
    new_rs: ReplicaSet | None,
    old_rss: Sequence[ReplicaSet],
) -> None:
    """``scale``: apply ``proportional_scale_targets`` through the API."""
    targets, operation = proportional_scale_targets(d, new_rs, old_rss)
    for rs, size in targets:
        if operation is None:
            scale_replica_set_and_record_event(dc, rs, size, d)
        else:
            scale_replica_set(dc, rs, size, d, operation)


def scale_replica_set_and_record_event(
    dc: DeploymentController, rs: ReplicaSet, new_scale: int, d: Deployment
) -> tuple[bool, ReplicaSet]:
    """``scaleReplicaSetAndRecordEvent``: nothing to do at the same size."""
    if rs.replicas == new_scale:
        return False, rs
    operation = "up" if rs.replicas < new_scale else "down"
    return scale_replica_set(dc, rs, new_scale, d, operation)


def scale_replica_set(
    dc: DeploymentController, rs: ReplicaSet, new_scale: int, d: Deployment, operation: str
) -> tuple[bool, ReplicaSet]:
    """``scaleReplicaSet``: write size and replica annotations; event when the size changed."""
    desired, maximum = d.replicas, d.replicas + util.max_surge(d)
    size_changed = rs.replicas != new_scale
    if not size_changed and not util.replicas_annotations_need_update(rs, desired, maximum):
        return False, rs
    old_scale = rs.replicas
    updated, _ = util.set_replicas_annotations(
        replace(rs, spec=replace(rs.spec, replicas=new_scale)), desired, maximum
    )
    updated = dc.update_replica_set(updated)
    if size_changed:
        dc.event(
            d,
            "Normal",
            "ScalingReplicaSet",
            f"Scaled {operation} replica set {rs.metadata.name} from {old_scale} to {new_scale}",
        )
    return size_changed, updated


def get_all_replica_sets_and_sync_revision(
    dc: DeploymentController,
    d: Deployment,
    rs_list: Sequence[ReplicaSet],
    create: bool,
) -> tuple[ReplicaSet | None, list[ReplicaSet], Deployment]:
    """``getAllReplicaSetsAndSyncRevision``: (new RS or None, all old RSs, deployment)."""
    _, all_old = util.find_old_replica_sets(d, rs_list)
    new_rs, d = _get_new_replica_set(dc, d, rs_list, all_old, create)
    return new_rs, all_old, d


def _get_new_replica_set(
    dc: DeploymentController,
    d: Deployment,
    rs_list: Sequence[ReplicaSet],
    old_rss: Sequence[ReplicaSet],
    create: bool,
) -> tuple[ReplicaSet | None, Deployment]:
    """``getNewReplicaSet``: sync the existing new RS's revision, or create it."""
    existing = util.find_new_replica_set(d, rs_list)
    new_revision = str(util.max_revision(old_rss) + 1)
    if existing is not None:
        updated, annotations_changed = util.set_new_replica_set_annotations(
            d, existing, new_revision, True
        )
        if annotations_changed or updated.spec.min_ready_seconds != d.spec.min_ready_seconds:
            updated = replace(
                updated, spec=replace(updated.spec, min_ready_seconds=d.spec.min_ready_seconds)
            )
            return dc.update_replica_set(updated), d
        d, needs_update = util.set_deployment_revision(
            d, updated.metadata.annotations.get(util.REVISION_ANNOTATION, "")
        )
        status = d.status
        if (
            util.has_progress_deadline(d)
            and util.get_deployment_condition(status, util.PROGRESSING) is None
        ):
            condition = util.new_deployment_condition(
                util.PROGRESSING,
                "True",
                util.FOUND_NEW_RS_REASON,
                f'Found new replica set "{updated.metadata.name}"',
                dc.now,
            )
            status = util.set_deployment_condition(status, condition)
            needs_update = True
        if needs_update:
            d = dc.update_status(replace(d, status=status))
        return updated, d
    if not create:
        return None, d
    return _create_new_replica_set(dc, d, old_rss, new_revision)


def _create_new_replica_set(
    dc: DeploymentController, d: Deployment, old_rss: Sequence[ReplicaSet], new_revision: str
) -> tuple[ReplicaSet | None, Deployment]:
    """The creating half of ``getNewReplicaSet`` (kubernetes/kubernetes
    pkg/controller/deployment/sync.go): create the new RS, or take the one already
    under its name when it is this deployment's with the same template.

    Any other RS under the name is a hash collision: ``(None, d)``, with the
    collision count raised and the deployment requeued so the next sync hashes
    to a new name.
    """
    new_rs, count = _replica_set_to_create(d, old_rss, new_revision)
    created = dc.create_replica_set(new_rs)
    already_exists = created is None
    if created is None:
        created = _own_replica_set_named(dc, d, new_rs.metadata.name)
        if created is None:
            count_before = d.status.collision_count or 0
            dc.update_status(replace(d, status=replace(d.status, collision_count=count_before + 1)))
            dc.requeue(d)
            return None, d
    if not already_exists and count > 0:
        dc.event(
            d,
            "Normal",
            "ScalingReplicaSet",
            f"Scaled up replica set {created.metadata.name} from 0 to {count}",
        )
    return created, _record_new_revision(dc, d, created, new_revision, already_exists)


def _replica_set_to_create(
    d: Deployment, old_rss: Sequence[ReplicaSet], new_revision: str
) -> tuple[ReplicaSet, int]:
    """The new RS for ``d``'s template and its replica count: the template's hash in its
    name, its pods' labels and its selector, so it selects only its own pods."""
    template = d.spec.template
    pod_hash = compute_hash(template, d.status.collision_count)
    labels = {**template.metadata.labels, util.POD_TEMPLATE_HASH_LABEL: pod_hash}
    template = replace(template, metadata=replace(template.metadata, labels=labels))
    selector = d.spec.selector or LabelSelector()
    selector = replace(
        selector, match_labels={**selector.match_labels, util.POD_TEMPLATE_HASH_LABEL: pod_hash}
    )
    owner = OwnerReference(
        api_version="apps/v1",
        kind="Deployment",
        name=d.metadata.name,
        uid=d.metadata.uid,
        controller=True,
        block_owner_deletion=True,
    )
    new_rs = ReplicaSet(
        metadata=ObjectMeta(
            name=util.generate_replica_set_name(d.metadata.name, pod_hash),
            namespace=d.metadata.namespace,
            labels=labels,
            owner_references=(owner,),
        ),
        spec=ReplicaSetSpec(
            replicas=0,
            min_ready_seconds=d.spec.min_ready_seconds,
            selector=selector,
            template=template,
        ),
    )
    count = util.new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
    new_rs = replace(new_rs, spec=replace(new_rs.spec, replicas=count))
    new_rs, _ = util.set_new_replica_set_annotations(d, new_rs, new_revision, False)
    return new_rs, count


def _own_replica_set_named(dc: DeploymentController, d: Deployment, name: str) -> ReplicaSet | None:
    """The RS already called ``name`` when it is ``d``'s own: controlled by ``d``, with
    ``d``'s template apart from the pod-template-hash label."""
    clash = dc.get_replica_set(d.metadata.namespace, name)
    owner_ref = controller_of(clash) if clash else None
    if (
        clash is not None
        and owner_ref is not None
        and owner_ref.uid == d.metadata.uid
        and util.equal_ignore_hash(d.spec.template, clash.spec.template)
    ):
        return clash
    return None


def _record_new_revision(
    dc: DeploymentController,
    d: Deployment,
    new_rs: ReplicaSet,
    new_revision: str,
    already_exists: bool,
) -> Deployment:
    """Write ``d``'s revision, and a NewReplicaSetCreated Progressing condition when
    ``new_rs`` was just created; returns ``d`` with them."""
    d, needs_update = util.set_deployment_revision(d, new_revision)
    status = d.status
    if not already_exists and util.has_progress_deadline(d):
        condition = util.new_deployment_condition(
            util.PROGRESSING,
            "True",
            util.NEW_RS_REASON,
            f'Created new replica set "{new_rs.metadata.name}"',
            dc.now,
        )
        status = util.set_deployment_condition(status, condition)
        needs_update = True
    if needs_update:
        d = dc.update_status(replace(d, status=status))
    return d


def is_scaling_event(
    dc: DeploymentController, d: Deployment, rs_list: Sequence[ReplicaSet]
) -> tuple[bool, Deployment]:
    """``isScalingEvent``: an active RS's desired-replicas annotation differs from replicas."""
    new_rs, old_rss, d = get_all_replica_sets_and_sync_revision(dc, d, rs_list, False)
    for rs in filter_active_replica_sets([*old_rss, new_rs]):
        desired, ok = util.desired_replicas_annotation(rs)
        if ok and desired != d.replicas:
            return True, d
    return False, d


def replica_sets_to_clean_up(old_rss: Sequence[ReplicaSet], d: Deployment) -> list[ReplicaSet]:
    """``cleanupDeployment``'s choice: of the surplus beyond revisionHistoryLimit, the
    lowest revisions that are fully scaled down; a skipped one is not replaced."""
    if not util.has_revision_history_limit(d):
        return []
    assert d.spec.revision_history_limit is not None
    alive = [rs for rs in old_rss if rs.metadata.deletion_timestamp is None]
    surplus = len(alive) - d.spec.revision_history_limit
    if surplus <= 0:
        return []
    by_creation = {id(rs): i for i, rs in enumerate(replica_sets_by_creation(alive))}

    def revision_or_none(rs: ReplicaSet) -> int | None:
        try:
            return util.revision(rs)
        except ValueError:
            return None

    def history_order(a: ReplicaSet, b: ReplicaSet) -> int:
        """``ReplicaSetsByRevision.Less``: by revision, by creation when either is
        unparseable or both are equal."""
        ra, rb = revision_or_none(a), revision_or_none(b)
        if ra is None or rb is None or ra == rb:
            return by_creation[id(a)] - by_creation[id(b)]
        return -1 if ra < rb else 1

    doomed = []
    for rs in sorted(alive, key=functools.cmp_to_key(history_order))[:surplus]:
        if (
            rs.status.replicas != 0
            or rs.replicas != 0
            or rs.metadata.generation > rs.status.observed_generation
        ):
            continue
        doomed.append(rs)
    return doomed


def cleanup_deployment(
    dc: DeploymentController, old_rss: Sequence[ReplicaSet], d: Deployment
) -> None:
    for rs in replica_sets_to_clean_up(old_rss, d):
        dc.delete_replica_set(rs)


def calculate_status(
    all_rss: Sequence[ReplicaSet | None], new_rs: ReplicaSet | None, d: Deployment, now: float
) -> DeploymentStatus:
    """``calculateStatus``: counts from the ReplicaSets, plus the Available condition."""
    available = util.get_available_replica_count(all_rss)
    total = util.get_replica_count(all_rss)
    status = DeploymentStatus(
        observed_generation=d.metadata.generation,
        replicas=util.get_actual_replica_count(all_rss),
        updated_replicas=util.get_actual_replica_count([new_rs]),
        ready_replicas=util.get_ready_replica_count(all_rss),
        available_replicas=available,
        unavailable_replicas=max(0, total - available),
        conditions=d.status.conditions,
        collision_count=d.status.collision_count,
    )
    if available >= d.replicas - util.max_unavailable(d):
        condition = util.new_deployment_condition(
            util.AVAILABLE,
            "True",
            util.MINIMUM_REPLICAS_AVAILABLE,
            "Deployment has minimum availability.",
            now,
        )
    else:
        condition = util.new_deployment_condition(
            util.AVAILABLE,
            "False",
            util.MINIMUM_REPLICAS_UNAVAILABLE,
            "Deployment does not have minimum availability.",
            now,
        )
    return util.set_deployment_condition(status, condition)


def sync_deployment_status(
    dc: DeploymentController,
    all_rss: Sequence[ReplicaSet | None],
    new_rs: ReplicaSet | None,
    d: Deployment,
) -> None:
    """``syncDeploymentStatus``: the plain status write (never touches Progressing)."""
    status = calculate_status(all_rss, new_rs, d, dc.now)
    if status != d.status:
        dc.update_status(replace(d, status=status))


def sync(dc: DeploymentController, d: Deployment, rs_list: Sequence[ReplicaSet]) -> None:
    """``sync``: scaling events and paused Deployments; no new RS is created here."""
    new_rs, old_rss, d = get_all_replica_sets_and_sync_revision(dc, d, rs_list, False)
    scale(dc, d, new_rs, old_rss)
    if d.spec.paused and util.ROLLBACK_TO_ANNOTATION not in d.metadata.annotations:
        cleanup_deployment(dc, old_rss, d)
    # As upstream, the status is computed from the ReplicaSets as listed before scaling.
    sync_deployment_status(dc, [*old_rss, new_rs], new_rs, d)
