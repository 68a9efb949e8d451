"""``kubectl patch pod NAME --subresource=status``: a readiness gate's condition set as a
load balancer controller sets it, through every patch type, on pods of a ReplicaSet
and bare pods; what rollsim does not simulate is refused, an unserved subresource is
the server's 404 (pkg/cmd/patch ``RunPatch``; client-go ``NewGenericServerResponse``)."""

from __future__ import annotations

import pytest

import rollsim
from rollsim import KubectlError

GATE = "example.com/gate"
GATED = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      readinessGates: [{{conditionType: {GATE}}}]
      containers: [{{name: web, image: nginx}}]
"""
MERGE_TRUE = (
    f'--type=merge -p \'{{"status":{{"conditions":[{{"type":"{GATE}","status":"True"}}]}}}}\''
)


@pytest.fixture
def gated() -> tuple[rollsim.Cluster, str]:
    """A running Deployment pod whose readiness gate has no condition yet."""
    cluster = rollsim.Cluster(pods=rollsim.PodBehavior(startup=1))
    cluster.kubectl("apply -f -", stdin=GATED)
    cluster.run(5)
    (pod,) = cluster.list("pod")
    return cluster, pod.metadata.name


def _wide_row(cluster: rollsim.Cluster) -> list[str]:
    return cluster.kubectl("get pods -o wide").split("\n")[1].split()


def test_merge_patch_sets_the_gate_and_ready_follows(gated: tuple[rollsim.Cluster, str]) -> None:
    cluster, name = gated
    row = _wide_row(cluster)
    # The container is ready; the pod is not, until its gate is True.
    assert row[1:3] + row[-3:] == ["1/1", "Running", "node-1", "<none>", "0/1"]
    described = cluster.kubectl(f"describe pod {name}")
    assert f"Readiness Gates:\n  Type               Status\n  {GATE}   <none> \n" in described
    assert (
        "Conditions:\n  Type              Status\n  Initialized       True \n"
        "  Ready             False \n  ContainersReady   True \n  PodScheduled      True \n"
        "Volumes:"
    ) in described
    assert cluster.get("pod", name).status.conditions[1].reason == "ReadinessGatesNotReady"

    assert cluster.kubectl(f"patch pod {name} --subresource=status {MERGE_TRUE}") == (
        f"pod/{name} patched\n"
    )
    assert _wide_row(cluster)[-1] == "1/1"
    described = cluster.kubectl(f"describe pod {name}")
    assert f"Readiness Gates:\n  Type               Status\n  {GATE}   True \n" in described
    assert (
        "Conditions:\n  Type               Status\n  Initialized        True \n"
        "  Ready              True \n  ContainersReady    True \n  PodScheduled       True \n"
        f"  {GATE}   True \n"
    ) in described
    # The same condition again changes nothing, and kubectl says so.
    assert cluster.kubectl(f"patch pod {name} --subresource=status {MERGE_TRUE}") == (
        f"pod/{name} patched (no change)\n"
    )


def test_json_and_strategic_patches_set_the_gate(gated: tuple[rollsim.Cluster, str]) -> None:
    cluster, name = gated
    add = (
        '--type=json -p \'[{"op":"add","path":"/status/conditions/-",'
        f'"value":{{"type":"{GATE}","status":"True"}}}}]\''
    )
    assert cluster.kubectl(f"patch pod {name} --subresource=status {add}") == (
        f"pod/{name} patched\n"
    )
    assert cluster.get("pod", name).status.conditions[1].status == "True"
    # A strategic patch merges the conditions by type: the gate turns False, and the
    # kubelet's conditions stay.
    false = f'-p \'{{"status":{{"conditions":[{{"type":"{GATE}","status":"False"}}]}}}}\''
    assert cluster.kubectl(f"patch pod {name} --subresource=status {false}") == (
        f"pod/{name} patched\n"
    )
    assert _wide_row(cluster)[-1] == "0/1"
    ready = cluster.get("pod", name).status.conditions[1]
    assert (ready.type, ready.status) == ("Ready", "False")
    assert ready.message == f'the status of pod readiness gate "{GATE}" is not "True", but False.'


def test_a_bare_pod_gate_is_patched_too() -> None:
    cluster = rollsim.Cluster()
    cluster.kubectl(
        "apply -f -",
        stdin=f"""
apiVersion: v1
kind: Pod
metadata: {{name: bare}}
spec:
  readinessGates: [{{conditionType: {GATE}}}]
  containers: [{{name: web, image: nginx}}]
