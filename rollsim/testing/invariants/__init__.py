"""Rollout invariants: what every correct Deployment rollout satisfies, as checks.

Each invariant is a function returning a list of ``Violation`` (empty when it
holds). They come in three shapes, by what they need to see:

- **history** invariants re-check a list of ``Snapshot``\\ s (every store
  write, recorded by ``watch(cluster)``, which must be attached before the
  cluster runs): ``rolling_update_bounds``, ``recreate_one_version``,
  ``revisions_increase``, ``completion``, and ``endpoints_ready`` (the last
  needs the live cluster, so it runs online only). The watch also runs them
  online, so ``watch(cluster).violations`` is always current.
- **state** invariants look at a settled cluster: ``history_within_limit``,
  ``revision_annotation``; and ``check_undo`` wraps ``kubectl rollout undo``.
- **timeline** invariants read a ``rollsim.Timeline``:
  ``traffic_shares_sum_to_one``, ``traffic_to_ready_endpoints``,
  ``requests_conserved``.

``rollout_completes`` (liveness) and ``determinism`` run the cluster further
or again. ``assert_rollout_invariants(cluster)`` checks everything that needs
no further run and raises ``InvariantViolation`` with a readable report.

Where an invariant restates upstream, the bounds are recomputed here from the
spec, independently of rollsim's controllers (``fenceposts`` mirrors
``ResolveFenceposts`` in pkg/controller/deployment/util/deployment_util.go),
so a bug in the simulator's arithmetic cannot hide itself. Checks are
per workload kind (``MONITORS``, online; ``WORKLOAD_CHECKS``, on the settled
cluster): ``rollsim.testing.progressive`` registers the Argo Rollout and
Flagger Canary checks there.

One module per family: ``upstream`` (the restated arithmetic), ``bounds``
(max-surge, min-available, recreate-one-version), ``revisions`` (revisions,
history limit, rollback), ``liveness`` (completion, liveness), ``traffic``
(endpoints and timelines), ``reproducible`` (determinism), ``report`` (``InvariantViolation``)
and ``suite`` (the registries, ``watch``, ``assert_rollout_invariants``).
"""

from rollsim.testing.invariants.bounds import (
    RANKING_NOTE,
    RecreateOneVersion,
    RollingUpdateBounds,
    recreate_one_version,
    rolling_update_bounds,
)
from rollsim.testing.invariants.liveness import Completion, completion, rollout_completes
from rollsim.testing.invariants.report import InvariantViolation
from rollsim.testing.invariants.reproducible import determinism, digest
from rollsim.testing.invariants.revisions import (
    RevisionsIncrease,
    check_undo,
    excess_history,
    history_within_limit,
    revision_annotation,
    revisions_increase,
)
from rollsim.testing.invariants.suite import (
    GLOBAL_CHECKS,
    MONITORS,
    WORKLOAD_CHECKS,
    assert_rollout_invariants,
    register_monitor,
    register_workload_check,
    watch,
)
from rollsim.testing.invariants.traffic import (
    EndpointsReady,
    endpoints_ready,
    requests_conserved,
    traffic_shares_sum_to_one,
    traffic_to_ready_endpoints,
)
from rollsim.testing.invariants.upstream import fenceposts, rolling_update_limits
from rollsim.testing.observe import Violation

__all__ = [
    "GLOBAL_CHECKS",
    "MONITORS",
    "RANKING_NOTE",
    "WORKLOAD_CHECKS",
    "Completion",
    "EndpointsReady",
    "InvariantViolation",
    "RecreateOneVersion",
    "RevisionsIncrease",
    "RollingUpdateBounds",
    "Violation",
    "assert_rollout_invariants",
    "check_undo",
    "completion",
    "determinism",
    "digest",
    "endpoints_ready",
    "excess_history",
    "fenceposts",
    "history_within_limit",
    "recreate_one_version",
    "register_monitor",
    "register_workload_check",
    "requests_conserved",
    "revision_annotation",
    "revisions_increase",
    "rolling_update_bounds",
    "rolling_update_limits",
    "rollout_completes",
    "traffic_shares_sum_to_one",
    "traffic_to_ready_endpoints",
    "watch",
]
