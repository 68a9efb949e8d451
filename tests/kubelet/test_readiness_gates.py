"""Readiness gates: a pod is Ready once its containers are and every gate's condition
is True (pkg/kubelet/status/generate.go ``GeneratePodReadyCondition``); conditions are
written to the pod's status as a load balancer controller writes them, validated as
``validatePodConditions`` does."""

from __future__ import annotations

import pytest

import rollsim

GATE = "target-health.elbv2.k8s.aws/web"


def gated() -> tuple[rollsim.Cluster, str]:
    c = rollsim.Cluster()
    c.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "readinessGates": [{"conditionType": GATE}],
                        "containers": [{"name": "web", "image": "nginx:1.27"}],
                    },
                },
            },
        }
    )
    c.run(until=5.0)
    return c, c.list("pod")[0].metadata.name


def ready(pod: rollsim.Pod) -> tuple[str, str, str]:
    [cond] = [x for x in pod.status.conditions if x.type == "Ready"]
    return cond.status, cond.reason, cond.message


def test_a_gate_holds_ready_until_its_condition_is_true() -> None:
    c, name = gated()
    assert ready(c.get("pod", name)) == (
        "False",
        "ReadinessGatesNotReady",
        f'corresponding condition of pod readiness gate "{GATE}" does not exist.',
    )
    assert c.get("deployment", "web").status.available_replicas == 0
    # Any status text is stored; only "True" satisfies the gate.
    c.set_pod_condition(name, GATE, "Pending")
    assert ready(c.get("pod", name))[2] == (
        f'the status of pod readiness gate "{GATE}" is not "True", but Pending.'
    )
    c.set_pod_condition(name, GATE)
    c.run(until=6.0)
    assert ready(c.get("pod", name)) == ("True", "", "")
    assert c.get("deployment", "web").status.available_replicas == 1
    assert [x.type for x in c.get("pod", name).status.conditions][-1] == GATE


def test_condition_types_are_qualified_names_and_the_kubelets_are_its_own() -> None:
    c, name = gated()
    with pytest.raises(rollsim.ValidationError) as raised:
        c.set_pod_condition(name, "no spaces allowed")
    assert 'status.conditions[4].Type: Invalid value: "no spaces allowed"' in str(raised.value)
    with pytest.raises(rollsim.InvalidOperation):
        c.set_pod_condition(name, "Ready")
    with pytest.raises(rollsim.NotFoundError):
        c.set_pod_condition("nope", GATE)
