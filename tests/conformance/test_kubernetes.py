"""Upstream Kubernetes conformance tables, run against rollsim's pure functions.

The rows live in ``tests/conformance/kubernetes/*.json``, transcribed from the
upstream ``*_test.go`` tables (provenance in ``kubernetes/_about.json``; each
file keeps the table's ``_setup``/``_note`` text under ``notes``). Inputs are
built from rollsim's own frozen API dataclasses by ``builders.py``; time
values follow the convention documented there.

Skipped rows
============

=========================================  =====  ============================================
table                                      rows   reason
=========================================  =====  ============================================
reconcileNewReplicaSet (gated rows)        8      ``SKIP_GATED``
scale_gated_PodReplacementPolicy           19     ``SKIP_GATED``
cleanupDeployment (gated row)              1      ``SKIP_GATED``
GetReplicaCountForReplicaSets, the         6      ``SKIP_TERMINATING`` (Count and Actual of the
``expectedTerminating`` column                    same rows do run)
rolloutRecreate_errorPaths                 4      ``SKIP_API_ERRORS``
rollout_status                             10     ``SKIP_KUBECTL``
rollout_history                            6      ``SKIP_KUBECTL``
rollout_undo                               7      ``SKIP_KUBECTL``
rollout_pause_resume_restart               3      ``SKIP_KUBECTL``
=========================================  =====  ============================================

Not asserted (not skipped)
==========================

* ``GetNonNegativeInt32FromAnnotation.expectedErr``: rollsim's
  ``get_non_negative_int32_from_annotation`` returns ``(value, valid)`` and
  has no error value; value and validity are asserted.
* ``ComputeHash``/``hash``: rollsim's hash is an opaque FNV-1a over canonical
  JSON (see ``compute_hash``), so the stated properties are tested, not
  upstream's Go-dump hash values.
* ``reconcileOldReplicaSets.expectedOldReplicas`` is asserted here although
  upstream only asserts ``scaleExpected``.

Rows added here, each labelled ``"source": "derived"`` in its data file
=======================================================================

* ``ComputeHash``: nil vs 0 collisionCount hash differently (reference 6.1).
* ``getReplicaSetFraction``: a half rounds away from zero (reference 3.5).
* ``DeploymentTimedOut.boundary``: exactly at the deadline is not timed out,
  1 ms later is (the table's own ``_note``).
* ``MinAvailable`` rows also drive ``calculate_status``'s Available condition
  (the Recreate row's note: the threshold there is all replicas).

Two rows have no pure function in rollsim and go through a real ``Cluster``:
the ``(getNewReplicaSet)`` rows of ``generateReplicaSetName`` (apply, run one
instant, read the created ReplicaSet) and ``scaleDownOldReplicaSetsForRecreate``
(one ``rollout_recreate`` call with the cluster's own Deployment controller).
"""

from __future__ import annotations

import copy
import random
from dataclasses import replace
from typing import Any

import pytest

from rollsim import Cluster
from rollsim.api import OwnerReference, PodTemplateSpec
from rollsim.controllers.controller_utils import (
    PodRankKey,
    compute_hash,
    is_pod_available,
    pod_deletion_less,
    safe_encode_string,
    sort_pods_for_deletion,
)
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.progress import (
    NO_REQUEUE,
    requeue_stuck_deployment,
    rollout_status,
)
from rollsim.controllers.deployment.recreate import old_pods_running, rollout_recreate
from rollsim.controllers.deployment.rolling import (
    cleanup_unhealthy_replicas,
    reconcile_new_replica_set,
    reconcile_old_replica_sets,
    scale_down_old_replica_sets_for_rolling_update,
)
from rollsim.controllers.deployment.sync import (
    calculate_status,
    proportional_scale_targets,
    replica_sets_to_clean_up,
)
from rollsim.controllers.deployment.util import (
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
)

from .builders import (
    NOW,
    condition,
    deployment,
    deployment_status,
    expand,
    load_table,
    replica_set,
    template,
    ts,
)

SKIP_GATED = (
    "gated upstream behaviour (DeploymentPodReplacementPolicy=true / terminatingReplicas "
    "fields, alpha): rollsim models the classic default cluster, which has no "
    "podReplacementPolicy and no status.terminatingReplicas, so TerminationComplete "
    "waiting/partial scaling does not exist there"
)
SKIP_TERMINATING = (
    "status.terminatingReplicas (gate DeploymentReplicaSetTerminatingReplicas) is not "
    "modelled by rollsim's ReplicaSetStatus; only Count and Actual are checked"
)
SKIP_API_ERRORS = (
    "API write failures are not simulated: rollsim's store never fails an update, so the "
    "rolloutRecreate error paths (failed RS update, failed status update) cannot be set up"
)


