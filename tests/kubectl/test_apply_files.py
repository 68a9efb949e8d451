"""``-f`` as kubectl's resource builder reads it: directories (``-R``), several ``-f``,
stdin, URLs, on the Kubernetes guestbook tutorial's files kept unchanged
(``tests/manifests/kubernetes-website/README.md`` names their source)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollsim import Cluster, KubectlError
from rollsim.kubectl.commands import run

EXAMPLES = Path(__file__).parent.parent / "manifests" / "kubernetes-website"
APPLICATION = EXAMPLES / "application"
GUESTBOOK = APPLICATION / "guestbook"

CREATED = (
    "deployment.apps/frontend created\n"
    "service/frontend created\n"
    "deployment.apps/redis-leader created\n"
    "service/redis-leader created\n"
)


def fails(cluster: Cluster, command: str, stdin: str | None = None) -> KubectlError:
    with pytest.raises(KubectlError) as caught:
        run(cluster, command, stdin=stdin, cwd=EXAMPLES)
    return caught.value


def test_apply_a_directory_in_walk_order() -> None:
    """ExpandPathsToFileVisitors: a directory's manifest files sorted by name."""
    cluster = Cluster()
    assert run(cluster, f"apply -f {GUESTBOOK}") == CREATED
    assert [d.metadata.name for d in cluster.list("deploy")] == ["frontend", "redis-leader"]


def test_subdirectories_only_with_recursive() -> None:
    """Without -R a subdirectory is skipped (filepath.SkipDir): nothing to apply."""
    cluster = Cluster()
    err = fails(cluster, "apply -f application")
    assert (err.message, err.exit_code) == ("error: no objects passed to apply", 1)
    assert run(cluster, "apply -R -f application", cwd=EXAMPLES) == CREATED
    assert run(cluster, "apply --recursive=true -f application", cwd=EXAMPLES) == (
        CREATED.replace("created", "unchanged")
    )


def test_several_filenames_and_a_comma_list() -> None:
    """-f is a StringSlice: repeated, or comma-separated, read in the order given."""
    cluster = Cluster()
    front = "application/guestbook/frontend-service.yaml"
    leader = "application/guestbook/redis-leader-service.yaml"
    assert run(cluster, f"apply -f {leader} -f {front}", cwd=EXAMPLES) == (
        "service/redis-leader created\nservice/frontend created\n"
    )
    assert run(cluster, f"apply -f {front},{leader}", cwd=EXAMPLES) == (
        "service/frontend unchanged\nservice/redis-leader unchanged\n"
    )


def test_a_missing_path_is_refused_before_any_file_is_read() -> None:
    """FilenameParam checks every path first: nothing is applied."""
    cluster = Cluster()
    err = fails(cluster, "apply -f application/guestbook -f nowhere.yaml")
    assert err.message == 'error: the path "nowhere.yaml" does not exist'
    assert cluster.list("deploy") == []


def test_a_url_is_refused_plainly() -> None:
    """rollsim has no network: the URL is named, nothing is applied."""
    cluster = Cluster()
    url = "https://k8s.io/examples/application/guestbook/redis-leader-deployment.yaml"
    err = fails(cluster, f"apply -f {url}")
    assert err.message == (
        f'error: rollsim does not fetch "{url}": it has no network; download the file '
        "and pass its path"
    )


def test_a_failing_file_does_not_stop_the_others(tmp_path: Path) -> None:
    """ApplyOptions.Run goes on past an error: the applied lines on stdout, then the error."""
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: nowhere}\n"
        "spec: {ports: [{port: 80}]}\n"
    )
    (tmp_path / "b.yaml").write_text((GUESTBOOK / "frontend-service.yaml").read_text())
    cluster = Cluster()
    with pytest.raises(KubectlError) as caught:
        run(cluster, f"apply -f {tmp_path}")
    assert caught.value.output == "service/frontend created\n"
    assert caught.value.message == (
        f'Error from server (NotFound): error when creating "{tmp_path / "a.yaml"}": '
        'namespaces "nowhere" not found'
    )


def test_create_from_a_directory_then_already_exists() -> None:
    """create.go RunCreate: AlreadyExists names the file (AddSourceToErr)."""
    cluster = Cluster()
    assert run(cluster, "create -f application/guestbook", cwd=EXAMPLES) == CREATED
    err = fails(cluster, "create -f application/guestbook/frontend-service.yaml")
    assert (err.message, err.exit_code) == (
        'Error from server (AlreadyExists): error when creating "application/guestbook/'
        'frontend-service.yaml": services "frontend" already exists',
        1,
    )
    annotations = cluster.get("deploy/frontend").metadata.annotations
    assert "kubectl.kubernetes.io/last-applied-configuration" not in annotations


def test_create_from_stdin_names_stdin() -> None:
    """The stdin visitor's source is STDIN."""
    cluster = Cluster()
    text = (GUESTBOOK / "redis-leader-service.yaml").read_text()
    assert run(cluster, "create -f -", stdin=text) == "service/redis-leader created\n"
    err = fails(cluster, "create -f -", stdin=text)
    assert err.message == (
        'Error from server (AlreadyExists): error when creating "STDIN": services '
        '"redis-leader" already exists'
    )


def test_delete_from_a_directory() -> None:
    """delete -f: each object named by its file, in walk order, then NotFound per file."""
    cluster = Cluster()
    run(cluster, "apply -f application/guestbook", cwd=EXAMPLES)
    assert run(cluster, "delete -f application/guestbook", cwd=EXAMPLES) == (
        'deployment.apps "frontend" deleted from default namespace\n'
        'service "frontend" deleted from default namespace\n'
        'deployment.apps "redis-leader" deleted from default namespace\n'
        'service "redis-leader" deleted from default namespace\n'
    )
    err = fails(cluster, "delete -f application/guestbook/frontend-service.yaml")
    assert err.message == (
        'Error from server (NotFound): error when deleting "application/guestbook/'
        'frontend-service.yaml": services "frontend" not found'
    )
    assert run(cluster, "delete -f application/guestbook --ignore-not-found", cwd=EXAMPLES) == (
        "No resources found\n"
    )
