"""Every kubectl message and error text rollsim emits, against kubectl's own text.

Expected strings are transcribed from upstream: the kubectl source
(kubernetes/kubernetes staging/src/k8s.io/kubectl, mirrored as
kubernetes/kubectl), the kubectl tables of the shared conformance file, or
reference section 10 - never from rollsim's output. Each test names its
source. Where rollsim disagrees, the upstream text is kept and the test is a
strict xfail naming the difference.

kubectl prints errors on stderr (``KubectlError.message``) and exits 1
(``cmdutil.CheckErr`` -> ``DefaultErrorExitCode``); everything else is stdout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rollsim import Cluster
from rollsim.kubectl.rollout import RolloutError, deployment_status, view_history
from rollsim.replay import replay

from .support import (
    CHANGE_CAUSE,
    NEVER_READY,
    REVISION,
    apply,
    deleted_while_watching,
    deployment,
    fails,
    manifest,
    new_cluster,
    no_replica_sets,
    one_revision,
    progress_deadline,
    replica_set_of,
    two_revisions,
    two_revisions_paused,
)

# The four status messages and the success message, as fmt.Sprintf formats in
# polymorphichelpers/rollout_status.go (DeploymentStatusViewer.Status).
UPDATED = 'Waiting for deployment "{n}" rollout to finish: {u} out of {r} new replicas have been updated...\n'  # noqa: E501
PENDING = (
    'Waiting for deployment "{n}" rollout to finish: {k} old replicas are pending termination...\n'
)
AVAILABLE = (
    'Waiting for deployment "{n}" rollout to finish: {a} of {u} updated replicas are available...\n'
)
ROLLED_OUT = 'deployment "{n}" successfully rolled out\n'
SPEC_UPDATE = "Waiting for deployment spec update to be observed...\n"

STATUS_LINE = re.compile(
    r'(Waiting for deployment "foo" rollout to finish: (\d+ out of \d+ new replicas have been '
    r"updated|\d+ old replicas are pending termination|\d+ of \d+ updated replicas are "
    r"available)\.\.\.|Waiting for deployment spec update to be observed\.\.\.|deployment "
    r'"foo" successfully rolled out)\n'
)

XFAIL = pytest.mark.xfail


def deviation(reason: str) -> pytest.MarkDecorator:
    return XFAIL(strict=True, reason=reason)


# ---------------------------------------------------------------- rollout status


@pytest.mark.parametrize(
    ("generation", "spec", "status", "expected"),
    [
        pytest.param(
            2,
            2,
            {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2},
            (SPEC_UPDATE, False),
            id="spec-update",
        ),
        pytest.param(
            1,
            3,
            {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 1, "availableReplicas": 3},
            (UPDATED.format(n="foo", u=1, r=3), False),
            id="updated-out-of",
        ),
        pytest.param(
            1,
            2,
            {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 2, "availableReplicas": 2},
            (PENDING.format(n="foo", k=1), False),
            id="old-pending",
        ),
        pytest.param(
            1,
            2,
            {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 0},
            (AVAILABLE.format(n="foo", a=0, u=2), False),
            id="updated-available",
        ),
        pytest.param(
            1,
            2,
            {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2},
            (ROLLED_OUT.format(n="foo"), True),
            id="rolled-out",
        ),
    ],
)
def test_status_messages(
    generation: int, spec: int, status: dict[str, int], expected: tuple[str, bool]
) -> None:
    """polymorphichelpers/rollout_status.go, DeploymentStatusViewer.Status."""
    d = deployment(generation=generation, replicas=spec, status=status)
    assert deployment_status(d) == expected


def test_status_spec_update_wins_over_progress_deadline() -> None:
    """rollout_status.go checks the deadline only inside ``generation <= observed``."""
    d = deployment(
        generation=3,
        status={
            "observedGeneration": 2,
            "conditions": [
                {"type": "Progressing", "reason": "ProgressDeadlineExceeded", "status": "False"}
            ],
        },
    )
    assert deployment_status(d) == (SPEC_UPDATE, False)


def test_status_progress_deadline_function() -> None:
    """rollout_status.go: fmt.Errorf("deployment %q exceeded its progress deadline")."""
    d = deployment(
        generation=1,
        status={
            "observedGeneration": 1,
            "conditions": [
                {"type": "Progressing", "reason": "ProgressDeadlineExceeded", "status": "False"}
            ],
        },
    )
    with pytest.raises(RolloutError, match=r'^deployment "foo" exceeded its progress deadline$'):
        deployment_status(d)


def test_status_progress_deadline_cli() -> None:
    """Conformance row 'timed out': ``error: deployment "foo" exceeded its progress deadline``,
    exit 1, after the progress lines already printed on stdout."""
    err = fails(progress_deadline(), "rollout status deployment/foo")
    assert err.message == 'error: deployment "foo" exceeded its progress deadline'
    assert err.exit_code == 1
    assert err.output
    assert STATUS_LINE.fullmatch(err.output.splitlines(keepends=True)[0])


def test_status_stream_lines_are_kubectl_lines() -> None:
    """With --watch (default) one Status() message per event, the last one the success line."""
    cluster = one_revision()
    cluster.kubectl("set image deployment/foo nginx=nginx:2")
    out = cluster.kubectl("rollout status deployment/foo")
    lines = out.splitlines(keepends=True)
    assert all(STATUS_LINE.fullmatch(line) for line in lines), out
    assert lines[-1] == ROLLED_OUT.format(n="foo")


def test_status_watch_false_prints_one_message() -> None:
    """rollout_status.go: with --watch=false the first message ends the command."""
    cluster = new_cluster()
    apply(cluster, manifest(image=NEVER_READY))
    out = cluster.kubectl("rollout status deployment/foo --watch=false")
    assert out == AVAILABLE.format(n="foo", a=0, u=2)


def test_status_revision_mismatch() -> None:
    """rollout_status.go: "desired revision (%d) is different from the running revision (%d)"."""
    err = fails(two_revisions(), "rollout status deployment/foo --revision=1")
    assert (err.message, err.exit_code) == (
        "error: desired revision (1) is different from the running revision (2)",
        1,
    )


def test_status_revision_pinned_to_current() -> None:
    out = two_revisions().kubectl("rollout status deployment/foo --revision=2")
    assert out == ROLLED_OUT.format(n="foo")


def test_status_revision_unparseable() -> None:
    """rollout_status.go: "cannot get the revision of deployment %q: %v" with the
    strconv.ParseInt error of deploymentutil.Revision."""
    d = deployment(annotations={REVISION: "x1"})
    with pytest.raises(RolloutError) as info:
        deployment_status(d, 1)
    assert str(info.value) == (
        'cannot get the revision of deployment "foo": '
        'strconv.ParseInt: parsing "x1": invalid syntax'
    )


def test_status_revision_missing_annotation_is_zero() -> None:
    d = deployment(generation=1, status={"observedGeneration": 1})
    with pytest.raises(RolloutError) as info:
        deployment_status(d, 1)
    assert str(info.value) == "desired revision (1) is different from the running revision (0)"


def test_status_negative_revision() -> None:
    """cmd/rollout/rollout_status.go Validate: "revision must be a positive integer: %v"."""
    err = fails(two_revisions(), "rollout status deployment/foo --revision=-1")
    assert (err.message, err.exit_code) == ("error: revision must be a positive integer: -1", 1)


def test_status_negative_revision_checked_before_lookup() -> None:
    err = fails(new_cluster(), "rollout status deployment/missing --revision=-1")
    assert err.message == "error: revision must be a positive integer: -1"


def test_status_timeout() -> None:
    """--timeout ends watchtools.UntilWithSync with wait.ErrWaitTimeout:
    "timed out waiting for the condition" (client-go tools/watch/until.go)."""
    cluster = new_cluster()
    apply(cluster, manifest(image=NEVER_READY))
    err = fails(cluster, "rollout status deployment/foo --timeout=5s")
    assert (err.message, err.exit_code) == ("error: timed out waiting for the condition", 1)
    assert err.output == AVAILABLE.format(n="foo", a=0, u=2)


def test_status_object_deleted() -> None:
    """rollout_status.go: a watch.Deleted event ends with "object has been deleted"."""
    err = fails(deleted_while_watching(), "rollout status deployment/foo")
    assert (err.message, err.exit_code) == ("error: object has been deleted", 1)


# ---------------------------------------------------------------- rollout history

HISTORY_TWO = "deployment.apps/foo \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"


def test_history_table() -> None:
    """rollout_history.go prints '<resource>.<group>/<name>' + ' ' + '' then '\\n', then
    ViewHistory's tab-written table (history.go, padding 2), then '\\n': a trailing space on
    the header and a blank line at the end (rollout_history_test)."""
    assert two_revisions().kubectl("rollout history deployment/foo") == HISTORY_TWO


def test_history_change_cause_column() -> None:
    """history.go: CHANGE-CAUSE is the ReplicaSet's kubernetes.io/change-cause; runes, not
    bytes, set the column width (text/tabwriter)."""
    cluster = one_revision()
    apply(cluster, manifest(image="nginx:2", annotations={CHANGE_CAUSE: "升级到 nginx:2"}))
    cluster.kubectl("rollout status deployment/foo")
    out = cluster.kubectl("rollout history deployment/foo")
    assert out == (
        "deployment.apps/foo \nREVISION  CHANGE-CAUSE\n1         <none>\n"
        "2         升级到 nginx:2\n\n"
    )


def test_history_revision_header_and_template() -> None:
    """rollout_history.go: 'with revision #N' header; history.go printTemplate ->
    describe.DescribePodTemplate with raw TABs (not tab-written)."""
    cluster = two_revisions()
    digest = replica_set_of(cluster, 2).metadata.labels["pod-template-hash"]
    out = cluster.kubectl("rollout history deployment/foo --revision=2")
    assert out == (
        "deployment.apps/foo with revision #2\n"
        "Pod Template:\n"
        f"  Labels:\tapp=foo\n\tpod-template-hash={digest}\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:\tnginx:2\n"
        "    Port:\t<none>\n"
        "    Host Port:\t<none>\n"
        "    Environment:\t<none>\n"
        "    Mounts:\t<none>\n"
        "  Volumes:\t<none>\n"
        "  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n"
        "\n"
    )


def test_history_revision_shows_change_cause() -> None:
    cluster = one_revision()
    apply(cluster, manifest(image="nginx:2", annotations={CHANGE_CAUSE: "to v2"}))
    cluster.kubectl("rollout status deployment/foo")
    out = cluster.kubectl("rollout history deployment/foo --revision=2")
    assert "  Labels:\tapp=foo\n\tpod-template-hash=" in out
    assert "  Annotations:\tkubernetes.io/change-cause: to v2\n  Containers:\n" in out


def test_history_no_revisions_message() -> None:
    """history.go: "No rollout history found." when no ReplicaSet has a revision."""
    assert "No rollout history found." in no_replica_sets().kubectl(
        "rollout history deployment/foo"
    )


def test_history_no_revisions_exact() -> None:
    out = no_replica_sets().kubectl("rollout history deployment/foo")
    assert out == "deployment.apps/foo \nNo rollout history found.\n"


@pytest.mark.parametrize("revision", [0, 3])
def test_view_history_empty(revision: int) -> None:
    assert view_history([], revision) == "No rollout history found."


def test_history_revision_not_found() -> None:
    """history.go: fmt.Errorf("unable to find the specified revision")."""
    err = fails(two_revisions(), "rollout history deployment/foo --revision=9")
    assert (err.message, err.exit_code) == ("error: unable to find the specified revision", 1)


def test_history_negative_revision() -> None:
    err = fails(two_revisions(), "rollout history deployment/foo --revision=-1")
    assert err.message == "error: revision must be a positive integer: -1"


# ---------------------------------------------------------------- rollout undo


def test_undo_rolled_back() -> None:
    """rollback.go rollbackSuccess "rolled back", printed by the name printer."""
    cluster = two_revisions()
    assert cluster.kubectl("rollout undo deployment/foo") == "deployment.apps/foo rolled back\n"
    cluster.kubectl("rollout status deployment/foo")
    assert cluster.get("Deployment", "foo").spec.template.spec.containers[0].image == "nginx:1"
    assert cluster.kubectl("rollout history deployment/foo") == (
        "deployment.apps/foo \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
    )


def test_undo_skipped_named_revision() -> None:
    """rollback.go: "%s (current template already matches revision %d)" with toRevision."""
    out = two_revisions().kubectl("rollout undo deployment/foo --to-revision=2")
    assert out == (
        "deployment.apps/foo skipped rollback (current template already matches revision 2)\n"
    )


def test_undo_skipped_default_revision() -> None:
    cluster = new_cluster(latency=5.0)
    apply(cluster, manifest())
    cluster.run(cluster.now + 60)
    cluster.kubectl("set image deployment/foo nginx=nginx:2")
    cluster.run(cluster.now + 120)
    # Revert the template by hand; undo runs before the controller (5 s latency) reacts, so
    # the previous revision (1) already matches the Deployment's template.
    cluster.kubectl("set image deployment/foo nginx=nginx:1")
    out = cluster.kubectl("rollout undo deployment/foo")
    assert out == (
        "deployment.apps/foo skipped rollback (current template already matches revision 0)\n"
    )


@pytest.mark.parametrize("revision", [7, -1])
def test_undo_revision_not_found(revision: int) -> None:
    """rollback.go revisionNotFoundErr: "unable to find specified revision %v in history"."""
    err = fails(two_revisions(), f"rollout undo deployment/foo --to-revision={revision}")
    assert (err.message, err.exit_code) == (
        f"error: unable to find specified revision {revision} in history",
        1,
    )


def test_undo_no_history() -> None:
    """rollback.go deploymentRevision: "no rollout history found for deployment %q"."""
    err = fails(one_revision(), "rollout undo deployment/foo")
    assert (err.message, err.exit_code) == (
        'error: no rollout history found for deployment "foo"',
        1,
    )


def test_undo_paused_is_an_error() -> None:
    err = fails(two_revisions_paused(), "rollout undo deployment/foo")
    assert err.exit_code == 1
    assert err.message.startswith(
        "error: you cannot rollback a paused deployment; resume it "
        "first with 'kubectl rollout resume"
    )


def test_undo_paused_text() -> None:
    err = fails(two_revisions_paused(), "rollout undo deployment/foo")
    assert err.message == (
        "error: you cannot rollback a paused deployment; resume it first "
        "with 'kubectl rollout resume deployment/foo' and try again"
    )


def test_undo_paused_missing_revision() -> None:
    err = fails(two_revisions_paused(), "rollout undo deployment/foo --to-revision=99")
    assert err.message == "error: unable to find specified revision 99 in history"


def test_undo_warns_when_applied(tmp_path: Path) -> None:
    base = tmp_path
    (base / "foo.yaml").write_text(manifest(), encoding="utf-8")
    session = (
        "kubectl apply -f foo.yaml\nkubectl rollout status deployment/foo\n"
        "kubectl set image deployment/foo nginx=nginx:2\n"
        "kubectl rollout status deployment/foo\nkubectl rollout undo deployment/foo\n"
    )
    text = replay(session, Cluster(), cwd=base).text
    warning = (
        "Warning: resource deployments/foo was previously managed with 'kubectl apply'. "
        "Rolling back will not update the kubectl.kubernetes.io/last-applied-configuration"
        " annotation, which may cause unexpected behavior on future 'kubectl apply' "
        "operations. Consider using 'kubectl apply' with your previous configuration "
        "file instead.\n"
    )
    assert text.endswith(warning + "deployment.apps/foo rolled back\n")


# ---------------------------------------------------------------- pause / resume / restart


def test_pause_and_already_paused() -> None:
    """rollout_pause.go: "paused"; objectpauser.go "is already paused" wrapped as
    fmt.Errorf("error: %s %q %v", "deployments.apps", name, err)."""
    cluster = two_revisions()
    assert cluster.kubectl("rollout pause deployment/foo") == "deployment.apps/foo paused\n"
    err = fails(cluster, "rollout pause deployment/foo")
    assert (err.message, err.exit_code) == ('error: deployments.apps "foo" is already paused', 1)


def test_resume_and_not_paused() -> None:
    """rollout_resume.go: "resumed"; objectresumer.go "is not paused"."""
    cluster = two_revisions_paused()
    assert cluster.kubectl("rollout resume deployment/foo") == "deployment.apps/foo resumed\n"
    err = fails(cluster, "rollout resume deployment/foo")
    assert (err.message, err.exit_code) == ('error: deployments.apps "foo" is not paused', 1)


def test_restart_messages() -> None:
    """rollout_restart.go "restarted"; the empty-patch error within the same second;
    objectrestarter.go "can't restart paused deployment (run rollout resume first)"."""
    cluster = two_revisions()
    assert cluster.kubectl("rollout restart deployment/foo") == "deployment.apps/foo restarted\n"
    err = fails(cluster, "rollout restart deployment/foo")
    assert (err.message, err.exit_code) == (
        "error: failed to create patch for foo: if restart has already been triggered within "
        "the past second, please wait before attempting to trigger another",
        1,
    )
    cluster.kubectl("rollout pause deployment/foo")
    err = fails(cluster, "rollout restart deployment/foo")
    assert (err.message, err.exit_code) == (
        'error: deployments.apps "foo" can\'t restart paused deployment (run rollout resume first)',
        1,
    )


@pytest.mark.parametrize(
    ("verb", "expected"),
    [
        ("status", "error: no status viewer has been implemented for ReplicaSet.apps"),
        ("history", 'error: no history viewer has been implemented for "ReplicaSet.apps"'),
        ("undo", 'error: no rollbacker has been implemented for "ReplicaSet.apps"'),
        ("pause", 'error: replicasets.apps "{rs}" pausing is not supported'),
        ("resume", 'error: replicasets.apps "{rs}" resuming is not supported'),
        ("restart", 'error: replicasets.apps "{rs}" restarting is not supported'),
    ],
)
def test_rollout_on_replica_set(verb: str, expected: str) -> None:
    cluster = two_revisions()
    rs = replica_set_of(cluster, 2).metadata.name
    err = fails(cluster, f"rollout {verb} replicaset/{rs}")
    assert err.message == expected.format(rs=rs)


# ---------------------------------------------------------------- set image / scale / annotate


def test_set_image_updated() -> None:
    """cmd/set/set_image.go: PrintFlags operation "image updated"."""
    out = one_revision().kubectl("set image deployment/foo nginx=nginx:2")
    assert out == "deployment.apps/foo image updated\n"


def test_set_image_unknown_container() -> None:
    """set_image.go: fmt.Errorf("error: unable to find container named %q", name)."""
    err = fails(one_revision(), "set image deployment/foo nope=nginx:2")
    assert (err.message, err.exit_code) == ('error: unable to find container named "nope"', 1)


def test_set_image_unchanged_prints_nothing() -> None:
    assert one_revision().kubectl("set image deployment/foo nginx=nginx:1") == ""


def test_scale_scaled() -> None:
    """cmd/scale/scale.go: PrintFlags operation "scaled"."""
    assert (
        one_revision().kubectl("scale deployment/foo --replicas=3")
        == "deployment.apps/foo scaled\n"
    )


def test_scale_negative() -> None:
    """scale.go Validate: "The --replicas=COUNT flag is required, and COUNT must be greater
    than or equal to 0"."""
    err = fails(one_revision(), "scale deployment/foo --replicas=-1")
    assert (err.message, err.exit_code) == (
        "error: The --replicas=COUNT flag is required, and COUNT must be greater than or "
        "equal to 0",
        1,
    )


