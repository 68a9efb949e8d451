"""The writing verbs in kubectl 1.34's words: delete (names, -l, --all, --cascade,
--ignore-not-found, --wait, --dry-run), create namespace, label, set env, set resources,
and pflag's reading of boolean flags."""

from __future__ import annotations

import pytest

from rollsim import Cluster, KubectlError, PodBehavior

from .support import apply, manifest, one_revision


def slow_shutdown() -> Cluster:
    """``foo`` rolled out with pods that take 20 s to shut down."""
    cluster = Cluster(pods=PodBehavior(shutdown=20.0))
    apply(cluster, manifest("foo"))
    cluster.kubectl("rollout status deployment/foo")
    return cluster


def fails(cluster: Cluster, command: str) -> KubectlError:
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl(command)
    return caught.value


def two_deployments() -> Cluster:
    cluster = one_revision("foo")
    apply(cluster, manifest(name="bar"))
    cluster.run_until_complete("deploy/bar")
    return cluster


def test_delete_several_names_then_the_errors_after_the_lines() -> None:
    """DeleteResult visits every name (ContinueOnError): the deleted lines on stdout,
    each NotFound after."""
    cluster = two_deployments()
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl("delete deploy foo nope bar")
    assert caught.value.output == (
        'deployment.apps "foo" deleted from default namespace\n'
        'deployment.apps "bar" deleted from default namespace\n'
    )
    assert caught.value.message == 'Error from server (NotFound): deployments.apps "nope" not found'
    assert cluster.list("deploy") == []


def test_delete_all_and_selector_ignore_not_found_by_default() -> None:
    cluster = two_deployments()
    assert cluster.kubectl("delete deploy -l app=nomatch") == "No resources found\n"
    assert cluster.kubectl("delete deploy --all") == (
        'deployment.apps "bar" deleted from default namespace\n'
        'deployment.apps "foo" deleted from default namespace\n'
    )
    err = fails(cluster, "delete deploy --all -l app=x")
    assert err.message == "error: cannot set --all and --selector at the same time"
    assert cluster.kubectl("delete deploy foo --ignore-not-found") == "No resources found\n"


def test_delete_dry_run_changes_nothing() -> None:
    cluster = one_revision("foo")
    assert cluster.kubectl("delete deploy foo --dry-run=client") == (
        'deployment.apps "foo" deleted from default namespace (dry run)\n'
    )
    assert cluster.kubectl("delete deploy foo --dry-run=server") == (
        'deployment.apps "foo" deleted from default namespace (server dry run)\n'
    )
    assert [d.metadata.name for d in cluster.list("deploy")] == ["foo"]
    err = fails(cluster, "delete deploy foo --dry-run=maybe")
    assert (
        err.message
        == 'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".'
    )


def test_foreground_delete_waits_for_the_dependents() -> None:
    """--wait (default true) runs the clock until the owner is gone; with foreground
    propagation that is after its ReplicaSets and pods."""
    cluster = slow_shutdown()
    start = cluster.now
    assert cluster.kubectl("delete deploy foo --cascade=foreground") == (
        'deployment.apps "foo" deleted from default namespace\n'
    )
    assert cluster.now == start + 20.0
    assert cluster.list("deploy") == [] and cluster.list("rs") == []


def test_foreground_delete_without_wait_leaves_it_listed() -> None:
    cluster = slow_shutdown()
    cluster.kubectl("delete deploy foo --cascade=foreground --wait=false")
    (listed,) = cluster.list("deploy")
    assert listed.metadata.deletion_timestamp == cluster.now


def test_cascade_orphan_keeps_the_replica_sets_and_bare_cascade_is_background() -> None:
    cluster = one_revision("foo")
    cluster.kubectl("delete deploy foo --cascade=orphan")
    assert len(cluster.list("rs")) == 1
    err = fails(cluster, "delete rs --all --cascade=sideways")
    assert err.message == (
        'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"'
    )
    assert cluster.kubectl("delete rs --all --cascade").startswith('replicaset.apps "foo-')


def test_delete_a_pod_waits_for_its_graceful_shutdown() -> None:
    cluster = slow_shutdown()
    pod = cluster.list("pod")[0].metadata.name
    start = cluster.now
    assert cluster.kubectl(f"delete pod {pod}") == f'pod "{pod}" deleted from default namespace\n'
    assert cluster.now == start + 20.0
    assert pod not in [p.metadata.name for p in cluster.list("pod")]


def test_create_namespace() -> None:
    cluster = Cluster()
    assert cluster.kubectl("create namespace test") == "namespace/test created\n"
    assert cluster.kubectl("create ns other --dry-run=client") == (
        "namespace/other created (dry run)\n"
    )
    err = fails(cluster, "create ns test")
    assert err.message == 'Error from server (AlreadyExists): namespaces "test" already exists'
    assert [n.metadata.name for n in cluster.list("ns", None)] == [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "test",
    ]


