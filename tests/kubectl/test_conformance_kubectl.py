"""Every row of the four kubectl conformance tables, run against rollsim.

The rows live verbatim in ``tests/conformance/kubernetes/kubectl_rollout.json``
(transcribed from the shared Kubernetes conformance cases); the ``rollsim`` key of each row,
added here, says how the row is driven, and an ``erratum`` key replaces a row
text that the kubectl source contradicts.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from rollsim.api import ObjectMeta, ReplicaSet, ReplicaSetSpec
from rollsim.api.timefmt import EPOCH
from rollsim.controllers.deployment.rollback import plan_rollback
from rollsim.kubectl.rollout import RolloutError, deployment_status, view_history

from .support import (
    REVISION,
    SCENARIOS,
    deployment,
    fails,
    moons,
    replica_set_of,
    template,
)

TABLES = json.loads(
    (
        Path(__file__).parent.parent / "conformance" / "kubernetes" / "kubectl_rollout.json"
    ).read_text("utf-8")
)

#: Rows where rollsim disagrees with upstream: (table, row name) -> reason.
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {}


def _rows(table: str) -> list[Any]:
    params = []
    for row in TABLES[table]:
        name = row.get("name") or row.get("case") or row.get("cmd")
        reason = KNOWN_DEVIATIONS.get((table, name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(row, id=name, marks=marks))
    return params


def _stderr(row: dict[str, Any], key: str = "error") -> str:
    """kubectl's stderr for a row's error: the erratum text if any, with ``error: ``."""
    text = row.get("erratum", {}).get("expect", row.get(key))
    return text if text.startswith("error: ") else f"error: {text}"


@pytest.mark.parametrize("row", _rows("rollout_status"))
def test_rollout_status(row: dict[str, Any]) -> None:
    driver = row["rollsim"]
    if driver["call"] == "kubectl":
        cluster = SCENARIOS[driver["scenario"]]()
        err = fails(cluster, driver["command"])
        assert (err.message, err.exit_code) == (driver["expect_stderr"], driver["expect_exit_code"])
        assert err.message == _stderr(row)
        return
    d = deployment(
        generation=row.get("generation", 0),
        replicas=row.get("specReplicas", 1),
        status=row.get("status"),
        annotations=driver.get("annotations"),
    )
    if "msg" in row:
        assert deployment_status(d, driver["revision"]) == (row["msg"], row["done"])
        return
    with pytest.raises(RolloutError) as info:
        deployment_status(d, driver["revision"])
    assert str(info.value) == driver.get("expect", row["error"])
    if "cli" in driver:
        cli = driver["cli"]
        cluster = SCENARIOS[cli["scenario"]]()
        err = fails(cluster, cli["command"])
        message, _, code = row["cli_output"].rpartition(" (exit code ")
        assert (err.message, err.exit_code) == (message, int(code.rstrip(")")))
        assert (err.message, err.exit_code) == (cli["expect_stderr"], cli["expect_exit_code"])


@pytest.mark.parametrize("row", _rows("rollout_history"))
def test_rollout_history(row: dict[str, Any]) -> None:
    driver = row["rollsim"]
    if driver["call"] == "view_history":
        assert view_history(moons(), driver["revision"]) == row["expected"]
        return
    cluster = SCENARIOS[driver["scenario"]]()
    if "error" in row:
        err = fails(cluster, driver["command"])
        assert (err.message, err.exit_code) == (_stderr(row), driver["expect_exit_code"])
        assert err.message == driver["expect_stderr"]
        return
    out = cluster.kubectl(driver["command"])
    if "cli_fragment" in row:
        assert row["cli_fragment"] in out
        return
    history = driver["view_history_output"].replace(
        "{hash}", replica_set_of(cluster, 2).metadata.labels.get("pod-template-hash", "")
    )
    assert out == row["cli_output"].replace("<ViewHistory output>", history)


def _patch_shape(row: dict[str, Any]) -> None:
    """rollback_test.go TestGetDeploymentPatch, checked on rollsim's patched Deployment."""
    patch = json.loads(row["expectedPatch"])
    assert [op["path"] for op in patch] == ["/spec/template", "/metadata/annotations"]
    image = row["input"]["template"]["containers"][0]["image"]
    old = template({"pod-template-hash": "abc"}, container="", image=image)
    rs = replica_set_of_template(old, {**row["input"]["annotations"], REVISION: "1"})
    current = deployment(namespace="default", annotations={REVISION: "2"})
    plan = plan_rollback(current, [rs], 1)
    assert plan.deployment is not None
    patched_template = plan.deployment.spec.template
    expected_template = patch[0]["value"]
    assert dict(patched_template.metadata.labels) == expected_template["metadata"].get("labels", {})
    assert [(c.name, c.image) for c in patched_template.spec.containers] == [
        (c["name"], c["image"]) for c in expected_template["spec"]["containers"]
    ]
    # The Deployment keeps its own skip-listed annotations (the revision), the rest is
    # the ReplicaSet's: exactly the patch's annotation map here.
    annotations = dict(plan.deployment.metadata.annotations)
    assert annotations.pop(REVISION) == "2"
    assert annotations == patch[1]["value"]


def replica_set_of_template(tmpl: Any, annotations: dict[str, str]) -> ReplicaSet:
    return ReplicaSet(
        metadata=ObjectMeta(name="foo-abc", namespace="default", annotations=annotations),
        spec=ReplicaSetSpec(replicas=0, template=tmpl),
    )


@pytest.mark.parametrize("row", _rows("rollout_undo"))
def test_rollout_undo(row: dict[str, Any]) -> None:
    driver = row["rollsim"]
    if driver["call"] == "plan_rollback":
        _patch_shape(row)
        return
    cluster = SCENARIOS[driver["scenario"]]()
    if "error" in row:
        err = fails(cluster, driver["command"])
        assert (err.message, err.exit_code) == (_stderr(row), 1)
        return
    assert cluster.kubectl(driver["command"]) == row["cli_output"] + "\n"
    assert row["cli_output"].endswith(row["result"])


def _restarted_at(cluster: Any) -> str:
    """Go's time.RFC3339 layout of the cluster's current (UTC) instant."""
    return (EPOCH + timedelta(seconds=int(cluster.now))).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("row", _rows("rollout_pause_resume_restart"))
def test_rollout_pause_resume_restart(row: dict[str, Any]) -> None:
    driver = row["rollsim"]
    cluster = SCENARIOS[driver["scenario"]]()
    if "before" in driver:
        cluster.kubectl(driver["before"])
    assert cluster.kubectl(driver["command"]) == row["success"] + "\n"
    if row["cmd"] == "pause":
        err = fails(cluster, driver["command"])
        assert row["alreadyPaused"].startswith(driver["repeat_expect_stderr"])
        assert (err.message, err.exit_code) == (driver["repeat_expect_stderr"], 1)
    elif row["cmd"] == "resume":
        err = fails(cluster, driver["command"])
        assert (err.message, err.exit_code) == (row["notPaused"], 1)
        assert err.message == driver["not_paused_expect_stderr"]
    else:
        d = cluster.get("Deployment", "foo")
        annotations = d.spec.template.metadata.annotations
        assert annotations["kubectl.kubernetes.io/restartedAt"] == _restarted_at(cluster)
        err = fails(cluster, driver["command"])
        assert (err.message, err.exit_code) == (row["sameSecondError"], 1)
        cluster.run(cluster.now + 5)
        cluster.kubectl("rollout pause deployment/foo")
        err = fails(cluster, driver["command"])
        assert (err.message, err.exit_code) == (row["pausedError"], 1)