def test_scale_missing_replicas() -> None:
    """scale.go MarkFlagRequired("replicas"): cobra's 'required flag(s) "replicas" not set'."""
    err = fails(one_revision(), "scale deployment/foo")
    assert (err.message, err.exit_code) == ('error: required flag(s) "replicas" not set', 1)


def test_annotate_annotated() -> None:
    """cmd/annotate/annotate.go: PrintFlags operation "annotated"."""
    assert (
        one_revision().kubectl("annotate deployment/foo team=a")
        == "deployment.apps/foo annotated\n"
    )


def test_annotate_overwrite_error() -> None:
    """annotate.go validateNoAnnotationOverwrites: "--overwrite is false but found the
    following declared annotation(s): '%s' already has a value (%s)"."""
    cluster = one_revision()
    cluster.kubectl("annotate deployment/foo team=a")
    err = fails(cluster, "annotate deployment/foo team=b")
    assert (err.message, err.exit_code) == (
        "error: --overwrite is false but found the following declared annotation(s): 'team' "
        "already has a value (a)",
        1,
    )
    assert (
        cluster.kubectl("annotate deployment/foo team=b --overwrite")
        == "deployment.apps/foo annotated\n"
    )
    assert cluster.kubectl("annotate deployment/foo team=b") == "deployment.apps/foo annotated\n"


