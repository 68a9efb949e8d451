"""Completion invariants: a complete status is true, and a healthy rollout completes.

``Completion`` checks every write of a Deployment (``completion``: what
``DeploymentComplete`` claims, the pods bear out); ``rollout_completes``
(``liveness``) runs the cluster further, until the rollout completes or a
timeout passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rollsim.testing.invariants.upstream import deployment_complete, same_template
from rollsim.testing.observe import Snapshot, Violation, faulty, replay

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["Completion", "completion", "rollout_completes"]


class Completion:
    """``completion``: when the Deployment's status says complete
    (``DeploymentComplete``: updated == replicas == available, generation
    observed), every active pod belongs to the new ReplicaSet, there are
    ``replicas`` of them, and all are available, as the kubelet has them.
    Checked at each write of the Deployment itself (its status is fresh then:
    ReplicaSet work always runs before a Deployment sync)."""

    def observe(self, snap: Snapshot) -> list[Violation]:
        """Check one snapshot: a complete status must match the pods."""
        d = snap.workload
        if (
            snap.key[0] != "Deployment"
            or not snap.cause.startswith("Deployment/")
            or not deployment_complete(d, d.status)
        ):
            return []
        new = [s for s in snap.replica_sets if same_template(s.rs.spec.template, d.spec.template)]
        new_active = sum(s.active for s in new)
        new_available = sum(s.available for s in new)
        old_active = sum(s.active for s in snap.replica_sets if s not in new)
        if new_active == d.replicas and new_available == d.replicas and old_active == 0:
            return []
        return [
            Violation(
                snap.time,
                snap.ref,
                "completion",
                f"complete status means {d.replicas} pods, all of the new template and available, "
                f"none of an old one",
                f"{new_active} new pods ({new_available} available), {old_active} old pods; status "
                f"updated={d.status.updated_replicas} available={d.status.available_replicas}",
            )
        ]


def completion(history: Sequence[Snapshot]) -> list[Violation]:
    """``completion`` over a recorded history (``Completion``)."""
    return replay(Completion, history)


def rollout_completes(
    cluster: Cluster, ref: str, timeout: float = 7200.0, namespace: str = "default"
) -> list[Violation]:
    """``liveness``: a rollout whose pods are healthy completes.

    If the Deployment is not paused and pods of its current template have no
    fault, ``run_until_complete`` must succeed within ``timeout`` seconds.
    Advances the clock (to completion, or by ``timeout``).
    """
    name = ref.split("/", 1)[1] if "/" in ref else ref
    d = cluster.get("deployment", name, namespace=namespace)
    if d.spec.paused or faulty(cluster.behaviors.for_template(d.spec.template)):
        return []
    start = cluster.now
    if cluster.run_until_complete(f"deployment/{name}", timeout=timeout, namespace=namespace):
        return []
    d = cluster.get("deployment", name, namespace=namespace)
    s = d.status
    return [
        Violation(
            cluster.now,
            f"deployment/{name}",
            "liveness",
            f"complete within {timeout:g}s of t={start:g} (healthy pods, not paused)",
            f"replicas={s.replicas} updated={s.updated_replicas} "
            f"available={s.available_replicas} of {d.replicas}",
        )
    ]
