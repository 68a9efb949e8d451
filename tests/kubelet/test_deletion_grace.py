"""A deletion's own grace period: ``kubectl delete --grace-period``, ``--now`` and
``--force``, as kubectl's ``DeleteOptions.Complete``/``Validate`` settle them and the
kubelet then stops the pod (pkg/kubectl/cmd/delete/delete.go)."""

from __future__ import annotations

import pytest

import rollsim

IMMEDIATE = (
    "Warning: Immediate deletion does not wait for confirmation that the running "
    "resource has been terminated. The resource may continue to run on the cluster "
    "indefinitely.\n"
)


def cluster() -> rollsim.Cluster:
    """Bare pod ``web`` running since 0; its application drains for 100 s on SIGTERM."""
    c = rollsim.Cluster(pods=rollsim.PodBehavior(shutdown=100.0))
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        }
    )
    c.run(until=5.0)
    return c


def test_grace_period_zero_with_force_deletes_at_once() -> None:
    c = cluster()
    warnings: list[str] = []
    out = c.kubectl("delete pod web --grace-period=0 --force", stderr=warnings.append)
    assert out == 'pod "web" force deleted from default namespace\n'
    assert warnings == [IMMEDIATE]
    assert c.now == 5.0 and c.list("pod") == []


def test_force_alone_is_a_grace_period_of_zero() -> None:
    c = cluster()
    warnings: list[str] = []
    assert c.kubectl("delete pod web --force", stderr=warnings.append).startswith(
        'pod "web" force deleted'
    )
    assert warnings == [IMMEDIATE]


@pytest.mark.parametrize(
    ("flags", "grace"),
    [
        ("--grace-period=3", 3),  # SIGKILL 3 s after: the 100 s drain is cut
        ("--now", 1),
        ("--grace-period=0", 1),  # without --force kubectl makes it 1
    ],
)
def test_a_grace_period_replaces_the_pods_own(flags: str, grace: int) -> None:
    c = cluster()
    c.kubectl(f"delete pod web {flags} --wait=false")
    assert c.get("pod", "web").metadata.deletion_timestamp == 5.0 + grace
    # killContainer keeps at least 2 s between SIGTERM and SIGKILL.
    gone = 5.0 + max(grace, 2)
    c.run(until=gone - 0.001)
    assert c.list("pod")
    c.run(until=gone)
    assert c.list("pod") == []


def test_force_with_a_grace_period_is_ignored() -> None:
    c = cluster()
    warnings: list[str] = []
    c.kubectl("delete pod web --grace-period=3 --force --wait=false", stderr=warnings.append)
    assert warnings == ["Warning: --force is ignored because --grace-period is not 0.\n"]
    assert c.get("pod", "web").metadata.deletion_timestamp == 8.0


def test_now_and_a_grace_period_together_are_refused() -> None:
    c = cluster()
    with pytest.raises(rollsim.KubectlError) as raised:
        c.kubectl("delete pod web --now --grace-period=3")
    assert raised.value.message == "error: --now and --grace-period cannot be specified together"
    assert c.get("pod", "web").metadata.deletion_timestamp is None


def test_cluster_delete_takes_a_grace_period() -> None:
    c = cluster()
    with pytest.raises(rollsim.ValidationError):
        c.delete("pod", "web", grace_period=-1)
    c.delete("pod", "web", grace_period=10)
    assert c.get("pod", "web").metadata.deletion_timestamp == 15.0
