"""Deployment arithmetic and bookkeeping, as pure functions.

Mirrors pkg/controller/deployment/util/deployment_util.go (and
``intstr.GetScaledValueFromIntOrPercent``): fenceposts, the new ReplicaSet's
target size, proportions for scaling events, revisions and their history,
replica annotations, conditions, and the complete/progressing/timed-out
predicates. Objects are frozen, so functions that "set" return new objects.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from rollsim.api.apps import (
    Deployment,
    DeploymentCondition,
    DeploymentStatus,
    ReplicaSet,
)
from rollsim.api.core import PodTemplateSpec
from rollsim.controllers.controller_utils import replica_sets_by_creation

__all__ = [
    "DESIRED_REPLICAS_ANNOTATION",
    "MAX_REPLICAS_ANNOTATION",
    "MAX_REV_HISTORY_LENGTH_IN_CHARS",
    "REVISION_ANNOTATION",
    "REVISION_HISTORY_ANNOTATION",
    "deployment_complete",
    "deployment_progressing",
    "deployment_timed_out",
    "equal_ignore_hash",
    "find_new_replica_set",
    "find_old_replica_sets",
    "get_available_replica_count",
    "get_deployment_condition",
    "get_non_negative_int32_from_annotation",
    "get_proportion",
    "get_replica_count",
    "get_replica_set_fraction",
    "max_surge",
    "max_unavailable",
    "min_available",
    "new_deployment_condition",
    "new_rs_new_replicas",
    "remove_deployment_condition",
    "replicas_annotations_need_update",
    "resolve_fenceposts",
    "revision",
    "rollout_complete",
    "scaled_value",
    "set_deployment_condition",
    "set_new_replica_set_annotations",
    "set_replicas_annotations",
]

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas"
ROLLBACK_TO_ANNOTATION = "deprecated.deployment.rollback.to"
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"
POD_TEMPLATE_HASH_LABEL = "pod-template-hash"
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000
MAX_INT32 = 2**31 - 1

#: Annotations never copied from a Deployment to its ReplicaSets.
SKIPPED_ANNOTATIONS = frozenset(
    {
        LAST_APPLIED_ANNOTATION,
        REVISION_ANNOTATION,
        REVISION_HISTORY_ANNOTATION,
        DESIRED_REPLICAS_ANNOTATION,
        MAX_REPLICAS_ANNOTATION,
        ROLLBACK_TO_ANNOTATION,
    }
)

# Condition types and reasons (deployment_util.go constants).
AVAILABLE = "Available"
PROGRESSING = "Progressing"
REPLICA_FAILURE = "ReplicaFailure"
MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"
NEW_RS_REASON = "NewReplicaSetCreated"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
RS_UPDATED_REASON = "ReplicaSetUpdated"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"
PAUSED_REASON = "DeploymentPaused"
RESUMED_REASON = "DeploymentResumed"


def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """``GetScaledValueFromIntOrPercent``; a malformed string raises ``ValueError``."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if not value.endswith("%"):
        raise ValueError(
            f"invalid value for IntOrString: invalid type: string is not a percentage: {value!r}"
        )
    # strconv.Atoi: an optional sign and decimal digits, nothing else.
    digits = value[1:-1] if value[:1] in "+-" else value[:-1]
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"invalid value for IntOrString: invalid value {value!r}")
    percent = int(value[:-1])
    product = percent * total
    return -(-product // 100) if round_up else product // 100


def resolve_fenceposts(
    max_surge: int | str | None, max_unavailable: int | str | None, desired: int
) -> tuple[int, int]:
    """``ResolveFenceposts``: surge rounds up, unavailable down; both 0 forces unavailable 1.

    Raises ``ValueError`` for a malformed percentage (upstream returns 0, 0, err).
    """
    surge = scaled_value(max_surge, desired, True)
    unavailable = scaled_value(max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _fenceposts(d: Deployment) -> tuple[int, int]:
    ru = d.spec.strategy.rolling_update
    if ru is None:
        return resolve_fenceposts(None, None, d.replicas)
    try:
        return resolve_fenceposts(ru.max_surge, ru.max_unavailable, d.replicas)
    except ValueError:
        return 0, 0


def is_rolling_update(d: Deployment) -> bool:
    return d.spec.strategy.type == "RollingUpdate"


def max_unavailable(d: Deployment) -> int:
    """``MaxUnavailable``: 0 unless RollingUpdate with replicas; capped at replicas."""
    if not is_rolling_update(d) or d.replicas == 0:
        return 0
    return min(_fenceposts(d)[1], d.replicas)


def max_surge(d: Deployment) -> int:
    """``MaxSurge``: 0 unless RollingUpdate; never capped."""
    if not is_rolling_update(d):
        return 0
    return _fenceposts(d)[0]


def min_available(d: Deployment) -> int:
    """``MinAvailable``: replicas minus maxUnavailable for RollingUpdate, else 0."""
    if not is_rolling_update(d):
        return 0
    return d.replicas - max_unavailable(d)


def get_replica_count(replica_sets: Iterable[ReplicaSet | None]) -> int:
    """``GetReplicaCountForReplicaSets``: the sum of ``spec.replicas``."""
    return sum(rs.replicas for rs in replica_sets if rs is not None)


def get_actual_replica_count(replica_sets: Iterable[ReplicaSet | None]) -> int:
    """``GetActualReplicaCountForReplicaSets``: the sum of ``status.replicas``."""
    return sum(rs.status.replicas for rs in replica_sets if rs is not None)


def get_ready_replica_count(replica_sets: Iterable[ReplicaSet | None]) -> int:
    return sum(rs.status.ready_replicas for rs in replica_sets if rs is not None)


def get_available_replica_count(replica_sets: Iterable[ReplicaSet | None]) -> int:
    """``GetAvailableReplicaCountForReplicaSets``: the sum of ``status.availableReplicas``."""
    return sum(rs.status.available_replicas for rs in replica_sets if rs is not None)


def new_rs_new_replicas(
    d: Deployment, all_rss: Iterable[ReplicaSet | None], new_rs: ReplicaSet
) -> int:
    """``NewRSNewReplicas``: how big the new ReplicaSet may be now.

    RollingUpdate counts ``spec.replicas`` of ``all_rss`` (not pods) against
    replicas + maxSurge; Recreate is always the full count.
    """
    strategy = d.spec.strategy.type
    if strategy == "Recreate":
        return d.replicas
    if strategy != "RollingUpdate":
        raise ValueError(f"deployment type {strategy} isn't supported")
    ru = d.spec.strategy.rolling_update
    surge = scaled_value(ru.max_surge if ru else None, d.replicas, True)
    current = get_replica_count(all_rss)
    max_total = d.replicas + surge
    if current >= max_total:
        return new_rs.replicas
    scale_up = min(max_total - current, d.replicas - new_rs.replicas)
    return new_rs.replicas + scale_up


def get_non_negative_int32_from_annotation(
    annotations: Mapping[str, str] | None, key: str
) -> tuple[int, bool]:
    """``getNonNegativeIntFromAnnotation``: (value, valid) for a decimal int32 >= 0."""
    if not annotations or key not in annotations:
        return 0, False
    text = annotations[key]
    # strconv.ParseUint: decimal digits only, no sign.
    if not re.fullmatch(r"[0-9]+", text):
        return 0, False
    value = int(text)
    if value > MAX_INT32:
        return 0, False
    return value, True


def desired_replicas_annotation(rs: ReplicaSet) -> tuple[int, bool]:
    return get_non_negative_int32_from_annotation(
        rs.metadata.annotations, DESIRED_REPLICAS_ANNOTATION
    )


def get_replica_set_fraction(rs: ReplicaSet, d: Deployment) -> int:
    """``getReplicaSetFraction``: this ReplicaSet's share of a scaling event.

    Newest upstream: a missing, invalid or zero max-replicas annotation falls
    back to ``d.status.replicas``; if that is 0 too the RS is left alone.
    """
    if d.replicas == 0:
        return -rs.replicas
    target = d.replicas + max_surge(d)
    annotated, ok = get_non_negative_int32_from_annotation(
        rs.metadata.annotations, MAX_REPLICAS_ANNOTATION
    )
    base = annotated if ok and annotated > 0 else d.status.replicas
    if base == 0:
        return 0
    # Go's math.Round: half away from zero.
    exact = rs.replicas * target / base
    rounded = math.floor(abs(exact) + 0.5) * (1 if exact >= 0 else -1)
    return int(rounded) - rs.replicas


def get_proportion(rs: ReplicaSet | None, d: Deployment, to_add: int, added: int) -> int:
    """``GetProportion``: how many replicas ``rs`` gains (or loses) in a scaling event."""
    if rs is None or rs.replicas == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = get_replica_set_fraction(rs, d)
    allowed = to_add - added
    if to_add > 0:
        return min(fraction, allowed)
    return max(fraction, allowed)


def replicas_annotations_need_update(rs: ReplicaSet, desired: int, maximum: int) -> bool:
    """``ReplicasAnnotationsNeedUpdate``."""
    annotations = rs.metadata.annotations
    return annotations.get(DESIRED_REPLICAS_ANNOTATION) != str(desired) or annotations.get(
        MAX_REPLICAS_ANNOTATION
    ) != str(maximum)


def set_replicas_annotations(rs: ReplicaSet, desired: int, maximum: int) -> tuple[ReplicaSet, bool]:
    """``SetReplicasAnnotations``: returns the RS and whether anything changed."""
    if not replicas_annotations_need_update(rs, desired, maximum):
        return rs, False
    annotations = {
        **rs.metadata.annotations,
        DESIRED_REPLICAS_ANNOTATION: str(desired),
        MAX_REPLICAS_ANNOTATION: str(maximum),
    }
    return replace(rs, metadata=replace(rs.metadata, annotations=annotations)), True


def revision(obj: ReplicaSet | Deployment) -> int:
    """``Revision``: the revision annotation; missing is 0, unparseable raises ``ValueError``."""
    text = obj.metadata.annotations.get(REVISION_ANNOTATION)
    if text is None:
        return 0
    return int(text)


def _revision_or_none(rs: ReplicaSet) -> int | None:
    try:
        return revision(rs)
    except ValueError:
        return None


def max_revision(replica_sets: Iterable[ReplicaSet]) -> int:
    """``MaxRevision``; unparseable revisions are skipped."""
    revisions = [r for r in (_revision_or_none(rs) for rs in replica_sets) if r is not None]
    return max(revisions, default=0)


def last_revision(replica_sets: Iterable[ReplicaSet]) -> int:
    """``LastRevision``: the second-highest revision (0 if there is none)."""
    top, second = 0, 0
    for r in (_revision_or_none(rs) for rs in replica_sets):
        if r is None:
            continue
        if r >= top:
            second, top = top, r
        elif r > second:
            second = r
    return second


def _copy_deployment_annotations(d: Deployment, annotations: dict[str, str]) -> bool:
    changed = False
    for key, value in d.metadata.annotations.items():
        if key in SKIPPED_ANNOTATIONS or annotations.get(key) == value:
            continue
        annotations[key] = value
        changed = True
    return changed


def set_new_replica_set_annotations(
    d: Deployment,
    rs: ReplicaSet,
    new_revision: str,
    exists: bool,
    rev_history_limit_in_chars: int = MAX_REV_HISTORY_LENGTH_IN_CHARS,
) -> tuple[ReplicaSet, bool]:
    """``SetNewReplicaSetAnnotations``: copy annotations, raise the revision, keep history.

    The revision only ever goes up; when an RS that had a revision is raised
    (a rollback), the old number is appended to revision-history, dropping
    the oldest entries to stay within ``rev_history_limit_in_chars``.
    """
    annotations = dict(rs.metadata.annotations)
    changed = _copy_deployment_annotations(d, annotations)
    old_revision = annotations.get(REVISION_ANNOTATION)
    had_revision = old_revision is not None
    try:
        old_number = int(old_revision) if old_revision else 0
    except ValueError:
        return rs, False
    try:
        new_number = int(new_revision)
    except ValueError:
        return rs, False
    if old_number < new_number:
        annotations[REVISION_ANNOTATION] = new_revision
        changed = True
    if had_revision and old_number < new_number:
        assert old_revision is not None
        history = annotations.get(REVISION_HISTORY_ANNOTATION, "")
        old_revisions = history.split(",")
        if not old_revisions[0]:
            annotations[REVISION_HISTORY_ANNOTATION] = old_revision
        else:
            total = len(history) + len(old_revision) + 1
            start = 0
            while total > rev_history_limit_in_chars and start < len(old_revisions):
                total -= len(old_revisions[start]) + 1
                start += 1
            if total <= rev_history_limit_in_chars:
                annotations[REVISION_HISTORY_ANNOTATION] = ",".join(
                    [*old_revisions[start:], old_revision]
                )
    updated = (
        rs
        if annotations == rs.metadata.annotations
        else replace(rs, metadata=replace(rs.metadata, annotations=annotations))
    )
    if not exists:
        updated, replicas_changed = set_replicas_annotations(
            updated, d.replicas, d.replicas + max_surge(d)
        )
        changed = changed or replicas_changed
    return updated, changed


#: Templates without their hash label, by identity of the template object. A
#: template object outlives many syncs (objects are replaced, their templates
#: shared), and the entry keeps it alive, so an id is never reused while cached.
_WITHOUT_HASH: dict[int, tuple[PodTemplateSpec, PodTemplateSpec]] = {}


def _template_without_hash(template: PodTemplateSpec) -> PodTemplateSpec:
    cached = _WITHOUT_HASH.get(id(template))
    if cached is not None:
        return cached[1]
    labels = template.metadata.labels
    stripped = template
    if POD_TEMPLATE_HASH_LABEL in labels:
        kept = {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH_LABEL}
        stripped = replace(template, metadata=replace(template.metadata, labels=kept))
    _WITHOUT_HASH[id(template)] = (template, stripped)
    return stripped


def equal_ignore_hash(t1: PodTemplateSpec, t2: PodTemplateSpec) -> bool:
    """``EqualIgnoreHash``: templates equal once the pod-template-hash label is removed."""
    return _template_without_hash(t1) == _template_without_hash(t2)


def find_new_replica_set(d: Deployment, replica_sets: Iterable[ReplicaSet]) -> ReplicaSet | None:
    """``FindNewReplicaSet``: the oldest RS whose template equals the Deployment's."""
    for rs in replica_sets_by_creation(replica_sets):
        if equal_ignore_hash(rs.spec.template, d.spec.template):
            return rs
    return None


def find_old_replica_sets(
    d: Deployment,
    replica_sets: Sequence[ReplicaSet],
) -> tuple[list[ReplicaSet], list[ReplicaSet]]:
    """``FindOldReplicaSets``: (old RSs with pods, all old RSs)."""
    new_rs = find_new_replica_set(d, replica_sets)
    old = [rs for rs in replica_sets if new_rs is None or rs.metadata.uid != new_rs.metadata.uid]
    return [rs for rs in old if rs.replicas != 0], old


def is_saturated(d: Deployment, rs: ReplicaSet | None) -> bool:
    """``IsSaturated``: the new RS runs the full count and all of it is available."""
    if rs is None:
        return False
    desired, ok = desired_replicas_annotation(rs)
    return (
        ok
        and rs.replicas == d.replicas
        and desired == d.replicas
        and rs.status.available_replicas == d.replicas
    )


def has_progress_deadline(d: Deployment) -> bool:
    pds = d.spec.progress_deadline_seconds
    return pds is not None and pds != MAX_INT32


def has_revision_history_limit(d: Deployment) -> bool:
    limit = d.spec.revision_history_limit
    return limit is not None and limit != MAX_INT32


def deployment_complete(d: Deployment, status: DeploymentStatus) -> bool:
    """``DeploymentComplete``: every replica updated and available, generation observed."""
    return (
        status.updated_replicas == d.replicas
        and status.replicas == d.replicas
        and status.available_replicas == d.replicas
        and status.observed_generation >= d.metadata.generation
    )


def rollout_complete(d: Deployment) -> bool:
    """What ``kubectl rollout status`` reports as "successfully rolled out": the spec
    change observed, every replica updated, no old replica left, all updated available."""
    s = d.status
    return (
        d.metadata.generation <= s.observed_generation
        and s.updated_replicas >= d.replicas
        and s.replicas <= s.updated_replicas
        and s.available_replicas >= s.updated_replicas
    )


def deployment_progressing(d: Deployment, status: DeploymentStatus) -> bool:
    """``DeploymentProgressing``: measurable progress between ``d.status`` and ``status``."""
    old = d.status
    return (
        status.updated_replicas > old.updated_replicas
        or status.replicas - status.updated_replicas < old.replicas - old.updated_replicas
        or status.ready_replicas > old.ready_replicas
        or status.available_replicas > old.available_replicas
    )


def deployment_timed_out(d: Deployment, status: DeploymentStatus, now: float) -> bool:
    """``DeploymentTimedOut``: lastUpdateTime + progressDeadlineSeconds strictly before now."""
    if not has_progress_deadline(d):
        return False
    condition = get_deployment_condition(status, PROGRESSING)
    if condition is None or condition.reason == NEW_RS_AVAILABLE_REASON:
        return False
    if condition.reason == TIMED_OUT_REASON:
        return True
    assert d.spec.progress_deadline_seconds is not None
    # An unset lastUpdateTime is Go's zero time, long before any deadline.
    since = condition.last_update_time if condition.last_update_time is not None else -math.inf
    return since + d.spec.progress_deadline_seconds < now


def new_deployment_condition(
    type_: str, status: str, reason: str, message: str, now: float
) -> DeploymentCondition:
    return DeploymentCondition(
        type=type_,
        status=status,
        last_update_time=now,
        last_transition_time=now,
        reason=reason,
        message=message,
    )


def get_deployment_condition(status: DeploymentStatus, type_: str) -> DeploymentCondition | None:
    for condition in status.conditions:
        if condition.type == type_:
            return condition
    return None


def set_deployment_condition(
    status: DeploymentStatus, condition: DeploymentCondition
) -> DeploymentStatus:
    """``SetDeploymentCondition``: same status and reason is a no-op; same status keeps
    lastTransitionTime; the written condition moves to the end of the list."""
    current = get_deployment_condition(status, condition.type)
    if (
        current is not None
        and current.status == condition.status
        and current.reason == condition.reason
    ):
        return status
    if current is not None and current.status == condition.status:
        condition = replace(condition, last_transition_time=current.last_transition_time)
    kept = tuple(c for c in status.conditions if c.type != condition.type)
    return replace(status, conditions=(*kept, condition))


def remove_deployment_condition(status: DeploymentStatus, type_: str) -> DeploymentStatus:
    return replace(status, conditions=tuple(c for c in status.conditions if c.type != type_))


def set_deployment_revision(d: Deployment, rev: str) -> tuple[Deployment, bool]:
    """``SetDeploymentRevision``."""
    if d.metadata.annotations.get(REVISION_ANNOTATION) == rev:
        return d, False
    annotations = {**d.metadata.annotations, REVISION_ANNOTATION: rev}
    return replace(d, metadata=replace(d.metadata, annotations=annotations)), True


def generate_replica_set_name(deployment_name: str, pod_template_hash: str) -> str:
    """``generateReplicaSetName``: past 253 characters the Deployment part is cut to fit."""
    name = f"{deployment_name}-{pod_template_hash}"
    max_prefix = 253 - len(pod_template_hash) - 1
    if len(name) <= 253 or max_prefix <= 0:
        return name
    return f"{deployment_name[:max_prefix]}-{pod_template_hash}"
