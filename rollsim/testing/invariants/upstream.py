"""Upstream's rollout arithmetic, restated independently of rollsim's controllers.

The invariants recompute their bounds from the spec with these functions, not
with ``rollsim.controllers``: a bug in the simulator's arithmetic would
otherwise agree with itself and hide. ``fenceposts`` mirrors
``ResolveFenceposts`` (pkg/controller/deployment/util/deployment_util.go);
``tests/property`` checks it against upstream's examples and against rollsim's
own ``resolve_fenceposts``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rollsim.controllers.deployment.util import POD_TEMPLATE_HASH_LABEL

__all__ = ["deployment_complete", "fenceposts", "rolling_update_limits", "same_template"]


def _scaled(value: int | str | None, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``: ints as they are, ``N%`` of ``total``."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    percent = int(value.rstrip("%"))
    exact = percent * total
    return (exact + 99) // 100 if round_up else exact // 100


def fenceposts(
    max_surge: int | str | None, max_unavailable: int | str | None, replicas: int
) -> tuple[int, int]:
    """``ResolveFenceposts``: surge rounds up, unavailable rounds down, and when both
    come to 0 unavailable is 1 (pkg/controller/deployment/util/deployment_util.go)."""
    surge = _scaled(max_surge, replicas, True)
    unavailable = _scaled(max_unavailable, replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def rolling_update_limits(d: Any) -> tuple[int, int]:
    """(most pods the ReplicaSets may ask for, fewest that must stay available) of a
    RollingUpdate Deployment: ``replicas + MaxSurge(d)`` and ``MinAvailable(d)``,
    where ``MaxUnavailable`` is capped at ``replicas`` (deployment_util.go)."""
    replicas = int(d.replicas)
    ru = d.spec.strategy.rolling_update
    surge, unavailable = fenceposts(
        ru.max_surge if ru else None, ru.max_unavailable if ru else None, replicas
    )
    max_unavailable = 0 if replicas == 0 else min(unavailable, replicas)
    return replicas + surge, replicas - max_unavailable


def _without_hash(template: Any) -> Any:
    """``template`` without the pod-template-hash label the controller adds."""
    labels = template.metadata.labels
    if POD_TEMPLATE_HASH_LABEL not in labels:
        return template
    kept = {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH_LABEL}
    return replace(template, metadata=replace(template.metadata, labels=kept))


def same_template(a: Any, b: Any) -> bool:
    """``EqualIgnoreHash``: equal once the pod-template-hash label is dropped."""
    return bool(_without_hash(a) == _without_hash(b))


def deployment_complete(d: Any, status: Any) -> bool:
    """``DeploymentComplete``: every replica updated and available, spec observed."""
    replicas = d.replicas
    return bool(
        status.updated_replicas == replicas
        and status.replicas == replicas
        and status.available_replicas == replicas
        and status.observed_generation >= d.metadata.generation
    )