def _case_id(case: dict[str, Any], index: int, *keys: str) -> str:
    for key in ("name", "Name", "description"):
        if case.get(key):
            return f"{index}-{case[key]}"
    shown = ",".join(f"{k}={case.get(k)}" for k in keys if k in case)
    return f"{index}-{shown}" if shown else str(index)


def _params(filename: str, *keys: str) -> list[Any]:
    """One pytest param per row of a table file, id = the row's name (or its inputs)."""
    cases = load_table(filename)["cases"]
    return [pytest.param(case, id=_case_id(case, i, *keys)) for i, case in enumerate(cases)]


def _gated(case: dict[str, Any]) -> bool:
    return bool(case.get("enableDeploymentPodReplacementPolicy"))


# ---------------------------------------------------------------------------------------
# deployment util: fenceposts, MaxUnavailable, MinAvailable, MaxSurge, NewRSNewReplicas
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", _params("ResolveFenceposts.json", "maxSurge", "maxUnavailable", "desired")
)
def test_resolve_fenceposts(case: dict[str, Any]) -> None:
    if case["expectError"]:
        with pytest.raises(ValueError):
            util.resolve_fenceposts(case["maxSurge"], case["maxUnavailable"], case["desired"])
        return
    surge, unavailable = util.resolve_fenceposts(
        case["maxSurge"], case["maxUnavailable"], case["desired"]
    )
    assert (surge, unavailable) == (case["expectSurge"], case["expectUnavailable"])


def _strategy_deployment(case: dict[str, Any]) -> Any:
    return deployment(
        case["replicas"],
        strategy=case["strategy"],
        max_surge=case.get("maxSurge"),
        max_unavailable=case.get("maxUnavailable"),
    )


@pytest.mark.parametrize("case", _params("MaxUnavailable.json"))
def test_max_unavailable(case: dict[str, Any]) -> None:
    assert util.max_unavailable(_strategy_deployment(case)) == case["expected"]


@pytest.mark.parametrize("case", _params("MinAvailable.json"))
def test_min_available(case: dict[str, Any]) -> None:
    assert util.min_available(_strategy_deployment(case)) == case["expected"]


@pytest.mark.parametrize("case", _params("MinAvailable.json"))
def test_calculate_status_available_threshold(case: dict[str, Any]) -> None:
    # The Recreate row's note: MinAvailable is 0 for Recreate, but calculateStatus's
    # Available condition uses replicas - MaxUnavailable, which is all replicas there.
    d = _strategy_deployment(case)
    threshold = case["replicas"] if case["strategy"] == "Recreate" else case["expected"]
    for available in {max(threshold - 1, 0), threshold}:
        rs = replica_set(
            "foo-rs", case["replicas"], status_replicas=case["replicas"], available=available
        )
        status = calculate_status([rs], rs, d, NOW)
        cond = util.get_deployment_condition(status, util.AVAILABLE)
        assert cond is not None
        expected = (
            ("True", util.MINIMUM_REPLICAS_AVAILABLE)
            if available >= threshold
            else ("False", util.MINIMUM_REPLICAS_UNAVAILABLE)
        )
        assert (cond.status, cond.reason) == expected, available


def _max_surge_params(group: str) -> list[Any]:
    groups = {g["group"]: g for g in load_table("MaxSurge.json")["groups"]}
    return [
        pytest.param(c, id=_case_id(c, i, "replicas", "maxSurge", "maxUnavailable", "strategy"))
        for i, c in enumerate(groups[group]["cases"])
    ]


@pytest.mark.parametrize("case", _max_surge_params("MaxSurge"))
def test_max_surge(case: dict[str, Any]) -> None:
    d = deployment(
        case["replicas"],
        strategy=case.get("strategy", "RollingUpdate"),
        max_surge=case["maxSurge"],
        max_unavailable=case.get("maxUnavailable"),
    )
    assert util.max_surge(d) == case["expected"]


@pytest.mark.parametrize("case", _max_surge_params("defaults_fenceposts"))
def test_default_fenceposts(case: dict[str, Any]) -> None:
    expected = (case["expectSurge"], case["expectUnavailable"])
    assert (
        util.resolve_fenceposts(case["maxSurge"], case["maxUnavailable"], case["replicas"])
        == expected
    )
    d = deployment(
        case["replicas"], max_surge=case["maxSurge"], max_unavailable=case["maxUnavailable"]
    )
    assert (util.max_surge(d), util.max_unavailable(d)) == expected


@pytest.mark.parametrize("case", _params("NewRSNewReplicas.json"))
def test_new_rs_new_replicas(case: dict[str, Any]) -> None:
    # The note of the first row: maxUnavailable 1; allRSs = [rs5] (the new RS is not in it).
    d = deployment(
        case["depReplicas"],
        strategy=case["strategyType"],
        max_surge=case["maxSurge"],
        max_unavailable=1,
    )
    new_rs = replica_set("foo-new", case["newRSReplicas"])
    rs5 = replica_set("foo-rs5", 5)
    assert util.new_rs_new_replicas(d, [rs5], new_rs) == case["expected"]