""",
    )
    cluster.run(1)
    assert cluster.kubectl("get pods -o wide").split("\n")[1].split()[-1] == "0/1"
    assert cluster.kubectl(f"patch pod bare --subresource=status {MERGE_TRUE}") == (
        "pod/bare patched\n"
    )
    assert cluster.kubectl("get pods -o wide").split("\n")[1].split()[-1] == "1/1"


def test_a_pod_without_gates_shows_none() -> None:
    cluster = rollsim.Cluster()
    cluster.kubectl("apply -f -", stdin="{apiVersion: v1, kind: Pod, metadata: {name: p},"
                    " spec: {containers: [{name: c, image: nginx}]}}")  # fmt: skip
    cluster.run(1)
    assert cluster.kubectl("get pods -o wide") == (
        "NAME   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   "
        "READINESS GATES\n"
        "p      1/1     Running   0          1s    10.244.0.3   node-1   <none>           <none>\n"
    )
    assert "Readiness Gates" not in cluster.kubectl("describe pod p")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            "--subresource=foo -p '{}'",
            "Error from server (NotFound): the server could not find the requested resource "
            "(get pods {name})",
        ),
        (
            "--subresource=scale -p '{}'",
            "Error from server (NotFound): the server could not find the requested resource "
            "(get pods {name})",
        ),
        (
            "--subresource=resize -p '{}'",
            "error: rollsim does not simulate `kubectl patch --subresource=resize` of pods",
        ),
        (
            '--subresource=status --type=merge -p \'{"status":{"phase":"Failed"}}\'',
            "error: rollsim does not simulate a pod status patch that changes status.phase: "
            "only conditions other than the kubelet's (as a readiness gate's controller "
            "writes them) are simulated",
        ),
        (
            "--subresource=status -p "
            '\'{"status":{"conditions":[{"type":"Ready","status":"True"}]}}\'',
            "error: rollsim does not simulate a pod status patch that changes the Ready "
            "condition, which the kubelet sets: only conditions other than the kubelet's (as "
            "a readiness gate's controller writes them) are simulated",
        ),
        (
            '--subresource=status -p \'{"status":{"conditions":[{"type":"example.com/gate",'
            '"status":"True","reason":"Registered"}]}}\'',
            "error: rollsim does not simulate a pod status patch that sets the reason of "
            "condition example.com/gate: only conditions other than the kubelet's (as a "
            "readiness gate's controller writes them) are simulated",
        ),
        (
            "--subresource=status --type=yaml -p '{}'",
            'error: --type must be one of [json merge strategic], not "yaml"',
        ),
        (
            "--subresource=status",
            "error: must specify --patch or --patch-file containing the contents of the patch",
        ),
    ],
)
def test_what_is_refused(gated: tuple[rollsim.Cluster, str], flags: str, message: str) -> None:
    cluster, name = gated
    with pytest.raises(KubectlError) as raised:
        cluster.kubectl(f"patch pod {name} {flags}")
    assert str(raised.value) == message.format(name=name)
    assert _wide_row(cluster)[-1] == "0/1"


def test_a_condition_that_is_no_gate_is_stored(gated: tuple[rollsim.Cluster, str]) -> None:
    cluster, name = gated
    patch = '\'{"status":{"conditions":[{"type":"example.com/other","status":"True"}]}}\''
    assert cluster.kubectl(f"patch pod {name} --subresource=status -p {patch}") == (
        f"pod/{name} patched\n"
    )
    pod = cluster.get("pod", name)
    assert [c.type for c in pod.status.conditions][-1] == "example.com/other"
    assert _wide_row(cluster)[-1] == "0/1"  # the gate still holds Ready


def test_other_kinds_and_missing_pods(gated: tuple[rollsim.Cluster, str]) -> None:
    cluster, _ = gated
    with pytest.raises(KubectlError) as raised:
        cluster.kubectl("patch pod nope --subresource=status -p '{}'")
    assert str(raised.value) == 'Error from server (NotFound): pods "nope" not found'
    with pytest.raises(KubectlError) as raised:
        cluster.kubectl('patch deployment web --subresource=scale -p \'{"spec":{"replicas":2}}\'')
    assert str(raised.value) == (
        "error: rollsim does not simulate `kubectl patch --subresource=scale` of deployments"
    )
    with pytest.raises(KubectlError) as raised:
        cluster.kubectl("patch deployment web --subresource=log -p '{}'")
    assert str(raised.value) == (
        "Error from server (NotFound): the server could not find the requested resource "
        "(get deployments.apps web)"
    )
