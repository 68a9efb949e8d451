"""One reconcile's view of a Rollout, and the labels that tie ReplicaSets to it.

Mirrors argo-rollouts rollout/context.go (``rolloutContext``: the rollout,
its new, stable and older ReplicaSets, the status being built) and the
ReplicaSet helpers of utils/replicaset (the pod-template-hash label, the
revision annotation). The strategies (``canary.py``, ``bluegreen.py``) and
the controller all read a Rollout's ReplicaSets through this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rollsim.api.apps import ReplicaSet
from rollsim.api.argo import Rollout, RolloutStatus
from rollsim.api.core import PodTemplateSpec
from rollsim.controllers.rollout import replicas

__all__ = [
    "HASH_LABEL",
    "REVISION_ANNOTATION",
    "SCALE_DOWN_DEADLINE_ANNOTATION",
    "RolloutContext",
    "counts",
    "pod_hash",
    "rollout_revision",
    "without_hash",
]

HASH_LABEL = "rollouts-pod-template-hash"
REVISION_ANNOTATION = "rollout.argoproj.io/revision"
SCALE_DOWN_DEADLINE_ANNOTATION = "scale-down-deadline"


def pod_hash(rs: ReplicaSet) -> str:
    """The ``rollouts-pod-template-hash`` the controller stamped on ``rs``."""
    return rs.metadata.labels.get(HASH_LABEL, "")


def rollout_revision(rs: ReplicaSet) -> int:
    """``rollout.argoproj.io/revision`` of ``rs``; 0 when absent or not a number."""
    try:
        return int(rs.metadata.annotations.get(REVISION_ANNOTATION, "0") or 0)
    except ValueError:
        return 0


def counts(rs: ReplicaSet | None) -> replicas.ReplicaSetCounts | None:
    """The three counts the replica arithmetic of ``replicas.py`` reads."""
    if rs is None:
        return None
    return replicas.ReplicaSetCounts(rs.replicas, rs.status.available_replicas, rs.status.replicas)


def without_hash(template: PodTemplateSpec) -> PodTemplateSpec:
    """The template as the user wrote it, for finding the ReplicaSet of a template."""
    labels = {k: v for k, v in template.metadata.labels.items() if k != HASH_LABEL}
    return replace(template, metadata=replace(template.metadata, labels=labels))


@dataclass
class RolloutContext:
    """One reconcile's view: the rollout, its ReplicaSets by role, the status being built."""

    rollout: Rollout
    status: RolloutStatus
    new_rs: ReplicaSet | None
    stable_rs: ReplicaSet | None
    others: list[ReplicaSet]
    now: float
    requeue: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.rollout.metadata.name

    @property
    def namespace(self) -> str:
        return self.rollout.metadata.namespace

    @property
    def replicas(self) -> int:
        return self.rollout.replicas

    @property
    def all_rss(self) -> list[ReplicaSet]:
        rss = [rs for rs in (self.new_rs, self.stable_rs) if rs is not None]
        return [*rss, *(rs for rs in self.others if rs not in rss)]

    def wake_at(self, when: float) -> None:
        """Reconcile again at ``when`` (a pause or delay that ends then)."""
        self.requeue.append(when)