# ---------------------------------------------------------------------------------------
# rolling.go
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("reconcileNewReplicaSet.json"))
def test_reconcile_new_replica_set(case: dict[str, Any]) -> None:
    if _gated(case):
        pytest.skip(SKIP_GATED)
    d = deployment(case["deploymentReplicas"], max_surge=case["maxSurge"], max_unavailable=0)
    new_rs = replica_set("foo-v2", case["newReplicas"], observed_generation=1, created="now")
    old_rs = replica_set("foo-v1", case["oldReplicas"], observed_generation=1, created="now-1m")
    result = reconcile_new_replica_set([new_rs, old_rs], new_rs, d)
    if case["scaleExpected"]:
        assert result == case["expectedNewReplicas"]
    else:
        assert result is None


@pytest.mark.parametrize(
    "case",
    _params(
        "reconcileOldReplicaSets.json",
        "deploymentReplicas",
        "maxUnavailable",
        "oldReplicas",
        "newReplicas",
        "readyPodsFromOldRS",
        "readyPodsFromNewRS",
    ),
)
def test_reconcile_old_replica_sets(case: dict[str, Any]) -> None:
    d = deployment(case["deploymentReplicas"], max_surge=0, max_unavailable=case["maxUnavailable"])
    old_rs = replica_set(
        "foo-old", case["oldReplicas"], available=case["readyPodsFromOldRS"], created="now-1m"
    )
    new_rs = replica_set(
        "foo-new", case["newReplicas"], available=case["readyPodsFromNewRS"], created="now"
    )
    writes = reconcile_old_replica_sets([old_rs, new_rs], [old_rs], new_rs, d)
    assert bool(writes) == case["scaleExpected"]
    assert all(rs.metadata.name == "foo-old" for rs, _ in writes)
    if case["scaleExpected"] and "expectedOldReplicas" in case:
        assert writes[-1][1] == case["expectedOldReplicas"]


@pytest.mark.parametrize(
    "case", _params("cleanupUnhealthyReplicas.json", "oldReplicas", "readyPods", "maxCleanupCount")
)
def test_cleanup_unhealthy_replicas(case: dict[str, Any]) -> None:
    d = deployment(10, max_surge=2, max_unavailable=2)
    old_rs = replica_set(
        "foo-old", case["oldReplicas"], available=case["readyPods"], created="now-1m"
    )
    cleaned, count = cleanup_unhealthy_replicas([old_rs], d, case["maxCleanupCount"])
    assert count == case["cleanupCountExpected"]
    assert cleaned[0].replicas == case["oldReplicas"] - case["cleanupCountExpected"]


@pytest.mark.parametrize(
    "case",
    _params(
        "scaleDownOldReplicaSetsForRollingUpdate.json",
        "deploymentReplicas",
        "maxUnavailable",
        "readyPods",
        "oldReplicas",
    ),
)
def test_scale_down_old_replica_sets_for_rolling_update(case: dict[str, Any]) -> None:
    d = deployment(case["deploymentReplicas"], max_surge=0, max_unavailable=case["maxUnavailable"])
    old_rs = replica_set(
        "foo-old", case["oldReplicas"], available=case["readyPods"], created="now-1m"
    )
    writes, _ = scale_down_old_replica_sets_for_rolling_update([old_rs], [old_rs], d)
    if case["scaleExpected"]:
        assert [(rs.metadata.name, size) for rs, size in writes] == [
            ("foo-old", case["expectedOldReplicas"])
        ]
    else:
        assert writes == []


# ---------------------------------------------------------------------------------------
# sync.go: proportional scaling, history cleanup
# ---------------------------------------------------------------------------------------

_SCALE = load_table("scale.json")


def _scale_rs(row: dict[str, Any], old_d: Any, desired_overrides: dict[str, int]) -> Any:
    """An RS of a scale row with the replica annotations the upstream test sets first."""
    desired = desired_overrides.get(row["name"], old_d.replicas)
    annotations = row.get("annotations") or {
        DESIRED_REPLICAS_ANNOTATION: str(desired),
        MAX_REPLICAS_ANNOTATION: str(desired + util.max_surge(old_d)),
    }
    status = row.get("status") or {}
    return replica_set(
        row["name"],
        row["replicas"],
        created=_SCALE["created"][row["created"]],
        annotations=annotations,
        available=status.get("availableReplicas", 0),
        status_replicas=status.get("replicas", 0),
    )