def test_label_add_overwrite_remove() -> None:
    """label.go: validateNoOverwrites, then labeled / unlabeled / not labeled."""
    cluster = one_revision("foo")
    assert cluster.kubectl("label deploy foo tier=fe") == "deployment.apps/foo labeled\n"
    err = fails(cluster, "label deploy foo tier=be")
    assert err.message == "error: 'tier' already has a value (fe), and --overwrite is false"
    assert cluster.kubectl("label deploy foo tier=fe") == "deployment.apps/foo not labeled\n"
    assert cluster.kubectl("label deploy/foo tier=be --overwrite") == (
        "deployment.apps/foo labeled\n"
    )
    assert cluster.get("deploy/foo").metadata.labels["tier"] == "be"
    assert cluster.kubectl("label deploy foo tier-") == "deployment.apps/foo unlabeled\n"
    assert cluster.kubectl("label deploy foo tier-") == (
        'label "tier" not found.\ndeployment.apps/foo not labeled\n'
    )
    assert "tier" not in cluster.get("deploy/foo").metadata.labels
    err = fails(cluster, "label deploy foo a=1 b")
    assert err.message == "error: all resources must be specified before label changes: b"


def test_label_a_pod_out_of_its_replica_set_releases_it() -> None:
    """The ReplicaSet releases a pod relabelled out of its selector and replaces it."""
    cluster = one_revision("foo")
    before = len(cluster.list("pod"))
    pod = cluster.list("pod")[0].metadata.name
    assert cluster.kubectl(f"label pod {pod} app-") == f"pod/{pod} unlabeled\n"
    cluster.run(cluster.now + 60)
    pods = cluster.list("pod")
    assert len(pods) == before + 1
    released = next(p for p in pods if p.metadata.name == pod)
    assert released.metadata.owner_references == ()


def test_set_env_and_resources_roll_a_new_replica_set() -> None:
    cluster = one_revision("foo")
    assert len(cluster.list("rs")) == 1
    assert cluster.kubectl("set env deploy/foo GREETING=hi") == "deployment.apps/foo env updated\n"
    assert cluster.kubectl("set env deploy/foo GREETING=hi") == ""
    cluster.run_until_complete("deploy/foo")
    assert len(cluster.list("rs")) == 2
    (container,) = cluster.get("deploy/foo").spec.template.spec.containers
    assert [(e.name, e.value) for e in container.env] == [("GREETING", "hi")]
    warnings: list[str] = []
    out = cluster.kubectl("set resources deploy foo --limits=cpu=200m", stderr=warnings.append)
    assert out == "deployment.apps/foo resource requirements updated\n"
    assert warnings == [
        "Warning: deployment.apps/foo: spec.template.spec.containers[0].resources: "
        "stored, not simulated\n"
    ]
    cluster.run_until_complete("deploy/foo")
    assert len(cluster.list("rs")) == 3
    assert cluster.kubectl("set env deploy/foo GREETING-") == "deployment.apps/foo env updated\n"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            "label deploy foo a=b --overwrite=x",
            'error: invalid argument "x" for "--overwrite" flag: strconv.ParseBool: '
            'parsing "x": invalid syntax',
        ),
        (
            "apply -R=maybe -f x",
            'error: invalid argument "maybe" for "-R, --recursive" flag: strconv.ParseBool: '
            'parsing "maybe": invalid syntax',
        ),
    ],
)
def test_boolean_flags_as_pflag_parses_them(command: str, message: str) -> None:
    assert fails(one_revision("foo"), command).message == message


def test_boolean_flag_spellings() -> None:
    """strconv.ParseBool's spellings: --overwrite=1, --overwrite=False."""
    cluster = one_revision("foo")
    cluster.kubectl("label deploy foo tier=fe")
    assert cluster.kubectl("label deploy foo tier=be --overwrite=1") == (
        "deployment.apps/foo labeled\n"
    )
    err = fails(cluster, "label deploy foo tier=fe --overwrite=False")
    assert err.message == "error: 'tier' already has a value (be), and --overwrite is false"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("delete deploy foo --raw=/x", "error: rollsim does not simulate `kubectl delete --raw`"),
        (
            "label deploy foo a=b --local",
            "error: rollsim does not simulate `kubectl label --local`",
        ),
    ],
)
def test_flags_not_simulated_are_refused(command: str, message: str) -> None:
    cluster = one_revision("foo")
    assert fails(cluster, command).message == message
    assert [d.metadata.name for d in cluster.list("deploy")] == ["foo"]


def test_delete_by_name_across_all_namespaces_is_refused() -> None:
    """cli-runtime's builder (``visitByName``): with -A there is no namespace to look a
    name up in, so nothing is deleted."""
    c = Cluster()
    c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n")
    for line in ("delete cm cfg -A", "delete cm/cfg --all-namespaces"):
        with pytest.raises(KubectlError) as raised:
            c.kubectl(line)
        assert raised.value.message == (
            "error: a resource cannot be retrieved by name across all namespaces"
        )
    assert [o.metadata.name for o in c.list("cm")] == ["cfg"]
