"""The Argo Rollouts plugin's verbs: ``promote``, ``abort``, ``retry``, ``undo``.

Mirrors argo-rollouts pkg/kubectl-argo-rollouts/cmd/{promote,abort,retry,undo}:
each patches the Rollout's spec or status and leaves the rest to the rollout
controller. The ReplicaSet revision and hash label come from the controller
package, as the plugin imports them from upstream's utils.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rollsim.api.argo import Rollout
from rollsim.api.errors import InvalidOperation
from rollsim.controllers.rollout.context import HASH_LABEL, rollout_revision
from rollsim.world.store import Store

__all__ = ["abort", "promote", "retry", "undo"]


def promote(store: Store, r: Rollout, full: bool = False) -> Any:
    """``promote [--full]``: clear the pause conditions (or, without any, skip the
    current step); ``full`` skips every remaining step."""
    status = r.status
    steps = r.spec.strategy.canary.steps if r.spec.strategy.canary is not None else ()
    index = status.current_step_index
    inconclusive = any(p.reason == "InconclusiveAnalysisRun" for p in status.pause_conditions)
    if full:
        status = replace(status, promote_full=True, pause_conditions=(), controller_pause=False)
    elif inconclusive:
        # An inconclusive analysis: skip its step and unpause the controller.
        skip = index is not None and bool(steps) and index < len(steps)
        status = replace(
            status,
            pause_conditions=(),
            controller_pause=False,
            current_step_index=index + 1 if skip and index is not None else index,
        )
    elif status.pause_conditions:
        status = replace(status, pause_conditions=())
    elif steps and index is not None and index < len(steps):
        status = replace(status, current_step_index=index + 1)
    return store.update(replace(r, spec=replace(r.spec, paused=False), status=status))


def abort(store: Store, r: Rollout, now: float) -> Any:
    """``abort``: back to the stable version."""
    status = replace(
        r.status, abort=True, aborted_at=now, pause_conditions=(), controller_pause=False
    )
    return store.update(replace(r, status=status))


def retry(store: Store, r: Rollout) -> Any:
    """``retry rollout``: clear the abort; the steps start over."""
    return store.update(replace(r, status=replace(r.status, abort=False, aborted_at=None)))


def undo(store: Store, r: Rollout, to_revision: int = 0) -> Any:
    """``undo``: the template of revision ``to_revision`` (0: the previous one) back into
    the Rollout; the controller reuses that ReplicaSet."""
    rss = sorted(store.owned_replica_sets(r.metadata.uid), key=rollout_revision)
    if to_revision == 0:
        candidates = rss[:-1]
    else:
        candidates = [rs for rs in rss if rollout_revision(rs) == to_revision]
    if not candidates:
        raise InvalidOperation(
            f"unable to find specified revision {to_revision} in history"
            if to_revision
            else "no rollout history found"
        )
    template = candidates[-1].spec.template
    labels = {k: v for k, v in template.metadata.labels.items() if k != HASH_LABEL}
    template = replace(template, metadata=replace(template.metadata, labels=labels))
    return store.update(replace(r, spec=replace(r.spec, template=template)))
