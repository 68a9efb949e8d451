"""Playing a scenario under observation, and checking every invariant on it.

``run_scenario`` plays a ``rollsim.Scenario`` as ``Scenario.run`` does (apply
the manifests at t=0, start the traffic, perform each action at its time,
then run until the target's rollout completes), with three differences that
make it a test harness: a ``watch`` is attached before anything is applied,
the settled-state invariants are checked at every action time, and
``kubectl rollout undo`` goes through ``check_undo``, so a refusal kubectl
would print (no such revision, paused) is an outcome, not an exception.
``check_scenario`` adds liveness and determinism.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rollsim.cluster import Cluster
from rollsim.scenario import Scenario
from rollsim.testing.invariants.liveness import rollout_completes
from rollsim.testing.invariants.report import InvariantViolation, dedupe, events_context
from rollsim.testing.invariants.reproducible import digest
from rollsim.testing.invariants.revisions import (
    check_undo,
    history_within_limit,
    revision_annotation,
)
from rollsim.testing.invariants.suite import collect, watch
from rollsim.testing.observe import Violation
from rollsim.traffic import Traffic

__all__ = ["assert_scenario", "check_scenario", "run_scenario", "scenario_target"]

_UNDO = re.compile(
    r"^rollout undo (?:deployment|deploy|deployments)/(?P<name>\S+)"
    r"(?: -n (?P<ns>\S+))?(?: --to-revision=(?P<rev>\d+))?$"
)


def scenario_target(scenario: Scenario) -> tuple[str, str]:
    """(``kind/NAME``, namespace) of the scenario's target, as ``Scenario.target_ref``
    names it: its ``target``, or else the manifests' only workload."""
    return scenario.target_ref()


def run_scenario(scenario: Scenario, seed: int | None = None) -> Cluster:
    """Play ``scenario`` on a new, watched cluster and return it, settled at the end.

    ``rollsim.testing.watch(cluster)`` on the result gives the watch, whose
    ``violations`` already include the checks made along the way.
    """
    cluster = Cluster(
        seed=scenario.seed if seed is None else seed,
        pods=scenario.pods,
        images=scenario.images,
        latency=scenario.latency,
    )
    observer = watch(cluster)
    target, namespace = scenario_target(scenario)
    cluster.apply(scenario.manifests)
    flows: Sequence[Traffic] = (
        [scenario.traffic]
        if isinstance(scenario.traffic, Traffic)
        else list(scenario.traffic or [])
    )
    for traffic in flows:
        cluster.add_traffic(traffic)
    for action in sorted(scenario.actions, key=lambda a: a.time):
        cluster.run(until=max(action.time, cluster.now))
        observer.extend(history_within_limit(cluster) + revision_annotation(cluster))
        if action.apply is not None:
            cluster.apply(action.apply)
            continue
        assert action.kubectl is not None
        undo = _UNDO.match(action.kubectl.strip())
        if undo is not None:
            check_undo(
                cluster, undo["name"], int(undo["rev"] or 0), namespace=undo["ns"] or "default"
            )
        else:
            cluster.kubectl(action.kubectl)
    cluster.run_until_complete(target, timeout=scenario.timeout, namespace=namespace)
    if scenario.until is not None and scenario.until > cluster.now:
        cluster.run(until=scenario.until)
    return cluster


def check_scenario(
    scenario: Scenario, *, liveness_timeout: float | None = 7200.0, determinism: bool = True
) -> list[Violation]:
    """Every invariant on one scenario: ``run_scenario``, then what the watch found,
    the settled-state and timeline invariants, determinism (a second run with
    the same seed gives the same ``digest``) and liveness (a healthy, unpaused
    rollout completes within ``liveness_timeout`` more seconds)."""
    return _check(scenario, liveness_timeout, determinism)[0]


def _check(
    scenario: Scenario, liveness_timeout: float | None, determinism: bool
) -> tuple[list[Violation], Cluster]:
    cluster = run_scenario(scenario)
    found = collect(cluster)
    if determinism:
        first = digest(cluster)
        second = digest(run_scenario(scenario))
        if first != second:
            found.append(
                Violation(
                    cluster.now,
                    "cluster",
                    "determinism",
                    f"the same digest for seed {scenario.seed}: {first[:16]}",
                    f"{second[:16]} on a second run",
                )
            )
    if liveness_timeout is not None:
        target, namespace = scenario_target(scenario)
        # Liveness is the Deployment's: a Rollout may wait on a pause step for ever.
        if target.startswith("deployment/"):
            found += rollout_completes(cluster, target, liveness_timeout, namespace)
            found += collect(cluster)
    return sorted(dedupe(found), key=lambda v: v.time), cluster


def assert_scenario(
    scenario: Scenario, *, liveness_timeout: float | None = 7200.0, determinism: bool = True
) -> None:
    """``check_scenario`` and raise ``InvariantViolation`` (an ``AssertionError``) if it
    found anything; the report ends with the events up to the first violation."""
    violations, cluster = _check(scenario, liveness_timeout, determinism)
    if violations:
        raise InvariantViolation(violations, events_context(cluster, violations))