@pytest.mark.parametrize("case", _params("scale.json"))
def test_scale(case: dict[str, Any]) -> None:
    spec = case["deployment"]
    d = deployment(
        spec["replicas"],
        strategy=spec["strategy"],
        max_surge=spec.get("maxSurge", 0),
        max_unavailable=spec.get("maxUnavailable", 0),
        pod_template=template(
            labels={"foo": "bar"}, image="nginx:new" if spec.get("templateChanged") else "nginx"
        ),
    )
    old = case["oldDeployment"]
    old_d = deployment(
        old["replicas"],
        strategy=old.get("strategy", spec["strategy"]),
        max_surge=old.get("maxSurge", 0),
        max_unavailable=0,
    )
    overrides = case.get("desiredReplicasAnnotations") or {}
    new_rs = _scale_rs(case["newRS"], old_d, overrides) if case["newRS"] else None
    old_rss = [_scale_rs(row, old_d, overrides) for row in case["oldRSs"]]

    writes, _ = proportional_scale_targets(d, new_rs, old_rss)

    # As upstream's checker: start from the input sizes, apply every update except
    # those of the RSs listed in wasntUpdated.
    sizes = {rs.metadata.name: rs.replicas for rs in [*old_rss, *([new_rs] if new_rs else [])]}
    ignored = set(case.get("wasntUpdated") or ())
    for rs, size in writes:
        if rs.metadata.name not in ignored:
            sizes[rs.metadata.name] = size
    if case["expectedNew"] is not None and new_rs is not None:
        assert sizes[new_rs.metadata.name] == case["expectedNew"]
    for expected in case["expectedOld"]:
        assert sizes[expected["name"]] == expected["replicas"], expected["name"]


@pytest.mark.parametrize("case", _params("scale_gated_PodReplacementPolicy.json"))
def test_scale_gated_pod_replacement_policy(case: dict[str, Any]) -> None:
    pytest.skip(SKIP_GATED)


@pytest.mark.parametrize("case", _params("getReplicaSetFraction.json"))
def test_get_replica_set_fraction(case: dict[str, Any]) -> None:
    d = deployment(
        case["deploymentReplicas"],
        max_surge=case["deploymentMaxSurge"],
        max_unavailable=1,
        status=deployment_status({"replicas": case["deploymentStatusReplicas"]}),
    )
    rs = replica_set("foo", case["rsReplicas"], annotations=case["rsAnnotations"])
    assert util.get_replica_set_fraction(rs, d) == case["expectedFraction"]


@pytest.mark.parametrize(
    "case", _params("cleanupDeployment.json", "revisionHistoryLimit", "expectedDeletions")
)
def test_cleanup_deployment(case: dict[str, Any]) -> None:
    if _gated(case):
        pytest.skip(SKIP_GATED)
    d = deployment(1, revision_history_limit=case["revisionHistoryLimit"])
    old_rss = [
        replica_set(
            row["name"],
            row["specReplicas"],
            status_replicas=row["statusReplicas"],
            deletion_timestamp=row.get("deletionTimestamp"),
        )
        for row in case["oldRSs"]
    ]
    assert len(replica_sets_to_clean_up(old_rss, d)) == case["expectedDeletions"]


@pytest.mark.parametrize(
    "case", _params("cleanupDeploymentOrder.json", "revisionHistoryLimit", "expectedDeletedRSs")
)
def test_cleanup_deployment_order(case: dict[str, Any]) -> None:
    d = deployment(1, revision_history_limit=case["revisionHistoryLimit"])
    old_rss = [
        # upstream sets the revision annotation only when the revision is non-empty
        replica_set(
            row["name"],
            row["replicas"],
            status_replicas=row["replicas"],
            created=row["created"],
            annotations={REVISION_ANNOTATION: row["revision"]} if row["revision"] else None,
        )
        for row in case["oldRSs"]
    ]
    deleted = sorted(rs.metadata.name for rs in replica_sets_to_clean_up(old_rss, d))
    assert deleted == sorted(case["expectedDeletedRSs"])


@pytest.mark.parametrize("case", _params("generateReplicaSetName.json"))
def test_generate_replica_set_name(case: dict[str, Any]) -> None:
    name = expand(case["deploymentName"])
    if "want" in case:
        assert util.generate_replica_set_name(name, expand(case["hash"])) == expand(case["want"])
        return
    # "(getNewReplicaSet)" rows: the RS the controller creates for a Deployment of that name.
    cluster = Cluster()
    cluster.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
                },
            },
        }
    )
    cluster.run(0)
    (rs,) = cluster.list("ReplicaSet")
    pod_hash = rs.metadata.labels[util.POD_TEMPLATE_HASH_LABEL]
    # The upstream rows were written for a 10-character hash (253 - 10 - 1 = 242).
    assert len(pod_hash) == 10
    assert len(rs.metadata.name) <= 253
    assert rs.metadata.name == f"{expand(case['wantDeploymentPortion'])}-{pod_hash}"