def test_annotate_change_cause_always_overwritable() -> None:
    cluster = one_revision()
    cluster.kubectl(f"annotate deployment/foo {CHANGE_CAUSE}=first")
    assert (
        cluster.kubectl(f"annotate deployment/foo {CHANGE_CAUSE}=second")
        == "deployment.apps/foo annotated\n"
    )


# ---------------------------------------------------------------- apply / delete / get


def test_apply_created_unchanged_configured() -> None:
    """cmd/apply: "created", "unchanged" (nothing to patch), "configured"."""
    cluster = new_cluster()
    assert apply(cluster, manifest()) == "deployment.apps/foo created\n"
    assert apply(cluster, manifest()) == "deployment.apps/foo unchanged\n"
    assert apply(cluster, manifest(image="nginx:2")) == "deployment.apps/foo configured\n"


def test_apply_missing_file() -> None:
    """cli-runtime resource builder: fmt.Errorf("the path %q does not exist", p)."""
    err = fails(new_cluster(), "apply -f /nonexistent/foo.yaml")
    assert (err.message, err.exit_code) == (
        'error: the path "/nonexistent/foo.yaml" does not exist',
        1,
    )


def test_delete_and_not_found() -> None:
    """cmd/delete/delete.go PrintObj (kubectl 1.34, kubernetes/kubectl#126619): '%s "%s" %s'
    with kind.group and "deleted from <ns> namespace" for a namespaced object; a second
    delete is NotFound."""
    cluster = one_revision()
    assert (
        cluster.kubectl("delete deployment foo")
        == 'deployment.apps "foo" deleted from default namespace\n'
    )
    err = fails(cluster, "delete deployment foo")
    assert (err.message, err.exit_code) == (
        'Error from server (NotFound): deployments.apps "foo" not found',
        1,
    )