# ---------------------------------------------------------------------------------------
# deployment util: complete / progressing / timed out
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("DeploymentComplete.json"))
def test_deployment_complete(case: dict[str, Any]) -> None:
    d = deployment(
        case["desired"], max_surge=case["maxSurge"], max_unavailable=case["maxUnavailable"]
    )
    status = deployment_status(
        {"replicas": case["current"], "updated": case["updated"], "available": case["available"]}
    )
    d = replace(d, status=status)
    assert util.deployment_complete(d, status) is case["expected"]


@pytest.mark.parametrize("case", _params("DeploymentProgressing.json"))
def test_deployment_progressing(case: dict[str, Any]) -> None:
    d = deployment(case["old"]["replicas"], status=deployment_status(case["old"]))
    assert util.deployment_progressing(d, deployment_status(case["new"])) is case["expected"]


def _timed_out_params() -> list[Any]:
    params, now = [], None
    for i, case in enumerate(load_table("DeploymentTimedOut.json")["cases"]):
        # "(unchanged)": upstream does not reset its clock for this row, so the
        # previous row's now still applies.
        now = now if case["now"] == "(unchanged)" else case["now"]
        params.append(pytest.param(case, now, id=_case_id(case, i)))
    return params


@pytest.mark.parametrize(("case", "now"), _timed_out_params())
def test_deployment_timed_out(case: dict[str, Any], now: str) -> None:
    status = deployment_status(conditions=[case["condition"]])
    d = deployment(1, progress_deadline_seconds=case["progressDeadlineSeconds"], status=status)
    assert util.deployment_timed_out(d, status, ts(now)) is case["expected"]


_TIMED_OUT_BOUNDARY = load_table("DeploymentTimedOut.json")["boundary"]


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=f"boundary-now={c['now']}") for c in _TIMED_OUT_BOUNDARY["cases"]]
)
def test_deployment_timed_out_boundary(case: dict[str, Any]) -> None:
    status = deployment_status(conditions=[_TIMED_OUT_BOUNDARY["condition"]])
    d = deployment(
        1, progress_deadline_seconds=_TIMED_OUT_BOUNDARY["progressDeadlineSeconds"], status=status
    )
    assert util.deployment_timed_out(d, status, ts(case["now"])) is case["expected"]


# ---------------------------------------------------------------------------------------
# progress.go
# ---------------------------------------------------------------------------------------


def _progress_rs(row: dict[str, Any]) -> Any:
    return replica_set(
        row["name"],
        row["specReplicas"],
        status_replicas=row["statusReplicas"],
        available=row["availableReplicas"],
    )


def _progress_deployment(spec: dict[str, Any]) -> Any:
    return deployment(
        spec["replicas"],
        strategy="Recreate",
        name="progress-test",
        progress_deadline_seconds=spec["progressDeadlineSeconds"],
        status=deployment_status(spec["status"], spec.get("conditions")),
    )


@pytest.mark.parametrize("case", _params("syncRolloutStatus.json"))
def test_sync_rollout_status(case: dict[str, Any]) -> None:
    d = _progress_deployment(case["d"])
    new_rs = _progress_rs(case["newRS"]) if case["newRS"] else None
    all_rss = [_progress_rs(row) for row in case["allRSs"]]
    if new_rs is not None:
        all_rss.append(new_rs)
    # upstream runs at wall-clock time, far past T0 + progressDeadlineSeconds
    status = rollout_status(all_rss, new_rs, d, NOW)
    progressing = util.get_deployment_condition(status, util.PROGRESSING)
    expected = case["expectedCondition"]
    if expected is None:
        assert progressing is None
        return
    assert progressing is not None
    assert (progressing.status, progressing.reason) == (expected["status"], expected["reason"])
    if case.get("lastUpdateUnchanged"):
        assert progressing.last_update_time == ts("T0")
    if case.get("lastTransitionUnchanged"):
        assert progressing.last_transition_time == ts("T0")


_REQUEUE_EXPECTED = {"-1": NO_REQUEUE, "0": 0.0}


@pytest.mark.parametrize("case", _params("requeueStuckDeployment.json"))
def test_requeue_stuck_deployment(case: dict[str, Any]) -> None:
    d = _progress_deployment(case["d"])
    new_status = deployment_status(case["newStatus"])
    after = requeue_stuck_deployment(d, new_status, ts(case.get("now", "T0")))
    text = case["expected"]
    expected = _REQUEUE_EXPECTED[text] if text in _REQUEUE_EXPECTED else float(text[:-1])
    assert after == pytest.approx(expected, abs=1e-9)


# ---------------------------------------------------------------------------------------
# recreate.go
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("oldPodsRunning.json"))
def test_old_pods_running(case: dict[str, Any]) -> None:
    old_rss = [
        replica_set(
            row.get("name", row.get("uid", "")),
            row["specReplicas"],
            status_replicas=row["statusReplicas"],
            uid=row.get("uid"),
        )
        for row in case["oldRSs"]
    ]
    new_rs = replica_set("new", 1, uid="new-uid") if case.get("newRS") else None
    pod_map = {
        uid: ["" if phase == "<phase empty>" else phase for phase in phases]
        for uid, phases in case["podMap"].items()
    }
    assert old_pods_running(new_rs, old_rss, pod_map) is case["hasOldPodsRunning"]


@pytest.mark.parametrize(
    "case", _params("scaleDownOldReplicaSetsForRecreate.json", "oldRSSizes", "deploymentReplicas")
)
def test_scale_down_old_replica_sets_for_recreate(case: dict[str, Any]) -> None:
    # scaleDownOldReplicaSetsForRecreate is part of rolloutRecreate in rollsim: run one
    # Recreate sync through a real cluster's controller, against a stored Deployment
    # whose old ReplicaSets run a different template.
    cluster = Cluster()
    d = cluster.store.create(
        deployment(
            case["deploymentReplicas"],
            strategy="Recreate",
            pod_template=template(labels={"foo": "bar"}, image="nginx:new"),
        )
    )
    owner = _owner_ref(d)
    for n, size in enumerate(case["oldRSSizes"]):
        rs = replica_set(
            f"foo-{n}",
            size,
            uid="",
            pod_template=template(labels={"foo": "bar"}, image="nginx:old"),
        )
        cluster.store.create(replace(rs, metadata=replace(rs.metadata, owner_references=(owner,))))
    rs_list = cluster.store.owned_replica_sets(d.metadata.uid)
    rollout_recreate(cluster.controllers["deployment"], d, rs_list)
    sizes = [
        cluster.store.get("ReplicaSet", "default", f"foo-{n}").replicas
        for n in range(len(case["oldRSSizes"]))
    ]
    assert sizes == [0] * len(case["oldRSSizes"]), case["expected"]


def _owner_ref(d: Any) -> OwnerReference:
    return OwnerReference(
        api_version="apps/v1",
        kind="Deployment",
        name=d.metadata.name,
        uid=d.metadata.uid,
        controller=True,
        block_owner_deletion=True,
    )


@pytest.mark.parametrize("case", _params("rolloutRecreate_errorPaths.json"))
def test_rollout_recreate_error_paths(case: dict[str, Any]) -> None:
    pytest.skip(SKIP_API_ERRORS)


# ---------------------------------------------------------------------------------------
# deployment util: templates, new/old ReplicaSets, counts, annotations, conditions
# ---------------------------------------------------------------------------------------


def _hash_template(row: dict[str, Any]) -> PodTemplateSpec:
    return template(
        name=row["name"],
        node_name=row["nodeName"],
        labels=row["labels"],
        annotations=row["annotations"],
    )


@pytest.mark.parametrize("case", _params("EqualIgnoreHash.json"))
@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_equal_ignore_hash(case: dict[str, Any], reverse: bool) -> None:
    former, latter = _hash_template(case["former"]), _hash_template(case["latter"])
    if reverse:
        former, latter = latter, former
    former_copy, latter_copy = copy.deepcopy(former), copy.deepcopy(latter)
    assert util.equal_ignore_hash(former, latter) is case["expected"]
    assert (former, latter) == (former_copy, latter_copy)
    assert dict(former.metadata.labels) == dict(former_copy.metadata.labels)
    assert dict(latter.metadata.labels) == dict(latter_copy.metadata.labels)


def _find_fixtures() -> tuple[Any, dict[str, Any]]:
    """The FindNewReplicaSet / FindOldReplicaSets setup notes, as objects."""
    d = deployment(1, pod_template=template(labels={"name": "nginx"}))
    base = d.spec.template

    def with_hash(t: PodTemplateSpec, value: str) -> PodTemplateSpec:
        labels = {**t.metadata.labels, util.POD_TEMPLATE_HASH_LABEL: value}
        return replace(t, metadata=replace(t.metadata, labels=labels))

    old_template = replace(
        base,
        spec=replace(base.spec, containers=(replace(base.spec.containers[0], name="nginx-old"),)),
    )
    fixtures = {
        "newRS": replica_set("newRS", 1, created="now+1m", pod_template=with_hash(base, "hash")),
        "newRSDup": replica_set(
            "newRSDup", 0, created="now", pod_template=with_hash(base, "different-hash")
        ),
        "oldRS": replica_set(
            "oldRS", 0, created="now-1m", pod_template=with_hash(old_template, "old-hash")
        ),
    }
    return d, fixtures