@pytest.mark.parametrize(
    "command",
    [
        "get deployment x",
        "get deploy/x",
        "describe deployment x",
        "rollout status deployment/x",
        "rollout history deploy x",
    ],
)
def test_not_found(command: str) -> None:
    """cmdutil.StandardErrorMessage: "Error from server (%s): %s" with the API server's
    NotFound text '<resource>.<group> "<name>" not found'."""
    err = fails(new_cluster(), command)
    assert (err.message, err.exit_code) == (
        'Error from server (NotFound): deployments.apps "x" not found',
        1,
    )


def test_unknown_resource_type() -> None:
    """cmdutil.checkErr, *meta.NoResourceMatchError: "the server doesn't have a resource
    type %q"."""
    err = fails(new_cluster(), "get frobs")
    assert (err.message, err.exit_code) == (
        'error: the server doesn\'t have a resource type "frobs"',
        1,
    )


def test_no_resources_found() -> None:
    """cmd/get/get.go: "No resources found in %s namespace." on stderr, exit 0, no stdout."""
    stderr: list[str] = []
    assert new_cluster().kubectl("get deployments", stderr=stderr.append) == ""
    assert stderr == ["No resources found in default namespace.\n"]


def test_get_without_resource() -> None:
    err = fails(new_cluster(), "get")
    assert err.message == (
        'You must specify the type of resource to get. Use "kubectl api-resources" for a '
        "complete list of supported resources.\n\n"
        "error: Required resource not specified.\n"
        'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. '
        "kubectl explain pods).\n"
        "See 'kubectl get -h' for help and examples"
    )


def test_unknown_command() -> None:
    """cobra legacyArgs on the root command: 'unknown command %q for %q'."""
    err = fails(new_cluster(), "frobnicate deployment foo")
    assert (err.message, err.exit_code) == ('error: unknown command "frobnicate" for "kubectl"', 1)


def test_rollout_unknown_subcommand() -> None:
    err = fails(two_revisions(), "rollout frobnicate deployment/foo")
    assert err.message == (
        'error: unknown command "frobnicate deployment/foo"\n'
        "See 'kubectl rollout -h' for help and examples"
    )


# ---------------------------------------------------------------- describe


def test_describe_lists_scaled_down_old_replica_sets() -> None:
    cluster = two_revisions()
    old = replica_set_of(cluster, 1).metadata.name
    new = replica_set_of(cluster, 2).metadata.name
    out = cluster.kubectl("describe deployment foo")
    assert (
        f"OldReplicaSets:  {old} (0/0 replicas created)\n"
        f"NewReplicaSet:   {new} (2/2 replicas created)\n"
    ) in out