@pytest.mark.parametrize("case", _params("FindNewReplicaSet.json"))
def test_find_new_replica_set(case: dict[str, Any]) -> None:
    d, fixtures = _find_fixtures()
    found = util.find_new_replica_set(d, [fixtures[name] for name in case["rsList"]])
    assert (found.metadata.name if found is not None else None) == case["expected"]


@pytest.mark.parametrize("case", _params("FindOldReplicaSets.json"))
def test_find_old_replica_sets(case: dict[str, Any]) -> None:
    d, fixtures = _find_fixtures()
    require, all_old = util.find_old_replica_sets(d, [fixtures[n] for n in case["rsList"]])
    assert sorted(rs.metadata.name for rs in all_old) == sorted(case["expected"] or [])
    assert sorted(rs.metadata.name for rs in require) == sorted(case["expectedRequire"] or [])


def _count_fixtures() -> dict[str, Any]:
    setup = load_table("GetReplicaCountForReplicaSets.json")["notes"][
        "GetReplicaCountForReplicaSets_setup"
    ]
    return {
        name: replica_set(
            name,
            row["spec"],
            status_replicas=row["statusReplicas"],
            observed_generation=row["observedGeneration"],
        )
        for name, row in setup.items()
        if name.startswith("rs")
    }


@pytest.mark.parametrize("case", _params("GetReplicaCountForReplicaSets.json"))
def test_get_replica_count(case: dict[str, Any]) -> None:
    fixtures = _count_fixtures()
    sets = [fixtures[name] for name in case["sets"]]
    assert util.get_replica_count(sets) == case["expectedCount"]
    assert util.get_actual_replica_count(sets) == case["expectedActual"]


@pytest.mark.parametrize("case", _params("GetReplicaCountForReplicaSets.json"))
def test_get_replica_count_terminating(case: dict[str, Any]) -> None:
    pytest.skip(SKIP_TERMINATING)


@pytest.mark.parametrize("case", _params("ReplicasAnnotationsNeedUpdate.json"))
def test_replicas_annotations_need_update(case: dict[str, Any]) -> None:
    rs = replica_set("hello", 1, annotations=case["annotations"])
    assert (
        util.replicas_annotations_need_update(rs, case["desired"], case["max"]) is case["expected"]
    )


@pytest.mark.parametrize("case", _params("GetNonNegativeInt32FromAnnotation.json"))
def test_get_non_negative_int32_from_annotation(case: dict[str, Any]) -> None:
    value, valid = util.get_non_negative_int32_from_annotation(case["annotations"], "test")
    assert (value, valid) == (case["expectedValue"], case["expectedValid"])


_ANNOTATION_UTILS = load_table("AnnotationUtils_revisionHistory.json")["cases"]


def test_set_new_replica_set_annotations_revision_history() -> None:
    case = _ANNOTATION_UTILS[0]
    assert case["function"] == "SetNewReplicaSetAnnotations"
    d = deployment(1)
    rs = replica_set("nginx-rs", 1)
    for step in case["expectedAfterEachCall"]:
        rs, _ = util.set_new_replica_set_annotations(
            d, rs, step["nextRevision"], case["exists"], case["revHistoryLimitInChars"]
        )
        annotations = rs.metadata.annotations
        assert annotations[REVISION_ANNOTATION] == step["revision"], step
        if step["revisionHistory"] == "(absent)":
            assert REVISION_HISTORY_ANNOTATION not in annotations, step
        else:
            assert annotations.get(REVISION_HISTORY_ANNOTATION) == step["revisionHistory"], step


def test_set_replicas_annotations() -> None:
    case = _ANNOTATION_UTILS[1]
    assert case["function"] == "SetReplicasAnnotations"
    rs, changed = util.set_replicas_annotations(
        replica_set("nginx-rs", 1), case["desired"], case["max"]
    )
    assert changed is case["expectedChanged"]
    assert dict(rs.metadata.annotations) == case["expectedAnnotations"]


def test_is_saturated() -> None:
    case = _ANNOTATION_UTILS[2]
    assert case["function"] == "IsSaturated"
    d = deployment(case["deploymentReplicas"])
    rs = replica_set(
        "nginx-rs",
        case["rsReplicas"],
        annotations=case["rsAnnotations"],
        available=case["rsAvailableReplicas"],
    )
    assert util.is_saturated(d, rs) is case["expected"]


@pytest.mark.parametrize("case", _params("SetDeploymentCondition.json"))
def test_set_deployment_condition(case: dict[str, Any]) -> None:
    status = deployment_status(conditions=case["status"])
    result = util.set_deployment_condition(status, condition(case["cond"]))
    assert [(c.type, c.status, c.reason) for c in result.conditions] == [
        (c["type"], c["status"], c["reason"]) for c in case["expected"]
    ]


# ---------------------------------------------------------------------------------------
# controller_utils: pod availability, deletion order, hashing
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    _params(
        "IsPodAvailable.json",
        "ready",
        "readySecondsAgo",
        "readyLastTransitionTime",
        "minReadySeconds",
    ),
)
def test_is_pod_available(case: dict[str, Any]) -> None:
    if case.get("readyLastTransitionTime") is not None:
        ready_since = ts(case["readyLastTransitionTime"])
    else:
        ready_since = NOW - case["readySecondsAgo"]
    assert (
        is_pod_available(case["ready"], ready_since, case["minReadySeconds"], NOW)
        is case["expected"]
    )


def _legacy_pod(row: dict[str, Any]) -> PodRankKey:
    return PodRankKey(
        uid=row["name"],
        node_name=row["nodeName"],
        phase=row["phase"],
        ready=bool(row.get("ready")),
        ready_since=ts(row.get("readySince", "zero")),
        created=ts(row.get("created", "zero")),
        restarts=max(row.get("restarts", [0])),
    )


@pytest.mark.parametrize("case", _params("ActivePods_sort.json"))
def test_active_pods_sort(case: dict[str, Any]) -> None:
    pods = [_legacy_pod(row) for row in case["pods"]]
    rng = random.Random(0)
    for _ in range(20):
        shuffled = pods[:]
        rng.shuffle(shuffled)
        ordered = sort_pods_for_deletion(shuffled, None)
        assert [p.uid for p in ordered] == case["wantOrder"]


_RANKS = load_table("ActivePodsWithRanks.json")


def _ranked_pod(name: str, rank: int, *, deletion_cost: bool = True) -> PodRankKey:
    row = _RANKS["pods"][name]
    cost = row.get("annotations", {}).get("controller.kubernetes.io/pod-deletion-cost", "0")
    return PodRankKey(
        uid="",
        node_name=row["node"],
        phase=row["phase"],
        ready=row["ready"],
        ready_since=ts(row["readySince"]),
        created=ts(row["created"]),
        restarts=row["restarts"],
        deletion_cost=int(cost) if deletion_cost else 0,
        rank=rank,
    )


@pytest.mark.parametrize(
    "pair",
    [pytest.param(p, id=f"{i}-{p[0]}=={p[1]}") for i, p in enumerate(_RANKS["equal"]["cases"])],
)
def test_active_pods_with_ranks_equal(pair: list[str]) -> None:
    a, b = _ranked_pod(pair[0], 1), _ranked_pod(pair[1], 1)
    assert not pod_deletion_less(a, b, NOW)
    assert not pod_deletion_less(b, a, NOW)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c, id=f"{i}-{c['lesser'][0]}@{c['lesser'][1]}<{c['greater'][0]}@{c['greater'][1]}"
        )
        for i, c in enumerate(_RANKS["less"]["cases"])
    ],
)
def test_active_pods_with_ranks_less(case: dict[str, Any]) -> None:
    use_cost = not case.get("disablePodDeletioncost")
    lesser = _ranked_pod(case["lesser"][0], case["lesser"][1], deletion_cost=use_cost)
    greater = _ranked_pod(case["greater"][0], case["greater"][1], deletion_cost=use_cost)
    assert pod_deletion_less(lesser, greater, NOW)
    assert not pod_deletion_less(greater, lesser, NOW)


@pytest.mark.parametrize("case", _params("ComputeHash.json"))
def test_compute_hash(case: dict[str, Any]) -> None:
    assert case["template"] == "empty PodTemplateSpec"
    one = compute_hash(PodTemplateSpec(), case["collisionCount"])
    other = compute_hash(PodTemplateSpec(), case["otherCollisionCount"])
    assert case["expected"].startswith("hashes differ")
    assert one != other
    # deterministic
    assert one == compute_hash(PodTemplateSpec(), case["collisionCount"])


_HASH = load_table("hash.json")["cases"]


def _image_hashes() -> list[str]:
    case = _HASH[0]
    return [
        compute_hash(
            template(labels={"app": "cats"}, image=case["imageFormat"].format(i=i)),
            case["collisionCount"],
        )
        for i in range(case["count"])
    ]


def test_hash_no_collisions_over_image_tags() -> None:
    hashes = _image_hashes()
    assert len(hashes) == _HASH[0]["count"]
    assert len(set(hashes)) == len(hashes)


def test_hash_safe_encoding() -> None:
    case = _HASH[1]
    for digit, char in case["digitMap"].items():
        assert safe_encode_string(digit) == char
    for example in case["examples"]:
        assert safe_encode_string(str(example["sum32"])) == example["encoded"]


def test_hash_alphabet_and_length() -> None:
    case = _HASH[2]
    for value in [*_image_hashes(), compute_hash(PodTemplateSpec(), None)]:
        assert case["minLength"] <= len(value) <= case["maxLength"]
        assert set(value) <= set(case["alphabet"])
